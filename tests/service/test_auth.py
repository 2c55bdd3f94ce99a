"""Signing in, sessions, CSRF, tokens and the brake on guessing, on both databases."""

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gis import accounts
from gis.errors import Forbidden
from gis.models import LoginFailure, RecordChange, User
from service.main import create_app
from service.settings import AuthSettings
from tests.conftest import TEST_PASSWORD, settings_for
from tests.service.test_signin_concurrency import CountingHasher

PATCH = {"type": "Feature", "properties": {"remarks": "改一下"}}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name, password=TEST_PASSWORD, next_="/"):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token, "next": next_},
        follow_redirects=False,
    )


def test_the_login_page_signs_in_with_a_session_cookie(sample_app):
    name = sample_app.user("leader")
    client = sample_app.client

    page = client.get("/login")
    response = sign_in(client, name, next_="/api/auth/me")

    assert page.status_code == 200 and "登录" in page.text and 'type="password"' in page.text
    assert response.status_code == 303 and response.headers["location"] == "/api/auth/me"
    cookie = response.headers["set-cookie"].lower()
    assert "landstock_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    me = client.get("/api/auth/me").json()
    assert me["name"] == name and me["role"] == "leader" and me["role_label"] == "领导"


def test_a_wrong_password_shows_the_form_again_with_a_reason(sample_app):
    name = sample_app.user("leader")

    response = sign_in(sample_app.client, name, password="wrong-password-1")

    assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert sample_app.client.get("/api/auth/me").status_code == 401


def test_the_login_form_needs_its_csrf_token(sample_app):
    name = sample_app.user("leader")

    response = sample_app.client.post("/login", data={"name": name, "password": TEST_PASSWORD})

    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_redirects_after_login_stay_on_this_site(sample_app):
    name = sample_app.user("leader")

    response = sign_in(sample_app.client, name, next_="https://evil.example/")

    assert response.headers["location"] == "/supply"  # not there: the leader's start page


def test_cookie_changes_need_the_csrf_header(sample_app):
    name = sample_app.user("park_manager", "P01")
    client = sample_app.client
    sign_in(client, name)
    etag = client.get("/api/parcels/KFQ-001").headers["etag"]

    refused = client.patch("/api/parcels/KFQ-001", json=PATCH, headers={"If-Match": etag})
    token = csrf_of(client.get("/login").text)
    accepted = client.patch(
        "/api/parcels/KFQ-001", json=PATCH, headers={"If-Match": etag, "X-CSRF-Token": token}
    )

    assert refused.status_code == 403 and refused.json()["type"].endswith("error.csrf")
    assert accepted.status_code == 200


def test_logout_ends_the_session(sample_app):
    client = sample_app.client
    sign_in(client, sample_app.user("leader"))
    token = csrf_of(client.get("/login").text)

    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)

    assert client.get("/api/auth/me").status_code == 401


def test_tokens_for_scripts_and_their_revocation(sample_app):
    name = sample_app.user("investment")
    client = sample_app.client

    issued = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD, "label": "脚本"})
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    me = client.get("/api/auth/me", headers=headers)
    revoked = client.delete("/api/auth/token", headers=headers)
    after = client.get("/api/auth/me", headers=headers)

    assert issued.status_code == 200 and issued.json()["token_type"] == "Bearer"
    assert me.json()["name"] == name
    assert revoked.status_code == 204
    assert after.status_code == 401 and after.headers["www-authenticate"].startswith("Bearer")


def test_repeated_failures_are_slowed_down_even_for_the_right_password(sample_app):
    name = sample_app.user("admin")
    client = sample_app.client

    failures = [
        client.post("/api/auth/token", json={"name": name, "password": f"guess-{i}-xxxx"}) for i in range(5)
    ]
    blocked = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD})

    assert [f.status_code for f in failures] == [401] * 5
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "分钟" in blocked.json()["detail"]


def test_a_paused_sign_in_shows_the_form_again_with_when_to_retry(sample_app):
    name = sample_app.user("leader")
    for i in range(5):
        sign_in(sample_app.client, name, password=f"guess-{i}-xxxx")

    paused = sign_in(sample_app.client, name)

    assert paused.status_code == 429 and int(paused.headers["retry-after"]) > 0
    assert 'type="password"' in paused.text and "分钟后再试" in paused.text


def test_a_new_password_ends_tokens_and_sessions_and_disabled_users_cannot_sign_in(sample_app):
    admin = sample_app.headers("admin")
    name = sample_app.user("leader")
    client = sample_app.client
    token = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD}).json()["token"]

    client.patch(f"/api/users/{name}", json={"password": "another-secret-1"}, headers=admin)
    old_token = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    client.patch(f"/api/users/{name}", json={"active": False}, headers=admin)
    disabled = client.post("/api/auth/token", json={"name": name, "password": "another-secret-1"})

    assert old_token.status_code == 401
    assert disabled.status_code == 401


def test_user_administration_is_for_admins(sample_app):
    admin, leader = sample_app.headers("admin"), sample_app.headers("leader")
    client = sample_app.client
    body = {"name": "newmanager", "role": "park_manager", "password": "long-enough-pw", "areas": ["P02"]}

    assert client.get("/api/users", headers=leader).status_code == 403
    assert client.get("/api/users").status_code == 401
    created = client.post("/api/users", json=body, headers=admin)
    listed = client.get("/api/users", headers=admin).json()

    assert created.status_code == 201 and created.json()["areas"] == ["P02"]
    assert "password_hash" not in created.text
    assert any(u["name"] == "newmanager" for u in listed)
    assert client.post("/api/users", json=body, headers=admin).status_code == 422  # taken
    assert (
        client.post("/api/users", json={**body, "name": "x", "password": "short"}, headers=admin).status_code
        == 422
    )
    assert (
        client.post("/api/users", json={**body, "name": "y", "areas": ["P99"]}, headers=admin).status_code
        == 422
    )


def test_the_last_admin_stays_an_admin(sample_app):
    client = sample_app.client
    name = sample_app.user("admin")
    token = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD}).json()["token"]

    response = client.patch(
        f"/api/users/{name}", json={"role": "leader"}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 422 and "管理员" in response.json()["detail"]


# -- server-side sessions and revocation ---------------------------------------------------------


def other_client(sample_app, **kwargs):
    """A second browser on the same running app (its own cookie jar)."""
    return TestClient(sample_app.client.app, **kwargs)


def with_cookie(sample_app, cookie: str):
    client = other_client(sample_app)
    client.cookies.set("landstock_session", cookie)
    return client


def test_a_cookie_copied_before_logout_is_refused_after(sample_app):
    client = sample_app.client
    sign_in(client, sample_app.user("leader"))
    copied = client.cookies["landstock_session"]
    assert with_cookie(sample_app, copied).get("/api/auth/me").status_code == 200

    client.post("/logout", data={"csrf_token": csrf_of(client.get("/login").text)}, follow_redirects=False)

    assert with_cookie(sample_app, copied).get("/api/auth/me").status_code == 401


def test_disabling_then_enabling_brings_no_old_token_or_cookie_back(sample_app):
    admin = sample_app.headers("admin")
    name = sample_app.user("leader")
    client = sample_app.client
    token = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD}).json()["token"]
    sign_in(client, name)
    cookie = client.cookies["landstock_session"]

    client.patch(f"/api/users/{name}", json={"active": False}, headers=admin)
    client.patch(f"/api/users/{name}", json={"active": True}, headers=admin)

    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert with_cookie(sample_app, cookie).get("/api/auth/me").status_code == 401
    fresh = other_client(sample_app)
    assert sign_in(fresh, name).status_code == 303
    assert fresh.get("/api/auth/me").json()["name"] == name


def test_a_new_password_ends_every_other_session(sample_app):
    admin = sample_app.headers("admin")
    name = sample_app.user("leader")
    office, home = other_client(sample_app), other_client(sample_app)
    sign_in(office, name)
    sign_in(home, name)

    changed = sample_app.client.patch(
        f"/api/users/{name}", json={"password": "another-secret-1"}, headers=admin
    )

    assert changed.status_code == 200
    assert office.get("/api/auth/me").status_code == 401
    assert home.get("/api/auth/me").status_code == 401
    assert sign_in(office, name, password="another-secret-1").status_code == 303


# -- no enumeration by timing; devices and addresses ---------------------------------------------


def test_an_unknown_or_disabled_name_still_costs_one_password_verification(sample_app, monkeypatch):
    admin = sample_app.headers("admin")
    disabled = sample_app.user("leader")
    sample_app.client.patch(f"/api/users/{disabled}", json={"active": False}, headers=admin)
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "HASHER", hasher)

    calls = []
    for name in ("nobody-by-this-name", disabled, sample_app.user("leader")):
        before = hasher.calls
        response = sample_app.client.post(
            "/api/auth/token", json={"name": name, "password": "wrong-password-1"}
        )
        calls.append((response.status_code, hasher.calls - before))

    assert calls == [(401, 1), (401, 1), (401, 1)]


def test_a_trusted_device_signs_in_where_the_address_is_locked(sample_app):
    name = sample_app.user("leader")
    device = other_client(sample_app)
    assert sign_in(device, name).status_code == 303 and device.cookies.get("landstock_device")
    device.post("/logout", data={"csrf_token": csrf_of(device.get("/login").text)})
    guesser = other_client(sample_app)

    guesses = [
        guesser.post("/api/auth/token", json={"name": n, "password": "wrong-password-1"}).status_code
        for n in [name] * 5 + [f"someone-{i}" for i in range(15)]
    ]
    untrusted = other_client(sample_app).post(
        "/api/auth/token", json={"name": name, "password": TEST_PASSWORD}
    )
    trusted = sign_in(device, name)

    assert guesses == [401] * 20
    assert untrusted.status_code == 429 and int(untrusted.headers["retry-after"]) > 0
    assert trusted.status_code == 303 and device.get("/api/auth/me").json()["name"] == name


def test_a_device_cookie_counts_its_own_failures_and_only_for_its_name(sample_app):
    name, other = sample_app.user("leader"), sample_app.user("leader")
    device = other_client(sample_app)
    sign_in(device, name)

    own = [
        device.post("/api/auth/token", json={"name": name, "password": "wrong-password-1"}).status_code
        for _ in range(6)
    ]
    elsewhere = other_client(sample_app).post(
        "/api/auth/token", json={"name": name, "password": TEST_PASSWORD}
    )
    for_another_name = device.post("/api/auth/token", json={"name": other, "password": TEST_PASSWORD})
    forged = other_client(sample_app)
    forged.cookies.set("landstock_device", device.cookies["landstock_device"][:-4] + "AAAA")

    assert own == [401] * 5 + [429]
    assert elsewhere.status_code == 200  # the device's failures do not lock its owner out elsewhere
    assert for_another_name.status_code == 200
    assert (
        forged.post("/api/auth/token", json={"name": name, "password": "wrong-password-1"}).status_code == 401
    )


def proxied_app(sample_app, peer: str) -> TestClient:
    settings = settings_for(sample_app.url)
    settings = dataclasses.replace(settings, auth=AuthSettings(trusted_proxies=["10.0.0.1", "10.8.0.0/16"]))
    return TestClient(create_app(settings), client=(peer, 40000))


def recorded_addresses(sample_app, name: str) -> list[str]:
    with sample_app.db.read() as session:
        return list(session.scalars(select(LoginFailure.address).where(LoginFailure.name == name)))


def wrong_password(client, name, forwarded_for):
    """A token request for `name` with a wrong password, its X-Forwarded-For saying `forwarded_for`."""
    return client.post(
        "/api/auth/token",
        json={"name": name, "password": "wrong-password-1"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_x_forwarded_for_is_believed_from_a_trusted_proxy_only(sample_app):
    with proxied_app(sample_app, "10.0.0.1") as proxy, proxied_app(sample_app, "192.0.2.50") as direct:
        # the left part is whatever the client sent; the right part was added by our proxies
        spoofed = "203.0.113.9, 198.51.100.7, 10.8.0.3"
        wrong_password(proxy, "via-proxy", spoofed)
        wrong_password(direct, "direct", "198.51.100.7")
        locked = [wrong_password(proxy, f"n{i}", "198.51.100.8").status_code for i in range(21)]
        neighbour = wrong_password(proxy, "n0", "198.51.100.9")
        rotating = [wrong_password(direct, f"m{i}", f"198.51.100.{i}").status_code for i in range(20)]

    assert recorded_addresses(sample_app, "via-proxy") == ["198.51.100.7"]
    assert recorded_addresses(sample_app, "direct") == ["192.0.2.50"]
    assert locked == [401] * 20 + [429]
    assert neighbour.status_code == 401
    assert rotating == [401] * 19 + [429]  # one address for all: the header is ignored


# -- accounts through one gateway ---------------------------------------------------------------


def test_every_account_change_is_in_its_history_without_the_hash(sample_app):
    admin = sample_app.headers("admin")
    client = sample_app.client
    body = {"name": "hist-user", "role": "park_manager", "password": "long-enough-pw", "areas": ["P02"]}
    client.post("/api/users", json=body, headers=admin)
    client.patch(
        "/api/users/hist-user", json={"areas": ["P01", "P02"], "display_name": "顾科长"}, headers=admin
    )
    client.patch("/api/users/hist-user", json={"password": "another-secret-1"}, headers=admin)
    token = client.post(
        "/api/auth/token", json={"name": "hist-user", "password": "another-secret-1", "label": "脚本"}
    ).json()["token"]
    client.delete("/api/auth/token", headers={"Authorization": f"Bearer {token}"})
    client.patch("/api/users/hist-user", json={"active": False}, headers=admin)

    response = client.get("/api/users/hist-user/history", headers=admin)
    entries = response.json()["entries"]

    assert response.status_code == 200
    assert [e["action"] for e in entries] == ["create"] + ["update"] * 5
    assert [e["version"] for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0]["changes"]["role"] == [None, "park_manager"]
    assert entries[0]["changes"]["areas"] == [None, ["P02"]]
    assert entries[1]["changes"] == {"areas": [["P02"], ["P01", "P02"]], "display_name": [None, "顾科长"]}
    assert entries[2]["changes"] == {"password": ["******", "******"]}
    assert entries[3]["changes"] == {"token": [None, "脚本"]} and entries[3]["actor"] == "hist-user"
    assert entries[4]["changes"] == {"token": ["脚本", None]}
    assert entries[5]["changes"] == {"active": [True, False]}
    assert entries[1]["actor"].startswith("admin_")
    assert "argon2" not in response.text
    assert client.get("/api/users/hist-user/history", headers=sample_app.headers("leader")).status_code == 403
    assert client.get("/api/users/nobody/history", headers=admin).status_code == 404


def test_the_gateway_itself_refuses_non_administrators(sample_app):
    leader = sample_app.user("leader")
    with sample_app.db.read() as session:
        who = accounts.principal(accounts.get_user(session, leader))

    with pytest.raises(Forbidden), sample_app.db.write() as session:
        accounts.create_user(session, who, "sneaky", "admin", "long-enough-pw")
    with pytest.raises(Forbidden), sample_app.db.write() as session:
        accounts.update_user(session, who, leader, role="admin")
    with pytest.raises(Forbidden), sample_app.db.write() as session:
        other = accounts.get_user(session, sample_app.user("investment"))
        accounts.issue_token(session, who, other, "not mine", None)

    with sample_app.db.read() as session:
        assert accounts.get_user(session, leader).role == "leader"
        assert session.scalar(select(User).where(User.name == "sneaky")) is None
        changes = session.scalar(
            select(func.count())
            .select_from(RecordChange)
            .where(RecordChange.user_id.is_not(None), RecordChange.action == "update")
        )
    assert changes == 0
    refused = sample_app.client.patch(
        f"/api/users/{leader}", json={"role": "admin"}, headers=sample_app.headers("park_manager", "P01")
    )
    assert refused.status_code == 403

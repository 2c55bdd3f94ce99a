"""Signing in, sessions, CSRF, tokens and the brake on guessing, on both databases."""

import re

from tests.conftest import TEST_PASSWORD

PATCH = {"type": "Feature", "properties": {"remarks": "改一下"}}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name, password=TEST_PASSWORD, next_="/"):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token,
                                       "next": next_}, follow_redirects=False)


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

    assert response.headers["location"] == "/"


def test_cookie_changes_need_the_csrf_header(sample_app):
    name = sample_app.user("park_manager", "P01")
    client = sample_app.client
    sign_in(client, name)
    etag = client.get("/api/parcels/KFQ-001").headers["etag"]

    refused = client.patch("/api/parcels/KFQ-001", json=PATCH, headers={"If-Match": etag})
    token = csrf_of(client.get("/login").text)
    accepted = client.patch("/api/parcels/KFQ-001", json=PATCH, headers={"If-Match": etag, "X-CSRF-Token": token})

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

    failures = [client.post("/api/auth/token", json={"name": name, "password": f"guess-{i}-xxxx"})
                for i in range(5)]
    blocked = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD})

    assert [f.status_code for f in failures] == [401] * 5
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "分钟" in blocked.json()["detail"]


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
    assert client.post("/api/users", json={**body, "name": "x", "password": "short"}, headers=admin).status_code == 422
    assert client.post("/api/users", json={**body, "name": "y", "areas": ["P99"]}, headers=admin).status_code == 422


def test_the_last_admin_stays_an_admin(sample_app):
    client = sample_app.client
    name = sample_app.user("admin")
    token = client.post("/api/auth/token", json={"name": name, "password": TEST_PASSWORD}).json()["token"]

    response = client.patch(f"/api/users/{name}", json={"role": "leader"},
                            headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 422 and "管理员" in response.json()["detail"]

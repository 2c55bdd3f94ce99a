"""Proposal pages (推介页), on both databases: published from a project's shortlist, the page an
investor opens shows the sites' public facts, map and photos and nothing of the project (a planted
name, investor, amount, contact, note, remark) or of the sites' private fields; an unknown, revoked
or expired link answers one identical 404; the password form and its brake on guessing; each
opening recorded and listed to the project's readers only; who may publish and revoke; every
refusal writes nothing."""

import re

from sqlalchemy import func, select

from gis.models import Proposal, ProposalOpen, RateEvent
from tests.conftest import TEST_PASSWORD
from tests.photos import pdf, phone_jpeg

PROBLEM = "application/problem+json"
PROJECT = {
    "code": "XM-PROP-001",
    "name": "推介测试机密项目",
    "investor": "推介测试机密投资有限公司",
    "industry_code": "39",
    "investment_total_wan": 98765,
    "contact": "推介联系人标记 13900009999",
    "remarks": "推介备注标记",
    "preferred_areas": ["P04"],
}
FOLLOW_UP = "推介跟踪标记：董事会已同意"
SITE_REMARK = "地块备注标记甲"
SITE_CONTACT = "地块联系人标记甲"
DOCUMENT = "权证标记甲.pdf"
PHOTO = "现场照片标记.jpg"
MARKERS = (
    PROJECT["code"],
    PROJECT["name"],
    PROJECT["investor"],
    "98765",
    "98,765",
    PROJECT["contact"],
    PROJECT["remarks"],
    FOLLOW_UP,
    SITE_REMARK,
    SITE_CONTACT,
    DOCUMENT,
    PHOTO,
)


def _ok(response):
    assert response.status_code in (200, 201), response.text
    return response


def _first(client, plural, park, status, count):
    found = client.get(f"/api/{plural}", params={"park": park, "status": status, "limit": count}).json()
    return [f["id"] for f in found["features"]]


def plant(app, staff):
    """A project with private facts, a follow-up and a shortlist of two parcels and a factory; the
    first parcel has a contact, a remark, a photo and a document. Returns the sites' codes."""
    client = app.client
    _ok(client.post("/api/projects", headers=staff, json=PROJECT))
    _ok(
        client.post(
            f"/api/projects/{PROJECT['code']}/follow-ups",
            headers=staff,
            json={"day": "2025-02-01", "kind": "visit", "outcome": FOLLOW_UP},
        )
    )
    parcels = _first(client, "parcels", "P04", "available", 2)
    factory = _first(client, "factories", "P04", "vacant", 1)
    admin = app.headers("admin")
    etag = client.get(f"/api/parcels/{parcels[0]}").headers["etag"]
    _ok(
        client.patch(
            f"/api/parcels/{parcels[0]}",
            json={"properties": {"remarks": SITE_REMARK, "contact": SITE_CONTACT}},
            headers={**admin, "If-Match": etag},
        )
    )
    files = [("files", (PHOTO, phone_jpeg(), "image/jpeg")), ("files", (DOCUMENT, pdf(), "application/pdf"))]
    attached = _ok(client.post(f"/api/parcels/{parcels[0]}/attachments", headers=admin, files=files)).json()
    picks = [{"code": c, "score": 80 - n} for n, c in enumerate([*parcels, *factory])]
    _ok(client.post(f"/api/projects/{PROJECT['code']}/shortlist", headers=staff, json={"sites": picks}))
    return {"sites": [*parcels, *factory], "photo": attached[0]["id"], "document": attached[1]["id"]}


def publish(app, staff, **body):
    answer = app.client.post(
        f"/api/projects/{PROJECT['code']}/proposals", headers=staff, json={"title": "启东推荐选址", **body}
    )
    return answer


def token_of(answer):
    return answer.json()["url"].rsplit("/", 1)[1]


def test_the_page_shows_public_facts_map_and_photos_and_nothing_private(sample_app):
    staff = sample_app.headers("investment")
    planted = plant(sample_app, staff)
    published = publish(sample_app, staff, title="致某投资方：启东推荐选址")
    token = token_of(published)
    anonymous = sample_app.client
    anonymous.cookies.clear()

    page = anonymous.get(f"/p/{token}")
    body = page.text
    thumbnail = anonymous.get(f"/p/{token}/photos/{planted['photo']}/thumbnail")
    document = anonymous.get(f"/p/{token}/photos/{planted['document']}")
    elsewhere = anonymous.get(f"/p/{token}/photos/{planted['photo'] + 1000}")

    assert published.status_code == 201 and published.json()["sites"] == planted["sites"]
    assert page.status_code == 200
    assert page.headers["x-robots-tag"].startswith("noindex")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "private, no-store"
    assert '<meta name="robots" content="noindex' in body
    assert "致某投资方：启东推荐选址" in body
    assert all(code in body for code in planted["sites"])
    assert "亩" in body and "平方米" in body and "容积率" in body and "所在园区" in body
    assert "folium-map" in body or "leaflet" in body.lower()
    assert f"/p/{token}/photos/{planted['photo']}/thumbnail" in body
    assert [m for m in MARKERS if m in body] == []
    assert "sign-in" not in body and "/login" not in body
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert PHOTO not in thumbnail.headers["content-disposition"]
    assert thumbnail.headers["cache-control"] == "private, no-store"
    assert document.status_code == 404 and elsewhere.status_code == 404


def test_an_english_page_reads_in_english(sample_app):
    staff = sample_app.headers("investment")
    plant(sample_app, staff)
    token = token_of(publish(sample_app, staff, title="Sites in Qidong", language="en"))

    body = sample_app.client.get(f"/p/{token}").text

    assert '<html lang="en">' in body
    assert "Land parcel" in body and "mu (" in body and "Plot ratio" in body
    assert "用地性质" not in body and "所在园区" not in body


def test_unknown_revoked_and_expired_links_answer_one_identical_404(sample_app):
    staff = sample_app.headers("investment")
    plant(sample_app, staff)
    revoked, expired, living = (token_of(publish(sample_app, staff)) for _ in range(3))
    rows = sample_app.client.get(f"/api/projects/{PROJECT['code']}/proposals", headers=staff).json()
    ids = {r["id"] for r in rows}
    first, second = sorted(ids)[:2]
    _ok(sample_app.client.post(f"/api/projects/{PROJECT['code']}/proposals/{first}/revoke", headers=staff))
    _ok(
        sample_app.client.post(
            f"/api/projects/{PROJECT['code']}/proposals/{second}/expiry", headers=staff, json={"days": 0}
        )
    )
    client = sample_app.client
    client.cookies.clear()

    answers = [client.get(f"/p/{t}") for t in (revoked, expired, living[:-2] + "xy", "nothing-here")]

    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert all(a.headers["cache-control"] == "private, no-store" for a in answers)
    assert client.get(f"/p/{living}").status_code == 200
    with sample_app.db.read() as session:
        stored = set(session.scalars(select(Proposal.token_hash)))
    assert not {revoked, expired, living} & stored  # only digests


def _form_csrf(text):
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def test_a_password_asks_first_counts_wrong_guesses_and_its_cookie_opens_that_proposal(sample_app):
    staff = sample_app.headers("investment")
    planted = plant(sample_app, staff)
    short = publish(sample_app, staff, password="short")
    token = token_of(publish(sample_app, staff, password="open-sesame-2026"))
    other = token_of(publish(sample_app, staff, password="another-secret-99"))
    client = sample_app.client
    client.cookies.clear()

    form = client.get(f"/p/{token}")
    csrf = _form_csrf(form.text)
    wrong = client.post(f"/p/{token}", data={"password": "guess-guess", "csrf_token": csrf})
    no_csrf = client.post(f"/p/{token}", data={"password": "open-sesame-2026"})
    right = client.post(
        f"/p/{token}", data={"password": "open-sesame-2026", "csrf_token": csrf}, follow_redirects=False
    )
    page = client.get(f"/p/{token}")
    photo = client.get(f"/p/{token}/photos/{planted['photo']}")
    still_locked = client.get(f"/p/{other}")

    assert short.status_code in (400, 422) and short.headers["content-type"] == PROBLEM
    assert form.status_code == 200 and 'id="proposal-password"' in form.text
    assert not any(code in form.text for code in planted["sites"])
    assert wrong.status_code == 401 and "密码不正确" in wrong.text
    assert not any(code in wrong.text for code in planted["sites"])
    assert no_csrf.status_code == 403
    assert right.status_code == 303 and right.headers["set-cookie"].count(f"Path=/p/{token}") == 1
    assert page.status_code == 200 and all(code in page.text for code in planted["sites"])
    assert photo.status_code == 200
    assert 'id="proposal-password"' in still_locked.text


def test_wrong_passwords_are_paused_like_sign_ins(sample_app):
    staff = sample_app.headers("investment")
    plant(sample_app, staff)
    token = token_of(publish(sample_app, staff, password="open-sesame-2026"))
    client = sample_app.client
    client.cookies.clear()
    csrf = _form_csrf(client.get(f"/p/{token}").text)

    wrong = [
        client.post(f"/p/{token}", data={"password": f"guess-{n}", "csrf_token": csrf}) for n in range(5)
    ]
    paused = client.post(
        f"/p/{token}", data={"password": "open-sesame-2026", "csrf_token": csrf}, follow_redirects=False
    )

    assert [w.status_code for w in wrong] == [401] * 5
    assert paused.status_code == 429 and int(paused.headers["retry-after"]) > 0
    assert "分钟后再试" in paused.text
    with sample_app.db.read() as session:
        assert session.scalar(select(func.count()).select_from(RateEvent)) >= 5


def test_openings_are_recorded_and_listed_to_the_projects_readers_only(sample_app):
    staff = sample_app.headers("investment")
    plant(sample_app, staff)
    token = token_of(publish(sample_app, staff))
    client = sample_app.client
    client.cookies.clear()
    client.get(f"/p/{token}", headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger/8.0"})
    client.get(f"/p/{token}", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0)"})
    url = f"/api/projects/{PROJECT['code']}/proposals"

    listed = client.get(url, headers=staff).json()
    leader = client.get(url, headers=sample_app.headers("leader"))
    outsider = client.get(url, headers=sample_app.headers("park_manager", "P02"))
    anonymous = client.get(url)

    assert [(r["opens"], r["state"]) for r in listed] == [(2, "active")]
    assert listed[0]["last_opened_at"] is not None and "url" not in listed[0]
    assert leader.status_code == 200 and leader.json()[0]["opens"] == 2
    assert outsider.status_code == 404
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    with sample_app.db.read() as session:
        clients = sorted(session.scalars(select(ProposalOpen.client)))
    assert clients == ["computer", "wechat"]


def test_who_may_publish_and_revoke_and_refusals_write_nothing(sample_app):
    staff = sample_app.headers("investment")
    planted = plant(sample_app, staff)
    client = sample_app.client
    url = f"/api/projects/{PROJECT['code']}/proposals"

    refused = {
        "leader": publish(sample_app, sample_app.headers("leader")).status_code,
        "park_manager": publish(sample_app, sample_app.headers("park_manager", "P04")).status_code,
        "anonymous": client.post(url, json={"title": "x"}).status_code,
        "blank title": publish(sample_app, staff, title="  ").status_code,
        "hidden character": publish(sample_app, staff, title="启东\x00推荐").status_code,
        "not shortlisted": publish(sample_app, staff, sites=["NO-SUCH-SITE"]).status_code,
        "days": publish(sample_app, staff, days=0).status_code,
        "unknown project": client.post(
            "/api/projects/XM-NONE/proposals", headers=staff, json={"title": "x"}
        ).status_code,
    }
    history_before = client.get(f"/api/projects/{PROJECT['code']}/history", headers=staff).json()["entries"]
    chosen = publish(sample_app, staff, sites=[planted["sites"][2], planted["sites"][0]])
    proposal = chosen.json()["id"]
    leader_revoke = client.post(f"{url}/{proposal}/revoke", headers=sample_app.headers("leader"))
    revoked = client.post(f"{url}/{proposal}/revoke", headers=staff)
    again = client.post(f"{url}/{proposal}/revoke", headers=staff)
    history = client.get(f"/api/projects/{PROJECT['code']}/history", headers=staff).json()["entries"]

    assert refused == {
        "leader": 403,
        "park_manager": 403,
        "anonymous": 401,
        "blank title": refused["blank title"],
        "hidden character": refused["blank title"],
        "not shortlisted": refused["not shortlisted"],
        "days": 422,
        "unknown project": 404,
    }
    assert refused["blank title"] in (400, 422) and refused["not shortlisted"] in (400, 422)
    assert not [e for e in history_before if "proposal" in e["changes"]]
    assert chosen.status_code == 201 and chosen.json()["sites"] == [planted["sites"][2], planted["sites"][0]]
    assert leader_revoke.status_code == 403
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert again.status_code in (400, 422)
    changes = [e["changes"]["proposal"] for e in history if "proposal" in e["changes"]]
    assert len(changes) == 2 and changes[0][0] is None and "revoked" in changes[1][1]
    with sample_app.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Proposal)) == 1


def _signed_in(app, role):
    name = app.user(role)
    client = app.client
    client.cookies.clear()
    csrf = _form_csrf(client.get("/login").text)
    client.post("/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": csrf})
    return client


def test_the_project_page_publishes_shows_the_link_once_lists_openings_and_revokes(sample_app):
    staff = sample_app.headers("investment")
    plant(sample_app, staff)
    client = _signed_in(sample_app, "investment")
    page_url = f"/projects/{PROJECT['code']}"
    csrf = _form_csrf(client.get(page_url).text)

    refused = client.post(
        f"{page_url}/proposals", data={"csrf_token": csrf, "title": "保留的标题", "days": "999"}
    )
    published = client.post(
        f"{page_url}/proposals",
        data={"csrf_token": csrf, "title": "启东推荐", "language": "zh", "days": "30"},
    )
    link = re.search(r'id="proposal-link" readonly value="([^"]+)"', published.text).group(1)
    token = link.rsplit("/", 1)[1]
    reread = client.get(page_url).text
    visitor_cookies = dict(client.cookies)
    client.cookies.clear()
    opened = client.get(f"/p/{token}")
    client.cookies.update(visitor_cookies)
    after = client.get(page_url).text
    proposal = re.search(r'data-proposal="(\d+)"', after).group(1)
    revoked = client.post(f"{page_url}/proposals/{proposal}/revoke", data={"csrf_token": csrf})
    client.cookies.clear()
    gone = client.get(f"/p/{token}")

    assert refused.status_code in (400, 422) and 'value="保留的标题"' in refused.text
    assert 'id="proposal-problem"' in refused.text
    assert published.status_code == 200 and link.endswith(f"/p/{token}")
    assert published.headers["cache-control"] == "private, no-store"
    assert token not in reread and 'id="proposal-link"' not in reread
    assert opened.status_code == 200
    assert re.search(r'class="text-end ls-opens">1<', after)
    assert revoked.status_code == 200 and 'id="proposal-revoked"' in revoked.text
    assert gone.status_code == 404

"""/api/alerts, the /todo page, its navigation count and the counts on the leaders' page, on both
databases: confidential like the projects, each role reading what it may, filtered by kind,
"mine" and day."""

import re

import pytest

from gis import accounts, localtime
from tests.alert_rows import DAY, ago, plant_history, plant_project
from tests.conftest import OPERATOR
from tests.service import test_auth as auth_tests

PROBLEM = "application/problem+json"
STEPS = [(ago(400), "lead"), (ago(300), "signed")]


@pytest.fixture
def planted(sample_app):
    """An officer's late project in P02, a secret late project in P04, and a P02 parcel reserved
    long ago for the first."""
    sample_app.user("investment", name="zs-todo")
    plant_project(sample_app.db, "XM-T-OWN", STEPS, platform="P02", officer="zs-todo", agreed=ago(9))
    plant_project(sample_app.db, "XM-T-SECRET", STEPS, platform="P04", agreed=ago(20))
    site = plant_history(sample_app.db, "parcel", "P02", 0, [(ago(300), "reserved")], "XM-T-OWN")
    return sample_app, site


def alerts_of(client, headers, **params):
    response = client.get("/api/alerts", params={"as_of": DAY.isoformat(), **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_anonymous_readers_are_refused(sample_app):
    client = sample_app.client
    api, count = client.get("/api/alerts"), client.get("/todo/count")
    page = client.get("/todo?kind=idle_fee", follow_redirects=False)

    assert (api.status_code, api.headers["content-type"]) == (401, PROBLEM)
    assert count.status_code == 200 and count.text == ""  # a page drawn before sign-out asking still
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Ftodo%3Fkind%3Didle_fee"


@pytest.mark.parametrize("role", ["investment", "leader", "admin"])
def test_staff_leaders_and_administrators_read_every_alert(planted, role):
    app, site = planted
    body = alerts_of(app.client, app.headers(role))

    late = [a for a in body["alerts"] if a["kind"] == "overdue_start"]
    assert {"XM-T-OWN", "XM-T-SECRET"} <= {a["code"] for a in late}
    own = next(a for a in late if a["code"] == "XM-T-OWN")
    assert own == {
        "kind": "overdue_start",
        "kind_label": "逾期未开工",
        "record": "project",
        "code": "XM-T-OWN",
        "name": "待办测试XM-T-OWN",
        "url": "/projects/XM-T-OWN",
        "since": ago(9).isoformat(),
        "days": 9,
        "responsible": [{"name": "zs-todo"}],
        "project": None,
    }
    held = next(a for a in body["alerts"] if a["code"] == site)
    assert (held["kind"], held["url"], held["project"]) == (
        "reservation_held",
        f"/parcels/{site}",
        "XM-T-OWN",
    )
    assert body["as_of"] == DAY.isoformat()
    assert body["counts"] == {k: sum(a["kind"] == k for a in body["alerts"]) for k in body["counts"]}
    assert len(body["counts"]) == 6


def test_a_park_manager_reads_their_own_parks_alerts_only(planted):
    app, site = planted
    body = alerts_of(app.client, app.headers("park_manager", "P02"))

    codes = {a["code"] for a in body["alerts"]}
    assert {"XM-T-OWN", site} <= codes and "XM-T-SECRET" not in codes
    assert "XM-T-SECRET" not in str(body)
    held = next(a for a in body["alerts"] if a["code"] == site)
    assert any(p["name"].startswith("park_manager") for p in held["responsible"])  # the manager just made


def test_filtered_by_kind_mine_and_day(planted):
    app, site = planted
    with app.db.write() as session:
        token = accounts.issue_token(session, OPERATOR, accounts.get_user(session, "zs-todo"), "test", None)
    officer = {"Authorization": f"Bearer {token}"}

    late = alerts_of(app.client, officer, kind="overdue_start")
    mine = alerts_of(app.client, officer, mine="true")
    before = alerts_of(app.client, officer, kind="overdue_start", as_of=ago(10).isoformat())
    wrong = app.client.get("/api/alerts", params={"kind": "bogus"}, headers=officer)

    assert {a["kind"] for a in late["alerts"]} == {"overdue_start"} and late["counts"]["no_follow_up"] == 0
    assert {a["code"] for a in mine["alerts"]} == {"XM-T-OWN"}
    assert {a["kind"] for a in mine["alerts"]} == {"overdue_start", "signed_unsupplied", "no_follow_up"}
    codes_before = {a["code"] for a in before["alerts"]}
    assert "XM-T-SECRET" in codes_before and "XM-T-OWN" not in codes_before  # due on ago(9), not yet late
    assert wrong.status_code == 422 and wrong.headers["content-type"] == PROBLEM


def sign_in(client, app, role, *areas):
    name = app.user(role, *areas)
    response = auth_tests.sign_in(client, name)
    assert response.status_code == 303, response.text
    return name


@pytest.mark.parametrize(
    ("role", "areas", "sees_secret"),
    [("investment", (), True), ("leader", (), True), ("admin", (), True), ("park_manager", ("P02",), False)],
)
def test_the_todo_page_and_its_count_as_each_role(planted, role, areas, sees_secret):
    app, site = planted
    sign_in(app.client, app, role, *areas)

    page = app.client.get(f"/todo?as_of={DAY.isoformat()}")
    count = app.client.get("/todo/count")
    mine = app.client.get(f"/todo?mine=true&kind=reservation_held&as_of={DAY.isoformat()}")
    home = app.client.get("/")

    assert page.status_code == 200 and 'href="/projects/XM-T-OWN"' in page.text
    assert (
        f'href="/parcels/{site}"' in page.text
        and "逾期未开工" in page.text
        and "闲置土地处置办法" in page.text
    )
    assert ("XM-T-SECRET" in page.text) is sees_secret
    assert count.status_code == 200 and 'id="todo-count"' in count.text
    api = app.client.get("/api/alerts").json()
    # the badge adds the records due for verification (待核实), for those who keep them
    today = app.client.get("/todo").text
    due = re.search(r'id="todo-unverified-count">(\d+)<', today)
    assert (due is not None) is (role in ("admin", "park_manager"))
    assert f">{len(api['alerts']) + (int(due.group(1)) if due else 0)}<" in count.text
    assert (f'data-code="{site}"' in mine.text) is (role == "park_manager")
    assert 'id="nav-todo"' in home.text and 'hx-get="/todo/count"' in home.text


def test_the_leaders_page_counts_each_kind_and_links_to_the_todo_list(planted):
    app, _ = planted
    anonymous = app.client.get(f"/supply?as_of={DAY.isoformat()}")
    sign_in(app.client, app, "leader")

    page = app.client.get(f"/supply?as_of={DAY.isoformat()}").text
    counts = alerts_of(app.client, {})["counts"]

    assert 'id="supply-alerts"' not in anonymous.text and 'id="nav-todo"' not in anonymous.text
    for kind, n in counts.items():
        link = f'href="/todo?kind={kind}&amp;as_of={DAY.isoformat()}"'
        assert link in page
        assert f"{link}>" in page and f">{n}</span>" in page.split(link)[1].split("</a>")[0]


def test_the_day_asked_is_checked(sample_app):
    headers = sample_app.headers("leader")
    late = sample_app.client.get("/api/alerts", params={"as_of": "3000-01-01"}, headers=headers)
    assert late.status_code == 422
    assert (
        sample_app.client.get(
            "/api/alerts", params={"as_of": localtime.today().isoformat()}, headers=headers
        ).status_code
        == 200
    )


def test_the_page_form_reads_an_empty_field_as_any_and_names_a_bad_one(sample_app):
    client = sample_app.client
    sign_in(client, sample_app, "leader")

    every = client.get("/todo?kind=&as_of=&mine=")
    bad_kind = client.get("/todo?kind=bogus")
    bad_day = client.get("/todo?as_of=3000-01-01")

    assert every.status_code == 200 and every.text.count('<section class="mb-4" id="todo-') == 6
    assert bad_kind.status_code == 422 and "提醒类型" in bad_kind.text and "bogus" in bad_kind.text
    assert bad_day.status_code == 422 and "截至日期" in bad_day.text

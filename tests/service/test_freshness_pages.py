"""Records due for verification over HTTP, on both databases: the 待核实 section of /todo and the
navigation's count, the counts per park on /supply and /api/stats/freshness."""

import datetime as dt
import re

from sqlalchemy import select, update

from gis import freshness, localtime
from gis.access import operator
from gis.models import Area, Factory, Parcel
from tests.service.test_project_page import signed_in

LONG_AGO = dt.datetime(2025, 3, 1, 2, 0, tzinfo=dt.UTC)


def plant(app):
    """Every record fresh but one parcel of P01 and one factory of P02, last verified long ago."""
    with app.db.write() as session:
        for model in (Parcel, Factory):
            session.execute(update(model).values(verified_at=dt.datetime.now(dt.UTC)))
        own = first(session, Parcel, "P01")
        other = first(session, Factory, "P02")
        session.execute(update(Parcel).where(Parcel.code == own).values(verified_at=LONG_AGO))
        session.execute(update(Factory).where(Factory.code == other).values(verified_at=LONG_AGO))
    return own, other


def first(session, model, park):
    return session.scalar(
        select(model.code)
        .join(Area, Area.id == model.park_id)
        .where(Area.code == park, model.deleted_at.is_(None))
        .order_by(model.code)
        .limit(1)
    )


def due_codes(html):
    section = html.split('id="todo-unverified"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="list-group-item[^"]*ls-due" href="([^"]+)"', section)


def test_a_park_manager_has_their_due_records_on_the_todo_page_and_in_the_count(sample_app):
    own, _other = plant(sample_app)
    signed_in(sample_app, "park_manager", "P01")
    client = sample_app.client
    page = client.get("/todo")
    assert page.status_code == 200
    assert due_codes(page.text) == [f"/parcels/{own}"]
    assert "最近核实 2025-03-01" in page.text and "待核实" in page.text
    with sample_app.db.read() as session:
        assert freshness.count_due(session, operator("x"), 90) == 2  # an administrator's: both
    count = int(re.search(r">(\d+)</span>", client.get("/todo/count").text).group(1))
    assert count >= 1
    assert (
        client.post(f"/api/parcels/{own}/verify", headers={"X-CSRF-Token": csrf(client)}).status_code == 200
    )
    assert due_codes(client.get("/todo").text) == []
    assert int(re.search(r">(\d+)</span>", client.get("/todo/count").text).group(1)) == count - 1


def csrf(client):
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/todo").text)
    return found.group(1) if found else ""


def test_an_administrator_sees_every_due_record_and_staff_who_verify_nothing_see_no_section(sample_app):
    own, other = plant(sample_app)
    signed_in(sample_app, "admin")
    assert sorted(due_codes(sample_app.client.get("/todo").text)) == sorted(
        [f"/parcels/{own}", f"/factories/{other}"]
    )
    assert 'id="todo-unverified"' not in sample_app.client.get("/todo?kind=overdue_start").text
    signed_in(sample_app, "investment")
    assert 'id="todo-unverified"' not in sample_app.client.get("/todo").text


def test_the_supply_page_and_its_api_count_the_due_records_per_park(sample_app):
    plant(sample_app)
    signed_in(sample_app, "leader")
    page = sample_app.client.get("/supply").text
    table = page.split('id="freshness"', 1)[1].split("</table>", 1)[0]
    stale = dict(re.findall(r'data-park="(\w+)" data-stale="(\d+)"', table))
    assert stale["P01"] == "1" and stale["P02"] == "1" and stale["P03"] == "0"
    rows = sample_app.client.get("/api/stats/freshness").json()
    by_park = {r["key"]: r for r in rows}
    assert (by_park["P01"]["stale_parcels"], by_park["P01"]["stale_factories"]) == (1, 0)
    assert (by_park["P02"]["stale_parcels"], by_park["P02"]["stale_factories"]) == (0, 1)
    assert by_park["P01"]["after_days"] == 90 and by_park["P01"]["parcels"] > 1
    towns = sample_app.client.get("/api/stats/freshness", params={"by": "town"}).json()
    assert sum(r["stale_parcels"] + r["stale_factories"] for r in towns) == 2
    assert localtime.today().isoformat() in page

"""Every write path under contention and with hostile values, on both databases: fifty writers of
one area version, an import racing API changes (neither loses an acknowledged change nor writes
an illegal step), the field rules through the API, the web form and the CLI, and a form save
waiting on a held lock leaving the server answering."""

import asyncio
import re
import sqlite3
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from gis.access import operator
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Factory, Parcel, StatusEvent
from gis.status import WORKFLOWS
from harness.live import serve
from service.main import create_app
from service.web.edit_fields import FIELDS
from tests.conftest import OPERATOR, TEST_PASSWORD, settings_for
from tests.corpus import collection, feature, write_json
from tests.service.test_cli import landstock
from tests.service.test_concurrency import same_version_round


def assert_every_step_legal(db):
    """Each record's status events chain (from = previous to) and each step is in the workflow."""
    with db.read() as session:
        events = session.execute(
            select(
                StatusEvent.parcel_id, StatusEvent.factory_id, StatusEvent.from_status, StatusEvent.to_status
            ).order_by(StatusEvent.at, StatusEvent.id)
        ).all()
    last: dict[tuple[str, int], str] = {}
    for parcel_id, factory_id, source, target in events:
        kind, key = ("parcel", parcel_id) if parcel_id else ("factory", factory_id)
        enum, table, _ = WORKFLOWS[kind]
        if source is not None:
            assert last.get((kind, key)) in (None, source), (kind, key, last.get((kind, key)), source)
            assert enum(target) in table[enum(source)], (kind, key, source, target)
        last[(kind, key)] = target


async def area_round(base, headers, code, round_):
    return await same_version_round(base, headers, f"/api/areas/{code}", lambda r: {"remarks": r}, round_)


def test_fifty_writers_of_one_area_version_one_wins_and_the_history_chains(sample_app):
    headers = sample_app.headers("admin")

    with serve(create_app(settings_for(sample_app.url))) as base:
        rounds = [asyncio.run(area_round(base, headers, "P01", r)) for r in range(4)]

    entries = sample_app.client.get("/api/areas/P01/history", headers=headers).json()["entries"]
    final = sample_app.client.get("/api/areas/P01", headers=headers).json()["properties"]
    assert [sorted(set(r)) for r in rounds] == [[200, 412]] * 4 and [r.count(200) for r in rounds] == [1] * 4
    assert len(entries) == 4
    befores, afters = (
        [e["changes"]["remarks"][0] for e in entries],
        [e["changes"]["remarks"][1] for e in entries],
    )
    assert befores[1:] == afters[:-1] and final["remarks"] == afters[-1]
    assert [e["version"] for e in entries] == list(range(entries[0]["version"], entries[0]["version"] + 4))


def reservable(db, park="P01"):
    with db.read() as session:
        return session.scalar(
            select(Parcel.code)
            .join(Area, Area.id == Parcel.park_id)
            .where(Area.code == park, Parcel.status == "available")
            .order_by(Parcel.code)
            .limit(1)
        )


def reserving_file(tmp_path, code):
    return write_json(
        tmp_path / "reserve.geojson",
        collection(feature(None, 地块编号=code, 状态="意向", 意向项目="XM-2026-001", 备注="导入预留")),
    )


def withdraw(client, headers, code, etag):
    """Take parcel `code` out of supply (暂不可供) over the API, from version `etag`: the status code."""
    return client.post(
        f"/api/parcels/{code}/status",
        json={"status": "暂不可供", "note": "规划调整"},
        headers={**headers, "If-Match": etag},
    ).status_code


def test_a_change_made_while_an_import_is_read_is_neither_lost_nor_stepped_over(sample_app, tmp_path):
    client, headers = sample_app.client, sample_app.headers("park_manager", "P01")
    code = reservable(sample_app.db)
    etag = client.get(f"/api/parcels/{code}").headers["etag"]
    answers = []

    def meanwhile(phase, _n, _total):
        if phase == "check" and not answers:  # the file is read; nothing is locked yet
            answers.append(withdraw(client, headers, code, etag))

    report = import_file(
        sample_app.db,
        reserving_file(tmp_path, code),
        ImportOptions("parcels", who=operator("导入员")),
        progress=meanwhile,
    )

    assert answers == [200]
    assert not report.written and report.rows[0].rejection[0].key == "status.illegal"
    assert client.get(f"/api/parcels/{code}").json()["properties"]["status"] == "unavailable"
    assert_every_step_legal(sample_app.db)


def test_a_change_sent_while_an_import_writes_waits_and_is_refused_as_stale(sample_app, tmp_path):
    client, headers = sample_app.client, sample_app.headers("park_manager", "P01")
    code = reservable(sample_app.db)
    etag = client.get(f"/api/parcels/{code}").headers["etag"]
    answers, started = [], []

    def change():
        answers.append(withdraw(client, headers, code, etag))

    def meanwhile(phase, _n, _total):
        if phase == "write" and not started:  # the rows are locked: the change has to wait
            started.append(threading.Thread(target=change))
            started[0].start()
            time.sleep(0.5)

    report = import_file(
        sample_app.db,
        reserving_file(tmp_path, code),
        ImportOptions("parcels", who=operator("导入员")),
        progress=meanwhile,
    )
    started[0].join(timeout=120)

    assert report.written and answers == [412]
    assert client.get(f"/api/parcels/{code}").json()["properties"]["status"] == "reserved"
    assert_every_step_legal(sample_app.db)


HOSTILE = [
    {"name": "长" * 201},
    {"remarks": "a\u0000b"},
    {"name": "Invoice\u202egnp.exe"},
    {"contact": "\u001b[31m"},
]


@pytest.mark.parametrize("properties", HOSTILE)
def test_the_api_refuses_values_no_field_may_hold(sample_app, properties):
    headers = sample_app.headers("admin")
    etag = sample_app.client.get("/api/parcels/KFQ-001").headers["etag"]

    answer = sample_app.client.patch(
        "/api/parcels/KFQ-001", json={"properties": properties}, headers={**headers, "If-Match": etag}
    )

    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert sample_app.client.get("/api/parcels/KFQ-001").headers["etag"] == etag


def test_a_project_code_with_a_slash_is_refused(sample_app):
    answer = sample_app.client.post(
        "/api/projects",
        json={"code": "XM/1", "name": "斜杠", "industry_code": "27"},
        headers=sample_app.headers("investment"),
    )

    assert answer.status_code == 422


def form_of(client, kind, code):
    """The edit form as a browser would send it back, unchanged."""
    page = client.get(f"/{kind}s/{code}/edit" if kind == "parcel" else f"/factories/{code}/edit").text
    record = client.get(f"/api/{kind}s/{code}" if kind == "parcel" else f"/api/factories/{code}").json()
    data = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "version": str(record["properties"]["version"]),
        "geometry": "",
    }
    for field in FIELDS[kind]:
        value = record["properties"].get(field.name)
        if field.kind == "bool":
            if value:
                data[field.name] = "on"
        elif value is not None:
            data[field.name] = str(value)
    return data


def sign_in(client, name):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": token, "next": "/"})


def test_the_edit_form_refuses_hidden_characters_and_keeps_what_was_typed(sample_app):
    client = sample_app.client
    sign_in(client, sample_app.user("park_manager", "P01"))
    data = {**form_of(client, "parcel", "KFQ-001"), "name": "地块\u202e名称", "remarks": "保留我输入的备注"}
    before = client.get("/api/parcels/KFQ-001").headers["etag"]

    page = client.post(
        "/parcels/KFQ-001/edit", data=data, headers={"accept": "text/html"}, follow_redirects=False
    )

    assert page.status_code == 422 and "U+202E" in page.text and "保留我输入的备注" in page.text
    assert client.get("/api/parcels/KFQ-001").headers["etag"] == before


def test_the_cli_import_refuses_an_over_long_name_with_one_readable_line(sample_app, tmp_path):
    path = write_json(
        tmp_path / "long.geojson", collection(feature(None, 地块编号="KFQ-001", 名称="长" * 3000))
    )

    done = landstock("import", str(path), "--layer", "parcels", url=sample_app.url)

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "名称过长：3000 个字符，最多 200 个" in done.stdout


def test_a_form_save_waiting_on_a_held_sqlite_lock_leaves_the_server_answering(databases):
    url = databases.url("spatialite", sample=True)
    app = create_app(settings_for(url))
    with serve(app) as base:
        http = httpx.Client(base_url=base, timeout=60)
        with app.state.db.write() as session:
            from gis import accounts

            accounts.create_user(session, OPERATOR, "kfq_lock", "park_manager", TEST_PASSWORD, areas=["P01"])
        sign_in(http, "kfq_lock")
        data = {**form_of(http, "parcel", "KFQ-001"), "remarks": "等锁"}
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=1)
        holder.execute("BEGIN IMMEDIATE")
        saved = []
        saving = threading.Thread(
            target=lambda: saved.append(
                http.post("/parcels/KFQ-001/edit", data=data, follow_redirects=False).status_code
            )
        )
        saving.start()
        time.sleep(0.5)
        health = httpx.get(f"{base}/healthz", timeout=5)
        holder.rollback()
        holder.close()
        saving.join(timeout=60)

    assert health.status_code == 200
    assert saved == [303]


def test_factories_and_parcels_alike_refuse_a_move_out_of_scope(sample_app):
    headers = sample_app.headers("park_manager", "P01")
    with sample_app.db.read() as session:
        factory = session.scalar(
            select(Factory.code)
            .join(Area, Area.id == Factory.park_id)
            .where(Area.code == "P01")
            .order_by(Factory.code)
            .limit(1)
        )
    etag = sample_app.client.get(f"/api/factories/{factory}").headers["etag"]

    moved = sample_app.client.patch(
        f"/api/factories/{factory}",
        headers={**headers, "If-Match": etag},
        json={"geometry": {"type": "Point", "coordinates": [121.60, 32.06]}},
    )

    assert (
        moved.status_code == 403
        and sample_app.client.get(f"/api/factories/{factory}").headers["etag"] == etag
    )


def test_a_number_past_what_the_database_stores_is_refused_not_overflowed(sample_app):
    client, staff = sample_app.client, sample_app.headers("investment")
    code = client.get("/api/projects", headers=staff).json()["projects"][0]["code"]
    sign_in(client, sample_app.user("park_manager", "P01"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/parcels/KFQ-001").text).group(1)
    before = client.get("/api/parcels/KFQ-001").headers["etag"]

    follow_up = client.delete(f"/api/projects/{code}/follow-ups/{10**26}", headers=staff)
    form = client.post(
        "/parcels/KFQ-001/status",
        data={"status": "reserved", "version": str(10**26), "csrf_token": token},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )

    assert follow_up.status_code == 422 and follow_up.headers["content-type"] == "application/problem+json"
    assert form.status_code == 422
    assert client.get("/api/parcels/KFQ-001").headers["etag"] == before

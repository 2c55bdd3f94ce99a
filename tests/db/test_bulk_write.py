"""Bulk writes on both databases: an import large enough for COPY on PostgreSQL keeps every value
as the file gave it, records its history, leaves generated columns to the database, round-trips
through an export, and a row the database refuses fails the whole batch as an INSERT would."""

import datetime as dt

import pytest
import shapely
from sqlalchemy import func, select, text

from gis.access import Principal, Role, operator
from gis.bulk_write import CHUNK, COPY_MIN_ROWS, STATISTICS_MIN_ROWS, insert_rows
from gis.errors import ConflictingWrite
from gis.gateway import sites
from gis.inventory import ParcelQuery, list_parcels
from gis.io import exporter
from gis.io.importer import ImportOptions, import_file
from gis.models import Parcel, RecordChange, StatusEvent
from tests.conftest import BACKENDS
from tests.corpus import LAT, LON, collection, feature, write_json

N = 6 * COPY_MIN_ROWS  # a COPY on PostgreSQL
AWKWARD = [
    "启东市经济开发区 第3号地块",
    "制表\t符",
    "反斜杠 \\ 与 \\N",
    "引号 ' 与 \"",
    "换行\n之后",
    "逗号,分号;竖线|",
    "\\.",
    "\\N",
    "回车\r与换行\r\n之后",
    "全角　空格",
]
USER = "测试员"


def cell(k: int) -> tuple[float, float]:
    """The corner of the k-th cell of a 40-column grid of 300 m cells."""
    return LON + (k % 40) * 0.003, LAT + (k // 40) * 0.003


def outline(k: int) -> shapely.MultiPolygon:
    """Every third parcel in two parts, every sixth with a hole; the rest one square."""
    x, y = cell(k)
    main = shapely.box(x, y, x + 0.002, y + 0.002)
    if k % 6 == 0:
        main = shapely.Polygon(
            main.exterior.coords, [shapely.box(x + 0.0005, y + 0.0005, x + 0.001, y + 0.001).exterior.coords]
        )
    parts = [main, shapely.box(x + 0.0022, y, x + 0.0028, y + 0.0006)] if k % 3 == 0 else [main]
    return shapely.MultiPolygon(parts)


def properties(k: int) -> dict[str, object]:
    """Chinese text, tabs, backslashes, quotes and line breaks; blanks (NULL) in every tenth row."""
    blank = k % 10 == 9
    return {
        "地块编号": f"AW-{k:04d}",
        "用地性质": "100102",
        "名称": None if blank else AWKWARD[k % len(AWKWARD)],
        "权属单位": None if blank else f"权属 {AWKWARD[(k + 1) % len(AWKWARD)]} {k}",
        "备注": None if blank else AWKWARD[(k + 2) % len(AWKWARD)],
        "容积率": None if blank else "1.0-2.5",
        "价格": None if blank else 30 + k / 8,
        "闲置时间": None if blank else "2024-05-01",
    }


def awkward_survey(tmp_path, n=N, first=0):
    return write_json(
        tmp_path / f"awkward_{first}_{n}.geojson",
        collection(*(feature(outline(k), **properties(k)) for k in range(first, first + n))),
    )


def imported(db, path):
    return import_file(db, path, ImportOptions("parcels", who=operator(USER)))


WHEN = ("id", "created_at", "updated_at", "verified_at")  # stamped when each database wrote the row


def without(row, *keys):
    return {k: v for k, v in row.items() if k not in keys}


def awkward_rows(db):
    with db.read() as session:
        rows = list_parcels(session, ParcelQuery(limit=10 * N)).rows
    return {r["code"]: r for r in rows if r["code"].startswith("AW-")}


def test_a_large_import_keeps_every_value_as_given(sample_db, tmp_path):
    report = imported(sample_db, awkward_survey(tmp_path))

    with sample_db.read() as session:
        stored = {
            r.code: r
            for r in session.execute(
                select(
                    Parcel.code,
                    Parcel.name,
                    Parcel.ownership,
                    Parcel.remarks,
                    Parcel.plot_ratio_min,
                    Parcel.plot_ratio_max,
                    Parcel.price_wan_per_mu,
                    Parcel.idle_since,
                    Parcel.status,
                    Parcel.version,
                    Parcel.updated_by,
                    Parcel.waterfront,
                    Parcel.created_at,
                    func.ST_AsBinary(Parcel.geom).label("wkb"),
                ).where(Parcel.code.like("AW-%"))
            )
        }
    assert report.written and report.counts()["inserted"] == N
    assert len(stored) == N
    for k in range(N):
        row, given, blank = stored[f"AW-{k:04d}"], properties(k), k % 10 == 9
        assert row.name == (None if blank else given["名称"].strip()), k
        assert row.ownership == (None if blank else given["权属单位"].strip()), k
        assert row.remarks == (None if blank else given["备注"].strip()), k
        assert (row.plot_ratio_min, row.plot_ratio_max) == ((None, None) if blank else (1.0, 2.5))
        assert row.price_wan_per_mu == (None if blank else 30 + k / 8)
        assert row.idle_since == (None if blank else dt.date(2024, 5, 1))
        assert (row.status, row.version, row.updated_by, row.waterfront) == ("available", 1, USER, False)
        assert row.created_at.tzinfo is not None
        geom = shapely.from_wkb(bytes(row.wkb))
        assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == len(outline(k).geoms)
        assert geom.equals(outline(k)) and len(geom.geoms[0].interiors) == (1 if k % 6 == 0 else 0)


def test_a_large_import_records_events_changes_and_the_box_centres(sample_db, tmp_path):
    imported(sample_db, awkward_survey(tmp_path))

    with sample_db.read() as session:
        ids = dict(session.execute(select(Parcel.code, Parcel.id).where(Parcel.code.like("AW-%"))).all())
        events = session.execute(
            select(StatusEvent.parcel_id, StatusEvent.actor, StatusEvent.to_status).where(
                StatusEvent.parcel_id.in_(ids.values())
            )
        ).all()
        changes = {
            c.parcel_id: c
            for c in session.scalars(select(RecordChange).where(RecordChange.parcel_id.in_(ids.values())))
        }
        centres = session.execute(
            select(Parcel.code, Parcel.centre_lon, Parcel.centre_lat).where(Parcel.code.like("AW-%"))
        ).all()
    assert sorted(e.parcel_id for e in events) == sorted(ids.values())
    assert {(e.actor, e.to_status) for e in events} == {(USER, "available")}
    assert len(changes) == N and {c.action for c in changes.values()} == {"create"}
    for code, record_id in ids.items():
        k = int(code[3:])
        assert (
            changes[record_id].changes["remarks"] == [None, properties(k)["备注"].strip()]
            if k % 10 != 9
            else "remarks" not in changes[record_id].changes
        )
        assert shapely.equals(shapely.from_geojson(changes[record_id].changes["geom"][1]), outline(k))
    for code, lon, lat in centres:
        x0, y0, x1, y1 = outline(int(code[3:])).bounds
        assert (lon, lat) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2)), code


def test_a_large_import_round_trips_through_a_geopackage(databases, backend, tmp_path):
    source = databases.open(backend, sample=True)
    target = databases.open(backend, sample=True)
    imported(source, awkward_survey(tmp_path))
    with source.read() as session:
        exporter.write(session, "parcels", "gpkg", tmp_path / "parcels.gpkg")

    report = imported(target, tmp_path / "parcels.gpkg")

    before, after = awkward_rows(source), awkward_rows(target)
    assert report.counts()["inserted"] == N and before.keys() == after.keys()
    for code, old in before.items():
        assert without(old, *WHEN, "area_m2") == without(after[code], *WHEN, "area_m2"), code
        assert after[code]["area_m2"] == pytest.approx(old["area_m2"], rel=1e-9), code  # ring order


def test_records_created_after_a_large_import_get_ids_of_their_own(sample_db, tmp_path):
    imported(sample_db, awkward_survey(tmp_path))
    admin = Principal(id=1, name="管理员", role=Role.ADMIN)
    x, y = cell(N + 40)

    with sample_db.write() as session:
        site = sites.create(
            session,
            "parcel",
            {"code": "AFTER-1", "land_use": "100102"},
            shapely.box(x, y, x + 0.002, y + 0.002),
            who=admin,
        )

    with sample_db.read() as session:
        largest = session.scalar(select(func.max(Parcel.id)).where(Parcel.code.like("AW-%")))
        count = session.scalar(select(func.count()).select_from(Parcel))
    assert site.id > largest and count == 556 + N + 1


def status_events(parcel_id, n):
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "parcel_id": parcel_id,
            "at": now,
            "actor": USER,
            "from_status": None,
            "to_status": "available",
            "note": f"{AWKWARD[k % len(AWKWARD)]} {k}",
        }
        for k in range(n)
    ]


def events_of(db, parcel_id):
    with db.read() as session:
        return session.scalars(
            select(StatusEvent.note).where(StatusEvent.parcel_id == parcel_id).order_by(StatusEvent.id)
        ).all()


def test_rows_over_several_chunks_are_all_written_in_order(sample_db):
    with sample_db.read() as session:
        parcel_id = session.scalar(select(func.min(Parcel.id)))
    before = events_of(sample_db, parcel_id)
    events = status_events(parcel_id, CHUNK + 7)

    with sample_db.write() as session:
        insert_rows(session, StatusEvent.__table__, events)

    assert events_of(sample_db, parcel_id) == before + [e["note"] for e in events]


def test_a_row_the_database_refuses_fails_the_whole_batch(sample_db):
    with sample_db.read() as session:
        parcel_id = session.scalar(select(func.min(Parcel.id)))
    before = events_of(sample_db, parcel_id)
    events = status_events(parcel_id, CHUNK + 7)
    events[CHUNK + 3]["factory_id"] = 1  # one subject only: a check constraint refuses this row

    with pytest.raises(ConflictingWrite), sample_db.write() as session:
        insert_rows(session, StatusEvent.__table__, events)

    assert events_of(sample_db, parcel_id) == before


def planned_parcels(db):
    with db.read() as session:
        return session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = 'parcels'::regclass"))


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
def test_postgresql_learns_at_once_what_a_large_import_brought(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.write() as session:  # only the imports may analyze the table here
        session.execute(text("ALTER TABLE parcels SET (autovacuum_enabled = false)"))
    large = STATISTICS_MIN_ROWS + 100

    imported(db, awkward_survey(tmp_path, large))
    after_large = planned_parcels(db)
    imported(db, awkward_survey(tmp_path, 5, first=large))

    assert after_large == 556 + large
    assert planned_parcels(db) == after_large  # a few rows more: autovacuum's business

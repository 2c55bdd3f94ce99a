"""Imports on both databases: upserts, status events, record changes, replace, dry runs, scope."""

import gc

import pytest
from sqlalchemy import func, select

from gis.access import Principal, Role, operator
from gis.history import changes_of
from gis.inventory import get_parcel
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Parcel, StatusEvent
from tests.corpus import collection, feature, parcel, square, write_json


def imported(db, path, layer="parcels", who=None, **options):
    """Import as a park office would; `accept_moves` where a test file puts a sample parcel on a
    test square far from its outline on purpose (gis/io/moves.py would refuse it otherwise)."""
    return import_file(db, path, ImportOptions(layer, who=who or operator("园区管理员"), **options))


def manager(*area_ids):
    return Principal(id=99, name="园区管理员", role=Role.PARK_MANAGER, area_ids=frozenset(area_ids))


def count(db, model=Parcel, *where):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_new_codes_are_inserted_existing_ones_updated_and_blank_cells_keep_values(sample_db, tmp_path):
    with sample_db.read() as session:
        before = get_parcel(session, "KFQ-001")
    path = write_json(
        tmp_path / "survey.geojson",
        collection(
            parcel(0, code="NEW-1", 名称=None, 权属单位=None, 面积="60亩"),
            feature(square(1), 地块编号="KFQ-001", 名称="改名地块", 权属单位="", 用地性质=None, 面积=None),
        ),
    )

    report = imported(sample_db, path, accept_moves=True)

    with sample_db.read() as session:
        after = get_parcel(session, "KFQ-001")
        new = get_parcel(session, "NEW-1")
    assert report.written and report.counts()["inserted"] == 1 and report.counts()["updated"] == 1
    assert after["name"] == "改名地块" and after["ownership"] == before["ownership"]
    assert after["land_use"] == before["land_use"] and after["version"] == before["version"] + 1
    assert after["area_m2"] != before["area_m2"] and after["updated_by"] == "园区管理员"
    assert new["park_code"] == "P01" and new["cert_area_m2"] == pytest.approx(40000)


def test_a_status_change_becomes_an_event_by_the_importing_user(sample_db, tmp_path):
    path = write_json(
        tmp_path / "status.geojson",
        collection(
            feature(square(0), code="KFQ-001", 状态="意向", 意向项目="XM-2026-001", 状态说明="洽谈中")
        ),
    )

    report = imported(sample_db, path, accept_moves=True)

    with sample_db.read() as session:
        row = get_parcel(session, "KFQ-001")
        event = session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc()).limit(1)).one()
    assert report.status_changes == 1 and report.rows[0].messages[0].key == "import.status_change"
    assert row["status"] == "reserved" and row["reserved_project_code"] == "XM-2026-001"
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        "园区管理员",
        "available",
        "reserved",
        "洽谈中",
    )


def test_imported_rows_leave_record_changes_by_the_importing_user(sample_db, tmp_path):
    path = write_json(
        tmp_path / "changes.geojson",
        collection(feature(square(0), 地块编号="KFQ-001", 名称="改名地块"), parcel(1, code="HIST-1")),
    )

    imported(sample_db, path, accept_moves=True)
    imported(
        sample_db, write_json(tmp_path / "only.geojson", collection(parcel(1, code="HIST-1"))), replace=True
    )

    with sample_db.read() as session:
        update = changes_of(session, "parcel", "KFQ-001")[-2:]
        created = changes_of(session, "parcel", "HIST-1")
    assert update[0].action == "update" and update[0].actor == "园区管理员"
    assert update[0].changes["name"][1] == "改名地块" and "geom" in update[0].changes
    assert update[1].action == "delete"  # removed by the second import's --replace
    assert created[0].action == "create" and created[0].changes["land_use"] == [None, "100102"]


def test_a_refused_file_writes_nothing_and_a_dry_run_writes_nothing(sample_db, tmp_path):
    parcels, events = count(sample_db), count(sample_db, StatusEvent)
    bad = write_json(
        tmp_path / "bad.geojson", collection(parcel(0, code="OK-1"), parcel(1, code="BAD", 状态="乱写"))
    )
    good = write_json(tmp_path / "good.geojson", collection(parcel(0, code="OK-1")))

    refused = imported(sample_db, bad)
    dry = imported(sample_db, good, dry_run=True)

    assert not refused.acceptable and not refused.written
    assert dry.acceptable and not dry.written and dry.counts()["inserted"] == 1
    assert count(sample_db) == parcels and count(sample_db, StatusEvent) == events


def test_replace_soft_deletes_what_the_file_lacks_and_only_when_asked(sample_db, tmp_path):
    path = write_json(
        tmp_path / "two.geojson", collection(parcel(0, code="KFQ-001"), parcel(1, code="ONLY-NEW"))
    )
    alive = Parcel.deleted_at.is_(None)

    imported(sample_db, path, accept_moves=True)
    kept = count(sample_db, Parcel, alive)
    report = imported(sample_db, path, replace=True, accept_moves=True)

    assert kept == 557
    assert report.counts()["deleted"] == 555 and count(sample_db, Parcel, alive) == 2
    assert count(sample_db) == 557  # history is kept: soft deletion


def test_a_park_manager_may_import_only_into_their_own_areas(sample_db, tmp_path):
    path = write_json(tmp_path / "mine.geojson", collection(parcel(0, code="MINE-1")))

    with sample_db.read() as session:
        ids = dict(session.execute(select(Area.code, Area.id)).all())

    theirs = imported(sample_db, path, dry_run=True, who=manager(ids["P02"]))
    mine = imported(sample_db, path, dry_run=True, who=manager(ids["P01"]))
    other_row = imported(
        sample_db,
        write_json(tmp_path / "other.geojson", collection(feature(square(0), code="BX-001", name="改名"))),
        dry_run=True,
        who=manager(ids["P01"]),
    )

    assert theirs.rows[0].rejection[0].key == "gateway.moves_out_of_scope"
    assert mine.acceptable
    assert other_row.rows[0].rejection[0].key == "error.out_of_scope"  # BX-001 lies outside P01
    new_area = write_json(
        tmp_path / "area.geojson", collection(feature(square(0), code="P09", name="新园区", kind="园区"))
    )
    areas = imported(sample_db, new_area, layer="areas", dry_run=True, who=manager(ids["P01"]))
    assert areas.rows[0].rejection[0].key == "error.forbidden" and not areas.acceptable  # a new area


def test_areas_import_with_parents_from_the_same_file(sample_db, tmp_path):
    path = write_json(
        tmp_path / "areas.geojson",
        collection(
            feature(square(0, 0.01), 编号="Z-CHILD", 名称="新片区", 类型="片区", 上级="Z-NEW"),
            feature(
                square(0, 0.02), 编号="Z-NEW", 名称="新园区", 类型="园区", 主导产业="39;27", 重点平台="是"
            ),
        ),
    )

    report = imported(sample_db, path, layer="areas")

    assert report.written, report.to_dict("en")
    with sample_db.read() as session:
        from gis.inventory import list_areas

        areas = {a["code"]: a for a in list_areas(session)}
    assert areas["Z-CHILD"]["parent_code"] == "Z-NEW" and areas["Z-NEW"]["leading_industries"] == ["39", "27"]
    assert areas["Z-NEW"]["kind"] == "park" and areas["Z-NEW"]["is_priority"] is True


def test_the_cycle_collector_is_paused_during_an_import_and_runs_again_after_it(sample_db, tmp_path):
    good = write_json(tmp_path / "good.geojson", collection(parcel(0, code="GC-1")))
    twice = write_json(tmp_path / "twice.geojson", collection(parcel(0, code="GC-2"), parcel(1, code="GC-2")))
    during = []

    def note(_report):
        during.append(gc.isenabled())

    written = import_file(sample_db, good, ImportOptions("parcels"), before_commit=note)
    refused = import_file(sample_db, twice, ImportOptions("parcels"), before_commit=note)

    assert written.written and not refused.written and during == [False, False] and gc.isenabled()

"""Changes to the inventory: roles, scope, versions, workflow and history, on both databases."""

import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import func, select

from gis import history, inventory
from gis.access import Principal, Role
from gis.errors import (
    DuplicateCode,
    Forbidden,
    IllegalTransition,
    InvalidGeometry,
    InvalidInput,
    NotFound,
    VersionConflict,
)
from gis.gateway import rules, sites
from gis.inventory import ParcelQuery
from gis.models import Area, Parcel, Project, RecordChange, StatusEvent

NEW_SQUARE = box(121.7300, 31.7900, 121.7310, 31.7905)  # inside 启东经济开发区 (P01)


def admin():
    return Principal(id=1, name="管理员", role=Role.ADMIN)


def manager_of(session, *codes):
    ids = frozenset(session.scalars(select(Area.id).where(Area.code.in_(codes))))
    return Principal(id=2, name="园区管理员", role=Role.PARK_MANAGER, area_ids=ids)


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def available_in(session, park):
    query = ParcelQuery(park=park, status=("available",), limit=1)
    return inventory.list_parcels(session, query).rows[0]


def test_create_places_the_parcel_by_containment_and_keeps_its_creation(sample_db):
    with sample_db.write() as session:
        sites.create(session, "parcel", {"code": "NEW-1", "land_use": "100102"}, NEW_SQUARE, who=admin())

    with sample_db.read() as session:
        row = inventory.get_parcel(session, "NEW-1")
        events = history.status_events(session, "parcel", "NEW-1")
        changes = history.changes_of(session, "parcel", "NEW-1")
    assert row["park_code"] == "P01" and row["town_code"] is not None
    assert row["area_m2"] == pytest.approx(5_000, rel=0.1)
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [(None, "available", "管理员")]
    assert [c.action for c in changes] == ["create"]
    assert changes[0].changes["land_use"] == [None, "100102"]


@pytest.mark.parametrize(
    ("values", "geometry", "error"),
    [
        ({"code": "KFQ-001", "land_use": "100102"}, NEW_SQUARE, DuplicateCode),
        ({"code": "NEW-2", "land_use": "999999"}, NEW_SQUARE, InvalidInput),
        ({"code": "NEW-3", "land_use": "100102"}, shapely.Point(121.73, 31.79), InvalidGeometry),
        ({"code": " ", "land_use": "100102"}, NEW_SQUARE, InvalidInput),
        (
            {"code": "NEW-4", "land_use": "100102", "status": "reserved"},
            NEW_SQUARE,
            InvalidInput,
        ),  # no project
        ({"code": "NEW-5", "land_use": "100102", "version": 7}, NEW_SQUARE, InvalidInput),
    ],
)
def test_a_refused_creation_writes_nothing(sample_db, values, geometry, error):
    with sample_db.read() as session:
        before = count(session, Parcel), count(session, RecordChange), count(session, StatusEvent)

    with pytest.raises(error), sample_db.write() as session:
        sites.create(session, "parcel", values, geometry, who=admin())

    with sample_db.read() as session:
        assert (count(session, Parcel), count(session, RecordChange), count(session, StatusEvent)) == before


def test_an_update_keeps_each_changed_field_before_and_after(sample_db):
    with sample_db.read() as session:
        row = inventory.get_parcel(session, "KFQ-001")

    with sample_db.write() as session:
        sites.update(
            session,
            "parcel",
            "KFQ-001",
            {"price_wan_per_mu": 33.3, "remarks": "新备注"},
            who=admin(),
            expected_version=row["version"],
        )

    with sample_db.read() as session:
        after = inventory.get_parcel(session, "KFQ-001")
        last = history.changes_of(session, "parcel", "KFQ-001")[-1]
    assert after["version"] == row["version"] + 1 and after["updated_by"] == "管理员"
    assert last.action == "update" and last.version == after["version"]
    assert last.changes == {
        "price_wan_per_mu": [row["price_wan_per_mu"], 33.3],
        "remarks": [row["remarks"], "新备注"],
    }


def test_a_new_geometry_recomputes_area_and_placement(sample_db):
    with sample_db.write() as session:
        sites.update(
            session, "parcel", "KFQ-001", {"geometry": NEW_SQUARE}, who=admin(), expected_version=None
        )

    with sample_db.read() as session:
        row = inventory.get_parcel(session, "KFQ-001")
        change = history.changes_of(session, "parcel", "KFQ-001")[-1]
    assert row["area_m2"] == pytest.approx(5_000, rel=0.1)
    assert shapely.from_geojson(row["geojson"]).equals(shapely.MultiPolygon([NEW_SQUARE]))
    assert set(change.changes) >= {"geom", "area_m2"}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"version": 99}, "error.read_only_field"),
        ({"area_m2": 1.0}, "error.read_only_field"),
        ({"created_by": "x"}, "error.read_only_field"),
        ({"id": 5}, "error.read_only_field"),
        ({"status": "signed"}, "error.read_only_field"),
        ({"colour": "red"}, "error.read_only_field"),
        ({"plot_ratio_min": 3.0, "plot_ratio_max": 1.0}, "error.bad_range"),
        ({"land_use": "M9"}, "error.unknown_land_use"),
    ],
)
def test_fields_that_may_not_be_set_are_refused_not_ignored(sample_db, changes, reason):
    with pytest.raises(InvalidInput) as caught, sample_db.write() as session:
        sites.update(session, "parcel", "KFQ-001", changes, who=admin(), expected_version=None)

    assert caught.value.key == reason


def test_a_stale_version_is_refused_naming_who_changed_it(sample_db):
    with sample_db.write() as session:
        sites.update(session, "parcel", "KFQ-001", {"remarks": "甲"}, who=admin(), expected_version=1)

    with pytest.raises(VersionConflict) as caught, sample_db.write() as session:
        sites.update(session, "parcel", "KFQ-001", {"remarks": "乙"}, who=admin(), expected_version=1)

    assert "管理员" in caught.value.message("zh") and "2" in caught.value.message("zh")


def test_park_managers_touch_only_their_own_parks(sample_db):
    with sample_db.read() as session:
        mine, theirs = available_in(session, "P01"), available_in(session, "P04")
        manager = manager_of(session, "P01")

    with sample_db.write() as session:
        sites.update(
            session, "parcel", mine["code"], {"remarks": "本园区"}, who=manager, expected_version=None
        )
        sites.change_status(session, "parcel", mine["code"], "unavailable", who=manager, note="规划调整")
    for attempt in (
        lambda s: sites.update(
            s, "parcel", theirs["code"], {"remarks": "越权"}, who=manager, expected_version=None
        ),
        lambda s: sites.change_status(s, "parcel", theirs["code"], "unavailable", who=manager, note="越权"),
        lambda s: sites.delete(s, "parcel", theirs["code"], who=manager, expected_version=None),
        lambda s: sites.update(
            s, "parcel", mine["code"], {"park": "P04"}, who=manager, expected_version=None
        ),
        lambda s: sites.create(
            s,
            "parcel",
            {"code": "X-1", "land_use": "100102"},
            box(121.60, 32.06, 121.601, 32.061),
            who=manager,
        ),
    ):
        with pytest.raises(Forbidden), sample_db.write() as session:
            attempt(session)

    with sample_db.read() as session:
        assert inventory.get_parcel(session, theirs["code"])["version"] == theirs["version"]


def test_investment_staff_reserve_and_release_but_change_nothing_else(sample_db):
    investment = Principal(id=3, name="招商", role=Role.INVESTMENT)
    with sample_db.read() as session:
        code = available_in(session, "P04")["code"]

    with sample_db.write() as session:
        sites.change_status(session, "parcel", code, "reserved", who=investment, project="XM-2026-007")
    with pytest.raises(Forbidden), sample_db.write() as session:
        sites.change_status(session, "parcel", code, "signed", who=investment)
    with pytest.raises(Forbidden), sample_db.write() as session:
        sites.update(session, "parcel", code, {"remarks": "x"}, who=investment, expected_version=None)
    with sample_db.write() as session:
        sites.change_status(session, "parcel", code, "available", who=investment, note="项目暂缓")

    with sample_db.read() as session:
        row = inventory.get_parcel(session, code)
    assert row["status"] == "available" and row["reserved_project_code"] is None


def test_leaders_change_nothing():
    leader = Principal(id=4, name="领导", role=Role.LEADER)

    with pytest.raises(Forbidden) as caught:
        rules.check(
            leader,
            rules.Change(
                "parcel",
                "KFQ-001",
                rules.Act.UPDATE,
                stored=rules.Stored(id=1, version=1),
                named={"park": ("P01", 13)},
            ),
        )

    assert "领导" in caught.value.message("zh")


def test_a_site_s_steps_name_the_project_but_leave_its_stage_alone(sample_db):
    # A project moves by its own recorded steps (gis/gateway/stages.py); a site's status never
    # rewrites it as a side effect.
    with sample_db.read() as session:
        code = available_in(session, "P01")["code"]
        stage_before = session.scalar(select(Project.stage).where(Project.code == "XM-2026-014"))

    for target, extra in (
        ("reserved", {"project": "XM-2026-014"}),
        ("signed", {}),
        ("supplied", {}),
        ("under_construction", {}),
    ):
        with sample_db.write() as session:
            sites.change_status(session, "parcel", code, target, who=admin(), **extra)

    with sample_db.read() as session:
        project = session.scalar(select(Project).where(Project.code == "XM-2026-014"))
        events = history.status_events(session, "parcel", code)
        changes = history.changes_of(session, "parcel", code)
    assert project.stage == stage_before
    assert [e.to_status for e in events][-4:] == ["reserved", "signed", "supplied", "under_construction"]
    assert all(e.project.code == "XM-2026-014" for e in events[-4:])
    assert [c.changes["status"] for c in changes[-4:]] == [
        ["available", "reserved"],
        ["reserved", "signed"],
        ["signed", "supplied"],
        ["supplied", "under_construction"],
    ]


def test_illegal_or_stale_status_changes_write_nothing(sample_db):
    with sample_db.read() as session:
        code = available_in(session, "P02")["code"]
        before = count(session, StatusEvent), count(session, RecordChange)

    with pytest.raises(IllegalTransition), sample_db.write() as session:
        sites.change_status(session, "parcel", code, "in_production", who=admin())
    with pytest.raises(VersionConflict), sample_db.write() as session:
        sites.change_status(
            session, "parcel", code, "reserved", who=admin(), project="XM-2026-001", expected_version=999
        )
    with pytest.raises(NotFound), sample_db.write() as session:
        sites.change_status(session, "parcel", code, "reserved", who=admin(), project="XM-0000-000")

    with sample_db.read() as session:
        assert (count(session, StatusEvent), count(session, RecordChange)) == before
        assert inventory.get_parcel(session, code)["status"] == "available"


def test_delete_is_soft_and_an_admin_restores(sample_db):
    with sample_db.read() as session:
        manager = manager_of(session, "P01")
        total = inventory.list_parcels(session, ParcelQuery()).matched

    with sample_db.write() as session:
        sites.delete(session, "parcel", "KFQ-001", who=manager, expected_version=None)
    with sample_db.read() as session:
        assert inventory.list_parcels(session, ParcelQuery()).matched == total - 1
        with pytest.raises(NotFound):
            inventory.get_parcel(session, "KFQ-001")
    with pytest.raises(Forbidden), sample_db.write() as session:
        sites.restore(session, "parcel", "KFQ-001", who=manager)
    with sample_db.write() as session:
        sites.restore(session, "parcel", "KFQ-001", who=admin())

    with sample_db.read() as session:
        assert inventory.list_parcels(session, ParcelQuery()).matched == total
        actions = [c.action for c in history.changes_of(session, "parcel", "KFQ-001")]
    assert actions[-2:] == ["delete", "restore"]


def test_factories_follow_the_same_rules(sample_db):
    with sample_db.read() as session:
        factory = inventory.list_factories(session, inventory.FactoryQuery(status=("vacant",), limit=1)).rows[
            0
        ]

    with sample_db.write() as session:
        sites.update(
            session,
            "factory",
            factory["code"],
            {"vacant_area_m2": 100.0},
            who=admin(),
            expected_version=factory["version"],
        )
        sites.change_status(
            session, "factory", factory["code"], "reserved", who=admin(), project="XM-2026-003"
        )
        sites.change_status(session, "factory", factory["code"], "leased", who=admin())
    with pytest.raises(InvalidInput), sample_db.write() as session:
        sites.update(
            session, "factory", factory["code"], {"vacant_area_m2": 1e9}, who=admin(), expected_version=None
        )

    with sample_db.read() as session:
        row = inventory.get_factory(session, factory["code"])
    assert row["status"] == "leased" and row["vacant_area_m2"] == 100.0


def test_the_box_centre_the_match_reads_follows_every_new_and_moved_geometry(sample_db):
    moved = box(121.7400, 31.8000, 121.7460, 31.8010)
    with sample_db.write() as session:
        sites.create(session, "parcel", {"code": "NEW-1", "land_use": "100102"}, NEW_SQUARE, who=admin())
        sites.update(
            session,
            "parcel",
            available_in(session, "P01")["code"],
            {"geometry": moved},
            who=admin(),
            expected_version=None,
        )
    with sample_db.read() as session:
        centres = {
            code: (lon, lat)
            for code, lon, lat in session.execute(select(Parcel.code, Parcel.centre_lon, Parcel.centre_lat))
        }
        boxes = {
            code: shapely.from_wkb(bytes(wkb)).bounds
            for code, wkb in session.execute(select(Parcel.code, func.ST_AsBinary(Parcel.geom)))
        }

    assert centres["NEW-1"] == pytest.approx((121.7305, 31.79025))
    assert sum(c == pytest.approx((121.7430, 31.8005)) for c in centres.values()) == 1
    for code, (x0, y0, x1, y1) in boxes.items():
        assert centres[code] == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2)), code

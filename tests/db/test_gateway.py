"""The write gateway on both databases: the same rules whatever the path, placement from the
geometry (never from a label), undeletes only by administrators, a project's stage moved only by
the explicit rule, area versions, and the values every field may hold."""

import numpy as np
import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from gis.access import Principal, Role, operator
from gis.errors import Forbidden, InvalidInput, VersionConflict
from gis.gateway import areas, places, rules, sites
from gis.history import changes_of
from gis.inventory import get_parcel
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Factory, Parcel, Project, RecordChange, StatusEvent
from tests.corpus import collection, feature, write_json


def inside(session, code, size=0.0008):
    """A small square well inside the area `code`."""
    outline = to_shape(session.scalar(select(Area.geom).where(Area.code == code)))
    point = shapely.point_on_surface(outline)
    square = shapely.box(point.x - size / 2, point.y - size / 2, point.x + size / 2, point.y + size / 2)
    assert outline.contains(square)
    return square


def manager(session, *codes, name="园区管理员"):
    ids = frozenset(session.scalars(select(Area.id).where(Area.code.in_(codes))))
    return Principal(id=7, name=name, role=Role.PARK_MANAGER, area_ids=ids)


def a_parcel_in(session, park, status="available"):
    return session.scalar(
        select(Parcel)
        .join(Area, Area.id == Parcel.park_id)
        .where(Area.code == park, Parcel.status == status, Parcel.deleted_at.is_(None))
        .order_by(Parcel.code)
        .limit(1)
    )


def digest(db):
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(RecordChange)),
            session.scalar(select(func.count()).select_from(StatusEvent)),
            session.scalar(select(func.sum(Parcel.version))),
            session.scalar(select(func.sum(Factory.version))),
            session.scalar(select(func.count()).select_from(Parcel)),
        )


def run_import(db, path, who, layer="parcels", **options):
    return import_file(db, path, ImportOptions(layer, who=who, **options))


def keys(report):
    return [t.key for r in report.rows for t in r.rejection]


def every_key(report):
    texts = [t for r in report.rows for t in r.rejection]
    return {t.key for t in texts} | {p.key for t in texts for p in t.params.values() if hasattr(p, "key")}


def test_a_park_label_in_a_file_never_decides_where_a_new_parcel_lies(sample_db, tmp_path):
    with sample_db.read() as session:
        kfq, elsewhere, home = manager(session, "P01"), inside(session, "P04"), inside(session, "P01")
    path = write_json(
        tmp_path / "labelled.geojson",
        collection(
            feature(elsewhere, 地块编号="LABEL-1", 用地性质="100102", 园区="P01"),
            feature(elsewhere, 地块编号="LABEL-2", 用地性质="100102", 园区="启东经济开发区"),
            feature(home, 地块编号="LABEL-3", 用地性质="100102", 园区="P01"),
            feature(home, 地块编号="LABEL-4", 用地性质="100102", 园区="启东经济开发区"),
        ),
    )
    before = digest(sample_db)

    report = run_import(sample_db, path, kfq)

    assert [r.outcome for r in report.rows] == ["rejected", "rejected", "accepted", "accepted"]
    assert set(keys(report)) == {"gateway.placed_by_location", "gateway.moves_out_of_scope"}
    assert not report.written and digest(sample_db) == before


def test_an_own_parcel_moved_into_another_park_by_import_is_refused(sample_db, tmp_path):
    with sample_db.read() as session:
        kfq, own = manager(session, "P01"), a_parcel_in(session, "P01")
        far, near = inside(session, "P04"), inside(session, "P01")
    moved = write_json(
        tmp_path / "moved.geojson",
        collection(feature(far, 地块编号=own.code, 用地性质=own.land_use, 园区="P01")),
    )
    reshaped = write_json(tmp_path / "reshaped.geojson", collection(feature(near, 地块编号=own.code)))
    before = digest(sample_db)

    refused = run_import(sample_db, moved, kfq)
    assert keys(refused) == ["gateway.placed_by_location", "gateway.moves_out_of_scope"]
    assert digest(sample_db) == before
    accepted = run_import(sample_db, reshaped, kfq, accept_moves=True)  # elsewhere in P01, on purpose
    assert accepted.written
    with sample_db.read() as session:
        assert get_parcel(session, own.code)["park_code"] == "P01"


def test_a_factory_moved_into_another_park_and_a_town_zone_manager_crossing_over(sample_db, tmp_path):
    with sample_db.read() as session:
        factory = session.scalar(
            select(Factory)
            .join(Area, Area.id == Factory.park_id)
            .where(Area.code == "P01")
            .order_by(Factory.code)
            .limit(1)
        )
        kfq = manager(session, "P01")
        zhen = manager(session, "Z01", "Z02", "Z03", "Z04", "Z05", "Z06", name="镇管理员")
        far, in_park = shapely.point_on_surface(inside(session, "P04")), inside(session, "P01")
        in_zone = a_parcel_in(session, "Z01")
    factory_file = write_json(
        tmp_path / "factory.geojson", collection(feature(far, 厂房编号=factory.code, 园区="P01"))
    )
    parcel_file = write_json(
        tmp_path / "zone.geojson",
        collection(
            feature(in_park, 地块编号="ZONE-NEW", 用地性质="100102", 镇="T03"),
            feature(None, 地块编号=in_zone.code, 价格=21.5),
        ),
    )

    factory_report = run_import(sample_db, factory_file, kfq, layer="factories")
    zone_report = run_import(sample_db, parcel_file, zhen, dry_run=True)

    assert factory_report.rows[0].outcome == "rejected" and not factory_report.written
    assert "gateway.moves_out_of_scope" in keys(factory_report)
    assert [r.outcome for r in zone_report.rows] == ["rejected", "accepted"]  # its own zone's 台账 row passes


def test_only_administrators_restore_by_import_and_the_restore_is_in_the_history(sample_db, tmp_path):
    with sample_db.read() as session:
        own = a_parcel_in(session, "P01")
        kfq = manager(session, "P01")
    with sample_db.write() as session:
        sites.delete(session, "parcel", own.code, who=kfq, expected_version=None)
    path = write_json(
        tmp_path / "back.geojson", collection(feature(None, 地块编号=own.code, 备注="又回来了"))
    )
    before = digest(sample_db)

    by_manager = run_import(sample_db, path, kfq)
    assert keys(by_manager) == ["error.forbidden"] and digest(sample_db) == before
    by_admin = run_import(sample_db, path, operator("管理员"))

    assert by_admin.written and by_admin.counts()["restored"] == 1
    with sample_db.read() as session:
        entries = changes_of(session, "parcel", own.code)
        assert get_parcel(session, own.code)["remarks"] == "又回来了"
    assert [e.action for e in entries[-2:]] == ["delete", "restore"]
    assert entries[-1].changes["deleted_at"][1] is None and entries[-1].changes["remarks"][1] == "又回来了"
    assert entries[-1].actor == "管理员"


def test_a_site_step_never_moves_a_project(sample_db):
    with sample_db.read() as session:
        kfq = manager(session, "P01")
        first, second = [
            p.code
            for p in session.scalars(
                select(Parcel)
                .join(Area, Area.id == Parcel.park_id)
                .where(Area.code == "P01", Parcel.status == "available")
                .order_by(Parcel.code)
                .limit(2)
            )
        ]
        producing = session.scalar(select(Project).where(Project.stage == "producing").limit(1))
        talking = session.scalar(select(Project).where(Project.stage == "negotiating").limit(1))
        before = {
            p.code: (p.stage, len(changes_of(session, "project", p.code))) for p in (producing, talking)
        }

    with sample_db.write() as session:
        sites.change_status(session, "parcel", first, "reserved", who=kfq, project=producing.code)
        sites.change_status(session, "parcel", first, "signed", who=kfq)
        sites.change_status(
            session, "parcel", second, "reserved", who=operator("管理员"), project=talking.code
        )
        sites.change_status(session, "parcel", second, "signed", who=operator("管理员"))

    with sample_db.read() as session:
        after = {
            p.code: (p.stage, len(changes_of(session, "project", p.code)))
            for p in session.scalars(select(Project).where(Project.code.in_(list(before))))
        }
    assert after == before  # a project moves by its own steps (gis/gateway/stages.py), which move its sites


def test_an_area_change_based_on_an_old_version_is_refused(sample_db):
    admin = operator("管理员")
    with sample_db.read() as session:
        version = session.scalar(select(Area.version).where(Area.code == "P01"))

    with sample_db.write() as session:
        areas.update(session, "P01", {"remarks": "第一次"}, who=admin, expected_version=version)
    with pytest.raises(VersionConflict), sample_db.write() as session:
        areas.update(session, "P01", {"remarks": "第二次"}, who=admin, expected_version=version)
    with sample_db.write() as session:
        unchanged = areas.update(
            session, "P01", {"remarks": "第一次"}, who=admin, expected_version=version + 1
        )

    assert unchanged.version == version + 1
    with sample_db.read() as session:
        assert [c.changes["remarks"][1] for c in changes_of(session, "area", "P01")] == ["第一次"]


HOSTILE_VALUES = [
    ({"name": "长" * 201}, "fields.too_long"),
    ({"remarks": "a\x00b"}, "fields.hidden_character"),
    ({"name": "Invoice\u202egnp.exe"}, "fields.hidden_character"),
    ({"contact": "\x1b[31m"}, "fields.hidden_character"),
    ({"price_wan_per_mu": float("nan")}, "fields.out_of_range"),
    ({"price_wan_per_mu": -1.0}, "fields.out_of_range"),
    ({"plot_ratio_max": 99.0}, "fields.out_of_range"),
]


@pytest.mark.parametrize(("values", "key"), HOSTILE_VALUES)
def test_every_field_holds_only_what_it_may(sample_db, values, key):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
    before = digest(sample_db)

    with pytest.raises(InvalidInput) as caught, sample_db.write() as session:
        sites.update(session, "parcel", code, values, who=operator("管理员"), expected_version=None)

    assert caught.value.key == key and digest(sample_db) == before


@pytest.mark.parametrize("code", ["A/B", "../x", "a b", "A+B", "x" * 41, "-lead", "代码?1", "a\x00"])
def test_codes_follow_one_syntax_on_every_path(sample_db, tmp_path, code):
    with sample_db.read() as session:
        square = inside(session, "P01")
    path = write_json(
        tmp_path / "codes.geojson", collection(feature(square, 地块编号=code, 用地性质="100102"))
    )

    with pytest.raises(InvalidInput), sample_db.write() as session:
        sites.create(session, "parcel", {"code": code, "land_use": "100102"}, square, who=operator("管理员"))
    report = run_import(sample_db, path, operator("管理员"))

    assert not report.written
    assert {
        "fields.code_syntax",
        "fields.too_long",
        "import.code_too_long",
        "fields.hidden_character",
    } & every_key(report), every_key(report)


def test_imported_values_pass_the_same_field_rules(sample_db, tmp_path):
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
    path = write_json(
        tmp_path / "values.geojson",
        collection(
            feature(None, 地块编号=code, 名称="长" * 3000),
            feature(None, 地块编号=code + "-B", 备注="bidi\u2067here"),
        ),
    )

    report = run_import(sample_db, path, operator("管理员"))

    assert [r.outcome for r in report.rows] == ["rejected", "rejected"]
    assert "fields.too_long" in keys(report) and "fields.hidden_character" in keys(report)


def test_the_share_rule_refuses_an_outline_drawn_mostly_over_a_neighbour():
    who = Principal(id=1, name="kfq", role=Role.PARK_MANAGER, area_ids=frozenset({13}))
    stored = rules.Stored(id=1, version=1, status="available", park_id=13, town_id=2)
    mostly_mine = rules.Change(
        "parcel", "X", rules.Act.UPDATE, stored=stored, geometry=True, place=(13, 2), share=0.8
    )
    mostly_theirs = rules.Change(
        "parcel", "X", rules.Act.UPDATE, stored=stored, geometry=True, place=(13, 2), share=0.3
    )

    rules.check(who, mostly_mine)
    with pytest.raises(Forbidden) as caught:
        rules.check(who, mostly_theirs)
    assert caught.value.key == "gateway.moves_out_of_scope" and "30%" in caught.value.message("zh")


def test_shares_within_are_measured_per_shape():
    region = shapely.box(0, 0, 1, 1)
    shapes = np.array(
        [shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 1.5, 1), shapely.Point(2, 2), None], dtype=object
    )

    shares = places.shares_within(shapes, region)

    assert shares[:3].tolist() == [1.0, 0.5, 0.0] and np.isnan(shares[3])


def test_the_import_itself_refuses_roles_that_may_not_import(sample_db, tmp_path):
    path = write_json(tmp_path / "one.geojson", collection(feature(None, 地块编号="KFQ-001", 备注="无权")))
    before = digest(sample_db)

    for role in (Role.INVESTMENT, Role.LEADER):
        with pytest.raises(Forbidden):
            run_import(sample_db, path, Principal(id=9, name="无权", role=role))

    assert digest(sample_db) == before

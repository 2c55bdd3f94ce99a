"""Imports and exports on both databases: upserts, status events, replace, dry runs, round trips."""

import json

import pytest
import shapely
from sqlalchemy import func, select, update

from gis.access import Principal, Role, operator
from gis.errors import LandstockError
from gis.history import changes_of
from gis.inventory import FactoryQuery, ParcelQuery, get_parcel, list_factories, list_parcels
from gis.io import columns, exporter
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Factory, Parcel, StatusEvent
from tests.corpus import collection, feature, parcel, square, write_json

SAME = ("code", "name", "land_use", "stock_type", "ownership", "plot_ratio_min", "plot_ratio_max",
        "building_density_min", "height_limit_m", "green_ratio_max", "waterfront", "ready_road", "ready_power",
        "ready_water", "ready_drainage", "ready_telecom", "ready_gas", "ready_heat", "ready_leveled", "net_land",
        "price_wan_per_mu", "status", "status_since", "reserved_project_code", "idle_since", "park_code",
        "town_code", "cert_area_m2", "contact", "contact_phone", "remarks")
FACTORY_SAME = ("code", "name", "building_type", "floors", "floor_area_m2", "vacant_area_m2", "clear_height_m",
                "floor_load_kn_m2", "crane_t", "power_kva", "year_built", "owner", "rent_yuan_m2_month",
                "sale_price_wan", "status", "status_since", "reserved_project_code", "suitable_industries",
                "parcel_code", "park_code", "town_code", "contact", "contact_phone", "remarks")


def imported(db, path, layer="parcels", who=None, **options):
    return import_file(db, path, ImportOptions(layer, who=who or operator("园区管理员"), **options))


def manager(*area_ids):
    return Principal(id=99, name="园区管理员", role=Role.PARK_MANAGER, area_ids=frozenset(area_ids))


def count(db, model=Parcel, *where):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_new_codes_are_inserted_existing_ones_updated_and_blank_cells_keep_values(sample_db, tmp_path):
    with sample_db.read() as session:
        before = get_parcel(session, "KFQ-001")
    path = write_json(tmp_path / "survey.geojson", collection(
        parcel(0, code="NEW-1", 名称=None, 权属单位=None, 面积="60亩"),
        feature(square(1), 地块编号="KFQ-001", 名称="改名地块", 权属单位="", 用地性质=None, 面积=None)))

    report = imported(sample_db, path)

    with sample_db.read() as session:
        after = get_parcel(session, "KFQ-001")
        new = get_parcel(session, "NEW-1")
    assert report.written and report.counts()["inserted"] == 1 and report.counts()["updated"] == 1
    assert after["name"] == "改名地块" and after["ownership"] == before["ownership"]
    assert after["land_use"] == before["land_use"] and after["version"] == before["version"] + 1
    assert after["area_m2"] != before["area_m2"] and after["updated_by"] == "园区管理员"
    assert new["park_code"] == "P01" and new["cert_area_m2"] == pytest.approx(40000)


def test_a_status_change_becomes_an_event_by_the_importing_user(sample_db, tmp_path):
    path = write_json(tmp_path / "status.geojson", collection(
        feature(square(0), code="KFQ-001", 状态="意向", 意向项目="XM-2026-001", 状态说明="洽谈中")))

    report = imported(sample_db, path)

    with sample_db.read() as session:
        row = get_parcel(session, "KFQ-001")
        event = session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc()).limit(1)).one()
    assert report.status_changes == 1 and report.rows[0].messages[0].key == "import.status_change"
    assert row["status"] == "reserved" and row["reserved_project_code"] == "XM-2026-001"
    assert (event.actor, event.from_status, event.to_status, event.note) == ("园区管理员", "available", "reserved", "洽谈中")


def test_imported_rows_leave_record_changes_by_the_importing_user(sample_db, tmp_path):
    path = write_json(tmp_path / "changes.geojson", collection(
        feature(square(0), 地块编号="KFQ-001", 名称="改名地块"), parcel(1, code="HIST-1")))

    imported(sample_db, path)
    imported(sample_db, write_json(tmp_path / "only.geojson", collection(parcel(1, code="HIST-1"))), replace=True)

    with sample_db.read() as session:
        update = changes_of(session, "parcel", "KFQ-001")[-2:]
        created = changes_of(session, "parcel", "HIST-1")
    assert update[0].action == "update" and update[0].actor == "园区管理员"
    assert update[0].changes["name"][1] == "改名地块" and "geom" in update[0].changes
    assert update[1].action == "delete"  # removed by the second import's --replace
    assert created[0].action == "create" and created[0].changes["land_use"] == [None, "100102"]


def test_a_refused_file_writes_nothing_and_a_dry_run_writes_nothing(sample_db, tmp_path):
    parcels, events = count(sample_db), count(sample_db, StatusEvent)
    bad = write_json(tmp_path / "bad.geojson", collection(parcel(0, code="OK-1"), parcel(1, code="BAD", 状态="乱写")))
    good = write_json(tmp_path / "good.geojson", collection(parcel(0, code="OK-1")))

    refused = imported(sample_db, bad)
    dry = imported(sample_db, good, dry_run=True)

    assert not refused.acceptable and not refused.written
    assert dry.acceptable and not dry.written and dry.counts()["inserted"] == 1
    assert count(sample_db) == parcels and count(sample_db, StatusEvent) == events


def test_replace_soft_deletes_what_the_file_lacks_and_only_when_asked(sample_db, tmp_path):
    path = write_json(tmp_path / "two.geojson", collection(parcel(0, code="KFQ-001"), parcel(1, code="ONLY-NEW")))
    alive = Parcel.deleted_at.is_(None)

    imported(sample_db, path)
    kept = count(sample_db, Parcel, alive)
    report = imported(sample_db, path, replace=True)

    assert kept == 557
    assert report.counts()["deleted"] == 555 and count(sample_db, Parcel, alive) == 2
    assert count(sample_db) == 557  # history is kept: soft deletion


def test_a_park_manager_may_import_only_into_their_own_areas(sample_db, tmp_path):
    path = write_json(tmp_path / "mine.geojson", collection(parcel(0, code="MINE-1")))

    with sample_db.read() as session:
        ids = dict(session.execute(select(Area.code, Area.id)).all())

    theirs = imported(sample_db, path, dry_run=True, who=manager(ids["P02"]))
    mine = imported(sample_db, path, dry_run=True, who=manager(ids["P01"]))
    other_row = imported(sample_db, write_json(tmp_path / "other.geojson", collection(
        feature(square(0), code="BX-001", name="改名"))), dry_run=True, who=manager(ids["P01"]))

    assert theirs.rows[0].rejection[0].key == "gateway.moves_out_of_scope"
    assert mine.acceptable
    assert other_row.rows[0].rejection[0].key == "error.out_of_scope"  # BX-001 lies outside P01
    new_area = write_json(tmp_path / "area.geojson", collection(feature(square(0), code="P09", name="新园区", kind="园区")))
    areas = imported(sample_db, new_area, layer="areas", dry_run=True, who=manager(ids["P01"]))
    assert areas.rows[0].rejection[0].key == "error.forbidden" and not areas.acceptable  # a new area


def test_areas_import_with_parents_from_the_same_file(sample_db, tmp_path):
    path = write_json(tmp_path / "areas.geojson", collection(
        feature(square(0, 0.01), 编号="Z-CHILD", 名称="新片区", 类型="片区", 上级="Z-NEW"),
        feature(square(0, 0.02), 编号="Z-NEW", 名称="新园区", 类型="园区", 主导产业="39;27", 重点平台="是")))

    report = imported(sample_db, path, layer="areas")

    assert report.written, report.to_dict("en")
    with sample_db.read() as session:
        from gis.inventory import list_areas
        areas = {a["code"]: a for a in list_areas(session)}
    assert areas["Z-CHILD"]["parent_code"] == "Z-NEW" and areas["Z-NEW"]["leading_industries"] == ["39", "27"]
    assert areas["Z-NEW"]["kind"] == "park" and areas["Z-NEW"]["is_priority"] is True


def scramble(db):
    """Change every record where it has a value (blank cells in a file leave values as they are)."""
    with db.write() as session:
        session.execute(update(Parcel).values(
            name=Parcel.name + "?", ownership=Parcel.ownership + "?", price_wan_per_mu=Parcel.price_wan_per_mu + 1,
            ready_road=~Parcel.ready_road, plot_ratio_max=Parcel.plot_ratio_max + 1, remarks=Parcel.remarks + "?",
            land_use="1001", stock_type="other"))
        session.execute(update(Factory).values(
            name=Factory.name + "?", clear_height_m=Factory.clear_height_m + 1, owner=Factory.owner + "?",
            remarks=Factory.remarks + "?", building_type="standard", floors=Factory.floors + 1))


def rows(db, layer):
    with db.read() as session:
        if layer == "parcels":
            return {r["code"]: r for r in list_parcels(session, ParcelQuery(limit=1000)).rows}
        return {r["code"]: r for r in list_factories(session, FactoryQuery(limit=1000)).rows}


@pytest.mark.parametrize("fmt", exporter.FORMATS)
@pytest.mark.parametrize("layer", ["parcels", "factories"])
def test_export_then_import_gives_the_same_records(databases, backend, tmp_path, fmt, layer):
    source = databases.open(backend, sample=True)
    target = databases.open(backend, sample=True)
    with source.read() as session:
        path = tmp_path / f"{layer}{exporter.SUFFIXES[fmt]}"
        exported = exporter.write(session, layer, fmt, path)
    scramble(target)

    report = imported(target, path, layer=layer)

    assert report.written and report.counts()["updated"] == exported, report.to_dict("en")
    before, after = rows(source, layer), rows(target, layer)
    assert before.keys() == after.keys()
    for code, old in before.items():
        new = after[code]
        assert {k: old[k] for k in (SAME if layer == "parcels" else FACTORY_SAME)} == \
            {k: new[k] for k in (SAME if layer == "parcels" else FACTORY_SAME)}, code
        a, b = shapely.from_geojson(old["geojson"]), shapely.from_geojson(new["geojson"])
        assert a.hausdorff_distance(b) < 1e-6, code  # 7 decimals in GeoJSON: about a centimetre
        if layer == "parcels":
            assert new["area_m2"] == pytest.approx(old["area_m2"], abs=0.05)


def test_geojson_export_is_rfc7946(sample_db, tmp_path):
    path = tmp_path / "p.geojson"
    with sample_db.read() as session:
        count_ = exporter.write(session, "parcels", "geojson", path, parcel_query=ParcelQuery(park="P01"))
    document = json.loads(path.read_text(encoding="utf-8"))

    assert len(document["features"]) == count_ > 0 and "crs" not in document
    coordinate = document["features"][0]["geometry"]["coordinates"][0][0][0]
    assert all(len(str(c).split(".")[1]) <= 7 for c in coordinate)
    assert {f["properties"]["park_code"] for f in document["features"]} == {"P01"}


def test_shapefile_export_has_prj_cpg_and_short_names(sample_db, tmp_path):
    import zipfile

    path = tmp_path / "p.zip"
    with sample_db.read() as session:
        exporter.write(session, "parcels", "shp", path)
    names = zipfile.ZipFile(path).namelist()

    assert {"parcels.shp", "parcels.shx", "parcels.dbf", "parcels.prj", "parcels.cpg"} <= set(names)
    for layer, names in (("parcels", exporter.PARCEL_COLUMNS), ("factories", exporter.FACTORY_COLUMNS)):
        short = columns.SHAPEFILE_NAMES[layer]
        assert all(len(short.get(name, name)) <= 10 for name in names)


def test_xlsx_ledger_has_chinese_headers_both_units_and_a_summary(sample_db, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "台账.xlsx"
    with sample_db.read() as session:
        exported = exporter.write(session, "parcels", "xlsx", path)
    book = load_workbook(path, read_only=True)
    parcels_sheet, summary = book["地块"], book["汇总"]
    header = next(parcels_sheet.iter_rows(max_row=1, values_only=True))
    last = list(summary.iter_rows(values_only=True))[-1]

    assert book.sheetnames == ["地块", "汇总"]
    assert {"编号", "面积(平方米)", "面积(亩)", "状态", "用地性质"} <= set(header)
    assert last[0] == "合计" and last[2] == exported
    assert last[3] == pytest.approx(sum(r["area_m2"] for r in rows(sample_db, "parcels").values()) / (10000 / 15),
                                    rel=1e-4)


def test_unknown_export_format_is_a_user_error(sample_db, tmp_path):
    with sample_db.read() as session, pytest.raises(LandstockError) as caught:
        exporter.write(session, "parcels", "dwg", tmp_path / "x.dwg")
    assert caught.value.key == "export.unknown_format"

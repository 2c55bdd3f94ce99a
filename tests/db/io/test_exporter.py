"""Exports on both databases: every format imports back to the same records; GeoJSON, Shapefile
and XLSX as their readers expect them."""

import json
import zipfile

import pytest
import shapely
from openpyxl import load_workbook
from sqlalchemy import update

from gis.access import operator
from gis.errors import LandstockError
from gis.gateway.rules import SITE_FIELDS
from gis.inventory import FactoryQuery, ParcelQuery, list_factories, list_parcels
from gis.io import columns, exporter
from gis.io.importer import ImportOptions, import_file
from gis.models import Factory, Parcel
from gis.vocabulary import SiteKind

# What a record is and where it stands in its workflow, whatever the layer; every field a user may
# edit (the rule book's list) must come back too. Derived columns (names of parks and towns, areas
# in 亩, who changed it when) are the exporter's own and are not read back.
IDENTITY_AND_WORKFLOW = {"code", "status", "status_since", "reserved_project_code", "park_code", "town_code"}
LAYER_KIND = {"parcels": SiteKind.PARCEL, "factories": SiteKind.FACTORY}


def kept(layer: str) -> set[str]:
    """The columns an export then an import must give back unchanged."""
    editable = {"parcel_code" if f == "parcel" else f for f in SITE_FIELDS[LAYER_KIND[layer]]}
    return IDENTITY_AND_WORKFLOW | editable


@pytest.mark.parametrize(
    ("layer", "some"),
    [
        ("parcels", {"name", "land_use", "ready_road", "net_land", "price_wan_per_mu", "remarks"}),
        ("factories", {"name", "building_type", "crane_t", "parcel_code", "suitable_industries"}),
    ],
)
def test_the_round_trip_covers_identity_and_every_editable_field(layer, some):
    assert IDENTITY_AND_WORKFLOW | some <= kept(layer)


def scramble(db):
    """Change every record where it has a value (blank cells in a file leave values as they are)."""
    with db.write() as session:
        session.execute(
            update(Parcel).values(
                name=Parcel.name + "?",
                ownership=Parcel.ownership + "?",
                price_wan_per_mu=Parcel.price_wan_per_mu + 1,
                ready_road=~Parcel.ready_road,
                plot_ratio_max=Parcel.plot_ratio_max + 1,
                remarks=Parcel.remarks + "?",
                land_use="1001",
                stock_type="other",
            )
        )
        session.execute(
            update(Factory).values(
                name=Factory.name + "?",
                clear_height_m=Factory.clear_height_m + 1,
                owner=Factory.owner + "?",
                remarks=Factory.remarks + "?",
                building_type="standard",
                floors=Factory.floors + 1,
            )
        )


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

    report = import_file(target, path, ImportOptions(layer, who=operator("园区管理员")))

    assert report.written and report.counts()["updated"] == exported, report.to_dict("en")
    before, after = rows(source, layer), rows(target, layer)
    assert before.keys() == after.keys()
    for code, old in before.items():
        new = after[code]
        assert {k: old[k] for k in kept(layer)} == {k: new[k] for k in kept(layer)}, code
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
    path = tmp_path / "p.zip"
    with sample_db.read() as session:
        exporter.write(session, "parcels", "shp", path)
    names = zipfile.ZipFile(path).namelist()

    assert {"parcels.shp", "parcels.shx", "parcels.dbf", "parcels.prj", "parcels.cpg"} <= set(names)
    for layer, fields in (("parcels", exporter.PARCEL_COLUMNS), ("factories", exporter.FACTORY_COLUMNS)):
        short = columns.SHAPEFILE_NAMES[layer]
        assert all(len(short.get(field, field)) <= 10 for field in fields)


def test_xlsx_ledger_has_chinese_headers_both_units_and_a_summary(sample_db, tmp_path):
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
    assert last[3] == pytest.approx(
        sum(r["area_m2"] for r in rows(sample_db, "parcels").values()) / (10000 / 15), rel=1e-4
    )


def test_unknown_export_format_is_a_user_error(sample_db, tmp_path):
    with sample_db.read() as session, pytest.raises(LandstockError) as caught:
        exporter.write(session, "parcels", "dwg", tmp_path / "x.dwg")
    assert caught.value.key == "export.unknown_format"

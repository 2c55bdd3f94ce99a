"""Exports that round-trip exactly, on both databases: small parcels (a few metres across, where
rounding shows first) and the parks and towns go out in every format and come back unchanged."""

import json
import random

import pytest
import shapely
from openpyxl import load_workbook
from sqlalchemy import func, select

from gis.inventory import ParcelQuery, list_areas
from gis.io import exporter
from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Factory, Parcel, RecordChange
from gis.vocabulary import Layer

SMALL = 24
M_PER_DEGREE = 111_320.0


def small_parcels(path, seed=7):
    """A GeoJSON file of irregular quadrilaterals 4 to 15 m across near Qidong's centre, their
    corners at full double precision."""
    rng = random.Random(seed)
    features = []
    for k in range(SMALL):
        lon0, lat0 = 121.70 + 0.001 * k, 31.82 + 0.0007 * (k % 5)
        size = rng.uniform(4, 15) / M_PER_DEGREE
        corners = [
            (
                lon0 + dx * size + rng.uniform(-0.2, 0.2) * size,
                lat0 + dy * size + rng.uniform(-0.2, 0.2) * size,
            )
            for dx, dy in ((0, 0), (1, 0), (1, 1), (0, 1))
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": f"RT-{k:03d}", "land_use": "1001", "name": f"小地块{k}"},
                "geometry": {"type": "Polygon", "coordinates": [[*corners, corners[0]]]},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def shapes(db):
    """Code -> (outline, area in m²) of the small parcels as stored."""
    with db.read() as session:
        rows = session.execute(
            select(Parcel.code, func.ST_AsBinary(Parcel.geom), Parcel.area_m2).where(Parcel.code.like("RT-%"))
        ).all()
    return {code: (shapely.from_wkb(bytes(wkb)), area) for code, wkb, area in rows}


@pytest.fixture
def source(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    report = import_file(db, small_parcels(tmp_path / "small.geojson"), ImportOptions(Layer.PARCELS))
    assert report.written, report.to_dict("en")
    return db


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_small_parcels_round_trip_in_every_format(databases, backend, tmp_path, source, fmt):
    path = tmp_path / f"parcels{exporter.SUFFIXES[fmt]}"
    with source.read() as session:
        assert (
            exporter.write(session, Layer.PARCELS, fmt, path, parcel_query=ParcelQuery(search="RT-")) == SMALL
        )
    target = databases.open(backend, sample=True)

    report = import_file(target, path, ImportOptions(Layer.PARCELS))

    assert report.written and report.counts()["inserted"] == SMALL, report.to_dict("en")
    before, after = shapes(source), shapes(target)
    assert before.keys() == after.keys()
    for code, (outline, area) in before.items():
        copy, copied_area = after[code]
        if fmt in ("gpkg", "shp"):  # binary doubles: every digit kept
            assert shapely.equals_exact(shapely.normalize(outline), shapely.normalize(copy), 0), code
        else:
            assert outline.hausdorff_distance(copy) < 1e-8, code
        assert abs(copied_area - area) / area < 1e-4, (code, area, copied_area)


@pytest.mark.parametrize("fmt", exporter.FORMATS)
def test_areas_export_in_every_format_and_import_back(databases, backend, tmp_path, fmt):
    source = databases.open(backend, sample=True)
    path = tmp_path / f"areas{exporter.SUFFIXES[fmt]}"
    with source.read() as session:
        count = exporter.write(session, Layer.AREAS, fmt, path)
        areas = {a["code"]: a for a in list_areas(session)}
        outlines = {c: w for c, w in session.execute(select(Area.code, func.ST_AsBinary(Area.geom)))}
    assert count == len(areas) > 0
    target = databases.open(backend)  # empty: the areas come from the file alone

    report = import_file(target, path, ImportOptions(Layer.AREAS))

    assert report.written and report.counts()["inserted"] == count, report.to_dict("en")
    with target.read() as session:
        copied = {a["code"]: a for a in list_areas(session)}
        copied_outlines = {c: w for c, w in session.execute(select(Area.code, func.ST_AsBinary(Area.geom)))}
    assert copied.keys() == areas.keys()
    for code, area in areas.items():
        new = copied[code]
        for name in ("name", "kind", "parent_code", "leading_industries", "is_priority", "remarks"):
            assert new[name] == area[name], (code, name)
        a, b = shapely.from_wkb(bytes(outlines[code])), shapely.from_wkb(bytes(copied_outlines[code]))
        assert a.hausdorff_distance(b) < 1e-8, code
        assert new["area_m2"] == pytest.approx(area["area_m2"], rel=1e-6)


def test_areas_ledger_has_chinese_headers_kinds_and_a_summary_by_kind(sample_db, tmp_path):
    path = tmp_path / "areas.xlsx"
    with sample_db.read() as session:
        exporter.write(session, Layer.AREAS, "xlsx", path)
        kinds = {str(a["kind"]) for a in list_areas(session)}
    book = load_workbook(path)
    sheet = book["园区和镇"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["编号", "名称", "类型", "上级"]
    assert "面积(亩)" in header and header[-1] == "几何(WKT)"
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} <= {"园区", "镇", "片区"}
    area_cell = sheet.cell(row=2, column=header.index("面积(平方米)") + 1)
    assert area_cell.number_format == "0.00" and area_cell.value != round(area_cell.value, 2)
    summary = [row for row in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == "类型" and summary[-1][0] == "合计"
    assert len(summary) == len(kinds) + 2


def versions(db, layer):
    """Code -> version of every record of `layer`, and how many history entries there are."""
    model = {"parcels": Parcel, "factories": Factory, "areas": Area}[layer]
    with db.read() as session:
        found = {code: v for code, v in session.execute(select(model.code, model.version))}
        return found, session.scalar(select(func.count()).select_from(RecordChange))


@pytest.mark.parametrize("fmt", exporter.FORMATS)
@pytest.mark.parametrize("layer", [Layer.PARCELS, Layer.FACTORIES, Layer.AREAS])
def test_reimporting_an_export_changes_nothing(databases, backend, tmp_path, fmt, layer):
    db = databases.open(backend, sample=True)
    path = tmp_path / f"{layer}{exporter.SUFFIXES[fmt]}"
    with db.read() as session:
        exported = exporter.write(session, layer, fmt, path)
    before = versions(db, layer)

    report = import_file(db, path, ImportOptions(layer))

    counts = report.counts()
    assert report.written and counts["unchanged"] == exported, report.to_dict("en")["counts"]
    assert counts["updated"] == counts["inserted"] == counts["status_changes"] == 0
    assert versions(db, layer) == before  # no version went up, no history was written


def test_a_change_beside_unchanged_rows_is_the_only_one_written(tmp_path, source):
    original = shapes(source)
    path = tmp_path / "again.geojson"
    collection = json.loads(small_parcels(tmp_path / "small.geojson").read_text(encoding="utf-8"))
    for feature in collection["features"]:  # to 7 decimals, as a GIS office's GeoJSON may be
        ring = feature["geometry"]["coordinates"][0]
        feature["geometry"]["coordinates"][0] = [[round(x, 7), round(y, 7)] for x, y in ring]
    moved, renamed = collection["features"][0], collection["features"][1]
    moved["geometry"]["coordinates"][0] = [[x + 2e-6, y] for x, y in moved["geometry"]["coordinates"][0]]
    renamed["properties"]["name"] = "改了名字"
    path.write_text(json.dumps(collection), encoding="utf-8")
    before, history = versions(source, "parcels")

    report = import_file(source, path, ImportOptions(Layer.PARCELS))

    counts = report.counts()
    assert (counts["updated"], counts["unchanged"]) == (2, SMALL - 2), counts
    after, history_after = versions(source, "parcels")
    bumped = {code for code in after if after[code] != before[code]}
    assert bumped == {"RT-000", "RT-001"} and history_after == history + 2
    now = shapes(source)
    assert now["RT-002"] == original["RT-002"]  # the rounded copy left the full-precision outline alone
    assert now["RT-000"][0].centroid.x == pytest.approx(original["RT-000"][0].centroid.x + 2e-6, abs=1e-7)


def test_a_dry_run_counts_unchanged_rows_as_the_import_does(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    path = tmp_path / "parcels.gpkg"
    with db.read() as session:
        exported = exporter.write(session, Layer.PARCELS, "gpkg", path)

    dry = import_file(db, path, ImportOptions(Layer.PARCELS, dry_run=True))
    real = import_file(db, path, ImportOptions(Layer.PARCELS))

    assert dry.counts() == real.counts() and dry.counts()["unchanged"] == exported

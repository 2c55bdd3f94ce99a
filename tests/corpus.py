"""A corpus of awkward and hostile survey files, written by the tests into a temporary folder.

Each case builds its file(s) and states the expected outcome: the import raises a domain error
with a given message key, or it reports a given outcome per row (accepted / repaired /
rejected) with given message keys somewhere in the report. Nothing here is committed data.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from gis.crs import gcj02_to_cgcs2000, reproject
from gis.io.limits import ImportLimits

LON, LAT, SIZE = 121.700, 31.780, 0.002  # inside 启东经济开发区 (P01)


def square(k: int = 0, size: float = SIZE) -> shapely.Polygon:
    """A ~60 亩 square, the k-th along a row of them."""
    x = LON + k * 0.003
    return shapely.box(x, LAT, x + size, LAT + size)


def feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    geo = geometry if isinstance(geometry, dict) or geometry is None else mapping(geometry)
    return {"type": "Feature", "properties": properties, "geometry": geo}


def parcel(k: int, code: str | None = None, **extra: Any) -> dict[str, Any]:
    return feature(square(k), 地块编号=code if code is not None else f"C-{k:03d}", 用地性质="100102", **extra)


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def collection(*features: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def frame(geoms: list[Any], crs: Any, **columns: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=crs)


def shapefile(
    folder: Path,
    gdf: gpd.GeoDataFrame,
    *,
    encoding: str = "UTF-8",
    prj: bool = True,
    cpg: bool = True,
    name: str = "parcels",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    gdf.to_file(folder / f"{name}.shp", encoding=encoding)
    for suffix, keep in ((".prj", prj), (".cpg", cpg)):
        if not keep and (folder / f"{name}{suffix}").exists():
            (folder / f"{name}{suffix}").unlink()
    return folder


def zipped(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, part.name)
    return target


def gk(geoms: list[Any], epsg: int) -> list[Any]:
    return list(reproject(np.array(geoms, dtype=object), 4490, epsg))


@dataclass
class Case:
    """One corpus file and what importing it must give."""

    name: str
    build: Callable[[Path], Path]
    layer: str = "parcels"
    raises: str | None = None
    outcomes: list[str] | None = None
    keys: set[str] = field(default_factory=set)
    options: dict[str, Any] = field(default_factory=dict)
    limits: ImportLimits | None = None


def _bow_tie(tmp: Path) -> Path:
    x, y, s = LON, LAT, SIZE
    ring = [[x, y], [x + s, y + s], [x + s, y], [x, y + s], [x, y]]
    return write_json(
        tmp / "bowtie.geojson",
        collection(feature({"type": "Polygon", "coordinates": [ring]}, 地块编号="C-BOW", 用地性质="M2")),
    )


def _ring(tmp: Path, name: str, ring: list[list[float]]) -> Path:
    return write_json(
        tmp / f"{name}.geojson",
        collection(feature({"type": "Polygon", "coordinates": [ring]}, 地块编号="C-R", 用地性质="M2")),
    )


def _three_point(tmp: Path) -> Path:
    return _ring(tmp, "three", [[LON, LAT], [LON + SIZE, LAT], [LON, LAT]])


def _unclosed(tmp: Path) -> Path:
    x, y, s = LON, LAT, SIZE
    return _ring(tmp, "unclosed", [[x, y], [x + s, y], [x + s, y + s], [x, y + s]])


def _csv(tmp: Path, name: str, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    path = tmp / name
    pd.DataFrame(rows).to_csv(path, index=False, encoding=encoding)
    return path


def _wkt_rows(*wkts: str) -> list[dict[str, Any]]:
    return [{"地块编号": f"W-{i}", "用地性质": "M1", "WKT": w} for i, w in enumerate(wkts)]


def _z(tmp: Path) -> Path:
    ring = [[x, y, 3.5] for x, y in shapely.get_coordinates(square())]
    return write_json(
        tmp / "z.geojson",
        collection(feature({"type": "Polygon", "coordinates": [ring]}, 地块编号="C-Z", 用地性质="M2")),
    )


def _mixed(tmp: Path) -> Path:
    geometry = shapely.GeometryCollection([square(), shapely.LineString([(LON, LAT), (LON + 0.01, LAT)])])
    return write_json(
        tmp / "mixed.geojson", collection(feature(geometry, 地块编号="C-MIX", 用地性质="M2"), parcel(1))
    )


def _swapped_all(tmp: Path) -> Path:
    features = [
        feature(shapely.transform(square(k), lambda c: c[:, ::-1]), 地块编号=f"S-{k}", 用地性质="M2")
        for k in range(3)
    ]
    return write_json(tmp / "swapped.geojson", collection(*features))


def _swapped_one(tmp: Path) -> Path:
    bad = feature(shapely.transform(square(5), lambda c: c[:, ::-1]), 地块编号="S-BAD", 用地性质="M2")
    return write_json(tmp / "one_swapped.geojson", collection(parcel(0), parcel(1), bad))


def _squares(n: int) -> list[Any]:
    return [square(k) for k in range(n)]


def _shp_gk(tmp: Path, *, epsg: int, prj: bool, declared: int | None = None, zip_it: bool = True) -> Path:
    geoms = gk(_squares(2), epsg)
    gdf = frame(geoms, declared or epsg, DKBH=["G-1", "G-2"], YDXZ=["M2", "M3"])
    folder = shapefile(tmp / "shp", gdf, prj=prj)
    return zipped(folder, tmp / "survey.zip") if zip_it else folder


def _gbk(tmp: Path, *, cpg: bool) -> Path:
    gdf = frame(
        _squares(2),
        4490,
        地块编号=["甲-1", "乙-2"],
        用地性质=["二类工业用地", "一类工业"],
        名称=["东区地块", "西区地块"],
    )
    return zipped(shapefile(tmp / "gbk", gdf, encoding="GBK", cpg=cpg), tmp / "gbk.zip")


def _declared_geojson(tmp: Path, epsg: int, *, declare: bool) -> Path:
    geoms = gk(_squares(2), epsg)
    features = [feature(g, code=f"D-{k}", land_use="100101") for k, g in enumerate(geoms)]
    extra = (
        {"crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}} if declare else {}
    )
    return write_json(tmp / f"declared_{epsg}.geojson", collection(*features, **extra))


def _ambiguous(tmp: Path) -> Path:
    boxes = [shapely.box(500_000 + k * 300, 3_520_000, 500_200 + k * 300, 3_520_200) for k in range(2)]
    features = [feature(b, code=f"A-{k}", land_use="1001") for k, b in enumerate(boxes)]
    return write_json(tmp / "ambiguous.geojson", collection(*features))


def _gcj02(tmp: Path) -> Path:
    # Survey drawn on AMap: the offset is applied to true positions, so the file holds GCJ-02.
    from gis.crs import cgcs2000_to_gcj02

    shifted = cgcs2000_to_gcj02(np.array(_squares(2), dtype=object))
    features = [feature(g, code=f"GCJ-{k}", land_use="100102") for k, g in enumerate(shifted)]
    assert gcj02_to_cgcs2000 is not None
    return write_json(tmp / "amap.geojson", collection(*features))


def _far(tmp: Path) -> Path:
    far = shapely.box(116.40, 39.90, 116.41, 39.91)  # Beijing
    return write_json(tmp / "beijing.geojson", collection(feature(far, code="FAR", land_use="1001")))


def _codes(tmp: Path, codes: list[str | None]) -> Path:
    return write_json(tmp / "codes.geojson", collection(*[parcel(k, code=c) for k, c in enumerate(codes)]))


def _overflow(tmp: Path) -> Path:
    rows = [{"地块编号": "1.23457E+17", "用地性质": "M2", "WKT": square(k).wkt} for k in range(3)]
    return _csv(tmp, "overflow.csv", rows)


def _csv_gbk(tmp: Path) -> Path:
    rows = [
        {
            "宗地号": f"GBK-{k}",
            "用地类型": "二类工业用地",
            "面积（亩）": "60",
            "权属单位": "启东市自然资源和规划局",
            "几何": square(k).wkt,
        }
        for k in range(2)
    ]
    return _csv(tmp, "gbk.csv", rows, encoding="gbk")


def _factory_rows(**geometry: list[Any]) -> list[dict[str, Any]]:
    base = [{"厂房编号": f"F-{k}", "建筑面积": 5000 + k, "空置面积": 2000, "状态": "空置"} for k in range(2)]
    return [{**row, **{name: values[k] for name, values in geometry.items()}} for k, row in enumerate(base)]


def _lonlat(tmp: Path) -> Path:
    return _csv(tmp, "lonlat.csv", _factory_rows(经度=[121.701, 121.704], 纬度=[31.781, 31.781]))


def _latlon_pair(tmp: Path) -> Path:
    return _csv(tmp, "pair.csv", _factory_rows(**{"lat, lon": ["31.781, 121.701", "31.7812,121.704"]}))


def _surveying_xy(tmp: Path) -> Path:
    points = gk([shapely.Point(121.701, 31.781), shapely.Point(121.704, 31.781)], 4549)
    return _csv(tmp, "xy.csv", _factory_rows(X坐标=[p.y for p in points], Y坐标=[p.x for p in points]))


def _xlsx(tmp: Path) -> Path:
    rows = [
        {
            "地块编号": "X-1",
            "用地性质": "M1",
            "面积(亩)": 62.5,
            "状态": "Sold By City",
            "几何(WKT)": square(0).wkt,
        },
        {
            "地块编号": "X-2",
            "用地性质": "三类工业用地",
            "面积(亩)": 61,
            "状态": " sold by city ",
            "几何(WKT)": square(1).wkt,
        },
    ]
    path = tmp / "台账.xlsx"
    pd.DataFrame(rows).to_excel(path, index=False)
    return path


def _variants(tmp: Path) -> Path:
    values = [
        ("ＡＶＡＩＬＡＢＬＥ ", "0601"),
        ("可供 ", "m2"),
        ("Sold by City", "二类工业"),
        ("available", "W1"),
    ]
    return write_json(
        tmp / "variants.geojson",
        collection(
            *[feature(square(k), code=f"V-{k}", status=s, land_use=u) for k, (s, u) in enumerate(values)]
        ),
    )


def _zip_bomb(tmp: Path) -> Path:
    path = tmp / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("parcels.geojson", b"\x20" * (20 * 1024 * 1024))
    return path


def _traversal(tmp: Path) -> Path:
    path = tmp / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../outside.geojson", json.dumps(collection(parcel(0))))
    return path


def _absolute(tmp: Path) -> Path:
    path = tmp / "absolute.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("/tmp/landstock-absolute.geojson", json.dumps(collection(parcel(0))))
    return path


def _many_entries(tmp: Path) -> Path:
    path = tmp / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for k in range(30):
            archive.writestr(f"part{k}.txt", "x")
    return path


def _truncated(tmp: Path, source: Path, name: str) -> Path:
    data = source.read_bytes()
    target = tmp / name
    target.write_bytes(data[: len(data) // 2])
    return target


def _gpkg(tmp: Path, layers: int = 1) -> Path:
    path = tmp / "survey.gpkg"
    for k in range(layers):
        frame(_squares(2), 4490, code=[f"L{k}-1", f"L{k}-2"], land_use=["100101", "100102"]).to_file(
            path, layer=f"layer{k}", driver="GPKG"
        )
    return path


def _kml(tmp: Path) -> Path:
    path = tmp / "survey.kml"
    frame(_squares(2), 4326, Name=["K-1", "K-2"], 用地性质=["M2", "M2"]).rename(
        columns={"Name": "name"}
    ).assign(code=["K-1", "K-2"]).to_file(path, driver="KML")
    return path


def _topojson(tmp: Path) -> Path:
    x, y, s = LON, LAT, SIZE
    topology = {
        "type": "Topology",
        "objects": {
            "parcels": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0]], "properties": {"code": "T-1", "land_use": "100102"}}
                ],
            }
        },
        "arcs": [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]],
    }
    return write_json(tmp / "survey.topojson", topology)


def _dense(tmp: Path) -> Path:
    circle = shapely.Point(LON, LAT).buffer(SIZE, quad_segs=100)
    return write_json(tmp / "dense.geojson", collection(feature(circle, code="DENSE", land_use="1001")))


def _case(name: str, build: Callable[[Path], Path], **kwargs: Any) -> Case:
    return Case(name, build, **kwargs)


def _geojson_case(name: str, file: str, document: Any, **kwargs: Any) -> Case:
    """A case whose file is `document` written as JSON."""
    return _case(name, lambda t: write_json(t / file, document), **kwargs)


def _one_feature(name: str, outcome: str, key: str, single: dict[str, Any]) -> Case:
    """A case whose file (`name`.geojson) holds one feature, which comes out `outcome` with `key`."""
    return _geojson_case(name, f"{name}.geojson", collection(single), outcomes=[outcome], keys={key})


def sited(**properties: Any) -> dict[str, Any]:
    """A feature on the first test square with these properties (and nothing else)."""
    return feature(square(0), **properties)


CASES = [
    _geojson_case(
        "featurecollection",
        "ok.geojson",
        collection(parcel(0), parcel(1)),
        outcomes=["accepted", "accepted"],
        keys={"crs.inferred_degrees"},
    ),
    _geojson_case("bare_array", "array.geojson", [parcel(0), parcel(1)], outcomes=["accepted", "accepted"]),
    _geojson_case("single_feature", "one.geojson", parcel(0), outcomes=["accepted"]),
    _case("topojson", _topojson, outcomes=["accepted"]),
    _case("self_intersecting_ring", _bow_tie, outcomes=["repaired"], keys={"repair.made_valid"}),
    _case("three_point_ring", _three_point, outcomes=["rejected"], raises=None, keys={"geometry.collapsed"}),
    _case("unclosed_ring_geojson", _unclosed, outcomes=["repaired"], keys={"repair.closed_ring"}),
    _case(
        "unclosed_ring_wkt",
        lambda t: _csv(
            t,
            "unclosed.csv",
            _wkt_rows(f"POLYGON (({LON} {LAT}, {LON + SIZE} {LAT}, {LON + SIZE} {LAT + SIZE}))"),
        ),
        outcomes=["repaired"],
        keys={"repair.closed_ring"},
    ),
    _one_feature(
        "null_geometry_new_record",
        "rejected",
        "import.geometry_required",
        feature(None, code="NULL-1", land_use="1001"),
    ),
    _case(
        "empty_polygon",
        lambda t: _csv(t, "empty.csv", _wkt_rows("POLYGON EMPTY")),
        outcomes=["rejected"],
        keys={"geometry.empty"},
    ),
    _case(
        "nan_coordinates",
        lambda t: _csv(
            t,
            "nan.csv",
            _wkt_rows(
                f"POLYGON (({LON} {LAT}, NaN {LAT}, {LON + SIZE} {LAT + SIZE}, {LON} {LAT}))", square(1).wkt
            ),
        ),
        outcomes=["rejected", "accepted"],
        keys={"geometry.non_finite"},
    ),
    _case("z_coordinates", _z, outcomes=["repaired"], keys={"repair.dropped_z"}),
    _case(
        "m_coordinates",
        lambda t: _csv(
            t,
            "m.csv",
            _wkt_rows(
                "POLYGON M ((" + ", ".join(f"{x} {y} 7" for x, y in shapely.get_coordinates(square())) + "))"
            ),
        ),
        outcomes=["repaired"],
        keys={"repair.dropped_z"},
    ),
    _case("mixed_geometry_types", _mixed, outcomes=["repaired", "accepted"], keys={"repair.dropped_parts"}),
    _one_feature(
        "point_for_a_parcel",
        "rejected",
        "geometry.not_areal",
        feature(shapely.Point(LON, LAT), code="PT", land_use="1001"),
    ),
    _case("swapped_axes_whole_file", _swapped_all, raises="crs.swapped"),
    _case(
        "swapped_axes_one_row",
        _swapped_one,
        outcomes=["accepted", "accepted", "rejected"],
        keys={"geometry.swapped"},
    ),
    _case(
        "shapefile_zip_gk_with_prj",
        lambda t: _shp_gk(t, epsg=4549, prj=True),
        outcomes=["accepted"] * 2,
        keys={"crs.declared"},
    ),
    _case(
        "shapefile_zip_without_prj",
        lambda t: _shp_gk(t, epsg=4550, prj=False),
        outcomes=["accepted"] * 2,
        keys={"crs.no_prj", "crs.inferred_gk"},
    ),
    _case(
        "shapefile_folder", lambda t: _shp_gk(t, epsg=4549, prj=True, zip_it=False), outcomes=["accepted"] * 2
    ),
    _case(
        "shapefile_gbk_dbf_without_cpg",
        lambda t: _gbk(t, cpg=False),
        outcomes=["accepted"] * 2,
        keys={"import.dbf_gbk"},
    ),
    _case("shapefile_gbk_dbf_with_cpg", lambda t: _gbk(t, cpg=True), outcomes=["accepted"] * 2),
    _case("wrong_crs_label", lambda t: _shp_gk(t, epsg=4550, prj=True, declared=4549), raises="crs.wrong"),
    _case(
        "declared_prefixed_gk",
        lambda t: _declared_geojson(t, 4528, declare=True),
        outcomes=["accepted"] * 2,
        keys={"crs.declared"},
    ),
    _case(
        "inferred_prefixed_gk",
        lambda t: _declared_geojson(t, 4529, declare=False),
        outcomes=["accepted"] * 2,
        keys={"crs.inferred_gk"},
    ),
    _case(
        "ambiguous_crs_in_a_wide_region",
        _ambiguous,
        raises="crs.ambiguous",
        limits=ImportLimits(region=(119.0, 31.0, 124.0, 33.0)),
    ),
    _case("gcj02_given", _gcj02, outcomes=["accepted"] * 2, keys={"crs.given"}, options={"crs": "gcj02"}),
    _case("far_outside_the_city", _far, raises="crs.degrees_outside"),
    _case(
        "duplicate_codes",
        lambda t: _codes(t, ["D-1", "D-2", "D-1"]),
        outcomes=["rejected", "accepted", "rejected"],
        keys={"import.codes_duplicated", "import.code_duplicate"},
    ),
    _case(
        "every_row_the_same_code",
        lambda t: _codes(t, ["SAME"] * 3),
        outcomes=["rejected"] * 3,
        keys={"import.codes_all_same"},
    ),
    _case(
        "missing_codes",
        lambda t: _codes(t, ["M-1", "", "   "]),
        outcomes=["accepted", "rejected", "rejected"],
        keys={"import.codes_missing"},
    ),
    _case("excel_overflowed_codes", _overflow, outcomes=["rejected"] * 3, keys={"import.code_overflow"}),
    _case("csv_gbk_chinese_headers", _csv_gbk, outcomes=["accepted"] * 2),
    _case("csv_lon_lat_columns", _lonlat, layer="factories", outcomes=["accepted"] * 2),
    _case("csv_one_lat_lon_column", _latlon_pair, layer="factories", outcomes=["accepted"] * 2),
    _case(
        "csv_surveying_xy_metres",
        _surveying_xy,
        layer="factories",
        outcomes=["accepted"] * 2,
        keys={"import.xy_surveying_order", "crs.inferred_gk"},
    ),
    _case("xlsx_ledger", _xlsx, outcomes=["accepted"] * 2),
    _case("label_variants", _variants, outcomes=["accepted"] * 4),
    _one_feature("unknown_status", "rejected", "import.unknown_value", parcel(0, 状态="卖掉了")),
    _one_feature("illegal_transition", "rejected", "status.illegal", sited(code="KFQ-001", status="已投产")),
    _one_feature(
        "reservation_needs_a_project",
        "rejected",
        "status.needs_project",
        sited(code="KFQ-001", status="意向"),
    ),
    _one_feature("unknown_park", "rejected", "import.unknown_reference", parcel(0, 园区="P99")),
    _one_feature("zero_area", "repaired", "import.zero_area", parcel(0, 面积=0)),
    _one_feature("new_parcel_without_land_use", "rejected", "import.required", sited(code="NO-LU")),
    _case(
        "too_many_vertices",
        _dense,
        outcomes=["rejected"],
        keys={"geometry.too_many_vertices"},
        limits=ImportLimits(max_vertices=100),
    ),
    _geojson_case(
        "too_many_features",
        "many.geojson",
        collection(*[parcel(k) for k in range(3)]),
        raises="import.too_many_features",
        limits=ImportLimits(max_features=2),
    ),
    _case("gpkg_one_layer", lambda t: _gpkg(t), outcomes=["accepted"] * 2),
    _case("gpkg_two_layers_unnamed", lambda t: _gpkg(t, 2), raises="import.choose_layer"),
    _case(
        "gpkg_two_layers_chosen",
        lambda t: _gpkg(t, 2),
        outcomes=["accepted"] * 2,
        options={"source_layer": "layer1"},
    ),
    _case("kml", _kml, outcomes=["accepted"] * 2),
    _case("zip_bomb", _zip_bomb, raises="import.zip_ratio"),
    _case("zip_path_traversal", _traversal, raises="import.zip_path"),
    _case("zip_absolute_path", _absolute, raises="import.zip_path"),
    _case(
        "zip_too_many_entries",
        _many_entries,
        raises="import.zip_entries",
        limits=ImportLimits(zip_max_entries=20),
    ),
    _case(
        "truncated_geojson",
        lambda t: _truncated(
            t, write_json(t / "full.geojson", collection(parcel(0), parcel(1))), "cut.geojson"
        ),
        raises="import.unreadable",
    ),
    _case("truncated_geopackage", lambda t: _truncated(t, _gpkg(t), "cut.gpkg"), raises="import.unreadable"),
    _case(
        "truncated_zip",
        lambda t: _truncated(t, _shp_gk(t, epsg=4549, prj=True), "cut.zip"),
        raises="import.zip_broken",
    ),
    _case(
        "csv_that_is_not_a_csv",
        lambda t: _write_bytes(t / "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        raises="import.not_a_table",
    ),
    _case(
        "csv_with_headers_alone",
        lambda t: _write_bytes(t / "blank.csv", "地块编号,用地性质,几何(WKT)\n".encode()),
        raises="import.no_rows",
    ),
    _case(
        "xlsx_with_headers_alone", lambda t: _headers_alone_xlsx(t / "blank.xlsx"), raises="import.no_rows"
    ),
    _case("empty_file", lambda t: _write_bytes(t / "empty.geojson", b""), raises="import.empty"),
    _geojson_case("empty_featurecollection", "none.geojson", collection(), raises="import.no_features"),
    _case("empty_geopackage_layer", lambda t: _empty_gpkg(t), raises="import.no_features"),
    _case(
        "geojson_nested_100000_deep",
        lambda t: _write_bytes(
            t / "deep.geojson",
            b'{"type": "Feature", '
            b'"geometry": {"type": "Polygon", "coordinates": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        ),
        raises="import.unreadable",
    ),
    _case(
        "unsupported_format",
        lambda t: _write_bytes(t / "drawing.dwg", b"AC1032"),
        raises="import.unsupported",
    ),
    _geojson_case("json_that_is_not_geojson", "config.json", {"name": "x"}, raises="import.unreadable"),
]


def _empty_gpkg(tmp: Path) -> Path:
    path = tmp / "empty.gpkg"
    frame([], 4490, code=[]).to_file(path, layer="parcels", driver="GPKG")
    return path


def _headers_alone_xlsx(path: Path) -> Path:
    """An untouched template: a sheet of headers and no rows."""
    pd.DataFrame(columns=["地块编号", "用地性质", "几何(WKT)"]).to_excel(path, index=False)
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path

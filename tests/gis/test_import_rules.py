"""Pure rules of imports: GCJ-02, CRS inference, headers, values, zip checks (no database)."""

import zipfile

import numpy as np
import pytest
import shapely
from pyproj import CRS

from gis.crs import cgcs2000_to_gcj02, gcj02_to_cgcs2000, reproject
from gis.errors import AmbiguousCrs, InvalidInput, UnsafeArchive
from gis.io import columns, values
from gis.io.archives import check_zip
from gis.io.crs import GCJ02, choose, parse_crs
from gis.io.limits import QIDONG_REGION, ImportLimits

# Published WGS84 -> GCJ-02 pairs: the test table of googollee/eviltransform (python/test.py:
# Shanghai, Shenzhen, Beijing, as wgsLat, wgsLng, gcjLat, gcjLng) and the example in
# wandergis/coordtransform (test/app.js: wgs84togcj02(116.404, 39.915)).
PUBLISHED = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
    (39.915, 116.404, 39.91640428150164, 116.41024449916938),
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), PUBLISHED)
def test_gcj02_matches_published_reference_points(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    forward = cgcs2000_to_gcj02(np.array([shapely.Point(wgs_lon, wgs_lat)]))[0]
    back = gcj02_to_cgcs2000(np.array([shapely.Point(gcj_lon, gcj_lat)]))[0]

    assert forward.x == pytest.approx(gcj_lon, abs=1e-7) and forward.y == pytest.approx(gcj_lat, abs=1e-7)
    # the inverse is iterative: within 1e-6 degrees (about 10 cm)
    assert back.x == pytest.approx(wgs_lon, abs=1e-6) and back.y == pytest.approx(wgs_lat, abs=1e-6)


def squares(epsg=4490, n=3):
    boxes = np.array([shapely.box(121.70 + k * 0.003, 31.78, 121.702 + k * 0.003, 31.782) for k in range(n)])
    return boxes if epsg == 4490 else reproject(boxes, 4490, epsg)


@pytest.mark.parametrize(("epsg", "lon"), [(4549, 121.40), (4550, 121.70), (4528, 121.40), (4529, 121.70)])
def test_gauss_kruger_metres_are_inferred_on_both_sides_of_121_5(epsg, lon):
    boxes = reproject(np.array([shapely.box(lon, 31.78, lon + 0.002, 31.782)]), 4490, epsg)

    choice = choose(boxes, declared=None, given=None, region=QIDONG_REGION)

    assert choice.name == f"EPSG:{epsg}" and choice.how == "inferred"
    assert choice.note.key == "crs.inferred_gk"


def test_degrees_are_taken_as_cgcs2000_and_the_note_names_gcj02():
    choice = choose(squares(), declared=None, given=None, region=QIDONG_REGION)

    assert choice.name == "EPSG:4490" and "gcj02" in choice.note.render("en")


def test_ambiguous_eastings_name_the_candidates_and_the_flag():
    boxes = np.array([shapely.box(500_000, 3_520_000, 500_200, 3_520_200)])

    with pytest.raises(AmbiguousCrs) as caught:
        choose(boxes, declared=None, given=None, region=(119.0, 31.0, 124.0, 33.0))

    text = caught.value.message("en")
    assert "EPSG:4549" in text and "EPSG:4550" in text and "--crs" in text


def test_a_declared_neighbouring_zone_is_called_wrong_and_the_right_one_suggested():
    with pytest.raises(InvalidInput) as caught:
        choose(squares(4550), declared=CRS.from_epsg(4549), given=None, region=QIDONG_REGION)

    assert caught.value.key == "crs.wrong" and "EPSG:4550" in caught.value.message("en")


def test_given_crs_wins_and_gcj02_is_accepted():
    assert parse_crs("gcj02") == GCJ02 and parse_crs("GCJ-02") == GCJ02
    assert parse_crs("4549") == CRS.from_epsg(4549) and parse_crs("EPSG:4550") == CRS.from_epsg(4550)
    with pytest.raises(InvalidInput):
        parse_crs("EPSG:999999")
    choice = choose(squares(4549), declared=CRS.from_epsg(4326), given=CRS.from_epsg(4549), region=QIDONG_REGION)
    assert choice.how == "given"


@pytest.mark.parametrize(("header", "field", "unit"), [
    ("地块编号", "code", None), ("宗地号", "code", None), ("DKBH", "code", None), ("面积(亩)", "area", "mu"),
    ("面积（公顷）", "area", "ha"), ("面积 ㎡", "area", "m2"), ("用地性质", "land_use", None),
    ("用地类型", "land_use", None), ("权属单位", "ownership", None), ("状态", "status", None),
    ("容积率", "plot_ratio", None), ("Ｓｔａｔｕｓ ", "status", None), ("证载面积(平方米)", "cert_area", "m2"),
    ("价格(万元/亩)", "price_wan_per_mu", None), ("rd_power", "ready_power", None),
])
def test_headers_are_recognised_with_their_units(header, field, unit):
    plan = columns.plan([header], "parcels", columns.Mapping(), is_table=False)

    assert plan.fields == {field: (header, unit)}


def test_a_mapping_file_names_columns_and_values(tmp_path):
    path = tmp_path / "mapping.yaml"
    path.write_text("columns: {ZDBM: code, MJ: 'area:mu'}\nvalues: {status: {待出让: available}}\n", encoding="utf-8")

    mapping = columns.load_mapping(path, "parcels")
    plan = columns.plan(["ZDBM", "MJ"], "parcels", mapping, is_table=False)

    assert plan.fields == {"code": ("ZDBM", None), "area": ("MJ", "mu")}
    assert mapping.values["status"] == {"待出让": "available"}


def test_a_mapping_file_with_an_unknown_field_is_refused(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text('{"columns": {"A": "colour"}}', encoding="utf-8")

    with pytest.raises(InvalidInput) as caught:
        columns.load_mapping(path, "parcels")
    assert "colour" in caught.value.message("en")


def test_label_variants_and_legacy_land_use_codes():
    status = values.chooser(values.label_index(values.STATUS_SYNONYMS["parcels"], ["parcel_status"]), None)
    land_use = values.land_use_index([("100101", "一类工业用地", ["M1"]), ("1001", "工业用地", ["0601", "M"]),
                                      ("1101", "物流仓储用地", ["0508", "W"])])

    assert {status(v) for v in ("Sold by City", "Sold By City ", "ＳＯＬＤ ｂｙ ｃｉｔｙ")} == {"supplied"}
    assert status("可供") == status(" AVAILABLE") == "available"
    assert land_use[columns.key("m1")] == "100101" and land_use[columns.key("0601")] == "1001"
    assert land_use[columns.key("601")] == "1001" and land_use[columns.key("一类工业")] == "100101"


@pytest.mark.parametrize(("text", "expected"), [
    ("1.2-2.5", (1.2, 2.5)), ("≥1.2", (1.2, None)), ("≤2.0", (None, 2.0)), ("1.5", (1.5, None)),
    ("１.２～２.５", (1.2, 2.5)), (1.3, (1.3, None)),
])
def test_plot_ratio_forms(text, expected):
    assert values.plot_ratio(text) == expected


def test_areas_convert_from_mu_and_hectares():
    assert values.area_m2("15", "mu") == pytest.approx(10000)
    assert values.area_m2("1,5", "ha") == pytest.approx(150000)  # thousands separator: 15 ha
    assert values.area_m2(0, "mu") is None
    with pytest.raises(values.CellError):
        values.area_m2("-3", None)


def zip_with(tmp_path, entries):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return zipfile.ZipFile(path)


@pytest.mark.parametrize(("name", "key"), [("../up.shp", "import.zip_path"), ("/etc/passwd", "import.zip_path"),
                                           ("C:\\\\x.shp", "import.zip_path"), ("a/../../b", "import.zip_path")])
def test_zip_entries_that_escape_are_refused(tmp_path, name, key):
    with pytest.raises(UnsafeArchive) as caught:
        check_zip(zip_with(tmp_path, [(name, b"x")]), ImportLimits())
    assert caught.value.key == key


def test_zip_size_and_ratio_limits(tmp_path):
    archive = zip_with(tmp_path, [("a.geojson", b" " * (4 << 20))])

    with pytest.raises(UnsafeArchive) as ratio:
        check_zip(archive, ImportLimits(zip_max_ratio=50))
    with pytest.raises(UnsafeArchive) as total:
        check_zip(archive, ImportLimits(zip_max_bytes=1 << 20))
    assert ratio.value.key == "import.zip_ratio" and total.value.key == "import.zip_total"
    assert check_zip(archive, ImportLimits(zip_max_ratio=100_000))

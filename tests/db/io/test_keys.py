"""Key columns as survey files carry them, on both databases: PIN14 keys with dashes joined to
records by a mapping's strip, 宗地代码 and 不动产单元代码 checked part by part and against the county
and the town each row lies in, adcode on areas, and dry runs reporting what the import does."""

import pandas as pd
import pytest
from sqlalchemy import select

from gis.io.columns import load_mapping
from gis.io.importer import ImportOptions, import_file
from gis.io.limits import ImportLimits
from gis.models import Area, Parcel
from gis.vocabulary import Layer
from tests.corpus import collection, feature, parcel, square, write_json

PINS = ("20042230470000", "20042230470001")
COUNTY = "320681"  # 启东市. square(0) lies in 汇龙镇 (T01), whose sample 地籍区 is 001, square(2) and
# square(3) in 惠萍镇 (T10), 010


def mapping(tmp_path, text, layer="parcels"):
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return load_mapping(path, layer)


def imported(db, path, layer=Layer.PARCELS, **options):
    return import_file(db, path, ImportOptions(layer, **options))


def names(db, codes):
    with db.read() as session:
        return dict(session.execute(select(Parcel.code, Parcel.name).where(Parcel.code.in_(codes))).all())


def with_pins(db, tmp_path):
    """Two parcels coded as a PIN14 without its dashes."""
    path = write_json(
        tmp_path / "pins.geojson", collection(*(parcel(k, code=pin) for k, pin in enumerate(PINS)))
    )
    assert imported(db, path).written


def table(tmp_path, fmt, rows):
    """`rows` as a file of format `fmt`: CSV or XLSX without geometry, GeoJSON at square(k)."""
    path = tmp_path / f"survey.{fmt}"
    if fmt == "geojson":
        return write_json(path, collection(*(feature(square(k), **row) for k, row in enumerate(rows))))
    frame = pd.DataFrame(rows)
    if fmt == "csv":
        frame.to_csv(path, index=False, encoding="utf-8")
    else:
        frame.to_excel(path, index=False)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_pin14_keys_with_dashes_join_existing_records_through_a_strip(databases, backend, tmp_path, fmt):
    db = databases.open(backend, sample=True)
    with_pins(db, tmp_path)
    rows = [{"PIN14": f"20-04-223-047-000{k}", "名称": f"改名{k}"} for k in range(2)]
    rules = mapping(tmp_path, 'key: {strip: "-"}\n')

    report = imported(db, table(tmp_path, fmt, rows), mapping=rules)

    assert report.written, report.to_dict("en")
    assert report.counts()["updated"] == 2 and report.counts()["inserted"] == 0
    assert [r.code for r in report.rows] == list(PINS)
    assert names(db, PINS) == {PINS[0]: "改名0", PINS[1]: "改名1"}


def test_without_the_strip_the_dashed_keys_name_no_record(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with_pins(db, tmp_path)
    rows = [{"PIN14": "20-04-223-047-0000", "名称": "改名"}]

    report = imported(db, table(tmp_path, "csv", rows), only_existing=True)

    assert report.skipped == ["20-04-223-047-0000"] and names(db, PINS)[PINS[0]] != "改名"


@pytest.mark.parametrize("header", ["PIN", "APN", "parcel_id", "PARCEL-ID"])
def test_parcel_identifier_headers_are_keys(databases, backend, tmp_path, header):
    db = databases.open(backend, sample=True)

    report = imported(db, table(tmp_path, "csv", [{header: "KFQ-001", "名称": "改名"}]))

    assert report.written and report.rows[0].code == "KFQ-001"
    assert names(db, ["KFQ-001"]) == {"KFQ-001": "改名"}


def cadastral(tmp_path, *codes, header="宗地代码", at=(0, 2, 3)):
    """New parcels keyed by `codes`, the k-th at square(at[k])."""
    return write_json(
        tmp_path / "zd.geojson",
        collection(
            *(
                feature(square(k), **{header: code, "用地性质": "100102"})
                for k, code in zip(at, codes, strict=False)
            )
        ),
    )


def reasons(report, lang="en"):
    return [" ".join(m.render(lang) for m in row.rejection) for row in report.rows]


def test_malformed_codes_and_codes_of_another_county_are_refused_with_their_reason(
    databases, backend, tmp_path
):
    db = databases.open(backend, sample=True)
    path = cadastral(tmp_path, f"{COUNTY}001002GB00001", f"{COUNTY}001002GB0002", "320682001002GB00003")

    report = imported(db, path)

    assert not report.written and [r.outcome for r in report.rows] == ["accepted", "rejected", "rejected"]
    found = reasons(report)
    assert "It has 18 characters" in found[1] and "e.g. 320681001002GB00017" in found[1]
    assert "320682" in found[2] and "this county (320681)" in found[2]
    assert "宗地代码" in reasons(report, "zh")[1]
    with db.read() as session:
        assert session.scalar(select(Parcel.id).where(Parcel.code.like(f"{COUNTY}%"))) is None


def test_a_code_whose_district_is_not_the_towns_is_written_with_a_warning(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    good, other, unit = f"{COUNTY}001002GB00001", f"{COUNTY}002001GB00004", f"{COUNTY}010002GB00005F00010001"
    path = cadastral(tmp_path, good, other, unit)

    dry = imported(db, path, dry_run=True)
    real = imported(db, path)

    assert real.written and dry.counts() == real.counts() and real.counts()["inserted"] == 3
    assert dry.to_dict("zh")["rows"] == real.to_dict("zh")["rows"]
    warned = [[m.render("en") for m in row.messages] for row in real.rows]
    assert warned[0] == warned[2] == []
    assert warned[1] == [
        "The code's cadastral district is 002, but the row lies in 惠萍镇（T10）, whose district is 010"
        " (written all the same)."
    ]
    assert set(names(db, [good, other, unit])) == {good, other, unit}


def test_a_row_without_geometry_is_compared_with_the_town_its_record_lies_in(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    code = f"{COUNTY}002001GB00004"
    assert imported(db, cadastral(tmp_path, code)).written

    report = imported(db, table(tmp_path, "csv", [{"ZDDM": code, "备注": "台账"}]))

    assert report.written and report.counts()["updated"] == 1
    assert [m.key for m in report.rows[0].messages] == ["import.cadastral_town"]
    assert "汇龙镇" in report.rows[0].messages[0].render("zh")


def test_the_county_is_a_setting(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    path = cadastral(tmp_path, "320682001002GB00001")

    report = imported(db, path, limits=ImportLimits(county_code="320682"))

    assert report.written, report.to_dict("en")


def test_a_mapping_makes_any_key_cadastral_or_none(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    checked = imported(
        db, cadastral(tmp_path, "ZD-1", header="DKBH"), mapping=mapping(tmp_path, "key: {cadastral: true}\n")
    )
    unchecked = imported(
        db, cadastral(tmp_path, "ZD-1", header="ZDDM"), mapping=mapping(tmp_path, "key: {cadastral: false}\n")
    )

    assert not checked.written and "It has 4 characters" in reasons(checked)[0]
    assert unchecked.written


def test_a_transform_then_the_check(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    rules = mapping(tmp_path, 'key: {strip: " -", upper: true}\n')

    report = imported(db, cadastral(tmp_path, "320681-001-002-gb-00001"), mapping=rules)

    assert report.written and report.rows[0].code == f"{COUNTY}001002GB00001"


def test_adcode_keys_areas_and_a_towns_new_district_is_what_codes_are_compared_with(
    databases, backend, tmp_path
):
    db = databases.open(backend, sample=True)
    towns = table(tmp_path, "csv", [{"adcode": "T01", "地籍区代码": "021"}])

    report = imported(db, towns, layer=Layer.AREAS)
    after = imported(db, cadastral(tmp_path, f"{COUNTY}001002GB00001"))

    assert report.written and report.counts()["updated"] == 1 and report.rows[0].code == "T01"
    assert after.written and [m.key for m in after.rows[0].messages] == ["import.cadastral_town"]
    assert "whose district is 021" in after.rows[0].messages[0].render("en")


@pytest.mark.parametrize("header", ["行政区划代码", "区划代码"])
def test_administrative_code_headers_key_areas(databases, backend, tmp_path, header):
    db = databases.open(backend, sample=True)

    report = imported(
        db, table(tmp_path, "csv", [{header: "T02", "名称": "南阳镇（改）"}]), layer=Layer.AREAS
    )

    assert report.written and report.rows[0].code == "T02"
    with db.read() as session:
        assert session.scalar(select(Area.name).where(Area.code == "T02")) == "南阳镇（改）"

"""A town's 地籍区 code (cadastral_code), on both databases: the sample's towns carry synthetic
ones, an administrator's areas file sets them (three digits; a number read from a spreadsheet
is padded), and the areas export writes them."""

import pandas as pd
from sqlalchemy import select

from gis.io.exporter import areas_frame
from gis.io.importer import ImportOptions, import_file
from gis.models import Area
from gis.vocabulary import Layer


def towns_file(tmp_path, rows):
    path = tmp_path / "镇.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def districts(db):
    with db.read() as session:
        return dict(session.execute(select(Area.code, Area.cadastral_code)).all())


def test_the_sample_towns_have_districts_001_to_012_and_parks_none(sample_db):
    found = districts(sample_db)

    assert [found[f"T{k:02d}"] for k in range(1, 13)] == [f"{k:03d}" for k in range(1, 13)]
    assert found["P01"] is None


def test_an_areas_file_sets_a_towns_district_and_the_export_writes_it(sample_db, tmp_path):
    report = import_file(
        sample_db, towns_file(tmp_path, [{"编号": "T01", "地籍区代码": 21}]), ImportOptions(Layer.AREAS)
    )

    with sample_db.read() as session:
        exported = areas_frame(session).set_index("code")["cadastral_code"]
    assert report.written and report.counts()["updated"] == 1
    assert districts(sample_db)["T01"] == "021" and exported["T01"] == "021" and pd.isna(exported["P01"])


def test_a_district_that_is_not_three_digits_is_refused(sample_db, tmp_path):
    report = import_file(
        sample_db, towns_file(tmp_path, [{"编号": "T02", "地籍区": "2a"}]), ImportOptions(Layer.AREAS)
    )

    assert not report.written and "“2a”" in report.rows[0].rejection[0].render("en")
    assert districts(sample_db)["T02"] == "002"

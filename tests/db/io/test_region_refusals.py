"""Refusals of a file's coordinates say what helps: the file's extent without its (0, 0) rows, the
service region and its setting, and the (0, 0) and empty rows as their own reason (both databases)."""

import csv

import pytest

from gis.errors import InvalidInput
from gis.io.importer import ImportOptions, import_file
from gis.vocabulary import Layer
from tests.service.test_cli import landstock


def table(path, points):
    """A CSV of parcels-as-points (factories) with lon/lat columns; None leaves a row's cells blank."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["编号", "名称", "建筑面积", "经度", "纬度"])
        for k, point in enumerate(points):
            lon, lat = point if point is not None else ("", "")
            writer.writerow([f"R-{k:02d}", f"厂房{k}", 1200, lon, lat])
    return path


BEIJING = [(116.40 + k * 0.001, 39.90) for k in range(8)]
QIDONG = [(121.66 + k * 0.001, 31.81) for k in range(8)]


def test_degrees_outside_the_region_name_the_region_and_its_setting_not_a_projected_crs(
    databases, backend, tmp_path
):
    path = table(tmp_path / "厂房.csv", [*BEIJING, (0, 0), (0.0, 0.0), None])

    with pytest.raises(InvalidInput) as refused:
        import_file(databases.open(backend, sample=True), path, ImportOptions(Layer.FACTORIES))

    text = refused.value.message("zh")
    assert refused.value.key == "crs.degrees_outside"
    assert "LANDSTOCK_IMPORT_REGION" in text and "(121, 31.4, 122.3, 32.4)" in text
    assert "(116.4, 39.9, 116.407, 39.9)" in text  # the extent without the (0, 0) rows
    assert "2 行坐标为 (0, 0)" in text and "第 10, 11 行" in text and "1 行没有坐标" in text
    assert "4549" not in text and "?" not in text


def test_a_wrong_declared_crs_without_a_better_one_does_not_say_question_mark(databases, backend, tmp_path):
    path = table(tmp_path / "厂房.csv", BEIJING)

    with pytest.raises(InvalidInput) as refused:
        import_file(databases.open(backend, sample=True), path, ImportOptions(Layer.FACTORIES, crs="4326"))

    text = refused.value.message("en")
    assert refused.value.key == "crs.wrong" and "?" not in text
    assert "LANDSTOCK_IMPORT_REGION" in text and "name it with --crs" in text


def test_rows_at_null_island_are_refused_with_their_own_reason(databases, backend, tmp_path):
    path = table(tmp_path / "厂房.csv", [*QIDONG, (0, 0)])

    report = import_file(databases.open(backend, sample=True), path, ImportOptions(Layer.FACTORIES))

    rejected = [r for r in report.rows if r.outcome == "rejected"]
    assert not report.written and [r.code for r in rejected] == ["R-08"]
    assert [t.key for t in rejected[0].rejection] == ["import.null_island"]


def test_the_cli_says_the_region_refusal_in_one_line(databases, backend, tmp_path):
    url = databases.url(backend, sample=True)
    path = table(tmp_path / "厂房.csv", [*BEIJING, (0, 0)])

    done = landstock("import", str(path), "--layer", "factories", url=url)

    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "LANDSTOCK_IMPORT_REGION" in done.stderr.strip().splitlines()[-1]

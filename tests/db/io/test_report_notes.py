"""The report says what it read: which file of a zip holding several, and the encoding of a
Shapefile's attributes when no `.cpg` names it (on both databases)."""

import zipfile

import geopandas as gpd
import shapely

from gis.io.importer import ImportOptions, import_file
from gis.vocabulary import Layer
from tests.corpus import collection, parcel, write_json


def shapefile(folder, name, encoding, cpg):
    """A one-parcel Shapefile near Qidong with a Chinese name, its DBF in `encoding`."""
    frame = gpd.GeoDataFrame(
        {"code": [f"{name}-1"], "land_use": ["100102"], "name": ["东海工业地块"]},
        geometry=[shapely.box(121.70, 31.82, 121.702, 31.822)],
        crs=4490,
    )
    path = folder / f"{name}.shp"
    frame.to_file(path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def notes(report):
    return [text.render("zh") for text in report.notes]


def test_a_zip_of_a_shapefile_and_a_geojson_says_which_was_read(databases, backend, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    shp = shapefile(folder, "ZIPSHP", "UTF-8", cpg=True)
    write_json(folder / "other.geojson", collection(parcel(0, code="NOT-READ")))
    archive = tmp_path / "survey.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in sorted(folder.iterdir()):
            out.write(part, part.name)

    report = import_file(databases.open(backend, sample=True), archive, ImportOptions(Layer.PARCELS))

    assert report.written and [r.code for r in report.rows] == ["ZIPSHP-1"]
    assert any(shp.name in n and "other.geojson" in n and "未读取" in n for n in notes(report)), notes(report)


def test_a_dbf_without_cpg_names_the_encoding_it_was_read_in(databases, backend, tmp_path):
    utf8 = shapefile(tmp_path, "UTF", "UTF-8", cpg=False)
    gbk = shapefile(tmp_path, "GBK", "GB18030", cpg=False)
    db = databases.open(backend, sample=True)

    read_utf8 = import_file(db, utf8, ImportOptions(Layer.PARCELS, dry_run=True))
    read_gbk = import_file(db, gbk, ImportOptions(Layer.PARCELS, dry_run=True))

    assert any("UTF-8" in n and ".cpg" in n for n in notes(read_utf8)), notes(read_utf8)
    assert any("GBK" in n and ".cpg" in n for n in notes(read_gbk)), notes(read_gbk)
    assert read_gbk.acceptable and read_utf8.acceptable

"""Zip archives checked before extraction (gis/io/archives.py): escaping names, sizes, ratios."""

import zipfile

import pytest

from gis.errors import UnsafeArchive
from gis.io.archives import check_zip
from gis.io.limits import ImportLimits


def zip_with(tmp_path, entries):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return zipfile.ZipFile(path)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("../up.shp", "import.zip_path"),
        ("/etc/passwd", "import.zip_path"),
        ("C:\\\\x.shp", "import.zip_path"),
        ("a/../../b", "import.zip_path"),
    ],
)
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

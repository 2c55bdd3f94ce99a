"""Attached files checked and prepared from their bytes alone (gis/media.py), and a photo's
distance from its site (gis/attachments.py): no database."""

import datetime as dt
import io
import struct
import zlib

import pytest
import shapely
from PIL import ExifTags, Image

from gis.attachments import distance_m
from gis.errors import TooLarge, UnreadableFile, UnsupportedFormat
from gis.media import MediaLimits, prepare
from gis.vocabulary import AttachmentKind
from tests.photos import HIGH, TAKEN, WIDE, opened, pdf, phone_jpeg, png

LIMITS = MediaLimits()


def test_a_phone_photo_is_turned_upright_and_keeps_only_its_time_and_place():
    ready = prepare(phone_jpeg(121.65, 31.80), LIMITS)
    image = opened(ready.content)
    exif = image.getexif()

    assert (ready.kind, ready.media_type) == (AttachmentKind.PHOTO, "image/jpeg")
    assert image.format == "JPEG" and image.size == (HIGH, WIDE) == (ready.width, ready.height)
    # the blue quarter was on the left; turned 90° clockwise it is on top
    assert image.getpixel((HIGH // 2, 10))[2] > 150 and image.getpixel((HIGH // 2, WIDE - 10))[0] > 150
    assert set(exif) == {ExifTags.Base.ExifOffset, ExifTags.Base.GPSInfo}
    assert dict(exif.get_ifd(ExifTags.IFD.Exif)) == {ExifTags.Base.DateTimeOriginal: TAKEN}
    assert set(exif.get_ifd(ExifTags.IFD.GPSInfo)) == {1, 2, 3, 4}  # references and degrees, no altitude
    assert b"TestCam" not in ready.content and b"SN-0042" not in ready.content
    assert ready.taken_at == dt.datetime(2026, 11, 30, 2, 15, tzinfo=dt.UTC)  # 10:15 Beijing time
    assert ready.lon == pytest.approx(121.65, abs=1e-5) and ready.lat == pytest.approx(31.80, abs=1e-5)
    assert max(opened(ready.thumbnail).size) <= 320 and opened(ready.thumbnail).format == "JPEG"


def test_a_large_photo_is_shrunk_to_2560_pixels_on_its_longest_side():
    out = io.BytesIO()
    Image.new("RGB", (3200, 1000), "white").save(out, "JPEG")

    ready = prepare(out.getvalue(), LIMITS)

    assert (ready.width, ready.height) == (2560, 800) and opened(ready.content).size == (2560, 800)
    assert (ready.taken_at, ready.lon, ready.lat) == (None, None, None)


def test_a_png_stays_a_png_without_its_text_and_its_thumbnail_is_a_jpeg():
    ready = prepare(png(), LIMITS)

    assert ready.media_type == "image/png" and opened(ready.content).format == "PNG"
    assert b"drawn by the tests" not in ready.content
    assert opened(ready.thumbnail).format == "JPEG"


def test_a_pdf_is_kept_byte_for_byte():
    document = pdf()

    ready = prepare(document, LIMITS)

    assert (ready.kind, ready.media_type, ready.content) == (
        AttachmentKind.DOCUMENT,
        "application/pdf",
        document,
    )
    assert ready.thumbnail is None


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and stops: what a decompression bomb shows before it unpacks."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 64))


@pytest.mark.parametrize(
    ("data", "refusal"),
    [
        (b"just some text, renamed photo.jpg\n" * 10, UnsupportedFormat),
        (b"", UnsupportedFormat),
        (phone_jpeg()[:300], UnreadableFile),
        (pdf()[:-40], UnreadableFile),
        (_png_header(100_000, 100_000), TooLarge),
        (b"%PDF-1.4\n" + b"0" * (16 * 1024 * 1024), TooLarge),
    ],
    ids=["text", "empty", "truncated-jpeg", "truncated-pdf", "bomb", "oversize"],
)
def test_what_is_refused(data, refusal):
    with pytest.raises(refusal):
        prepare(data, LIMITS)


def test_the_pixel_limit_is_read_from_the_header():
    with pytest.raises(TooLarge) as refused:
        prepare(phone_jpeg(), MediaLimits(max_pixels=50_000))

    assert "400×200" in refused.value.message("en")


def test_distance_from_a_site_is_zero_inside_and_metres_outside():
    square = shapely.box(121.60, 31.80, 121.61, 31.81)

    assert distance_m(square, 121.605, 31.805) == 0
    # 0.01° of latitude north of the square is about 1109 m
    assert distance_m(square, 121.605, 31.82) == pytest.approx(1109, rel=0.01)
    assert distance_m(shapely.Point(121.60, 31.80), 121.60, 31.80) == 0

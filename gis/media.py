"""Files attached to parcels and factories, checked and made safe to keep and serve: pure
functions on bytes, no database.

The type is read from the bytes, never from the name or the declared type: JPEG, PNG or PDF.
A photo is decoded (its size read from the header first, so that a decompression bomb is refused
before it is unpacked), turned upright by its EXIF orientation, shrunk to at most 2560 px on its
longest side and written anew (JPEG at quality 85, PNG as PNG), with a 320 px thumbnail. Of its
EXIF only the time it was taken and its GPS position survive, read into columns first: the
camera, its owner, the software and every other tag are dropped. A PDF is kept byte for byte
once its header and its end (`startxref`, `%%EOF`) show that it is one.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from gis import localtime
from gis.errors import TooLarge, UnreadableFile, UnsupportedFormat
from gis.vocabulary import AttachmentKind

MB = 1024 * 1024
JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
PDF_HEADER_WITHIN = 1024  # the PDF standard lets the header start anywhere in the first 1024 bytes
PDF_TAIL = 2048
EXIF_TIME = "%Y:%m:%d %H:%M:%S"
GPS_KEPT = (
    ExifTags.GPS.GPSLatitudeRef,
    ExifTags.GPS.GPSLatitude,
    ExifTags.GPS.GPSLongitudeRef,
    ExifTags.GPS.GPSLongitude,
)


@dataclass(frozen=True)
class MediaLimits:
    """What an attachment may be: bytes per file, files per upload, pixels of a photo before it is
    decoded, and how large a stored photo and its thumbnail are."""

    max_bytes: int = 15 * MB
    max_files: int = 10
    max_pixels: int = 64_000_000
    longest_side: int = 2560
    thumbnail_side: int = 320
    jpeg_quality: int = 85


@dataclass(frozen=True)
class Prepared:
    """A file as it will be stored: its kind, type, bytes and, for a photo, its thumbnail, size in
    pixels, and when and where it was taken (UTC; WGS84 degrees) when its EXIF said so."""

    kind: AttachmentKind
    media_type: str
    content: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    taken_at: dt.datetime | None = None
    lon: float | None = None
    lat: float | None = None


def media_type(data: bytes) -> str:
    """JPEG, PNG or PDF, as the bytes say; UnsupportedFormat (415) for anything else."""
    for signature, found in SIGNATURES:
        if data.startswith(signature):
            return found
    if b"%PDF-" in data[:PDF_HEADER_WITHIN]:
        return PDF
    raise UnsupportedFormat("attachment.unsupported")


def prepare(data: bytes, limits: MediaLimits) -> Prepared:
    """The file `data` checked and made ready to store (see the module's description)."""
    if len(data) > limits.max_bytes:
        raise TooLarge("attachment.too_large", size=_mb(len(data)), limit=_mb(limits.max_bytes))
    found = media_type(data)
    if found == PDF:
        check_pdf(data)
        return Prepared(AttachmentKind.DOCUMENT, PDF, data)
    return prepare_photo(data, found, limits)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def check_pdf(data: bytes) -> None:
    """Refuse bytes that start as a PDF but do not end as one (truncated, or something else)."""
    tail = data[-PDF_TAIL:]
    if b"%%EOF" not in tail or b"startxref" not in tail:
        raise UnreadableFile("attachment.bad_pdf")


def prepare_photo(data: bytes, found: str, limits: MediaLimits) -> Prepared:
    """A JPEG or PNG decoded, upright, shrunk, re-encoded with only its time and position left."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _opened(data, found, limits)
            exif = image.getexif()
            upright = ImageOps.exif_transpose(image) or image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise TooLarge(
                "attachment.too_many_pixels", pixels=f"> {limits.max_pixels}", limit=limits.max_pixels
            ) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise UnreadableFile("attachment.bad_image", reason=str(exc)[:200]) from exc
    upright.thumbnail((limits.longest_side, limits.longest_side), Image.Resampling.LANCZOS)
    kept = kept_exif(exif)
    taken_at, (lon, lat) = taken(exif), position(exif)
    return Prepared(
        AttachmentKind.PHOTO,
        found,
        _encoded(upright, found, limits.jpeg_quality, kept),
        thumbnail(upright, limits.thumbnail_side),
        upright.width,
        upright.height,
        taken_at,
        lon,
        lat,
    )


def _opened(data: bytes, found: str, limits: MediaLimits) -> Image.Image:
    """The image decoded, after its header's size passed the pixel limit."""
    image = Image.open(io.BytesIO(data), formats=["JPEG" if found == JPEG else "PNG"])
    width, height = image.size
    if width * height > limits.max_pixels:
        raise TooLarge("attachment.too_many_pixels", pixels=f"{width}×{height}", limit=limits.max_pixels)
    image.load()
    return image


def _encoded(image: Image.Image, found: str, quality: int, exif: Image.Exif) -> bytes:
    out = io.BytesIO()
    if found == JPEG:
        flat = image if image.mode in ("RGB", "L") else image.convert("RGB")
        flat.save(out, "JPEG", quality=quality, optimize=True, exif=exif)
    else:
        image.save(out, "PNG", optimize=True, exif=exif)
    return out.getvalue()


def thumbnail(image: Image.Image, side: int) -> bytes:
    """A JPEG at most `side` px on its longest side (transparency over white)."""
    small = image.copy()
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    if small.mode in ("RGBA", "LA", "P"):
        small = small.convert("RGBA")
        backdrop = Image.new("RGB", small.size, "white")
        backdrop.paste(small, mask=small.getchannel("A"))
        small = backdrop
    elif small.mode not in ("RGB", "L"):
        small = small.convert("RGB")
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _exif_ifd(exif: Image.Exif) -> dict[int, Any]:
    return dict(exif.get_ifd(ExifTags.IFD.Exif))


def _gps_ifd(exif: Image.Exif) -> dict[int, Any]:
    return dict(exif.get_ifd(ExifTags.IFD.GPSInfo))


def kept_exif(exif: Image.Exif) -> Image.Exif:
    """A new EXIF block holding only the time the photo was taken and its GPS position."""
    kept = Image.Exif()
    when = _exif_ifd(exif).get(ExifTags.Base.DateTimeOriginal)
    if isinstance(when, str) and _local_time(when) is not None:
        kept.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = when
    gps = _gps_ifd(exif)
    if None not in _lon_lat(gps):
        kept.get_ifd(ExifTags.IFD.GPSInfo).update({tag: gps[tag] for tag in GPS_KEPT})
    return kept


def _local_time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text.strip("\x00 "), EXIF_TIME)
    except ValueError:
        return None


def taken(exif: Image.Exif) -> dt.datetime | None:
    """When the photo was taken, in UTC: EXIF's DateTimeOriginal at its OffsetTimeOriginal, or in
    the service's time zone when the camera wrote no offset (as most phones in China do not)."""
    own = _exif_ifd(exif)
    when = own.get(ExifTags.Base.DateTimeOriginal)
    moment = _local_time(when) if isinstance(when, str) else None
    if moment is None:
        return None
    offset = own.get(ExifTags.Base.OffsetTimeOriginal)
    try:
        zone: dt.tzinfo = dt.datetime.strptime(str(offset).strip("\x00 "), "%z").tzinfo or localtime.current()
    except ValueError:
        zone = localtime.current()
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    return -degrees if str(ref).strip("\x00 ").upper() == negative else degrees


def _lon_lat(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    lon = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None, None
    return lon, lat


def position(exif: Image.Exif) -> tuple[float | None, float | None]:
    """Where the photo was taken (longitude, latitude in WGS84 degrees, as GPS gives them), or
    (None, None) when its EXIF holds no readable position."""
    return _lon_lat(_gps_ifd(exif))

"""Files the attachment tests send, made in the test: a phone's JPEG with a full EXIF block
(camera, serial, software, date, GPS, orientation 6), a PNG, a PDF written by hand."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

# A JPEG 400 wide and 200 high whose left quarter is blue; orientation 6 says "turn me 90° clockwise"
WIDE, HIGH = 400, 200
TAKEN = "2026:11:30 10:15:00"  # Beijing time, as a phone writes it without an offset


def dms(degrees: float) -> tuple[float, float, float]:
    """Degrees as EXIF's degrees, minutes, seconds."""
    d = int(degrees)
    m = int((degrees - d) * 60)
    return float(d), float(m), round((degrees - d - m / 60) * 3600, 4)


def phone_jpeg(lon: float = 121.65, lat: float = 31.80, *, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: camera, serial, software, time, GPS and an orientation."""
    image = Image.new("RGB", (WIDE, HIGH), (200, 30, 30))
    image.paste((20, 40, 220), (0, 0, WIDE // 4, HIGH))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestMaker"
    exif[ExifTags.Base.Model] = "TestCam X9"
    exif[ExifTags.Base.Software] = "CameraApp 7.1"
    exif[ExifTags.Base.Artist] = "张测试"
    exif[ExifTags.Base.Orientation] = orientation
    own = exif.get_ifd(ExifTags.IFD.Exif)
    own[ExifTags.Base.DateTimeOriginal] = TAKEN
    own[ExifTags.Base.BodySerialNumber] = "SN-0042"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", dms(lat)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = "E", dms(lon)
    gps[ExifTags.GPS.GPSAltitude] = 4.5
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def png(width: int = 300, height: int = 120) -> bytes:
    """A PNG with transparency and a text chunk."""
    from PIL import PngImagePlugin

    image = Image.new("RGBA", (width, height), (30, 160, 60, 180))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "drawn by the tests")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF written by hand: header, catalogue, page, cross-reference table, trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return bytes(out)


def opened(data: bytes) -> Image.Image:
    """An image file's bytes, opened."""
    return Image.open(io.BytesIO(data))

"""What the attachment routes and the record pages share: a site's photos and documents as a
reader may read them (each photo's distance from its site, flagged past LANDSTOCK_PHOTO_FAR_M),
files read from an upload, and a stored file as an HTTP response with its name and cache headers."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

import shapely
from fastapi import Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from gis import attachments
from gis.access import Principal, reads_personal, site_rights
from gis.attachments import Served
from gis.errors import TooLarge
from gis.gateway.attachments import Upload
from gis.labels import message
from gis.localtime import shown as local_time
from gis.media import MB
from gis.rows import SiteRow
from gis.vocabulary import AttachmentKind
from service.kinds import ServedKind
from service.settings import AttachmentSettings, Settings

CACHE = "private, max-age=86400"  # a stored file never changes under its id; private: who reads it matters


class AttachmentOut(BaseModel):
    """A photo or document of a parcel or factory, without its bytes."""

    id: int
    kind: AttachmentKind
    file_name: str
    media_type: str
    size_bytes: int
    width: int | None = Field(description="Pixels, photos only")
    height: int | None = Field(description="Pixels, photos only")
    taken_at: dt.datetime | None = Field(description="When the photo was taken, from its EXIF (UTC)")
    lon: float | None = Field(description="Where the photo was taken, from its EXIF GPS (WGS84)")
    lat: float | None
    distance_m: float | None = Field(description="Metres from the parcel's outline (0 inside) or the factory")
    far: bool = Field(description="Taken farther from the site than LANDSTOCK_PHOTO_FAR_M")
    uploaded_by: str | None = Field(description="Who uploaded it: null unless the reader is signed in")
    uploaded_at: dt.datetime
    url: str
    thumbnail_url: str | None = Field(description="A 320 px JPEG, photos only")


def _distance(site: shapely.Geometry | None, found: attachments.AttachmentRow) -> float | None:
    lon, lat = found["lon"], found["lat"]
    if site is None or lon is None or lat is None:
        return None
    return attachments.distance_m(site, lon, lat)


def listed(
    session: Session, kind: ServedKind, code: str, who: Principal | None, settings: AttachmentSettings
) -> list[AttachmentOut]:
    """The site's photos (and, for signed-in readers, its documents), each photo's distance from
    the site's shape."""
    row = kind.get(session, code)
    site = shapely.from_geojson(row["geojson"]) if row["geojson"] else None
    shown = []
    for found in attachments.of_site(session, kind.name, code, documents=attachments.documents_for(who)):
        distance = _distance(site, found)
        photo = found["kind"] == AttachmentKind.PHOTO
        values: dict[str, Any] = {
            **found,
            "uploaded_by": found["uploaded_by"] if reads_personal(who) else None,
            "distance_m": None if distance is None else round(distance, 1),
            "far": distance is not None and distance > settings.photo_far_m,
            "url": f"/api/attachments/{found['id']}",
            "thumbnail_url": f"/api/attachments/{found['id']}/thumbnail" if photo else None,
        }
        shown.append(AttachmentOut.model_validate(values))
    return shown


def uploads(files: list[UploadFile], settings: AttachmentSettings) -> list[Upload]:
    """The files of a form, each read only up to one byte past the limit (a larger one is refused)."""
    limit = int(settings.upload_max_mb * MB)
    read = []
    for file in files:
        data = file.file.read(limit + 1)  # a plain def's thread: the spooled file read directly
        if len(data) > limit:
            raise TooLarge(
                "attachment.too_large", size=f"> {limit / MB:.1f} MB", limit=f"{limit / MB:.1f} MB"
            )
        read.append(Upload(file.filename or "", data))
    return read


def disposition(name: str) -> str:
    """Content-Disposition naming the file: its name in UTF-8 (RFC 6266), an ASCII stand-in beside."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(request: Request, served: Served, tag: str) -> Response:
    """The file with its type, name and cache headers; 304 when the reader already holds it."""
    etag = f'"{tag}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE,
        "Last-Modified": format_datetime(served.uploaded_at.astimezone(dt.UTC), usegmt=True),
        "Content-Disposition": disposition(served.file_name),
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(served.data, media_type=served.media_type, headers=headers)


def may_attach(who: Principal | None, row: SiteRow) -> bool:
    """Whether `who` may add files to this site and delete them: who may edit it (the gateway
    decides again when they do)."""
    return site_rights(who, row["park_id"], row["town_id"]).edit


def gallery_context(
    session: Session,
    settings: Settings,
    kind: ServedKind,
    row: SiteRow,
    who: Principal | None,
    problem: str | None = None,
) -> dict[str, Any]:
    """What a record page's gallery shows: the photos, the documents (signed-in readers), the
    upload form and delete buttons for who may, and the upload's limits and refusal."""
    found = listed(session, kind, row["code"], who, settings.attachments)
    return {
        "attachments": found,
        "photos": [a for a in found if a.kind is AttachmentKind.PHOTO],
        "documents": [a for a in found if a.kind is AttachmentKind.DOCUMENT],
        "reads_documents": attachments.documents_for(who),
        "may_attach": may_attach(who, row),
        "upload_mb": f"{settings.attachments.upload_max_mb:g}",
        "upload_files": settings.attachments.upload_max_files,
        "upload_problem": problem,
    }


def photo_marks(found: list[AttachmentOut], lang: str) -> list[dict[str, Any]]:
    """The photos with a position, as the record's small map marks them: where, a tooltip, far or not."""
    marks = []
    for a in found:
        if a.lon is None or a.lat is None:
            continue
        words = [a.file_name]
        if a.taken_at is not None:
            words.append(message("web.attachments.taken", lang, at=local_time(a.taken_at)))
        if a.far:
            words.append(message("web.attachments.far", lang, distance=f"{a.distance_m:,.0f}"))
        marks.append({"id": a.id, "lon": a.lon, "lat": a.lat, "far": a.far, "tooltip": " · ".join(words)})
    return marks

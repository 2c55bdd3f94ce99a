"""Reading the photos and documents of parcels and factories: a site's list (without the
bytes), one file or its thumbnail as a reader may have it, and how far from its site a photo
was taken.

A file is read only while its site is: a site deleted hides its files, restored brings them
back. Photos are read as the site is (the inventory may be public); documents (certificates,
contracts) by signed-in readers only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypedDict, cast

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.access import Principal, reads_personal
from gis.crs import metres_per_degree
from gis.errors import NotAuthenticated, NotFound
from gis.labels import Text
from gis.models import Attachment, Factory, Parcel
from gis.vocabulary import AttachmentKind, SiteKind

MODELS: dict[SiteKind, type[Parcel] | type[Factory]] = {SiteKind.PARCEL: Parcel, SiteKind.FACTORY: Factory}


class AttachmentRow(TypedDict):
    """One attachment as lists show it: everything but its bytes."""

    id: int
    kind: str
    file_name: str
    media_type: str
    size_bytes: int
    width: int | None
    height: int | None
    taken_at: dt.datetime | None
    lon: float | None
    lat: float | None
    uploaded_by: str
    uploaded_at: dt.datetime


LISTED = tuple(AttachmentRow.__annotations__)


@dataclass(frozen=True)
class Served:
    """A file as it is sent: its name, type, bytes and when it was stored."""

    file_name: str
    media_type: str
    data: bytes
    uploaded_at: dt.datetime
    kind: AttachmentKind


def documents_for(who: Principal | None) -> bool:
    """Whether `who` may read documents (they may be certificates): signed-in readers."""
    return reads_personal(who)


def site_id(session: Session, kind: SiteKind, code: str) -> int:
    """The id of a site that is not deleted; NotFound otherwise."""
    model = MODELS[kind]
    found = session.scalar(select(model.id).where(model.code == code, model.deleted_at.is_(None)))
    if found is None:
        raise NotFound(kind=Text(f"kind.{kind}"), code=code)
    return int(found)


def of_site(session: Session, kind: SiteKind, code: str, *, documents: bool) -> list[AttachmentRow]:
    """The site's attachments, photos first, each in the order it was uploaded; documents only
    when asked for."""
    column = getattr(Attachment, f"{kind}_id")
    statement = select(*(getattr(Attachment, name) for name in LISTED)).where(
        column == site_id(session, kind, code), Attachment.deleted_at.is_(None)
    )
    if not documents:
        statement = statement.where(Attachment.kind == AttachmentKind.PHOTO.value)
    rows = session.execute(statement.order_by(Attachment.kind.desc(), Attachment.id)).mappings()
    return [cast(AttachmentRow, dict(row)) for row in rows]


def site_of(session: Session, attachment_id: int) -> tuple[SiteKind, str]:
    """The kind and code of the site an attachment (deleted or not) belongs to; NotFound if none."""
    row = session.execute(
        select(Parcel.code, Factory.code)
        .select_from(Attachment)
        .outerjoin(Parcel, Parcel.id == Attachment.parcel_id)
        .outerjoin(Factory, Factory.id == Attachment.factory_id)
        .where(Attachment.id == attachment_id)
    ).first()
    if row is None:
        raise NotFound(kind=Text("kind.attachment"), code=str(attachment_id))
    parcel, factory = row
    return (SiteKind.PARCEL, parcel) if parcel is not None else (SiteKind.FACTORY, factory)


def _site_live(session: Session, attachment: Any) -> bool:
    kind = SiteKind.PARCEL if attachment.parcel_id is not None else SiteKind.FACTORY
    model = MODELS[kind]
    site = attachment.parcel_id if kind == SiteKind.PARCEL else attachment.factory_id
    return session.scalar(select(model.id).where(model.id == site, model.deleted_at.is_(None))) is not None


def read(session: Session, attachment_id: int, who: Principal | None, *, thumbnail: bool = False) -> Served:
    """One attachment's file (or its thumbnail, photos only) as `who` may read it: NotFound for
    one deleted, of a deleted site, or without a thumbnail; NotAuthenticated for a document
    asked by an anonymous reader."""
    body = Attachment.thumbnail if thumbnail else Attachment.content
    row = session.execute(
        select(
            Attachment.parcel_id,
            Attachment.factory_id,
            Attachment.kind,
            Attachment.file_name,
            Attachment.media_type,
            Attachment.uploaded_at,
            body.label("data"),
        ).where(Attachment.id == attachment_id, Attachment.deleted_at.is_(None))
    ).first()
    if row is None or row.data is None or not _site_live(session, row):
        raise NotFound(kind=Text("kind.attachment"), code=str(attachment_id))
    kind = AttachmentKind(row.kind)
    if kind is AttachmentKind.DOCUMENT and not documents_for(who):
        raise NotAuthenticated()
    if thumbnail:
        return Served(
            f"{PurePath(row.file_name).stem}-320.jpg", "image/jpeg", bytes(row.data), row.uploaded_at, kind
        )
    return Served(row.file_name, row.media_type, bytes(row.data), row.uploaded_at, kind)


def distance_m(site: shapely.Geometry, lon: float, lat: float) -> float:
    """Metres from (lon, lat) to the site's outline or point, 0 inside it; degrees turned into
    metres on the ellipsoid at that latitude (within a site's reach, well under 1 % off)."""
    per_lon, per_lat = metres_per_degree(lat)
    local = shapely.transform(site, lambda xy: (xy - np.array([lon, lat])) * np.array([per_lon, per_lat]))
    return float(shapely.distance(local, shapely.Point(0, 0)))

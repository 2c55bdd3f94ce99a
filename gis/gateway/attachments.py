"""Photos and documents of parcels and factories: attached and removed under the rules of
editing the site itself (role, park scope, the site present and not deleted), read locked inside
the writing transaction, every file checked and prepared (gis/media.py) before anything is
written, each upload and removal kept in the site's history."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import media
from gis.access import Action, Principal, authorize
from gis.attachments import site_of
from gis.errors import InvalidInput, NotFound, TooLarge
from gis.gateway import rules
from gis.gateway.sites import Site, locked, stored
from gis.labels import Text
from gis.models import Attachment, RecordChange, utcnow
from gis.vocabulary import SiteKind

NAME_LENGTH = 200
DEFAULT_NAMES = {media.JPEG: "photo.jpg", media.PNG: "photo.png", media.PDF: "document.pdf"}


@dataclass(frozen=True)
class Upload:
    """One file as it was sent: the name the sender gave it, and its bytes."""

    name: str
    data: bytes


def editable(session: Session, who: Principal, kind: SiteKind, code: str) -> Site:
    """The site, locked, once `who` may edit it: the role may edit sites, the site exists and is
    not deleted, and a park manager's lies in their parks and towns."""
    record = locked(session, kind, code)
    authorize(who, Action.EDIT_SITE)
    change = rules.Change(kind, code, rules.Act.UPDATE, stored=stored(record))
    rules.presence(who, change)
    rules.scope(who, change)
    assert record is not None  # presence refused a missing one
    return record


def file_name(given: str, media_type: str) -> str:
    """The sender's file name without folders or control characters, at most 200 characters."""
    base = re.split(r"[\\/]", given or "")[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    return cleaned[-NAME_LENGTH:] or DEFAULT_NAMES[media_type]


def attach(
    session: Session,
    kind: SiteKind,
    code: str,
    uploads: Sequence[Upload],
    *,
    who: Principal,
    limits: media.MediaLimits,
) -> list[Attachment]:
    """Attach every file of one upload to a site, or none of them if one is refused."""
    record = editable(session, who, kind, code)
    if not uploads:
        raise InvalidInput("attachment.none")
    if len(uploads) > limits.max_files:
        raise TooLarge("attachment.too_many_files", count=len(uploads), limit=limits.max_files)
    prepared = [media.prepare(upload.data, limits) for upload in uploads]
    rows = [
        Attachment(
            **{f"{kind}_id": record.id},
            kind=ready.kind.value,
            file_name=file_name(upload.name, ready.media_type),
            media_type=ready.media_type,
            size_bytes=len(ready.content),
            content=ready.content,
            thumbnail=ready.thumbnail,
            width=ready.width,
            height=ready.height,
            taken_at=ready.taken_at,
            lon=ready.lon,
            lat=ready.lat,
            uploaded_by=who.name,
            uploaded_at=utcnow(),
        )
        for upload, ready in zip(uploads, prepared, strict=True)
    ]
    session.add_all(rows)
    session.flush()
    _history(session, kind, record, who, {row.kind: [None, _names(rows, row.kind)] for row in rows})
    return rows


def _names(rows: Sequence[Attachment], kind: str) -> str:
    return "、".join(f"{row.file_name} #{row.id}" for row in rows if row.kind == kind)


def remove(session: Session, attachment_id: int, *, who: Principal) -> Attachment:
    """Mark one attachment deleted (it stays in the database and the history)."""
    found = session.scalar(
        select(Attachment)
        .where(Attachment.id == attachment_id, Attachment.deleted_at.is_(None))
        .with_for_update(of=Attachment)
    )
    if found is None:
        raise NotFound(kind=Text("kind.attachment"), code=str(attachment_id))
    kind, code = site_of(session, attachment_id)
    record = editable(session, who, kind, code)
    found.deleted_at = utcnow()
    session.flush()
    _history(session, kind, record, who, {found.kind: [f"{found.file_name} #{found.id}", None]})
    return found


def _history(
    session: Session, kind: SiteKind, record: Site, who: Principal, changes: dict[str, list[str | None]]
) -> None:
    """The site's history says which files came or went; the site's own fields and version stay."""
    session.add(
        RecordChange(
            at=utcnow(),
            actor=who.name,
            action="update",
            changes=changes,
            version=record.version,
            **{f"{kind}_id": record.id},
        )
    )
    session.flush()

"""What the parcel and factory routes share: ETag and If-Match, geometry input, the change
endpoints' bodies and responses, and the history as a reader may read it. The routes stay
thin; the rules live in the write gateway (gis/gateway/) and gis/access.py."""

from __future__ import annotations

from typing import Any

import shapely
from fastapi import Request
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import access, history
from gis.access import Principal
from gis.database import Database
from gis.errors import InvalidGeometry, PreconditionRequired, VersionConflict
from gis.gateway import sites as gateway
from gis.labels import label
from gis.status import parse_status
from gis.vocabulary import RecordAction, RecordKind, SiteKind
from service.geojson import GeoJSONResponse, single
from service.kinds import KINDS
from service.schemas import GeometryIn, History, HistoryEntry, StatusChange


def etag(version: int) -> str:
    """The strong ETag of a record at `version`."""
    return f'"{version}"'


# What a change that sends If-Match may be answered besides, as /docs lists it
IF_MATCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: {"description": "Changed since you read it"},
    428: {"description": "If-Match missing"},
}


def if_match(request: Request) -> int:
    """The version a change is based on, from If-Match (428 without one, 412 if unreadable)."""
    header = request.headers.get("if-match")
    if not header:
        raise PreconditionRequired()
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise VersionConflict("error.version_conflict_concurrent")
    return int(value)


def if_match_given(request: Request) -> int | None:
    """The version named by If-Match when one is sent (checked as `if_match` checks it), else None."""
    return if_match(request) if request.headers.get("if-match") else None


def geometry(value: GeometryIn) -> shapely.Geometry:
    """A shapely geometry from GeoJSON input, or a 422 saying why it cannot be read."""
    try:
        return shape(value.model_dump())
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, shapely.errors.GEOSException) as exc:
        raise InvalidGeometry("geometry.malformed", reason=str(exc)[:200]) from exc


def respond(
    session: Session, kind: SiteKind, code: str, lang: str, status_code: int = 200
) -> GeoJSONResponse:
    """The record as the GET endpoint shows it, with its ETag. A change calls it in its own
    transaction, before the commit: an answer that cannot be built undoes the change."""
    site = KINDS[kind]
    row = site.get(session, code)
    response = single(row, site.properties(row, lang))
    response.status_code = status_code
    response.headers["ETag"] = etag(row["version"])
    if status_code == 201:
        response.headers["Location"] = f"/api/{site.plural}/{code}"
    return response


def changes(properties: Any, geometry_in: GeometryIn | None) -> dict[str, Any]:
    """The fields a PATCH sets (including refused extras, so that they are reported)."""
    values: dict[str, Any] = properties.model_dump(exclude_unset=True)
    values.update(properties.model_extra or {})
    if geometry_in is not None:
        values["geometry"] = geometry(geometry_in)
    return values


def change_status(
    session: Session, kind: SiteKind, code: str, body: StatusChange, who: Principal, version: int
) -> None:
    """Apply a workflow step in the caller's transaction."""
    target = parse_status(kind, body.status)
    gateway.change_status(
        session,
        kind,
        code,
        target.value,
        who=who,
        project=body.project,
        note=body.note,
        expected_version=version,
    )


def hidden_in_history(
    session: Session, kind: RecordKind | SiteKind, code: str, who: Principal | None
) -> frozenset[str]:
    """The fields of the record's history `who` may not read (decided by where it is now)."""
    site = KINDS.get(kind)
    if site is None:  # a project's history: no place decides what it hides
        return access.hidden_fields(who, None, None)
    model = site.model
    place = session.execute(select(model.park_id, model.town_id).where(model.code == code)).first()
    return access.hidden_fields(who, *(place or (None, None)))


def history_of(
    db: Database, kind: RecordKind | SiteKind, code: str, lang: str, who: Principal | None
) -> History:
    """Every recorded change of a record, oldest first, as `who` may read it: account names for
    signed-in readers only, hidden fields left out of the changes."""
    with db.read() as session:
        rows = history.changes_of(session, kind, code)
        hidden = hidden_in_history(session, kind, code, who)
        actors = access.reads_personal(who)
        entries = [
            HistoryEntry(
                at=r.at,
                actor=r.actor if actors else None,
                action=RecordAction(r.action),
                action_label=label("history", r.action, lang),
                version=r.version,
                changes=access.redact_changes(r.changes, hidden),
            )
            for r in rows
        ]
    return History(code=code, entries=entries)

"""The history of every parcel, factory, project and area: each field's value before and after
each change.

Status events (gis/models.StatusEvent) answer "what was the status on date D"; record changes
(gis/models.RecordChange) keep every field, geometry included, so any past state can be read
and any edit undone by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import shapely
from geoalchemy2 import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.errors import NotFound
from gis.labels import Text
from gis.models import Area, Factory, Parcel, Project, RecordChange, StatusEvent
from gis.vocabulary import RecordKind, SiteKind

# Bookkeeping, and what the database derives from the geometry (box centre, distances to the
# infrastructure): no one changes those, so the history does not list them. The verification
# stamp moves with every edit and status change; a 核实无变化 entry of its own records it.
SKIPPED = {
    "id",
    "version",
    "updated_at",
    "updated_by",
    "verified_at",
    "verified_by",
    "created_at",
    "centre_lon",
    "centre_lat",
    "to_port_m",
    "to_highway_exit_m",
    "to_rail_station_m",
}


def _plain(value: Any) -> Any:
    if isinstance(value, WKBElement):
        return shapely.to_geojson(to_shape(value), indent=None)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


Record = Parcel | Factory | Project | Area
MODELS: dict[str, type[Record]] = {
    RecordKind.PARCEL: Parcel,
    RecordKind.FACTORY: Factory,
    RecordKind.PROJECT: Project,
    RecordKind.AREA: Area,
}


def snapshot(record: Record) -> dict[str, Any]:
    """Every column of a record as JSON-ready values (geometry as GeoJSON text)."""
    return {c.name: _plain(getattr(record, c.key)) for c in record.__table__.columns if c.name not in SKIPPED}


def record_change(
    session: Session,
    kind: str,
    record: Record,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    actor: str,
) -> RecordChange | None:
    """Append the fields that differ between `before` and `after`; nothing when none does."""
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if not changes and action == "update":
        return None
    row = RecordChange(
        at=record.updated_at,
        actor=actor,
        action=action,
        changes=changes,
        version=record.version,
        **{f"{kind}_id": record.id},
    )
    session.add(row)
    session.flush()
    return row


def _subject_id(session: Session, kind: RecordKind | SiteKind, code: str) -> int:
    model = MODELS[kind]
    record_id = session.scalar(select(model.id).where(model.code == code))
    if record_id is None:
        raise NotFound(kind=Text(f"kind.{kind}"), code=code)
    return int(record_id)


def changes_of(session: Session, kind: RecordKind | SiteKind, code: str) -> list[RecordChange]:
    """Every recorded change of one parcel, factory, project or area, oldest first."""
    column = getattr(RecordChange, f"{kind}_id")
    return list(
        session.scalars(
            select(RecordChange)
            .where(column == _subject_id(session, kind, code))
            .order_by(RecordChange.at, RecordChange.id)
        )
    )


def status_events(session: Session, kind: SiteKind, code: str) -> list[StatusEvent]:
    """Every status event of one parcel or factory, oldest first."""
    column = StatusEvent.parcel_id if kind == SiteKind.PARCEL else StatusEvent.factory_id
    return list(
        session.scalars(
            select(StatusEvent)
            .where(column == _subject_id(session, kind, code))
            .order_by(StatusEvent.at, StatusEvent.id)
        )
    )

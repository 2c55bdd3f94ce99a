"""Record changes (gis/history.py) of the parcels, factories and areas an import creates, updates,
restores or deletes: the rows as stored are read before and after the bulk write, and each
entry holds the fields that differ, exactly as a single change records them. Computed for all
rows at once and written with one executemany.

Values are kept as gis/history.py keeps them (dates as ISO text, geometry as GeoJSON), so an
imported change reads like an edit made through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence, Set
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis import bulk
from gis.bulk_write import among
from gis.history import SKIPPED
from gis.models import Area, Factory, Parcel, utcnow

GEOMETRY = {Parcel: ("geom",), Factory: ("footprint", "location"), Area: ("geom",)}
SUBJECT = {Parcel: "parcel_id", Factory: "factory_id", Area: "area_id"}
KEPT_AS_IS = {str, int, float, bool, type(None)}
Rows = dict[int, dict[str, Any]]


def plain(value: Any) -> Any:
    """A value as history keeps it: dates as ISO text, geometry as GeoJSON, numbers as they are."""
    if type(value) in KEPT_AS_IS:  # most values: checked first, and exactly (numpy's float is a float)
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, shapely.Geometry):
        return shapely.to_geojson(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _columns(model: Any) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in SKIPPED]


def stored(session: Session, model: Any, ids: Iterable[int]) -> Rows:
    """The history's view of the records `ids` as stored now: every kept column, geometry as
    GeoJSON (decoded all at once), version beside them."""
    table, names = model.__table__, _columns(model)
    shapes = GEOMETRY[model]
    wanted = [
        table.c.id,
        table.c.version,
        *(table.c[n] for n in names if n not in shapes),
        *(func.ST_AsBinary(table.c[n]).label(n) for n in shapes),
    ]
    found: Rows = {}
    ordered = sorted(set(ids))
    for condition in among(session, table.c.id, ordered):
        result = session.execute(select(*wanted).where(condition))
        keys = list(result.keys())
        rows = [dict(zip(keys, r, strict=True)) for r in result]
        for name in shapes:
            binary = [bytes(r[name]) if r[name] is not None else None for r in rows]
            texts: list[str | None] = shapely.to_geojson(shapely.from_wkb(binary)).tolist() if rows else []
            for row, text in zip(rows, texts, strict=True):
                row[name] = None if text is None else str(text)
        for row in rows:
            found[row["id"]] = {k: plain(v) for k, v in row.items()}
    return found


def _entry(
    model: Any,
    record_id: int,
    action: str,
    changes: dict[str, list[Any]],
    version: int,
    actor: str,
    at: dt.datetime,
) -> dict[str, Any]:
    return {
        SUBJECT[model]: record_id,
        "at": at,
        "actor": actor,
        "action": action,
        "changes": changes,
        "version": version,
    }


def _differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        k: [before.get(k), v] for k, v in after.items() if k not in ("id", "version") and before.get(k) != v
    }


def created(session: Session, model: Any, ids: Iterable[int], actor: str) -> list[dict[str, Any]]:
    """A "create" entry per new record: every field it was stored with (what differs from
    nothing, as `_differences` would find)."""
    now = utcnow()
    return [
        _entry(
            model,
            i,
            "create",
            {k: [None, v] for k, v in row.items() if v is not None and k not in ("id", "version")},
            row["version"],
            actor,
            now,
        )
        for i, row in stored(session, model, ids).items()
    ]


def changed(
    model: Any,
    before: Rows,
    after: Rows,
    actor: str,
    *,
    restored: Set[int] = frozenset(),
    action: str = "update",
) -> list[dict[str, Any]]:
    """An entry per record whose stored fields differ between `before` and `after`: `action`, or
    "restore" for the `restored` ids (deleted records brought back)."""
    now = utcnow()
    out = []
    for record_id, new in after.items():
        changes = _differences(before.get(record_id, {}), new)
        kind = "restore" if record_id in restored else action
        if changes or kind == "restore":
            out.append(_entry(model, record_id, kind, changes, new["version"], actor, now))
    return out


def write(session: Session, changes: Sequence[dict[str, Any]]) -> None:
    """Append the changes (one executemany)."""
    if changes:
        bulk.insert_changes(session, list(changes))

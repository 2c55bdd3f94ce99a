"""Record changes (gis/history.py) for the parcels and factories an import creates, updates or
deletes, computed for all rows at once and written with one executemany.

Values are kept as gis/history.py keeps them (dates as ISO text, geometry as GeoJSON), so an
imported change reads like an edit made through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis import bulk
from gis.history import SKIPPED
from gis.models import Factory, Parcel, utcnow

GEOMETRY = {Parcel: ("geom",), Factory: ("footprint", "location")}
BOOKKEEPING = SKIPPED | {"row_id", "deleted_at"}
KEPT_AS_IS = {str, int, float, bool, type(None)}


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


def _subject(model: Any) -> str:
    return "parcel_id" if model is Parcel else "factory_id"


def created(model: Any, ids: dict[str, int], records: Sequence[dict[str, Any]],
            shapes: Sequence[Sequence[Any]], actor: str) -> list[dict[str, Any]]:
    """A "create" change per new record: every field the file gave, and its geometry."""
    now = utcnow()
    geojson = {name: shapely.to_geojson(np.array([shape[k] for shape in shapes], dtype=object))
               for k, name in enumerate(GEOMETRY[model])}  # every geometry at once
    out = []
    for j, record in enumerate(records):
        changes = {k: [None, plain(v)] for k, v in record.items() if k not in ("history", "note")}
        changes.update({name: [None, str(text[j])] for name, text in geojson.items() if text[j] is not None})
        out.append({_subject(model): ids[record["code"]], "at": now, "actor": actor, "action": "create",
                    "changes": changes, "version": 1})
    return out


def _before(session: Session, model: Any, ids: list[int], names: set[str]) -> dict[int, dict[str, Any]]:
    """Current values of `names` (geometry decoded) for the records `ids`."""
    table = model.__table__
    plain_columns = [table.c[n] for n in sorted(names) if n not in GEOMETRY[model]]
    geometry = [func.ST_AsBinary(table.c[n]).label(n) for n in sorted(names) if n in GEOMETRY[model]]
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 900):
        statement = select(table.c.id, table.c.version, *plain_columns, *geometry).where(
            table.c.id.in_(ids[start:start + 900]))
        for row in session.execute(statement).mappings():
            values = dict(row)
            for name in GEOMETRY[model]:
                if values.get(name) is not None:
                    values[name] = shapely.from_wkb(bytes(values[name]))
            found[values["id"]] = values
    return found


def updated(session: Session, model: Any, rows: Sequence[tuple[dict[str, Any], Any, Any]],
            actor: str) -> list[dict[str, Any]]:
    """An "update" change per updated record with the fields whose values differ."""
    def after(values: dict[str, Any], geom: Any, location: Any) -> dict[str, Any]:
        new = {k: v for k, v in values.items() if k not in BOOKKEEPING and k != "id"}
        shapes = (geom,) if model is Parcel else (geom, location)
        new.update({n: g for n, g in zip(GEOMETRY[model], shapes, strict=True) if g is not None})
        return new

    wanted = [after(*row) for row in rows]
    names = set().union(*(w.keys() for w in wanted)) if wanted else set()
    before = _before(session, model, [row[0]["id"] for row in rows], names)
    now = utcnow()
    out = []
    for (values, _, _), new in zip(rows, wanted, strict=True):
        old = before[values["id"]]
        changes = {k: [plain(old.get(k)), plain(v)] for k, v in new.items() if plain(old.get(k)) != plain(v)}
        if changes:
            out.append({_subject(model): values["id"], "at": now, "actor": actor, "action": "update",
                        "changes": changes, "version": old["version"] + 1})
    return out


def deleted(session: Session, model: Any, codes: Sequence[str], actor: str) -> list[dict[str, Any]]:
    """A "delete" change per record that `replace` removes."""
    now = utcnow()
    table = model.__table__
    out = []
    for start in range(0, len(codes), 900):
        chunk = list(codes[start:start + 900])
        statement = select(table.c.id, table.c.version).where(table.c.code.in_(chunk))
        for record_id, version in session.execute(statement):
            out.append({_subject(model): record_id, "at": now, "actor": actor, "action": "delete",
                        "changes": {"deleted_at": [None, now.isoformat()]}, "version": version + 1})
    return out


def write(session: Session, changes: list[dict[str, Any]]) -> None:
    """Append the changes (one executemany)."""
    if changes:
        bulk.insert_changes(session, changes)

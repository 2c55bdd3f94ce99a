"""Writes of the sensitive receptors layer (敏感目标: villages, schools, hospitals, ...), which
protection distances are measured to: administrators only, every row checked before any is
written, records matched by code (new ones inserted, known ones replaced, and with `replace` those
the file does not name removed).

The layer is reference data for matching, like the infrastructure layer: it keeps no history of
its own; each record says who wrote it last and when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gis.access import Action, Principal, authorize
from gis.bulk_write import in_lists, insert_rows
from gis.errors import InvalidInput
from gis.labels import Text
from gis.models import Receptor, utcnow
from gis.vocabulary import ReceptorKind

REQUIRED = ("name", "kind")
SHAPES = ("Point", "Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Written:
    """How many receptors a write created, updated and removed."""

    created: int
    updated: int
    deleted: list[str]


def problems(record: dict[str, Any], geom: Any) -> list[Text]:
    """Why a row cannot be written (none: it can): a name, a known kind, a point or outline."""
    out = []
    if geom is None:
        out.append(Text("import.geometry_required"))
    elif geom.geom_type not in SHAPES:
        out.append(Text("import.receptor_shape", {"shape": geom.geom_type}))
    out += [Text("import.required", {"field": Text(f"field.{n}")}) for n in REQUIRED if not record.get(n)]
    kind = record.get("kind")
    if kind and kind not in set(ReceptorKind):
        out.append(Text("import.receptor_kind", {"value": kind}))
    return out


def put(
    session: Session,
    records: Sequence[dict[str, Any]],
    geoms: np.ndarray,
    who: Principal,
    *,
    replace: bool = False,
) -> Written:
    """Write receptors (records with code, name and kind; geometry in EPSG:4490), each checked
    first: one refused, none written. A known code's record is replaced whole (nothing refers to
    a receptor, so it is removed and inserted again)."""
    authorize(who, Action.EDIT_RECEPTORS)
    for record, geom in zip(records, geoms, strict=True):
        found = problems(record, geom)
        if found:
            raise InvalidInput("import.receptor_refused", code=record.get("code") or "—", reason=found[0])
    stamp = {"updated_at": utcnow(), "updated_by": who.name}
    rows = [
        {"code": r["code"], "name": r["name"], "kind": r["kind"], "geom": g, **stamp}
        for r, g in zip(records, geoms, strict=True)
    ]
    named = sorted({r["code"] for r in rows})
    stored = set(session.scalars(select(Receptor.code)))
    gone = sorted(stored - set(named)) if replace else []
    for chunk in in_lists([*named, *gone]):
        session.execute(delete(Receptor).where(Receptor.code.in_(chunk)))
    insert_rows(session, Receptor, rows, ["geom"])
    known = len(stored & set(named))
    return Written(len(rows) - known, known, gone)

"""Each parcel's stored distance to the nearest port, highway exit and rail station.

A match scores every passing parcel in SQL, distances included; measuring from the box centre to
every point of the infrastructure layer was most of that work. So the distances are measured
here, with the same Gauss-Krüger arithmetic as the exact score (gis/matching/context.py), and kept
in the parcel's row, where the match index holds them. The `proximity` row names the layer they
were measured to by its fingerprint; a match reads them only while the layer is unchanged, and a
parcel whose distances are empty (new, or its geometry changed: the database empties them) is
measured in SQL as before. Stored distances only ever save time: none can make a match wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from gis.matching.context import Layer, distances_km, load_layer
from gis.matching.need import INFRA_KINDS
from gis.models import Parcel, Proximity, utcnow

CHUNK = 50_000


def column(kind: str) -> str:
    """The parcel column holding the metres to the nearest infrastructure of `kind`."""
    return f"to_{kind}_m"


def measured(layer: Layer, lon: np.ndarray, lat: np.ndarray) -> dict[str, list[float | None]]:
    """The distance columns for points `lon`, `lat` (None where the layer has nothing of a kind)."""
    km = distances_km(layer, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return {column(k): [None if np.isnan(v) else float(v) * 1000.0 for v in km[k]] for k in INFRA_KINDS}


def for_new_parcels(session: Session, geoms: np.ndarray) -> dict[str, list[float | None]]:
    """The distance columns of parcels about to be inserted, when the stored distances are of the
    current layer; none otherwise (they stay empty, and a match measures them)."""
    layer = load_layer(session.connection())
    if not layer.stored or not len(geoms):
        return {}
    bounds = np.asarray([g.bounds for g in geoms], dtype=float)
    return measured(layer, (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2)


def refresh(session: Session) -> int:
    """Measure every parcel to the current layer and record its fingerprint; parcels measured."""
    conn = session.connection()
    layer = load_layer(conn)
    table = Parcel.__table__
    statement = (
        update(table)  # type: ignore[arg-type]
        .where(table.c.id == bindparam("row_id"))
        .values({column(k): bindparam(column(k)) for k in INFRA_KINDS})
    )
    done, last = 0, None
    while True:
        page = select(Parcel.id, Parcel.centre_lon, Parcel.centre_lat).order_by(Parcel.id).limit(CHUNK)
        rows = conn.execute(page.where(Parcel.id > last) if last is not None else page).all()
        if not rows:
            break
        ids, lon, lat = zip(*rows, strict=True)
        values = measured(layer, np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        conn.execute(statement, _rows(ids, values))
        done, last = done + len(rows), ids[-1]
    conn.execute(delete(Proximity))
    conn.execute(insert(Proximity).values(id=1, fingerprint=layer.fingerprint, measured_at=utcnow()))
    return done


def refresh_if_stale(session: Session) -> int | None:
    """`refresh` when the stored distances are not of the current layer; parcels measured."""
    layer = load_layer(session.connection())
    return None if layer.stored or not layer.codes else refresh(session)


def _rows(ids: Sequence[int], values: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [{"row_id": i, **{name: v[j] for name, v in values.items()}} for j, i in enumerate(ids)]

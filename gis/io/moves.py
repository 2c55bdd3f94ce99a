"""How far an import moves the outlines and locations it updates.

A false declared CRS (a schematic offset by kilometres declared as CRS84), or GCJ-02 coordinates
declared as WGS84 (about 500 m off in Qidong), moves every record of a file alike: the median
displacement of the updated records' centres is then large, where a file that redraws a few
outlines leaves it near zero. The import is refused past `ImportLimits.max_shift_m` unless the
importer accepts the moves, and the report names the shift and its direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.bulk_write import in_lists
from gis.gateway.batch import MODELS, Batch
from gis.gateway.rules import Act
from gis.labels import Text
from gis.vocabulary import Layer

M_PER_DEGREE_LAT = 110_574.0
M_PER_DEGREE_LON = 111_320.0
COMPASS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass(frozen=True)
class Shift:
    """The median displacement of the updated records (metres east and north) and how many."""

    east_m: float
    north_m: float
    records: int

    @property
    def metres(self) -> float:
        """Its length."""
        return math.hypot(self.east_m, self.north_m)

    @property
    def direction(self) -> str:
        """Where it points, as one of eight compass words (n, ne, e, …)."""
        bearing = math.degrees(math.atan2(self.east_m, self.north_m)) % 360
        return COMPASS[round(bearing / 45) % 8]

    def text(self, key: str) -> Text:
        """A report line about the shift."""
        return Text(
            key,
            {
                "records": self.records,
                "metres": f"{self.metres:,.0f}",
                "east": f"{self.east_m:+,.0f}",
                "north": f"{self.north_m:+,.0f}",
                "direction": Text(f"compass.{self.direction}"),
                "flag": "--accept-moves",
            },
        )


def shift(session: Session, batch: Batch) -> Shift | None:
    """The median displacement of the centres of the records the batch updates with a geometry
    (None when it updates none)."""
    model = MODELS[batch.layer]
    column = model.location if batch.layer == Layer.FACTORIES else model.geom
    given = batch.locations if batch.layer == Layer.FACTORIES else batch.geoms
    updated = {
        change.stored.id: given[i]
        for i, change in enumerate(batch.changes)
        if change is not None
        and change.stored is not None
        and change.act in (Act.UPDATE, Act.RESTORE)
        and given[i] is not None
        and i not in batch.skipped
    }
    if not updated:
        return None
    ids = sorted(updated)
    stored: dict[int, bytes] = {}
    for chunk in in_lists(ids):
        found = session.execute(select(model.id, func.ST_AsBinary(column)).where(model.id.in_(chunk)))
        stored.update({i: bytes(w) for i, w in found})
    pairs = [(shapely.from_wkb(stored[i]), updated[i]) for i in ids if i in stored]
    if not pairs:
        return None
    before = shapely.get_coordinates(shapely.centroid(np.array([b for b, _ in pairs], dtype=object)))
    after = shapely.get_coordinates(shapely.centroid(np.array([a for _, a in pairs], dtype=object)))
    scale = np.cos(np.radians(before[:, 1]))
    east = (after[:, 0] - before[:, 0]) * M_PER_DEGREE_LON * scale
    north = (after[:, 1] - before[:, 1]) * M_PER_DEGREE_LAT
    return Shift(float(np.median(east)), float(np.median(north)), len(pairs))

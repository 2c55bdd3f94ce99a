"""An outline that changes a parcel's area by more than a tenth is written only when its writer
confirms it (the edit form's confirm box, the API's confirm_area): a slip of the drawing tool or
a file in the wrong units should be caught before it changes the 亩 every report counts. Imports
have their own check of how far a file moves its records (gis/io/moves.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.access import Principal
from gis.area import M2_PER_MU
from gis.errors import AreaChangeUnconfirmed
from gis.gateway import sites
from gis.gateway.sites import Site
from gis.models import Parcel
from gis.vocabulary import SiteKind

THRESHOLD = 0.10  # a tenth of the area, either way


@dataclass(frozen=True)
class AreaChange:
    """A parcel's area before and after a new outline, in m²."""

    before_m2: float
    after_m2: float

    @property
    def ratio(self) -> float:
        """The change as a share of the area before (-0.19: 19 % smaller)."""
        return self.after_m2 / self.before_m2 - 1 if self.before_m2 > 0 else 0.0

    @property
    def large(self) -> bool:
        """Whether the change is above the threshold."""
        return abs(self.ratio) > THRESHOLD


def percent(ratio: float) -> str:
    """A change as people write it: "−19.0", "+12.5" (a true minus sign)."""
    return f"{ratio * 100:+.1f}".replace("-", "−")


def update(
    session: Session,
    kind: SiteKind,
    code: str,
    values: dict[str, Any],
    *,
    who: Principal,
    expected_version: int | None,
    confirmed: bool,
) -> Site:
    """The gateway's update (its checks first), refused with `AreaChangeUnconfirmed` (and so
    undone with the transaction) when a new outline changes a parcel's area by more than
    THRESHOLD and the writer did not confirm it."""
    before = None
    if kind == SiteKind.PARCEL and values.get("geometry") is not None:
        before = session.scalar(select(Parcel.area_m2).where(Parcel.code == code))
    record = sites.update(session, kind, code, values, who=who, expected_version=expected_version)
    if before is not None and isinstance(record, Parcel):
        change = AreaChange(float(before), float(record.area_m2))
        if change.large and not confirmed:
            raise AreaChangeUnconfirmed(
                before_mu=round(change.before_m2 / M2_PER_MU, 1),
                after_mu=round(change.after_m2 / M2_PER_MU, 1),
                percent=percent(change.ratio),
            )
    return record

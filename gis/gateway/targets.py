"""Yearly supply targets (年度目标) of parks, zones and towns, through the write gateway: set by
administrators only, one value in 亩 per area, year and measure; setting it again replaces it. Each
change is kept in the area's history (the year, the measure and the value before and after).
"""

from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import localtime
from gis.access import Action, Principal, authorize
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.models import Area, RecordChange, SupplyTarget, utcnow
from gis.trends import TARGETED, Measure

YEARS_BACK, YEARS_AHEAD = 10, 5  # the years a target may be set for, around this one
MAX_MU = 1_000_000.0  # more than the county's whole area: a slip of the keyboard
# The field of the area's history that records each measure's target
HISTORY_FIELDS = {Measure.SUPPLIED: "target_supplied", Measure.REVITALISED: "target_revitalised"}


def check(year: int, measure: str, value_mu: float) -> Measure:
    """The measure, when the year, measure and value may be set; InvalidInput naming what may not."""
    this_year = localtime.today().year
    if not this_year - YEARS_BACK <= year <= this_year + YEARS_AHEAD:
        raise InvalidInput("trends.target.year", first=this_year - YEARS_BACK, last=this_year + YEARS_AHEAD)
    if measure not in [m.value for m in TARGETED]:
        raise InvalidInput.not_a_choice("measure", measure, "trends.measure", [m.value for m in TARGETED])
    if not math.isfinite(value_mu) or not 0 <= value_mu <= MAX_MU:
        raise InvalidInput("trends.target.value", most=f"{MAX_MU:,.0f}")
    return Measure(measure)


def set_target(
    session: Session, area_code: str, year: int, measure: str, value_mu: float, *, who: Principal
) -> SupplyTarget:
    """Set (or replace) the target of one area for one year and measure."""
    authorize(who, Action.SET_TARGETS)
    chosen = check(year, measure, value_mu)
    area = session.scalar(select(Area).where(Area.code == area_code).with_for_update(of=Area))
    if area is None:
        raise NotFound(kind=Text("kind.area"), code=area_code)
    target = session.scalar(
        select(SupplyTarget).where(
            SupplyTarget.area_id == area.id, SupplyTarget.year == year, SupplyTarget.measure == chosen.value
        )
    )
    before = None if target is None else target.value_mu
    if target is None:
        target = SupplyTarget(area_id=area.id, year=year, measure=chosen.value, value_mu=0.0, set_by=who.name)
        session.add(target)
    target.value_mu, target.set_by, target.set_at = round(value_mu, 2), who.name, utcnow()
    session.flush()
    if before != target.value_mu:
        changes = {"target_year": [year, year], HISTORY_FIELDS[chosen]: [before, target.value_mu]}
        session.add(
            RecordChange(
                area_id=area.id,
                at=target.set_at,
                actor=who.name,
                action="update",
                changes=changes,
                version=area.version,
            )
        )
        session.flush()
    return target


def targets(session: Session, year: int) -> list[SupplyTarget]:
    """Every target set for `year`, by area code and measure."""
    return list(
        session.scalars(
            select(SupplyTarget)
            .join(Area, Area.id == SupplyTarget.area_id)
            .where(SupplyTarget.year == year)
            .order_by(Area.code, SupplyTarget.measure)
        )
    )

"""The kinds of site a match ranks, as a table: what differs between a parcel and a factory.

Everything else (columns to criteria, scores, candidates, near misses) is one code path that reads
its kind's row. An assembled site is scored and told as the parcels it joins.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from gis.area import M2_PER_MU
from gis.matching.constraints import Check, LandClass, Site, factory_checks, parcel_checks
from gis.matching.need import MatchConfig, Resolved
from gis.vocabulary import CandidateKind, SiteKind


@dataclass(frozen=True)
class MatchKind:
    """One kind of site: its columns the criteria read, its checks and its units in words."""

    name: SiteKind
    area: str  # the column the need's area is scored against
    area_digits: int | None  # its precision beside the points (None: as stored)
    need_area: Callable[[Resolved], float | None]  # the need's area (None: the kind is not searched)
    price: str  # the column of the price criterion
    price_scale: Callable[[MatchConfig], tuple[float, float]]  # scoring 1 at or below, 0 at or above
    since: str  # the column of the idle criterion: idle since, vacant since
    checks: Callable[[Site, Resolved, Mapping[str, LandClass], MatchConfig], list[Check]]
    area_words: str
    price_words: str
    derived: Callable[[dict[str, Any]], dict[str, Any]]  # columns worked out from the row's own

    def columns(self, cols: dict[str, Any]) -> dict[str, Any]:
        """The sites' columns, with those the kind works out, and its price (NaN when unknown) and
        idle dates under the names the criteria read for every kind."""
        out = {**cols, **self.derived(cols)}
        out["price"] = [np.nan if p is None else p for p in cols[self.price]]
        out["since"] = cols[self.since]
        return out

    def wanted(self, need: Resolved) -> bool:
        """Whether the need searches this kind of site."""
        return self.need_area(need) is not None


def _official_mu(cols: dict[str, Any]) -> dict[str, Any]:
    """The area a need is checked against: the certificate area when known, in 亩."""
    return {
        "official_mu": np.array(
            [
                (c if c is not None else a) / M2_PER_MU
                for c, a in zip(cols["cert_area_m2"], cols["area_m2"], strict=True)
            ]
        )
    }


def _none(_cols: dict[str, Any]) -> dict[str, Any]:
    return {}


PARCEL = MatchKind(
    SiteKind.PARCEL,
    area="official_mu",
    area_digits=1,
    need_area=attrgetter("land_min_mu"),
    price="price_wan_per_mu",
    price_scale=attrgetter("price_low_wan_per_mu", "price_high_wan_per_mu"),
    since="idle_since",
    checks=parcel_checks,
    area_words="match.fact.mu",
    price_words="match.fact.price",
    derived=_official_mu,
)
FACTORY = MatchKind(
    SiteKind.FACTORY,
    area="vacant_area_m2",
    area_digits=None,
    need_area=attrgetter("floor_area_min_m2"),
    price="rent_yuan_m2_month",
    price_scale=attrgetter("rent_low_yuan", "rent_high_yuan"),
    since="status_since",
    checks=factory_checks,
    area_words="match.fact.m2",
    price_words="match.fact.rent",
    derived=_none,
)
# a candidate's kind: a site's, or an assembly (parcels joined, scored as a parcel)
KINDS: dict[str, MatchKind] = {
    CandidateKind.PARCEL: PARCEL,
    CandidateKind.ASSEMBLY: PARCEL,
    CandidateKind.FACTORY: FACTORY,
}

"""Hard constraints of a match, each reported by name with the site's value and the required one.

Pure functions over one site (a mapping of its columns) and a resolved need. The SQL prefilter in
gis/matching/parcels.py states the same rules as WHERE clauses; these functions explain them, and find
the gap of a near miss. A check is `pass`, `fail`, `collective` (the plot ratio is for a collective
decision of the city or county government: not a failure) or `unknown` (the site does not say).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gis.area import M2_PER_MU
from gis.labels import Text
from gis.matching.need import INFRA_KINDS, READY_ITEMS, MatchConfig, Resolved
from gis.vocabulary import ReadyItem, SiteKind

PASS, FAIL, COLLECTIVE, UNKNOWN = "pass", "fail", "collective", "unknown"
Site = Mapping[str, Any]


@dataclass(frozen=True)
class LandClass:
    """A land-use class as the admission rule sees it."""

    code: str
    name: str
    kind: str
    max_nuisance: int | None


@dataclass(frozen=True)
class Check:
    """The outcome of one hard constraint on one site."""

    name: str
    status: str
    site: Any
    required: Any
    gap: Text | None = None

    @property
    def failed(self) -> bool:
        """Whether the site is excluded by this constraint."""
        return self.status == FAIL


def official_mu(site: Site) -> float:
    """The area the need is checked against: the certificate area when known, else the measured."""
    cert = site.get("cert_area_m2")
    return float(cert if cert is not None else site["area_m2"]) / M2_PER_MU


def site_class(cls: LandClass, config: MatchConfig) -> int:
    """The highest nuisance class a land-use class admits (an unstated class: the setting)."""
    return cls.max_nuisance if cls.max_nuisance is not None else config.unclassified_industrial_nuisance


def admits(cls: LandClass, need: Resolved, config: MatchConfig) -> bool:
    """The admission rule: class-k industry on land of class ≥ k; logistics; 工业用海."""
    if need.logistics:
        return cls.kind == "logistics" and site_class(cls, config) >= need.nuisance_class
    if cls.kind == "industrial":
        return site_class(cls, config) >= need.nuisance_class
    return cls.kind == "sea" and need.sea_use


def admitted_codes(classes: Mapping[str, LandClass], need: Resolved, config: MatchConfig) -> list[str]:
    """Every land-use code that admits the need, in code order."""
    return sorted(code for code, cls in classes.items() if admits(cls, need, config))


def check_status(site: Site, need: Resolved, kind: SiteKind = SiteKind.PARCEL) -> Check:
    """Available (or reserved when asked); a factory: vacant, or leased with floor area vacant."""
    status = site["status"]
    if kind == SiteKind.PARCEL:
        ok = status == "available" or (need.need.include_reserved and status == "reserved")
        group, wanted = "parcel_status", "available"
    else:
        ok = (
            status == "vacant"
            or (status == "leased" and site["vacant_area_m2"] > 0)
            or (need.need.include_reserved and status == "reserved")
        )
        group, wanted = "factory_status", "vacant"
    gap = (
        None
        if ok
        else Text("match.gap.status", {"site": Text(f"{group}.{status}"), "need": Text(f"{group}.{wanted}")})
    )
    return Check("status", PASS if ok else FAIL, status, wanted, gap)


def shown(value: float, bound: float) -> float:
    """A measured value as the checks show it: to 0.1, or to 0.01 where 0.1 would show it on
    the bound it misses."""
    return round(value, 1) if round(value, 1) != bound else round(value, 2)


# Areas are stored to 0.01 m² (1.5e-5 亩): below that, a difference is the arithmetic's (an
# assembled site's area goes from 亩 to m² and back), not the site's.
NOISE_MU = 1e-6


def check_area(site: Site, need: Resolved) -> Check:
    """The official area lies within the land need. Compared unrounded, as the forward match's
    SQL compares it, so that a site of 29.99 亩 fails a need of 30 亩 in both directions."""
    area = official_mu(site)
    low, high = need.land_min_mu or 0.0, need.land_max_mu
    required = [low, high]
    if area < low - NOISE_MU:
        small = shown(area, low)
        gap = Text("match.gap.area_small", {"site": small, "need": low})
        return Check("area", FAIL, small, required, gap)
    if high is not None and area > high + NOISE_MU:
        large = shown(area, high)
        gap = Text("match.gap.area_large", {"site": large, "need": high})
        return Check("area", FAIL, large, required, gap)
    return Check("area", PASS, round(area, 1), required)


def check_land_use(
    site: Site, need: Resolved, classes: Mapping[str, LandClass], config: MatchConfig
) -> Check:
    """The land-use class admits the project's nuisance class (or logistics / 工业用海)."""
    cls = classes.get(site["land_use"])
    wanted = Text(f"nuisance.{need.nuisance_class}")
    if cls is not None and admits(cls, need, config):
        return Check("land_use", PASS, site["land_use"], need.nuisance_class)
    name = cls.name if cls else site["land_use"]
    key = "match.gap.not_logistics" if need.logistics else "match.gap.land_use"
    return Check(
        "land_use",
        FAIL,
        site["land_use"],
        need.nuisance_class,
        Text(key, {"land_use": name, "nuisance": wanted}),
    )


def check_plot_ratio(site: Site, need: Resolved) -> Check | None:
    """The planning plot-ratio maximum reaches the effective minimum; C25/C26/C30-C32 go to a
    collective decision instead of failing."""
    if need.plot_ratio_min is None:
        return None
    value = site.get("plot_ratio_max")
    if value is None:
        return Check("plot_ratio", UNKNOWN, None, need.plot_ratio_min)
    if value + 1e-9 < need.plot_ratio_min:
        gap = Text("match.gap.plot_ratio", {"site": value, "need": need.plot_ratio_min})
        return Check("plot_ratio", FAIL, value, need.plot_ratio_min, gap)
    if need.collective:
        return Check(
            "plot_ratio",
            COLLECTIVE,
            value,
            need.plot_ratio_min,
            Text("match.gap.collective", {"industry": need.industry.name}),
        )
    return Check("plot_ratio", PASS, value, need.plot_ratio_min)


def check_readiness(site: Site, need: Resolved) -> Check | None:
    """Every readiness item the project requires is in place."""
    wanted = need.need.required_readiness
    if not wanted:
        return None
    missing = [item for item in wanted if not site.get(ready_column(item))]
    if not missing:
        return Check("readiness", PASS, list(wanted), list(wanted))
    have = [item for item in READY_ITEMS if site.get(ready_column(item))]
    return Check(
        "readiness",
        FAIL,
        have,
        list(wanted),
        Text("match.gap.readiness", {"missing": [Text(f"ready.{m}") for m in missing]}),
    )


def ready_column(item: str) -> str:
    """The parcel column of a readiness item (net_land has no `ready_` prefix)."""
    return ReadyItem(item).column


def check_waterfront(site: Site, need: Resolved) -> Check | None:
    """On the shore or the river when the project needs a waterfront."""
    if not need.need.needs_waterfront:
        return None
    ok = bool(site.get("waterfront"))
    return Check("waterfront", PASS if ok else FAIL, ok, True, None if ok else Text("match.gap.waterfront"))


def check_preferred(site: Site, need: Resolved) -> Check | None:
    """Inside one of the preferred parks or towns, when the request insists."""
    wanted = need.need.preferred_areas
    if not wanted or not need.need.insist_on_preferred:
        return None
    here = [c for c in (site.get("park_code"), site.get("town_code")) if c]
    ok = any(c in wanted for c in here)
    return Check(
        "preferred_area",
        PASS if ok else FAIL,
        here,
        list(wanted),
        None if ok else Text("match.gap.preferred", {"areas": list(wanted)}),
    )


def check_distances(site: Site, need: Resolved) -> list[Check]:
    """Within the maximum distance of each named infrastructure kind or code."""
    checks = []
    for target, limit in need.need.max_distance_km:
        km = site.get("distances_km", {}).get(target)
        if km is None:
            checks.append(Check(f"distance.{target}", UNKNOWN, None, limit))
            continue
        ok = km <= limit
        gap = (
            None
            if ok
            else Text(
                "match.gap.distance", {"target": infra_label(target), "site": round(km, 1), "need": limit}
            )
        )
        checks.append(Check(f"distance.{target}", PASS if ok else FAIL, round(km, 2), limit, gap))
    return checks


def infra_label(target: str) -> Text | str:
    """A kind of infrastructure in words, or the code of a named one."""
    return Text(f"infra_kind.{target}") if target in INFRA_KINDS else target


def check_search_area(site: Site, need: Resolved) -> Check | None:
    """The site's point (a parcel's box centre, a factory's location) lies in the search area;
    outside it, how far: from the area, or from the place it was drawn around."""
    area = need.need.search_area
    if area is None:
        return None
    lon, lat = site.get("lon"), site.get("lat")
    required = None if area.reach_m is None else round(area.reach_m / 1000.0, 2)
    if lon is None or lat is None:
        return Check("search_area", UNKNOWN, None, required)
    if area.contains(np.array([lon], dtype=float), np.array([lat], dtype=float))[0]:
        return Check("search_area", PASS, 0.0, required)
    outside = max(round(area.outside_m(lon, lat) / 1000.0, 1), 0.1)
    from_place = area.from_origin_m(lon, lat) if area.kind == "near" else None
    gap = (
        Text("match.gap.search_area", {"outside": outside})
        if from_place is None
        else Text(
            "match.gap.search_near",
            {"place": area.place, "site": round(from_place / 1000.0, 1), "need": required},
        )
    )
    return Check("search_area", FAIL, outside, required, gap)


def check_budget(site: Site, need: Resolved) -> Check | None:
    """The land price of the whole site fits the budget (unknown price: not excluded)."""
    if need.need.budget_wan is None:
        return None
    price = site.get("price_wan_per_mu")
    if price is None:
        return Check("budget", UNKNOWN, None, need.need.budget_wan)
    exact = price * official_mu(site)  # compared unrounded, as the SQL compares it
    ok = exact <= need.need.budget_wan
    total = shown(exact, need.need.budget_wan)
    gap = None if ok else Text("match.gap.budget", {"site": total, "need": need.need.budget_wan})
    return Check("budget", PASS if ok else FAIL, total, need.need.budget_wan, gap)


def check_protection(site: Site) -> Check | None:
    """No sensitive receptor nearer than the protection distance (卫生防护距离) the need's industry
    must keep (gis/matching/protection.py); None when it must keep none."""
    fact = site.get("protection")
    if fact is None:
        return None
    required, receptor = fact["required_m"], fact["receptor"]
    if receptor is None:
        return Check("protection", PASS, None, required)
    distance = round(receptor["distance_m"])
    words = {
        "receptor": receptor["name"],
        "kind": Text(f"receptor_kind.{receptor['kind']}"),
        "site": distance,
        "need": round(required),
        "short": round(required) - distance,
    }
    return Check("protection", FAIL, distance, required, Text("match.gap.protection", words))


def parcel_checks(
    site: Site, need: Resolved, classes: Mapping[str, LandClass], config: MatchConfig
) -> list[Check]:
    """Every hard constraint on a parcel, in a fixed order."""
    optional = (
        check_plot_ratio(site, need),
        check_readiness(site, need),
        check_waterfront(site, need),
        check_preferred(site, need),
        check_budget(site, need),
        check_search_area(site, need),
        check_protection(site),
    )
    return [
        check_status(site, need),
        check_area(site, need),
        check_land_use(site, need, classes, config),
        *(c for c in optional if c is not None),
        *check_distances(site, need),
    ]


FACTORY_SPECS: tuple[tuple[str, str, Callable[[Resolved], float | None]], ...] = (
    ("clear_height", "clear_height_m", lambda n: n.need.clear_height_min_m),
    ("floor_load", "floor_load_kn_m2", lambda n: n.need.floor_load_min_kn_m2),
    ("crane", "crane_t", lambda n: n.need.crane_min_t),
    ("power", "power_kva", lambda n: n.need.power_min_kva),
)


def check_floor_area(site: Site, need: Resolved) -> Check:
    """Enough vacant floor area, and not more than the most asked for."""
    vacant, low, high = site["vacant_area_m2"], need.floor_area_min_m2 or 0.0, need.need.floor_area_max_m2
    if vacant < low:
        gap, bound = "match.gap.floor_small", low
    elif high is not None and vacant > high:
        gap, bound = "match.gap.floor_large", high
    else:
        return Check("floor_area", PASS, vacant, [low, high])
    words = Text(gap, {"site": round(vacant), "need": round(bound)})
    return Check("floor_area", FAIL, vacant, [low, high], words)


def check_spec(site: Site, name: str, column: str, wanted: float | None) -> Check | None:
    """One building spec at least as asked (a spec the site does not state fails: unverifiable)."""
    if wanted is None:
        return None
    value = site.get(column)
    if value is not None and value >= wanted:
        return Check(name, PASS, value, wanted)
    gap = Text(
        "match.gap.spec",
        {"spec": Text(f"field.{column}"), "site": "—" if value is None else value, "need": wanted},
    )
    return Check(name, FAIL, value, wanted, gap)


def check_rent(site: Site, need: Resolved) -> Check | None:
    """The rent fits the most the project will pay (unknown rent: not excluded)."""
    limit = need.need.max_rent_yuan_m2_month
    if limit is None:
        return None
    rent = site.get("rent_yuan_m2_month")
    if rent is None:
        return Check("budget", UNKNOWN, None, limit)
    ok = rent <= limit
    gap = None if ok else Text("match.gap.rent", {"site": rent, "need": limit})
    return Check("budget", PASS if ok else FAIL, rent, limit, gap)


def factory_checks(
    site: Site, need: Resolved, classes: Mapping[str, LandClass], config: MatchConfig
) -> list[Check]:
    """Every hard constraint on a factory, in a fixed order."""
    checks = [check_status(site, need, SiteKind.FACTORY), check_floor_area(site, need)]
    checks += [
        c
        for name, column, wanted in FACTORY_SPECS
        if (c := check_spec(site, name, column, wanted(need))) is not None
    ]
    if site.get("land_use"):
        checks.append(check_land_use(site, need, classes, config))
    checks += [
        c
        for c in (
            check_waterfront(site, need),
            check_preferred(site, need),
            check_rent(site, need),
            check_search_area(site, need),
            check_protection(site),
        )
        if c is not None
    ]
    return checks + check_distances(site, need)


def failures(checks: list[Check]) -> list[Check]:
    """The checks a site fails."""
    return [c for c in checks if c.failed]

"""Scores and explanations of the sites a query returned: each criterion's value, the candidate
record with its criteria and checks, and the choice of near misses. Shared by parcels and factories.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Row

from gis.matching import scoring
from gis.matching.constraints import Check, failures, ready_column, site_class
from gis.matching.context import Context
from gis.matching.need import INFRA_KINDS, READY_ITEMS, MatchConfig, Resolved


@dataclass
class Candidate:
    """One ranked (or nearly fitting) site with its score, criteria and checks."""

    kind: str
    code: str
    members: list[str]
    score: float
    criteria: list[dict[str, Any]]
    checks: list[Check]
    facts: dict[str, Any]
    geojson: str | None = None


@dataclass
class Scored:
    """Sites fetched by one query: their columns, distances, scores, and the order to show them."""

    cols: dict[str, Any]
    dist: dict[str, np.ndarray]
    scores: scoring.Scores
    order: list[int]


def leads(industry: str, leading: tuple[str, ...]) -> bool:
    """Whether the industry is among a park's leading ones (a division covers its groups)."""
    return any(industry.startswith(c) or c.startswith(industry) for c in leading)


def years_since(since: list[dt.date | None], today: dt.date) -> np.ndarray:
    """Years from each date to `today` (NaN where there is none)."""
    return np.array([(today - d).days / 365.25 if d else np.nan for d in since], dtype=float)


def _common(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
            dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    parks = [ctx.parks.get(p) for p in cols["park_id"]]
    values = {
        "industry_fit": scoring.industry_fit(
            [p is not None and leads(need.industry.code, p.leading) for p in parks],
            [p.chain_firms if p else 0 for p in parks], config.chain_full_firms),
        "priority": np.array([bool(p and p.priority) for p in parks], dtype=float),
        "idle": scoring.idle_fit(years_since(cols["since"], need.today), config.idle_full_years),
    }
    for kind in INFRA_KINDS:
        values[kind] = scoring.distance_fit(dist[kind], config.distance_scale_km)
    if need.need.preferred_areas:
        values["preferred"] = np.array([p in ctx.preferred_ids or t in ctx.preferred_ids
                                        for p, t in zip(cols["park_id"], cols["town_id"], strict=True)],
                                       dtype=float)
    return values


def parcel_values(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
                  dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Normalised criteria of parcels (columns as arrays)."""
    values = _common(cols, need, ctx, config, dist)
    values["area_fit"] = scoring.area_fit(cols["official_mu"], need.land_min_mu or 0.0)
    values["class_fit"] = scoring.class_fit(
        [site_class(ctx.classes[c], config) if c in ctx.classes else 3 for c in cols["land_use"]],
        need.nuisance_class) if not need.sea_use else np.ones(len(cols["land_use"]))
    values["readiness"] = scoring.readiness_fit(np.column_stack(
        [np.asarray(cols[ready_column(i)], dtype=float) for i in READY_ITEMS]))
    values["price"] = scoring.price_fit(np.asarray(cols["price"], dtype=float),
                                        config.price_low_wan_per_mu, config.price_high_wan_per_mu)
    return values


def factory_values(cols: dict[str, Any], need: Resolved, ctx: Context, config: MatchConfig,
                   dist: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Normalised criteria of factories (columns as arrays)."""
    values = _common(cols, need, ctx, config, dist)
    values["area_fit"] = scoring.area_fit(cols["vacant_area_m2"], need.floor_area_min_m2 or 0.0)
    values["price"] = scoring.price_fit(np.asarray(cols["price"], dtype=float),
                                        config.rent_low_yuan, config.rent_high_yuan)
    return values


def columns(rows: Sequence[Row[Any]], names: list[str]) -> dict[str, Any]:
    """Rows as named columns (lists)."""
    if not rows:
        return {n: [] for n in names}
    return dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))


def criteria_rows(scores: scoring.Scores, i: int, raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Each criterion of site `i`: weight, normalised value, points and the raw fact behind it."""
    return [{"name": n, "weight": round(w, 2), "value": round(float(scores.values[n][i]), 4),
             "points": round(float(scores.contributions[n][i]), 2), "raw": raw.get(n)}
            for n, w in scores.weights.items()]


def raw_facts(cols: dict[str, Any], i: int, dist: dict[str, np.ndarray], ctx: Context,
              need: Resolved) -> dict[str, Any]:
    """The facts behind the criteria of site `i`, for the explanation."""
    park = ctx.parks.get(cols["park_id"][i])
    raw: dict[str, Any] = {k: _km(dist[k][i]) for k in INFRA_KINDS}
    raw["industry_fit"] = {"leading": bool(park and leads(need.industry.code, park.leading)),
                           "chain_firms": park.chain_firms if park else 0}
    raw["priority"] = bool(park and park.priority)
    since = cols["since"][i]
    raw["idle"] = round((need.today - since).days / 365.25, 1) if since else None
    raw["preferred"] = bool({cols["park_id"][i], cols["town_id"][i]} & ctx.preferred_ids)
    price = cols["price"][i]
    raw["price"] = None if price is None or np.isnan(price) else round(float(price), 1)
    if "ready_road" in cols:  # parcels and assemblies (an assembly's items are area-weighted)
        raw["readiness"] = round(sum(float(cols[ready_column(k)][i]) for k in READY_ITEMS), 1)
        land_class = ctx.classes.get(cols["land_use"][i])
        raw["class_fit"] = land_class.name if land_class else cols["land_use"][i]
    return raw


def _km(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _site_distances(dist: dict[str, Any], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in dist.items() if not math.isnan(v[i])}


def site_row(cols: dict[str, Any], i: int, dist: dict[str, Any]) -> dict[str, Any]:
    """Site `i` as the mapping the checks read, with its distances (arrays, or lists: faster to
    index one element at a time)."""
    site = {k: v[i] for k, v in cols.items() if isinstance(v, list)}
    site["distances_km"] = _site_distances(dist, i)
    return site


def near_misses(s: Scored, checks: Any, build: Any, limit: int, config: MatchConfig) -> list[Candidate]:
    """Sites failing at least one and at most a few constraints: fewest failures, then score."""
    ranked = []
    dist = {k: v.tolist() for k, v in s.dist.items()}
    for i in s.order:
        failed = failures(checks(site_row(s.cols, i, dist)))
        if 0 < len(failed) <= config.near_miss_max_failures:
            ranked.append((len(failed), i))
    ranked.sort(key=lambda pair: pair[0])
    return [build(s, i) for _, i in ranked[:limit]]

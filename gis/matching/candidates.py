"""The sites a query returned, scored and explained: their columns, the candidate record with its
criteria and checks, and the choice of near misses. One code path for every kind of site, driven
by its row of gis/matching/kinds.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Row
from sqlalchemy.orm import Session

from gis.matching import criteria, scoring
from gis.matching.constraints import Check, failures
from gis.matching.context import Context, distances_km
from gis.matching.kinds import MatchKind
from gis.matching.need import MatchConfig, Resolved
from gis.vocabulary import CandidateKind


@dataclass
class Candidate:
    """One ranked (or nearly fitting) site with its score, criteria and checks."""

    kind: CandidateKind
    code: str
    members: list[str]
    score: float
    criteria: list[criteria.CriterionRow]
    checks: list[Check]
    facts: dict[str, Any]
    geojson: str | None = None


@dataclass
class Scored:
    """Sites fetched by one query: the sites as the criteria read them, their scores, and the
    order to show them."""

    sites: criteria.Sites
    scores: criteria.Scores
    order: list[int]

    @property
    def cols(self) -> dict[str, Any]:
        """The sites' columns."""
        return self.sites.cols

    @property
    def dist(self) -> dict[str, np.ndarray]:
        """The sites' distances to the infrastructure (km)."""
        return self.sites.dist


def columns(rows: Sequence[Row[Any]], names: list[str]) -> dict[str, Any]:
    """Rows as named columns (lists)."""
    if not rows:
        return {n: [] for n in names}
    return dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))


def site_columns(kind: MatchKind, rows: Sequence[Row[Any]], statement: Any) -> dict[str, Any]:
    """Rows of `statement`, sites of `kind`, as the named columns the criteria read."""
    return kind.columns(columns(rows, [c.name for c in statement.selected_columns]))


def score_rows(
    kind: MatchKind,
    rows: Sequence[Row[Any]],
    statement: Any,
    need: Resolved,
    ctx: Context,
    config: MatchConfig,
) -> Scored:
    """Distances and scores for the rows `statement` returned of sites of `kind`, ranked."""
    cols = site_columns(kind, rows, statement)
    if ctx.protection.requirement is not None:  # what check_protection reads of each site
        cols["protection"] = [ctx.protection.fact(kind.name, i) for i in cols["id"]]
    dist = distances_km(ctx.layer, np.asarray(cols["lon"], dtype=float), np.asarray(cols["lat"], dtype=float))
    sites = criteria.Sites(kind, cols, dist, need, ctx, config)
    scores = (
        criteria.weighted(criteria.fits(sites), config, kind.name)
        if rows
        else criteria.Scores(np.zeros(0), {}, {}, {})
    )
    return Scored(sites, scores, scoring.ranking(scores.total, cols["code"]))


def score(
    session: Session,
    kind: MatchKind,
    statement: Any,
    need: Resolved,
    ctx: Context,
    config: MatchConfig,
    values: dict[str, Any] | None = None,
) -> Scored:
    """Run a query of sites of `kind` (binding `values`), compute distances and scores, rank them."""
    rows = session.connection().execute(statement, values or {}).all()
    return score_rows(kind, rows, statement, need, ctx, config)


def candidate(s: Scored, i: int) -> Candidate:
    """Site `i` of `s` explained: criteria, checks and the facts shown beside them."""
    sites = s.sites
    site = site_row(sites.cols, i, sites.dist)
    return Candidate(
        CandidateKind(sites.kind.name),
        site["code"],
        [site["code"]],
        round(float(s.scores.total[i]), 1),
        criteria.criteria_rows(sites, s.scores, i),
        sites.kind.checks(site, sites.need, sites.ctx.classes, sites.config),
        {"id": site["id"], **({"protection": site["protection"]} if site.get("protection") else {})},
    )


def _site_distances(dist: dict[str, Any], i: int) -> dict[str, float]:
    return {k: float(v[i]) for k, v in dist.items() if not math.isnan(v[i])}


def site_row(cols: dict[str, Any], i: int, dist: dict[str, Any]) -> dict[str, Any]:
    """Site `i` as the mapping the checks read, with its distances (arrays, or lists: faster to
    index one element at a time)."""
    site = {k: v[i] for k, v in cols.items() if isinstance(v, list)}
    site["distances_km"] = _site_distances(dist, i)
    return site


def near_misses(s: Scored, limit: int) -> list[Candidate]:
    """Sites failing at least one and at most a few constraints: fewest failures, then score.

    Sites are checked best first, and once `limit` fail one check alone no other can come
    before them: the rest are not checked."""
    sites, ranked, singles = s.sites, [], 0
    dist = {k: v.tolist() for k, v in s.dist.items()}
    for i in s.order:
        if singles >= limit:
            break
        failed = failures(
            sites.kind.checks(site_row(s.cols, i, dist), sites.need, sites.ctx.classes, sites.config)
        )
        if 0 < len(failed) <= sites.config.near_miss_max_failures:
            ranked.append((len(failed), i))
            singles += len(failed) == 1
    ranked.sort(key=lambda pair: pair[0])
    return [candidate(s, i) for _, i in ranked[:limit]]

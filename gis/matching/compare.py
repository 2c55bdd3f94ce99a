"""Two to four sites side by side for one need: each site scored and checked by the matching
engine (the same criteria, weights and checks as the match, so a site scores here what it scores
there), the joint review sheet of the need on each, and the ranking; under the city's weights or
weights given per request.

A site is named `parcel:CODE`, `factory:CODE` or `assembly:CODE+CODE` (parcels of one park that
touch or lie within the assembly gap, scored as the match scores an assembled site). Pure of
HTTP: the API, the page and the workbook call `compare`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import shapely
from sqlalchemy import func
from sqlalchemy.orm import Session

from gis.crs import CGCS2000, reproject
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.matching import scoring
from gis.matching.assembly import Assembly, _assembled_columns, _assembly_candidate, neighbours
from gis.matching.candidates import Candidate, candidate, score_rows, site_columns
from gis.matching.context import Context, distances_km, prepare
from gis.matching.criteria import CRITERIA, CRITERION, Sites, fits, weight, weighted
from gis.matching.factories import factory_base
from gis.matching.kinds import FACTORY, PARCEL
from gis.matching.need import MatchConfig, Need, Resolved
from gis.matching.parcels import parcel_base
from gis.matching.review import Planned, ReviewConfig, ReviewedProject, Sheet, review_of
from gis.matching.run import attach_details
from gis.models import Factory, Parcel
from gis.vocabulary import CandidateKind, SiteKind

MIN_SITES, MAX_SITES = 2, 4


@dataclass(frozen=True)
class SiteRef:
    """A site to compare: its kind and its code (an assembly: its parcels' codes, in code order)."""

    kind: CandidateKind
    codes: tuple[str, ...]

    @property
    def code(self) -> str:
        """The code as the match gives it (an assembly's parcels joined by '+')."""
        return "+".join(self.codes)

    @property
    def ref(self) -> str:
        """The reference as written in a request: `kind:code`."""
        return f"{self.kind}:{self.code}"


def parse_ref(text: str) -> SiteRef:
    """`parcel:CODE`, `factory:CODE` or `assembly:A+B` (a parcel reference naming several codes
    is an assembly); `InvalidInput` saying how to write one otherwise."""
    kind, sep, rest = text.strip().partition(":")
    codes = tuple(dict.fromkeys(c.strip() for c in rest.split("+") if c.strip()))
    known = {k.value for k in CandidateKind}
    if not sep or kind not in known or not codes or (kind == CandidateKind.FACTORY and len(codes) > 1):
        raise InvalidInput("compare.error.site_ref", ref=text)
    if kind != CandidateKind.FACTORY:
        kind = CandidateKind.ASSEMBLY if len(codes) > 1 else CandidateKind.PARCEL
        codes = tuple(sorted(codes))
    return SiteRef(CandidateKind(kind), codes)


def parse_refs(texts: Sequence[str]) -> list[SiteRef]:
    """Two to four distinct sites, in the order given."""
    if not MIN_SITES <= len(texts) <= MAX_SITES:
        raise InvalidInput("compare.error.count", count=len(texts), low=MIN_SITES, high=MAX_SITES)
    refs = [parse_ref(t) for t in texts]
    seen: set[SiteRef] = set()
    for r in refs:
        if r in seen:
            raise InvalidInput("compare.error.duplicate", ref=r.ref)
        seen.add(r)
    return refs


def with_weights(config: MatchConfig, given: Mapping[str, float] | None) -> MatchConfig:
    """`config` with the weights given for this request over the city's: known criteria only,
    none negative, and some weight left for parcels and for factories."""
    if not given:
        return config
    unknown = sorted(set(given) - set(CRITERION))
    if unknown:
        raise InvalidInput("compare.error.unknown_criterion", name=unknown[0], known=", ".join(CRITERION))
    negative = [n for n, w in given.items() if not w >= 0]  # NaN is refused too
    if negative:
        raise InvalidInput("compare.error.negative_weight", name=negative[0])
    changed = replace(config, weights={**config.weights, **given})
    for kind in SiteKind:
        if not any(
            weight(changed, c.name) > 0 for c in CRITERIA if kind in c.kinds and c.name != "preferred"
        ):
            raise InvalidInput("compare.error.zero_weights", kind=Text(f"kind.{kind}"))
    return changed


def weights_of(config: MatchConfig) -> dict[str, float]:
    """Every criterion's weight under `config`, in the explanations' order."""
    return {c.name: weight(config, c.name) for c in CRITERIA}


@dataclass
class Compared:
    """One site compared: its reference, its candidate (score, criteria, checks, facts), its rank
    among the sites compared and the review sheet of the need on it."""

    ref: SiteRef
    candidate: Candidate
    rank: int
    sheet: Sheet


@dataclass
class Comparison:
    """The sites in the order given, the need as resolved, and the weights used."""

    need: Resolved
    sites: list[Compared]
    weights: dict[str, float]

    @property
    def ranked(self) -> list[Compared]:
        """The sites best first."""
        return sorted(self.sites, key=lambda s: s.rank)


def _single(session: Session, ref: SiteRef, need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    kind, model, base = (
        (FACTORY, Factory, factory_base) if ref.kind == "factory" else (PARCEL, Parcel, parcel_base)
    )
    statement = base().where(model.code == ref.code, model.deleted_at.is_(None))
    rows = session.connection().execute(statement).all()
    if not rows:
        raise NotFound(kind=Text(f"kind.{kind.name}"), code=ref.code)
    return candidate(score_rows(kind, rows, statement, need, ctx, config), 0)


def _connected(adjacent: list[set[int]]) -> bool:
    reached, todo = {0}, [0]
    while todo:
        for n in adjacent[todo.pop()] - reached:
            reached.add(n)
            todo.append(n)
    return len(reached) == len(adjacent)


def _assembly(session: Session, ref: SiteRef, need: Resolved, ctx: Context, config: MatchConfig) -> Candidate:
    """The parcels scored as one assembled site, as the match scores one (less its penalty)."""
    if len(ref.codes) > config.assembly_max_members:
        raise InvalidInput("compare.error.too_many_members", code=ref.code, most=config.assembly_max_members)
    statement = (
        parcel_base()
        .add_columns(func.ST_AsBinary(Parcel.geom).label("wkb"))
        .where(Parcel.code.in_(ref.codes), Parcel.deleted_at.is_(None))
        .order_by(Parcel.code)
    )
    rows = session.connection().execute(statement).all()
    missing = sorted(set(ref.codes) - {r.code for r in rows})
    if missing:
        raise NotFound(kind=Text("kind.parcel"), code=missing[0])
    cols = site_columns(PARCEL, rows, statement)
    geoms = shapely.from_wkb([bytes(w) for w in cols.pop("wkb")])
    adjacent = neighbours(reproject(geoms, CGCS2000, ctx.layer.epsg), cols["park_id"], config.assembly_gap_m)
    if not _connected(adjacent):
        raise InvalidInput("compare.error.not_adjacent", code=ref.code, gap=config.assembly_gap_m)
    group = Assembly(tuple(range(len(rows))), float(np.sum(cols["official_mu"])))
    merged, unions = _assembled_columns(cols, [group], geoms)
    dist = distances_km(ctx.layer, np.asarray(merged["lon"]), np.asarray(merged["lat"]))
    sites = Sites(PARCEL, merged, dist, need, ctx, config)
    return _assembly_candidate(
        group, 0, cols, sites, weighted(fits(sites), config, SiteKind.PARCEL), unions[0]
    )


def reviewed(need: Need, annual_output_wan: float | None, annual_tax_wan: float | None) -> ReviewedProject:
    """What the review reads of a project that is not saved: its need and what it promises."""
    return {
        "code": need.project_code,
        "name": need.name,
        "industry_code": need.industry_code,
        "fixed_investment_wan": need.fixed_investment_wan,
        "annual_output_wan": annual_output_wan,
        "annual_tax_wan": annual_tax_wan,
        "floor_area_min_m2": need.floor_area_min_m2,
    }


def compare(
    session: Session,
    need: Need,
    refs: Sequence[str],
    config: MatchConfig,
    review: ReviewConfig,
    project: ReviewedProject,
    weights: Mapping[str, float] | None = None,
) -> Comparison:
    """The sites `refs` names scored for `need` under the weights given (the city's otherwise),
    checked, reviewed and ranked: scores compared at 0.01, ties by reference."""
    sites = parse_refs(refs)
    config = with_weights(config, weights)
    resolved, ctx = prepare(session, need, config)
    found = [
        (_assembly if r.kind == CandidateKind.ASSEMBLY else _single)(session, r, resolved, ctx, config)
        for r in sites
    ]
    attach_details(session, found)
    order = scoring.ranking(np.array([c.score for c in found]), [r.ref for r in sites])
    rank = {i: n + 1 for n, i in enumerate(order)}
    return Comparison(
        resolved,
        [
            Compared(r, c, rank[i], review_of(session, project, r.code, Planned(), review, config))
            for i, (r, c) in enumerate(zip(sites, found, strict=True))
        ],
        weights_of(config),
    )

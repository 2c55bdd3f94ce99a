"""The match: which parcels, assembled sites and factories fit a project, ranked and explained,
with the near misses and the rules that shaped it; and the match request of a saved project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput, NotFound
from gis.inventory import factory_select, parcel_select
from gis.labels import Text
from gis.matching.assembly import match_assemblies
from gis.matching.candidates import Candidate
from gis.matching.context import prepare
from gis.matching.factories import match_factories, near_factories
from gis.matching.kinds import KINDS
from gis.matching.need import MatchConfig, Need, Resolved
from gis.matching.parcels import match_parcels, near_parcels, shaped
from gis.models import Factory, Parcel, Project
from gis.vocabulary import CandidateKind, SiteKind


@dataclass
class MatchResult:
    """Ranked parcels (and assemblies), ranked factories, near misses, and the rules applied."""

    need: Resolved
    parcels: list[Candidate] = field(default_factory=list)
    factories: list[Candidate] = field(default_factory=list)
    near_parcels: list[Candidate] = field(default_factory=list)
    near_factories: list[Candidate] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[Text] = field(default_factory=list)


# the rows shown of each kind of site, and its table
DETAILS: dict[SiteKind, tuple[Callable[[str], Any], Any]] = {
    SiteKind.PARCEL: (parcel_select, Parcel),
    SiteKind.FACTORY: (factory_select, Factory),
}


def _site_ids(c: Candidate) -> list[Any]:
    return c.facts["ids"] if c.kind == CandidateKind.ASSEMBLY else [c.facts["id"]]


@cache
def _details_statement(kind: SiteKind, dialect: str) -> Select[Any]:
    """The rows shown of the sites of `kind` whose ids are bound as `ids`: built once per kind and
    database, as its dozens of columns and joins took a match's millisecond to build again."""
    rows, model = DETAILS[kind]
    statement: Select[Any] = rows(dialect).where(model.id.in_(bindparam("ids", expanding=True)))
    return statement


def _details(session: Session, kind: SiteKind, ids: set[Any]) -> dict[Any, dict[str, Any]]:
    """The rows shown of the sites of `kind` with these ids, by id (plain rows, no ORM objects)."""
    if not ids:
        return {}
    statement = _details_statement(kind, session.get_bind().dialect.name)
    rows = session.connection().execute(statement, {"ids": sorted(ids)}).mappings()
    return {r["id"]: dict(r) for r in rows}


def attach_details(session: Session, candidates: list[Candidate]) -> None:
    """Names, park and land-use names and geometry for the candidates that will be shown."""
    found = {
        kind: _details(
            session, kind, {i for c in candidates if KINDS[c.kind].name == kind for i in _site_ids(c)}
        )
        for kind in DETAILS
    }
    for c in candidates:
        rows = [found[KINDS[c.kind].name][i] for i in _site_ids(c)]
        if c.kind != CandidateKind.ASSEMBLY:
            c.facts.update(rows[0])
            continue
        c.facts.update({k: rows[0][k] for k in ("park_code", "park_name", "town_code", "town_name")})
        c.facts["land_use"] = sorted({m["land_use"] for m in rows})
        c.facts["members"] = rows
    for c in candidates:
        if c.geojson is None:
            c.geojson = c.facts.get("geojson")


def match(
    session: Session,
    need: Need,
    config: MatchConfig,
    *,
    limit: int = 20,
    near_limit: int = 10,
    assemble: bool = True,
) -> MatchResult:
    """Rank parcels, assembled sites and factories for `need`, with near misses and notes."""
    resolved, ctx = prepare(session, need, config)
    result = MatchResult(resolved, notes=notes(resolved, config))
    required = ctx.protection.requirement
    if required is not None:
        result.notes.append(
            Text("match.note.protection", {"distance": round(required.distance_m), "source": required.source})
        )
    if resolved.wants_land:
        bound = shaped(session, resolved, ctx, config)
        parcels, passed = match_parcels(session, resolved, ctx, config, limit, bound)
        assembled = match_assemblies(session, resolved, ctx, config, limit, bound) if assemble else []
        merged = sorted(parcels + assembled, key=lambda c: (-round(c.score, 2), c.code))
        result.parcels = merged[:limit]
        result.near_parcels = near_parcels(session, resolved, ctx, config, near_limit, bound)
        result.counts.update(parcels=passed, assemblies=len(assembled))
    if resolved.wants_factory:
        result.factories, passed = match_factories(session, resolved, ctx, config, limit)
        result.near_factories = near_factories(session, resolved, ctx, config, near_limit)
        result.counts["factories"] = passed
    attach_details(session, result.parcels + result.factories + result.near_parcels + result.near_factories)
    return result


def notes(need: Resolved, config: MatchConfig) -> list[Text]:
    """The rules that shaped this match, in words."""
    out = []
    if need.land_derived:
        out.append(
            Text(
                "match.note.derived",
                {
                    "investment": need.need.fixed_investment_wan,
                    "intensity": config.investment_intensity_wan_per_mu,
                    "low": need.land_min_mu,
                    "high": need.land_max_mu,
                },
            )
        )
    if need.plot_ratio_min is not None:
        out.append(
            Text("match.note.plot_ratio", {"value": need.plot_ratio_min, "rule": need.plot_ratio_rule})
        )
    if need.collective:
        out.append(Text("match.note.collective", {"industry": need.industry.name}))
    if need.steer_to_factories:
        out.append(Text("match.note.steer", {"limit": config.high_standard_factory_max_mu}))
    return out


def need_of_project(session: Session, code: str, **changes: Any) -> Need:
    """The match request of a saved project."""
    project = session.scalar(select(Project).where(Project.code == code, Project.deleted_at.is_(None)))
    if project is None:
        raise NotFound(kind=Text("kind.project"), code=code)
    return need_of(project, **changes)


def need_of(project: Project, **changes: Any) -> Need:
    """The match request of a project already read."""
    if not project.industry_code:
        raise InvalidInput("match.error.no_industry", code=project.code)
    return Need(
        industry_code=project.industry_code,
        project_code=project.code,
        name=project.name,
        nuisance_class=project.nuisance_class,
        land_min_mu=project.land_min_mu,
        land_max_mu=project.land_max_mu,
        fixed_investment_wan=project.fixed_investment_wan,
        floor_area_min_m2=project.floor_area_min_m2,
        clear_height_min_m=project.clear_height_min_m,
        floor_load_min_kn_m2=project.floor_load_min_kn_m2,
        crane_min_t=project.crane_min_t,
        power_min_kva=project.power_min_kva,
        needs_waterfront=project.needs_waterfront,
        preferred_areas=tuple(project.preferred_areas or ()),
        **changes,
    )

"""Reverse match: for one parcel or factory, the pipeline projects that fit it, best first.

The same checks and the same score as the forward match (scores use fixed scales, so a site
scores here what it scores there); a project fits when no hard constraint fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis.constraints import failures
from gis.errors import InvalidInput, NotFound
from gis.factory_match import factory_base, factory_candidate, score_factories
from gis.labels import Text
from gis.match_context import industry_facts, load_context
from gis.matching import attach_details, need_of_project, parcel_base, parcel_candidate, score_parcels
from gis.models import Factory, Parcel, Project
from gis.need import MatchConfig, resolve
from gis.site_scores import Candidate

PIPELINE_STAGES = ("negotiating", "signed")


@dataclass
class ProjectFit:
    """A project that fits the site, with the site explained for that project."""

    project_code: str
    project_name: str
    industry_code: str
    industry_name: str
    candidate: Candidate


def pipeline_projects(session: Session) -> list[str]:
    """Codes of the projects still looking for a site (negotiating or signed), in code order."""
    landed = select(Parcel.reserved_project_id).where(
        Parcel.status.in_(("signed", "supplied", "under_construction", "in_production")),
        Parcel.reserved_project_id.is_not(None))
    return list(session.scalars(
        select(Project.code).where(Project.stage.in_(PIPELINE_STAGES), Project.deleted_at.is_(None),
                                   Project.industry_code.is_not(None), Project.id.not_in(landed))
        .order_by(Project.code)))


# the statuses a match can propose (a leased factory for its vacant floor area)
OFFERED = {"parcel": ("available", "reserved"), "factory": ("vacant", "reserved", "leased")}


def site_status(session: Session, kind: str, code: str) -> str:
    """The status of the parcel or factory; `NotFound` when there is none."""
    model = Parcel if kind == "parcel" else Factory
    status = session.scalar(select(model.status).where(model.code == code, model.deleted_at.is_(None)))
    if status is None:
        raise NotFound(kind=Text(f"kind.{kind}"), code=code)
    return str(status)


def _fit(session: Session, kind: str, code: str, project: str, config: MatchConfig) -> ProjectFit | None:
    need = need_of_project(session, project, include_reserved=True)
    row = session.scalar(select(Project).where(Project.code == project))
    try:
        resolved = resolve(need, industry_facts(session, need.industry_code), config)
    except InvalidInput:
        return None  # a project without a usable need cannot fit anything
    if (kind == "parcel" and not resolved.wants_land) or (kind == "factory" and not resolved.wants_factory):
        return None
    ctx = load_context(session, resolved)
    if kind == "parcel":
        statement = parcel_base().where(Parcel.code == code)
        s = score_parcels(session, statement, resolved, ctx, config)
        candidate = parcel_candidate(s, 0, resolved, ctx, config)
    else:
        s = score_factories(session, factory_base().where(Factory.code == code), resolved, ctx, config)
        candidate = factory_candidate(s, 0, resolved, ctx, config)
    if failures(candidate.checks) or row is None:
        return None
    return ProjectFit(row.code, row.name, need.industry_code, resolved.industry.name, candidate)


def projects_for_site(session: Session, kind: str, code: str, config: MatchConfig) -> list[ProjectFit]:
    """Pipeline projects whose every hard constraint the parcel or factory meets, best first."""
    site_status(session, kind, code)
    fits = [f for p in pipeline_projects(session) if (f := _fit(session, kind, code, p, config))]
    fits.sort(key=lambda f: (-round(f.candidate.score, 2), f.project_code))
    attach_details(session, [f.candidate for f in fits])
    return fits

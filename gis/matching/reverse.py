"""Reverse match: for one parcel or factory, the pipeline projects that fit it, best first.

The same checks and the same score as the forward match (scores use fixed scales, so a site
scores here what it scores there); a project fits when no hard constraint fails. The site, the
projects and what every match reads alike (land-use classes, the infrastructure layer, the
areas) are read once; the parks' facts once per industry, since the firms of a chain differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.matching import protection
from gis.matching.candidates import Candidate, candidate, score_rows
from gis.matching.constraints import LandClass, failures
from gis.matching.context import (
    Context,
    Layer,
    ParkFacts,
    industries_facts,
    load_classes,
    load_layer,
    parks_for,
)
from gis.matching.factories import factory_base
from gis.matching.kinds import FACTORY, PARCEL, MatchKind
from gis.matching.need import Industry as IndustryFacts
from gis.matching.need import MatchConfig, Resolved, resolve
from gis.matching.parcels import parcel_base
from gis.matching.run import attach_details, need_of
from gis.models import Area, Factory, Parcel, Project
from gis.status import FactoryStatus, ParcelStatus
from gis.vocabulary import SiteKind

PIPELINE_STAGES = ("negotiating", "signed")


@dataclass
class ProjectFit:
    """A project that fits the site, with the site explained for that project."""

    project_code: str
    project_name: str
    industry_code: str
    industry_name: str
    candidate: Candidate


def _pipeline(visible: ColumnElement[bool] | None = None) -> Any:
    """Projects still looking for a site (negotiating or signed, with an industry), in code order;
    of them, those `visible` to the reader when a condition is given (gis.access)."""
    landed = select(Parcel.reserved_project_id).where(
        Parcel.status.in_(("signed", "supplied", "under_construction", "in_production")),
        Parcel.reserved_project_id.is_not(None),
    )
    statement = (
        select(Project)
        .where(
            Project.stage.in_(PIPELINE_STAGES),
            Project.deleted_at.is_(None),
            Project.industry_code.is_not(None),
            Project.id.not_in(landed),
        )
        .order_by(Project.code)
    )
    return statement if visible is None else statement.where(visible)


def pipeline_projects(session: Session, visible: ColumnElement[bool] | None = None) -> list[str]:
    """Codes of the projects still looking for a site (of those `visible`), in code order."""
    return list(session.scalars(_pipeline(visible).with_only_columns(Project.code)))


# the statuses a match can propose (a leased factory for its vacant floor area)
OFFERED = {
    SiteKind.PARCEL: (ParcelStatus.AVAILABLE, ParcelStatus.RESERVED),
    SiteKind.FACTORY: (FactoryStatus.VACANT, FactoryStatus.RESERVED, FactoryStatus.LEASED),
}
# each kind of site: its row of the kind table, its table, and the statement of its match columns
SOURCES: dict[SiteKind, tuple[MatchKind, Any, Callable[[], Any]]] = {
    SiteKind.PARCEL: (PARCEL, Parcel, parcel_base),
    SiteKind.FACTORY: (FACTORY, Factory, factory_base),
}


def site_status(session: Session, kind: SiteKind, code: str) -> str:
    """The status of the parcel or factory; `NotFound` when there is none."""
    model = SOURCES[kind][1]
    status = session.scalar(select(model.status).where(model.code == code, model.deleted_at.is_(None)))
    if status is None:
        raise NotFound(kind=Text(f"kind.{kind}"), code=code)
    return str(status)


@dataclass
class _Site:
    """The site's row and what every project's context shares, read once."""

    kind: MatchKind
    statement: Any
    rows: list[Row[Any]]
    classes: dict[str, LandClass]
    layer: Layer
    area_ids: dict[str, int]
    parks: dict[str, dict[int, ParkFacts]]  # by industry code
    rules: list[protection.Rule] = field(default_factory=list)  # protection distances
    nearest: protection.Nearest | None = None  # the receptor nearest the site

    def context(self, session: Session, need: Resolved) -> Context:
        """The project's context: the shared parts, its industry's parks and its preferred areas."""
        code = need.industry.code
        if code not in self.parks:
            self.parks[code] = parks_for(session, need.industry)
        preferred = frozenset(self.area_ids[a] for a in need.need.preferred_areas if a in self.area_ids)
        site_id = self.rows[0].id if self.rows else 0
        kept = protection.for_site(
            self.rules, code, need.nuisance_class, self.kind.name, site_id, self.nearest
        )
        return Context(self.classes, self.parks[code], self.layer, preferred, kept)


def _site(session: Session, kind: SiteKind, code: str) -> _Site:
    site_kind, model, base = SOURCES[kind]
    statement = base().where(model.code == code)
    conn = session.connection()
    rows = list(conn.execute(statement))
    receptors = protection.load_receptors(session)
    return _Site(
        site_kind,
        statement,
        rows,
        load_classes(conn),
        load_layer(conn),
        {c: i for c, i in conn.execute(select(Area.code, Area.id))},
        {},
        protection.load_rules(session),
        protection.site_nearest(session, kind, rows[0].id, receptors) if rows else None,
    )


def _fit(
    session: Session, site: _Site, project: Project, industries: dict[str, IndustryFacts], config: MatchConfig
) -> ProjectFit | None:
    industry = industries.get(str(project.industry_code))
    if industry is None:
        return None  # an industry code the reference table does not know: no need to match
    try:
        need = need_of(project, include_reserved=True)
        resolved = resolve(need, industry, config)
    except InvalidInput:
        return None  # a project without a usable need cannot fit anything
    if not site.kind.wanted(resolved):
        return None
    ctx = site.context(session, resolved)
    fit = candidate(score_rows(site.kind, site.rows, site.statement, resolved, ctx, config), 0)
    if failures(fit.checks):
        return None
    return ProjectFit(project.code, project.name, need.industry_code, resolved.industry.name, fit)


def projects_for_site(
    session: Session,
    kind: SiteKind,
    code: str,
    config: MatchConfig,
    *,
    visible: ColumnElement[bool] | None = None,
) -> list[ProjectFit]:
    """Pipeline projects (of those `visible` to the reader) whose every hard constraint the parcel
    or factory meets, best first."""
    site_status(session, kind, code)
    site = _site(session, kind, code)
    projects = session.scalars(_pipeline(visible)).all()
    industries = industries_facts(session, sorted({str(p.industry_code) for p in projects}))
    fits = [f for p in projects if (f := _fit(session, site, p, industries, config))]
    fits.sort(key=lambda f: (-round(f.candidate.score, 2), f.project_code))
    attach_details(session, [f.candidate for f in fits])
    return fits

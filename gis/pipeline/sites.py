"""The sites tied to a project, as its page shows them: the parcels and factories it was supplied
(供地), those it shortlisted from a match (with the score they had then), and those reserved for
it (意向). A shortlisted site that has since been reserved or supplied for another project is
flagged, so that nobody proposes it again unaware.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis.access import Principal, reads_reservation
from gis.area import M2_PER_MU
from gis.models import Area, Factory, Parcel, Project, ProjectSite
from gis.spatial import as_geojson
from gis.vocabulary import SiteKind, SiteRole

ROLES = ("supplied", "shortlist", "reserved")


@dataclass
class LinkedSite:
    """One parcel or factory and every way it is tied to the project."""

    kind: SiteKind
    code: str
    name: str | None
    status: str
    area_mu: float | None  # a parcel's area, a factory's vacant floor area as 亩 is meaningless: None
    vacant_m2: float | None
    park_name: str | None
    park_id: int | None
    town_id: int | None
    geojson: str | None
    roles: list[str] = field(default_factory=list)
    score: float | None = None  # its score when it was shortlisted
    saved_at: Any = None
    saved_by: str | None = None
    taken: bool = False  # shortlisted here, but since reserved or supplied for another project
    taken_by: str | None = None  # that project's code, for readers of the site's reservations


def _model(kind: SiteKind) -> Any:
    return Parcel if kind == SiteKind.PARCEL else Factory


def _shape(kind: SiteKind) -> Any:
    return Parcel.geom if kind == SiteKind.PARCEL else func.coalesce(Factory.footprint, Factory.location)


def _select(session: Session, kind: SiteKind, *extra: Any) -> Any:
    model, dialect = _model(kind), session.get_bind().dialect.name
    size = model.area_m2 if kind == SiteKind.PARCEL else model.vacant_area_m2
    return (
        select(
            model.id,
            model.code,
            model.name,
            model.status,
            size.label("size"),
            model.park_id,
            model.town_id,
            Area.name.label("park_name"),
            as_geojson(dialect, _shape(kind)).label("geojson"),
            *extra,
        )
        .outerjoin(Area, Area.id == model.park_id)
        .where(model.deleted_at.is_(None))
    )


def _site(kind: SiteKind, row: Any) -> LinkedSite:
    return LinkedSite(
        kind,
        row.code,
        row.name,
        row.status,
        row.size / M2_PER_MU if kind == SiteKind.PARCEL and row.size is not None else None,
        row.size if kind == SiteKind.FACTORY else None,
        row.park_name,
        row.park_id,
        row.town_id,
        row.geojson,
    )


def _others(session: Session, kind: SiteKind, ids: list[int], own: int) -> dict[int, str]:
    """Site id -> the code of another project it is reserved or was supplied for."""
    model = _model(kind)
    column = ProjectSite.parcel_id if kind == SiteKind.PARCEL else ProjectSite.factory_id
    held = session.execute(
        select(model.id, Project.code)
        .join(Project, Project.id == model.reserved_project_id)
        .where(model.id.in_(ids), Project.id != own)
    ).all()
    supplied = session.execute(
        select(column, Project.code)
        .join(Project, Project.id == ProjectSite.project_id)
        .where(column.in_(ids), ProjectSite.role == SiteRole.SUPPLIED, Project.id != own)
    ).all()
    return {**{int(s or 0): str(p) for s, p in supplied}, **{int(s): str(p) for s, p in held}}


def _kind(
    session: Session, kind: SiteKind, project_id: int, found: dict[tuple[SiteKind, str], LinkedSite]
) -> None:
    model = _model(kind)
    column = ProjectSite.parcel_id if kind == SiteKind.PARCEL else ProjectSite.factory_id
    linked = list(
        session.execute(
            _select(
                session, kind, ProjectSite.role, ProjectSite.score, ProjectSite.saved_at, ProjectSite.saved_by
            )
            .join(ProjectSite, column == model.id)
            .where(ProjectSite.project_id == project_id)
            .order_by(ProjectSite.id)
        )
    )
    others = _others(session, kind, [r.id for r in linked if r.role == SiteRole.SHORTLIST], project_id)
    for row in linked:
        site = found.setdefault((kind, row.code), _site(kind, row))
        site.roles.append(row.role)
        if row.role == SiteRole.SHORTLIST:
            site.score, site.saved_at, site.saved_by = row.score, row.saved_at, row.saved_by
            site.taken_by = others.get(row.id)
            site.taken = site.taken_by is not None
    for row in session.execute(_select(session, kind).where(model.reserved_project_id == project_id)):
        found.setdefault((kind, row.code), _site(kind, row)).roles.append("reserved")


def linked_sites(session: Session, project_id: int) -> list[LinkedSite]:
    """The project's supplied, shortlisted and reserved sites, one entry per site: supplied
    first, then shortlisted (best score first), then reserved."""
    found: dict[tuple[SiteKind, str], LinkedSite] = {}
    for kind in SiteKind:
        _kind(session, kind, project_id, found)
    order = {r: i for i, r in enumerate(ROLES)}
    return sorted(
        found.values(), key=lambda s: (min(order[r] for r in s.roles), -(s.score or 0), s.kind, s.code)
    )


def as_read_by(sites: list[LinkedSite], who: Principal) -> list[LinkedSite]:
    """The sites as `who` may read them: a park manager does not learn which project a site
    outside their parks and towns is reserved or supplied for (gis/access.py); the flag stays."""
    shown = []
    for site in sites:
        if reads_reservation(who, site.park_id, site.town_id):
            shown.append(site)
            continue
        roles = [r for r in site.roles if r == "shortlist"]
        if roles:
            shown.append(replace(site, roles=roles, taken_by=None))
    return shown

"""The bureau's to-do list (待办): projects and sites that need someone to act, on any date.

Six kinds, each rebuilt from the dated history (stage events, follow-ups, status events), so that
"what was overdue on date D" has an answer:

- 逾期未开工: the agreed start (Project.agreed_start_on) has passed and the project has not started;
- 签约未供地: signed more than `signed_unsupplied_days` ago without reaching 供地;
- 意向 held: a parcel or factory reserved for longer than `reservation_days` without a further step;
- no follow-up: a project not yet started with no follow-up for longer than `follow_up_days`
  (counted from its first step when it never had one);
- 闲置土地: land supplied (已供地) and not started `idle_fee_years` after the agreed start date, or
  after the supply when no start was agreed (征缴土地闲置费), and `idle_reclaim_years` after it
  (可无偿收回) — 《闲置土地处置办法》(国土资源部令第53号, 2012) 第二条、第十四条.

Each alert names its record, the page to open and the people responsible (the project's officer;
the managers of the site's park and town). Readers see what gis/access.py lets them read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session

from gis import localtime
from gis.access import Principal, Role, readable_projects
from gis.models import Factory, FollowUp, Parcel, Project, ProjectStageEvent, StatusEvent, User, user_areas
from gis.pipeline.config import PipelineConfig
from gis.vocabulary import SiteKind


class Kind(StrEnum):
    """What an alert is about, in the order the to-do page lists them."""

    OVERDUE_START = "overdue_start"  # 逾期未开工
    SIGNED_UNSUPPLIED = "signed_unsupplied"  # 签约未供地
    RESERVATION_HELD = "reservation_held"  # 意向 held
    NO_FOLLOW_UP = "no_follow_up"  # 长期未跟踪
    IDLE_FEE = "idle_fee"  # 闲置满一年: 征缴土地闲置费
    IDLE_RECLAIM = "idle_reclaim"  # 闲置满两年: 可无偿收回


# Stages a project reaches at 供地 and after (`landed` is 供地's name in earlier releases)
SUPPLIED_OR_LATER = ("supplied", "landed", "started", "producing")
STARTED_OR_LATER = ("started", "producing")
# Until 开工 the bureau carries a project: those are the ones that need follow-ups
PURSUED = ("lead", "negotiating", "signed", "registered", "supplied", "landed")
SITES: dict[SiteKind, Any] = {SiteKind.PARCEL: Parcel, SiteKind.FACTORY: Factory}
URLS = {"project": "/projects/{code}", "parcel": "/parcels/{code}", "factory": "/factories/{code}"}


@dataclass(frozen=True)
class Person:
    """Someone an alert names as responsible."""

    id: int
    name: str


@dataclass(frozen=True)
class Alert:
    """One thing to act on: the record, since when the clock runs, and who should act."""

    kind: Kind
    record: str  # project, parcel or factory
    code: str
    name: str | None
    since: dt.date  # the day the clock started (agreed start, signing, reservation, last contact, ...)
    days: int  # days from `since` to the day asked about
    responsible: tuple[Person, ...] = ()
    project: str | None = None  # the project a site alert concerns, when the reader may read it

    @property
    def url(self) -> str:
        """The record's page."""
        return URLS[self.record].format(code=self.code)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def idle_kind(start: dt.date, day: dt.date, config: PipelineConfig) -> Kind | None:
    """Whether land whose start was due on `start`, still unstarted on `day`, is idle, and how long:
    满 N 年 is reached on the anniversary itself."""
    if start <= years_before(day, config.idle_reclaim_years):
        return Kind.IDLE_RECLAIM
    if start <= years_before(day, config.idle_fee_years):
        return Kind.IDLE_FEE
    return None


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _end_of(day: dt.date) -> dt.datetime:
    return _start_of(day + dt.timedelta(days=1))


def _stage_on(day: dt.date) -> Any:
    """(project id, stage, first day) of every project that existed on `day`, as of that day."""
    e = ProjectStageEvent
    ranked = (
        select(
            e.project_id,
            e.to_stage.label("stage"),
            func.min(e.day).over(partition_by=e.project_id).label("first_day"),
            func.row_number()
            .over(partition_by=e.project_id, order_by=(e.day.desc(), e.id.desc()))
            .label("rank"),
        )
        .where(e.day <= day)
        .subquery()
    )
    columns = (ranked.c.project_id, ranked.c.stage, ranked.c.first_day)
    return select(*columns).where(ranked.c.rank == 1).subquery()


def _reached(stages: Iterable[str], day: dt.date) -> ColumnElement[bool]:
    e = ProjectStageEvent
    return exists().where(e.project_id == Project.id, e.to_stage.in_(tuple(stages)), e.day <= day)


Rule = Callable[[Any], Any]  # of the project's state on the day (`_stage_on`): a column, or conditions


def _projects(session: Session, who: Principal, day: dt.date, since: Rule, where: Rule) -> list[Any]:
    """Readable live projects that existed on `day`, matching `where`: (code, name, since, officer)."""
    state = _stage_on(day)
    officer = select(User.id, func.coalesce(User.display_name, User.name).label("name")).subquery()
    statement = (
        select(Project.code, Project.name, since(state).label("since"), officer.c.id, officer.c.name)
        .join(state, state.c.project_id == Project.id)
        .outerjoin(officer, officer.c.id == Project.officer_id)
        .where(
            Project.deleted_at.is_(None),
            state.c.stage != "dropped",
            readable_projects(who, session.get_bind().dialect.name),
            *where(state),
        )
        .order_by(Project.code)
    )
    return list(session.execute(statement).all())


def _project_alerts(kind: Kind, rows: list[Any], day: dt.date) -> list[Alert]:
    return [
        Alert(
            kind,
            "project",
            code,
            name,
            since,
            (day - since).days,
            (Person(officer_id, officer),) if officer_id is not None else (),
        )
        for code, name, since, officer_id, officer in rows
    ]


def overdue_starts(session: Session, who: Principal, day: dt.date, _config: PipelineConfig) -> list[Alert]:
    """逾期未开工: the agreed start is past and the project has not started."""
    rows = _projects(
        session,
        who,
        day,
        lambda _state: Project.agreed_start_on,
        lambda _state: (Project.agreed_start_on < day, ~_reached(STARTED_OR_LATER, day)),
    )
    return _project_alerts(Kind.OVERDUE_START, rows, day)


def signed_unsupplied(session: Session, who: Principal, day: dt.date, config: PipelineConfig) -> list[Alert]:
    """签约未供地: signed more than `signed_unsupplied_days` ago, not yet at 供地."""
    e = ProjectStageEvent
    first_signed = (
        select(func.min(e.day))
        .where(e.project_id == Project.id, e.to_stage == "signed", e.day <= day)
        .scalar_subquery()
    )
    # a project entered as it stood (at 注册, say) has its signing day but no step to 签约
    signed = func.coalesce(first_signed, Project.signed_on)
    bound = day - dt.timedelta(days=config.signed_unsupplied_days)
    rows = _projects(
        session,
        who,
        day,
        lambda _state: signed,
        lambda _state: (signed < bound, ~_reached(SUPPLIED_OR_LATER, day)),
    )
    return _project_alerts(Kind.SIGNED_UNSUPPLIED, rows, day)


def no_follow_up(session: Session, who: Principal, day: dt.date, config: PipelineConfig) -> list[Alert]:
    """A project not yet started with no follow-up for more than `follow_up_days`."""
    f = FollowUp
    last = (
        select(func.max(f.day))
        .where(f.project_id == Project.id, f.deleted_at.is_(None), f.day <= day)
        .scalar_subquery()
    )
    bound = day - dt.timedelta(days=config.follow_up_days)
    rows = _projects(
        session,
        who,
        day,
        lambda state: func.coalesce(last, state.c.first_day),
        lambda state: (state.c.stage.in_(PURSUED), func.coalesce(last, state.c.first_day) < bound),
    )
    return _project_alerts(Kind.NO_FOLLOW_UP, rows, day)


def _last_events(kind: SiteKind, day: dt.date) -> Any:
    """The latest status event of every parcel (or factory) on or before `day`."""
    column = StatusEvent.parcel_id if kind == SiteKind.PARCEL else StatusEvent.factory_id
    ranked = (
        select(
            column.label("site_id"),
            StatusEvent.to_status,
            StatusEvent.at,
            StatusEvent.project_id,
            func.row_number()
            .over(partition_by=column, order_by=(StatusEvent.at.desc(), StatusEvent.id.desc()))
            .label("rank"),
        )
        .where(column.is_not(None), StatusEvent.at < _end_of(day))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery()


def _sites(
    session: Session, who: Principal, kind: SiteKind, day: dt.date, status: str, where: Rule
) -> Select[Any]:
    """Readable live sites whose last status on `day` is `status`: (code, name, park, town, at,
    project code when the reader may read the project, agreed start)."""
    model = SITES[kind]
    last = _last_events(kind, day)
    scope = (
        or_(model.park_id.in_(sorted(who.area_ids)), model.town_id.in_(sorted(who.area_ids)))
        if who.scoped
        else true()
    )
    # the project is named only to its readers; its agreed start counts for everyone
    dialect = session.get_bind().dialect.name
    readable = select(Project.id).where(readable_projects(who, dialect)).correlate(None)
    return (
        select(
            model.code,
            model.name,
            model.park_id,
            model.town_id,
            last.c.at,
            case((Project.id.in_(readable), Project.code)),
            Project.agreed_start_on,
        )
        .join(last, last.c.site_id == model.id)
        .outerjoin(Project, and_(Project.id == last.c.project_id, Project.deleted_at.is_(None)))
        .where(model.deleted_at.is_(None), last.c.to_status == status, scope, *where(last))
        .order_by(model.code)
    )


def _managers(session: Session) -> dict[int, list[Person]]:
    """The active park managers of each park and town."""
    rows = session.execute(
        select(user_areas.c.area_id, User.id, func.coalesce(User.display_name, User.name))
        .join(User, User.id == user_areas.c.user_id)
        .where(User.role == Role.PARK_MANAGER.value, User.active.is_(True))
        .order_by(User.name)
    ).all()
    found: dict[int, list[Person]] = defaultdict(list)
    for area, user_id, name in rows:
        found[area].append(Person(user_id, name))
    return found


def _site_alert(
    kind: Kind, record: str, row: Any, since: dt.date, day: dt.date, managers: dict[int, list[Person]]
) -> Alert:
    code, name, park, town, _, project, _ = row
    people = tuple(dict.fromkeys([*managers.get(park, []), *managers.get(town, [])]))
    return Alert(kind, record, code, name, since, (day - since).days, people, project)


def reservations_held(session: Session, who: Principal, day: dt.date, config: PipelineConfig) -> list[Alert]:
    """意向 held: a parcel or factory reserved more than `reservation_days` ago, with no step since."""
    bound = _start_of(day - dt.timedelta(days=config.reservation_days))
    managers = _managers(session)
    return [
        _site_alert(Kind.RESERVATION_HELD, kind, row, row[4].date(), day, managers)
        for kind in SITES
        for row in session.execute(
            _sites(session, who, kind, day, "reserved", lambda last: (last.c.at < bound,))
        )
    ]


def idle_land(session: Session, who: Principal, day: dt.date, config: PipelineConfig) -> list[Alert]:
    """闲置土地: supplied parcels not started a year (a fee) or two (可无偿收回) after the start date
    agreed with the project they were supplied to, or after the supply when none was agreed."""
    fee = years_before(day, config.idle_fee_years)
    managers = _managers(session)

    def where(last: Any) -> tuple[ColumnElement[bool], ...]:
        return (
            or_(
                Project.agreed_start_on <= fee,
                and_(Project.agreed_start_on.is_(None), last.c.at < _end_of(fee)),
            ),
        )

    found = []
    for row in session.execute(_sites(session, who, SiteKind.PARCEL, day, "supplied", where)):
        start = row[6] or row[4].date()
        kind = idle_kind(start, day, config)
        if kind is not None:
            found.append(_site_alert(kind, SiteKind.PARCEL, row, start, day, managers))
    return found


COMPUTE = {
    Kind.OVERDUE_START: overdue_starts,
    Kind.SIGNED_UNSUPPLIED: signed_unsupplied,
    Kind.RESERVATION_HELD: reservations_held,
    Kind.NO_FOLLOW_UP: no_follow_up,
}


def alerts(
    session: Session,
    who: Principal,
    config: PipelineConfig,
    day: dt.date | None = None,
    *,
    kinds: Iterable[Kind] | None = None,
    mine: bool = False,
) -> list[Alert]:
    """The alerts `who` may read on `day` (today by default), of these kinds (all by default);
    `mine`: only those naming `who` as responsible."""
    day = day or localtime.today()
    wanted = set(kinds or Kind)
    found: list[Alert] = []
    for kind, compute in COMPUTE.items():
        if kind in wanted:
            found += compute(session, who, day, config)
    if wanted & {Kind.IDLE_FEE, Kind.IDLE_RECLAIM}:
        found += [a for a in idle_land(session, who, day, config) if a.kind in wanted]
    if mine:
        found = [a for a in found if any(p.id == who.id for p in a.responsible)]
    order = list(Kind)
    return sorted(found, key=lambda a: (order.index(a.kind), -a.days, a.code))


def counts(found: Iterable[Alert]) -> dict[Kind, int]:
    """How many alerts of each kind (every kind present, zero or not)."""
    tally = dict.fromkeys(Kind, 0)
    for alert in found:
        tally[alert.kind] += 1
    return tally

"""The leaders' monthly series (gis/trends.py) on both databases: rebuilt here independently, by
replaying every status event in Python, they equal the module's for every month, area and measure;
a status change made now moves exactly the numbers it should; the records behind a point."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from gis import localtime, trends
from gis.area import M2_PER_MU
from gis.database import Database, make_engine
from gis.gateway import sites
from gis.models import Area, Factory, Parcel, Project, StatusEvent
from gis.trends import COUNTY, Measure
from gis.vocabulary import SiteKind
from tests.conftest import BACKENDS, OPERATOR

MONTHS = 36


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, databases) -> Iterator[Database]:
    """The Qidong sample, read only by this module's tests."""
    db = Database(make_engine(databases.url(str(request.param), sample=True)))
    yield db
    db.dispose()


def local_month(moment: dt.datetime) -> dt.date:
    return localtime.local(moment).date().replace(day=1)


def month_ends(months: list[dt.date]) -> list[dt.datetime]:
    """The first instant after each month, local midnight of the 1st of the next."""
    ends = []
    for m in months:
        following = dt.date(m.year + m.month // 12, m.month % 12 + 1, 1)
        ends.append(dt.datetime.combine(following, dt.time(), tzinfo=localtime.current()))
    return ends


def places(session) -> dict[int, list[str]]:
    """Area id -> its code, and a zone's park's code too."""
    areas = {a.id: a for a in session.scalars(select(Area))}
    return {i: [a.code] + ([areas[a.parent_id].code] if a.parent_id else []) for i, a in areas.items()}


class Replay:
    """Every series, from the events one parcel and factory at a time, the plain way."""

    def __init__(self, session, months: list[dt.date]) -> None:
        self.codes = places(session)
        self.parcels = {p.id: p for p in session.scalars(select(Parcel))}
        self.factories = {f.id: f for f in session.scalars(select(Factory))}
        self.events = session.execute(
            select(
                StatusEvent.parcel_id, StatusEvent.factory_id, StatusEvent.at, StatusEvent.to_status
            ).order_by(StatusEvent.at, StatusEvent.id)
        ).all()
        self.months = months
        self.found: dict[tuple[Measure, str], list[float]] = defaultdict(lambda: [0.0] * len(months))

    def add(self, measure: Measure, site: Parcel | Factory, i: int, value: float) -> None:
        where = [self.codes[a] for a in (site.park_id, site.town_id) if a is not None]
        for place in {COUNTY, *(code for codes in where for code in codes)}:
            self.found[(measure, place)][i] += value

    def flows(self) -> None:
        index = {m: i for i, m in enumerate(self.months)}
        for parcel_id, factory_id, at, status in self.events:
            i = index.get(local_month(at))
            if i is None:
                continue
            if parcel_id is not None and status == "supplied":
                p = self.parcels[parcel_id]
                self.add(Measure.SUPPLIED, p, i, p.area_m2 / M2_PER_MU)
                if p.stock_type in ("idle", "inefficient"):
                    self.add(Measure.REVITALISED, p, i, p.area_m2 / M2_PER_MU)
            elif factory_id is not None and status in ("leased", "sold"):
                f = self.factories[factory_id]
                self.add(Measure.REVITALISED_FACTORIES, f, i, f.floor_area_m2)

    def stocks(self) -> None:
        history: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
        for parcel_id, _factory_id, at, status in self.events:
            if parcel_id is not None:
                history[parcel_id].append((at, status))
        for i, end in enumerate(month_ends(self.months)):
            for parcel_id, steps in history.items():
                p = self.parcels[parcel_id]
                then = [s for at, s in steps if at < end]
                if not then or (p.deleted_at is not None and p.deleted_at < end):
                    continue
                if then[-1] == "available":
                    self.add(Measure.AVAILABLE, p, i, p.area_m2 / M2_PER_MU)
                if then[-1] in ("signed", "supplied"):
                    self.add(Measure.SIGNED_NOT_STARTED, p, i, p.area_m2 / M2_PER_MU)


def replay(session, months: list[dt.date]) -> dict[tuple[Measure, str], list[float]]:
    """Every series of `months`, replayed."""
    done = Replay(session, months)
    done.flows()
    done.stocks()
    return done.found


def test_the_series_equal_a_replay_of_every_event(shared):
    with shared.read() as session:
        found = trends.monthly(session, count=MONTHS)
        every = [trends.add_months(found.months[0], -12 + i) for i in range(MONTHS + 12)]
        expected = replay(session, every)

    assert len(found.months) == MONTHS and found.months[-1] == localtime.today().replace(day=1)
    keys = set(expected) | set(found.values)
    wrong = [
        (measure, area, month)
        for measure, area in keys
        for month, got, want in zip(
            every,
            found.year_before(measure, area)[:12] + found.shown(measure, area),
            expected.get((measure, area), [0.0] * len(every)),
            strict=True,
        )
        if abs(got - want) > 0.02
    ]
    assert wrong == []
    # the sample has history enough for every measure to move in the county
    assert all(any(found.shown(m, COUNTY)) for m in Measure)


def test_year_before_is_the_same_month_a_year_earlier(shared):
    with shared.read() as session:
        long = trends.monthly(session, count=24)
        short = trends.monthly(session, count=12)

    assert short.year_before(Measure.AVAILABLE, COUNTY) == long.shown(Measure.AVAILABLE, COUNTY)[:12]
    assert short.shown(Measure.SUPPLIED, COUNTY) == long.shown(Measure.SUPPLIED, COUNTY)[12:]


def test_the_records_behind_a_point_add_up_to_it(shared):
    with shared.read() as session:
        found = trends.monthly(session, count=MONTHS)
        park_id, park = session.execute(select(Area.id, Area.code).where(Area.kind == "park")).first()
        for measure in Measure:
            values = found.shown(measure, park)
            month = found.months[max(range(MONTHS), key=lambda i: values[i])]
            rows = trends.records(session, measure, month, park_id)
            value = values[found.months.index(month)]

            assert abs(sum(r.size for r in rows) - value) < 0.05 * len(rows) + 0.01, measure
            assert all(r.park is not None for r in rows)


def _first(session, status: str, **where) -> Parcel:
    query = select(Parcel).where(
        Parcel.status == status, Parcel.park_id.is_not(None), Parcel.town_id.is_not(None)
    )
    for name, value in where.items():
        query = query.where(getattr(Parcel, name) == value)
    return session.scalars(query.order_by(Parcel.code)).first()


def test_changes_made_now_move_exactly_their_numbers(sample_db):
    with sample_db.read() as session:
        before = trends.monthly(session, count=12)
        codes = places(session)
        reserved, deleted = session.scalars(
            select(Parcel)
            .where(Parcel.status == "available", Parcel.park_id.is_not(None), Parcel.town_id.is_not(None))
            .order_by(Parcel.code)
            .limit(2)
        ).all()
        supplied = _first(session, "signed", stock_type="idle") or _first(session, "signed")
        project = _code(session, supplied.reserved_project_id) or session.scalar(
            select(Project.code).limit(1)
        )
    with sample_db.write() as session:
        sites.change_status(
            session, SiteKind.PARCEL, reserved.code, "reserved", who=OPERATOR, project=project
        )
        sites.change_status(session, SiteKind.PARCEL, supplied.code, "supplied", who=OPERATOR)
        sites.delete(session, SiteKind.PARCEL, deleted.code, who=OPERATOR, expected_version=None)
    with sample_db.read() as session:
        after = trends.monthly(session, count=12)

    expected: dict[tuple[Measure, str, int], float] = defaultdict(float)
    changes = [
        (Measure.AVAILABLE, reserved, -1),
        (Measure.AVAILABLE, deleted, -1),
        (Measure.SUPPLIED, supplied, 1),
    ]
    if supplied.stock_type in ("idle", "inefficient"):
        changes.append((Measure.REVITALISED, supplied, 1))
    for measure, parcel, sign in changes:
        for area in {COUNTY, *codes[parcel.park_id], *codes[parcel.town_id]}:
            expected[(measure, area, 11)] += sign * parcel.area_m2 / M2_PER_MU
    moved = {
        (measure, area, i): after.shown(measure, area)[i] - before.shown(measure, area)[i]
        for measure, area in set(before.values) | set(after.values)
        for i in range(12)
        if abs(after.shown(measure, area)[i] - before.shown(measure, area)[i]) > 0.005
    }
    assert moved.keys() == {k for k, v in expected.items() if abs(v) > 0.005}
    assert all(abs(moved[k] - expected[k]) <= 0.02 for k in moved)


def _code(session, project_id: int | None) -> str | None:
    from gis.models import Project

    return (
        None if project_id is None else session.scalar(select(Project.code).where(Project.id == project_id))
    )

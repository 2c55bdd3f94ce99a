"""Reading by role on both databases: the projects each reader may read (one SQL condition, the
same in every query), and the per-account limit on exports counted in `rate_events`."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, update

from gis import projects, rates
from gis.access import Principal, Role, readable_projects
from gis.errors import NotFound, TooManyAttempts
from gis.models import Area, Factory, Parcel, Project, RateEvent, Unit, utcnow

HOUR = dt.timedelta(hours=1)


def visible(session, who):
    condition = readable_projects(who, session.get_bind().dialect.name)
    return set(session.scalars(select(Project.code).where(condition)))


def tied_to(session, area_codes):
    """What the rule says, worked out in Python: projects placed there (their platform, or their unit's
    area), reserved on a site there, or preferring it."""
    ids = set(session.scalars(select(Area.id).where(Area.code.in_(area_codes))))
    units = {u.code for u in session.scalars(select(Unit)) if u.area_code in area_codes}
    tied = {
        p.code for p in session.scalars(select(Project)) if p.platform_id in ids or p.source_unit in units
    }
    for model in (Parcel, Factory):
        rows = session.execute(
            select(model.park_id, model.town_id, Project.code)
            .join(Project, Project.id == model.reserved_project_id)
            .where(model.deleted_at.is_(None))
        )
        tied |= {code for park, town, code in rows if {park, town} & ids}
    tied |= {
        p.code for p in session.scalars(select(Project)) if set(p.preferred_areas or ()) & set(area_codes)
    }
    return tied


def manager(session, *codes):
    ids = frozenset(session.scalars(select(Area.id).where(Area.code.in_(codes))))
    return Principal(id=9, name="manager", role=Role.PARK_MANAGER, area_ids=ids)


@pytest.mark.parametrize("areas", [("P01",), ("P02",), ("P04", "T06"), ("T03",)])
def test_a_park_manager_reads_the_projects_tied_to_their_areas(sample_db, areas):
    with sample_db.read() as session:
        every = set(session.scalars(select(Project.code)))
        expected = tied_to(session, areas)

        assert visible(session, manager(session, *areas)) == expected
        assert expected and expected != every  # the sample makes the rule bite either way


def test_staff_leaders_and_admins_read_every_project_and_anonymous_readers_none(sample_db):
    with sample_db.read() as session:
        every = set(session.scalars(select(Project.code)))
        for role in (Role.ADMIN, Role.INVESTMENT, Role.LEADER):
            assert visible(session, Principal(1, role.value, role)) == every
        assert visible(session, None) == set()


def test_a_deleted_site_ties_its_project_no_more(sample_db):
    with sample_db.write() as session:
        site = next(
            p
            for p in session.scalars(
                select(Parcel).where(Parcel.reserved_project_id.is_not(None)).order_by(Parcel.code)
            )
            if not p.reserved_project.preferred_areas
        )
        park = session.get(Area, site.park_id).code
        code = session.get(Project, site.reserved_project_id).code
        others = session.scalar(
            select(func.count())
            .select_from(Parcel)
            .where(Parcel.reserved_project_id == site.reserved_project_id, Parcel.id != site.id)
        )
        assert others == 0
        assert code in visible(session, manager(session, park))
        session.execute(update(Parcel).where(Parcel.id == site.id).values(deleted_at=utcnow()))
        assert code not in visible(session, manager(session, park))


def test_a_projects_platform_and_the_unit_that_brought_it_tie_it_too(sample_db):
    with sample_db.write() as session:
        session.add(Unit(code="U-T03", name="北新镇招商局", kind="town", area_code="T03"))
        untied = sorted(set(session.scalars(select(Project.code))) - tied_to(session, ("T03", "P01")))
        by_platform, by_unit = untied[:2]
        t03 = session.scalar(select(Area.id).where(Area.code == "T03"))
        session.execute(update(Project).where(Project.code == by_platform).values(platform_id=t03))
        session.execute(update(Project).where(Project.code == by_unit).values(source_unit="U-T03"))

        seen = visible(session, manager(session, "T03"))

        assert {by_platform, by_unit} <= seen and seen == tied_to(session, ("T03",))
        assert not {by_platform, by_unit} & visible(session, manager(session, "P01"))


def test_the_condition_filters_lists_and_single_projects(sample_db):
    with sample_db.read() as session:
        who = manager(session, "P02")
        condition = readable_projects(who, session.get_bind().dialect.name)
        rows, matched = projects.list_projects(session, visible=condition, limit=1000)
        outside = next(iter(set(session.scalars(select(Project.code))) - tied_to(session, ("P02",))))

        assert {r["code"] for r in rows} == tied_to(session, ("P02",)) and matched == len(rows)
        with pytest.raises(NotFound):
            projects.get_project(session, outside, visible=condition)


def test_the_limit_counts_within_the_window_and_says_when_to_come_back(db):
    start = utcnow()
    with db.write() as session:
        for minutes in (0, 10, 20):
            rates.take(
                session,
                "export:1",
                3,
                HOUR,
                message="error.too_many_exports",
                now=start + dt.timedelta(minutes=minutes),
            )
        with pytest.raises(TooManyAttempts) as refused:
            rates.take(
                session,
                "export:1",
                3,
                HOUR,
                message="error.too_many_exports",
                now=start + dt.timedelta(minutes=30),
            )
        rates.take(session, "export:2", 3, HOUR, message="error.too_many_exports", now=start)

    assert refused.value.retry_after == 30 * 60
    assert "3" in refused.value.message("en")
    with db.write() as session:  # an hour after the first, one more fits; the old one is forgotten
        rates.take(
            session,
            "export:1",
            3,
            HOUR,
            message="error.too_many_exports",
            now=start + dt.timedelta(minutes=60, seconds=1),
        )
        keys = sorted(session.scalars(select(RateEvent.key)))
    assert keys == ["export:1"] * 3 + ["export:2"]


def test_concurrent_requests_cannot_overshoot_the_limit(db):
    taken, refused, failed = [], [], []
    gate = threading.Barrier(12)
    # PostgreSQL: every request's transaction is open before any of them counts. SQLite lets one
    # writer in at a time (BEGIN IMMEDIATE), so there they only start together.
    inside = db.dialect == "postgresql"

    def export() -> None:
        if not inside:
            gate.wait()
        try:
            with db.write() as session:
                session.execute(select(1))
                if inside:
                    gate.wait()
                rates.take(session, "export:7", 5, HOUR, message="error.too_many_exports")
            taken.append(1)
        except TooManyAttempts:
            refused.append(1)
        except Exception as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    threads = [threading.Thread(target=export) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failed == [] and (len(taken), len(refused)) == (5, 7)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(RateEvent)) == 5

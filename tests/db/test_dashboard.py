"""The leaders' figures, rebuilt from status events for past dates, on both databases."""

import datetime as dt

from sqlalchemy import func, select

from gis import dashboard, localtime
from gis.models import Parcel


def test_today_matches_the_parcels_themselves(sample_db):
    with sample_db.read() as session:
        parks = dashboard.supply_by_area(session, "park")
        available = session.scalar(
            select(func.count()).where(Parcel.status == "available", Parcel.park_id.is_not(None))
        )

    assert sum(a.by_status.get("available", (0, 0))[0] for a in parks) == available


def test_yesterday_rebuilt_from_events_equals_today_when_nothing_changed_since(sample_db):
    with sample_db.read() as session:
        today = dashboard.supply_by_area(session, "town")
        rebuilt = dashboard.supply_by_area(session, "town", localtime.today() - dt.timedelta(days=1))
        latest_event = session.scalar(select(func.max(Parcel.status_since)))

    if latest_event < localtime.today() - dt.timedelta(days=1):
        assert [a.by_status for a in rebuilt] == [a.by_status for a in today]


def test_the_past_has_fewer_parcels_and_no_later_stages(sample_db):
    with sample_db.read() as session:
        early = dashboard.supply_by_area(session, "park", dt.date(2021, 1, 1))
        now = dashboard.supply_by_area(session, "park")

    early_total = sum(n for a in early for n, _ in a.by_status.values())
    assert 0 < early_total < sum(n for a in now for n, _ in a.by_status.values())
    assert all(set(a.by_status) <= {"available"} for a in early)


def test_pipeline_stages_and_overdue_starts(sample_db):
    day = dt.date(2025, 6, 30)
    with sample_db.read() as session:
        projects = dashboard.pipeline(session, day)

    assert projects and all(p.signed_on <= day for p in projects)
    for p in projects:
        started = p.started_on is not None and p.started_on <= day
        assert (p.stage == "started") == started
        assert (p.overdue_days > 0) == (
            p.agreed_start_on is not None and p.agreed_start_on < day and not started
        )


def test_supply_per_quarter_counts_supplied_events(sample_db):
    with sample_db.read() as session:
        quarters = dashboard.supplied_per_quarter(session, dt.date(2026, 11, 28), quarters=40)

    assert len(quarters) == 40 and quarters[-1][0] == "2026Q4"
    assert sum(n for _, n, _ in quarters) == 148  # every 已供地 event of the sample

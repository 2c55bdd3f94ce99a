"""Records due for verification (待核实), on both databases: counted in calendar days of the
service's zone, scoped as the reader's sites are, and per park; the sample's verified dates."""

import datetime as dt

from sqlalchemy import select, update

from gis import freshness, localtime
from gis.access import Principal, Role, operator
from gis.gateway import sites
from gis.models import Area, Factory, Parcel
from gis.vocabulary import SiteKind
from tests.db.test_gateway import a_parcel_in, manager

ADMIN = operator("管理员")
DAYS = 90


def local_instant(day, hour, minute=0):
    """`day` at hour:minute Beijing time, as the database stores it (UTC)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=localtime.current()).astimezone(dt.UTC)


def all_fresh(db):
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        for model in (Parcel, Factory):
            session.execute(update(model).values(verified_at=now))


def set_verified(db, model, code, at):
    with db.write() as session:
        session.execute(update(model).where(model.code == code).values(verified_at=at))


def codes(found):
    return [d.code for d in found]


def test_a_record_is_due_on_the_day_the_days_run_out_in_the_local_calendar(sample_db):
    today = localtime.today()
    all_fresh(sample_db)
    with sample_db.read() as session:
        first, second = [p.code for p in session.scalars(select(Parcel).order_by(Parcel.code).limit(2))]
    # 00:30 Beijing time is the day before in UTC: the local day is what counts
    set_verified(sample_db, Parcel, first, local_instant(today - dt.timedelta(days=DAYS - 1), 0, 30))
    set_verified(sample_db, Parcel, second, local_instant(today - dt.timedelta(days=DAYS), 23, 50))
    with sample_db.read() as session:
        found = freshness.due(session, ADMIN, DAYS)
    assert codes(found) == [second]
    assert found[0].days == DAYS and found[0].verified_on == today - dt.timedelta(days=DAYS)
    assert found[0].url == f"/parcels/{second}"


def test_never_verified_comes_first_then_the_oldest(sample_db):
    today = localtime.today()
    all_fresh(sample_db)
    with sample_db.read() as session:
        parcel = a_parcel_in(session, "P01").code
        factory = session.scalar(select(Factory.code).order_by(Factory.code).limit(1))
    set_verified(sample_db, Parcel, parcel, local_instant(today - dt.timedelta(days=400), 9))
    set_verified(sample_db, Factory, factory, None)
    with sample_db.read() as session:
        found = freshness.due(session, ADMIN, DAYS)
    assert [(d.kind, d.code, d.days) for d in found] == [
        (SiteKind.FACTORY, factory, None),
        (SiteKind.PARCEL, parcel, 400),
    ]


def test_a_park_manager_sees_their_own_and_readers_who_verify_nothing_see_none(sample_db):
    long_ago = local_instant(localtime.today() - dt.timedelta(days=200), 9)
    all_fresh(sample_db)
    with sample_db.read() as session:
        own, other = a_parcel_in(session, "P01").code, a_parcel_in(session, "P02").code
        kfq = manager(session, "P01")
    for code in (own, other):
        set_verified(sample_db, Parcel, code, long_ago)
    with sample_db.read() as session:
        assert codes(freshness.due(session, kfq, DAYS)) == [own]
        assert freshness.count_due(session, kfq, DAYS) == 1
        assert sorted(codes(freshness.due(session, ADMIN, DAYS))) == sorted([own, other])
        for role in (Role.INVESTMENT, Role.LEADER):
            reader = Principal(id=5, name="r", role=role)
            assert (
                freshness.due(session, reader, DAYS) == [] and freshness.count_due(session, reader, DAYS) == 0
            )


def test_verifying_takes_a_record_off_the_list(sample_db):
    all_fresh(sample_db)
    with sample_db.read() as session:
        code = a_parcel_in(session, "P01").code
        kfq = manager(session, "P01")
    set_verified(sample_db, Parcel, code, local_instant(localtime.today() - dt.timedelta(days=120), 9))
    with sample_db.write() as session:
        assert codes(freshness.due(session, kfq, DAYS)) == [code]
        sites.verify(session, SiteKind.PARCEL, code, who=kfq)
    with sample_db.read() as session:
        assert freshness.due(session, kfq, DAYS) == []


def test_counts_per_park_agree_with_the_records(sample_db):
    today = localtime.today()
    bound = freshness.due_before(today, DAYS)
    with sample_db.read() as session:
        rows = freshness.by_area(session, "park", DAYS)
        expected = {}
        for model in (Parcel, Factory):
            for park, at in session.execute(
                select(Area.code, model.verified_at)
                .join(Area, Area.id == model.park_id)
                .where(model.deleted_at.is_(None))
            ):
                total, stale = expected.get((park, model), (0, 0))
                expected[park, model] = (total + 1, stale + int(at is None or at < bound))
        parks = session.scalars(select(Area.code).where(Area.kind.in_(("park", "zone"))).order_by(Area.code))
        assert [r.code for r in rows] == list(parks)
    for r in rows:
        assert (r.parcels, r.stale_parcels) == expected.get((r.code, Parcel), (0, 0))
        assert (r.factories, r.stale_factories) == expected.get((r.code, Factory), (0, 0))
    towns = [r.code for r in freshness_by_town(sample_db)]
    assert towns and all(code.startswith("T") for code in towns)


def freshness_by_town(db):
    with db.read() as session:
        return freshness.by_area(session, "town", DAYS)


def test_the_sample_is_mostly_verified_recently_with_some_records_due(sample_db):
    with sample_db.read() as session:
        total = sum(r.parcels + r.factories for r in freshness.by_area(session, "town", DAYS))
        due = freshness.due(session, ADMIN, DAYS)
        keepers = set(session.scalars(select(Parcel.verified_by)))
    assert 0.03 * total < len(due) < 0.3 * total
    assert all(d.days is not None and DAYS <= d.days < 400 for d in due)
    assert "kfq" in keepers  # each park's records were verified by its manager

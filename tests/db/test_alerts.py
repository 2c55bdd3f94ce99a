"""The to-do alerts on both databases: each kind raised past its boundary and not on it, on the day
asked about, and read by each role as gis/access.py allows.

Every test builds its own rows on the sample (projects with dated stage events, follow-ups, a
site's status events in place of its sample history) and computes what it expects from them and
the rules; sample records raise alerts of their own, so each test looks at the codes it planted.
"""

import datetime as dt

from gis import accounts
from gis.access import Principal, Role
from gis.pipeline import alerts
from gis.pipeline.alerts import Kind, idle_kind, years_before
from gis.pipeline.config import PipelineConfig
from tests.alert_rows import DAY, ago, plant_history, plant_project
from tests.conftest import OPERATOR, TEST_PASSWORD

RULES = PipelineConfig()
STAFF = Principal(id=0, name="招商员", role=Role.INVESTMENT)


def found(db, kind, who=STAFF, day=DAY, rules=RULES, **extra):
    with db.read() as session:
        return {a.code: a for a in alerts.alerts(session, who, rules, day, kinds=[kind], **extra)}


def planted(result, prefix="XM-A-"):
    return sorted(code for code in result if code.startswith(prefix))


def test_idle_land_is_counted_in_full_years_from_the_agreed_start():
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert idle_kind(dt.date(2025, 6, 30), DAY, RULES) is Kind.IDLE_FEE  # 满一年 on the anniversary
    assert idle_kind(dt.date(2025, 7, 1), DAY, RULES) is None
    assert idle_kind(dt.date(2024, 6, 30), DAY, RULES) is Kind.IDLE_RECLAIM
    assert idle_kind(dt.date(2024, 7, 1), DAY, RULES) is Kind.IDLE_FEE


def test_a_start_overdue_is_flagged_the_day_after_the_agreed_start_until_it_starts(sample_db):
    signed = [(ago(300), "lead"), (ago(200), "signed")]
    plant_project(sample_db, "XM-A-LATE", signed, agreed=ago(1))
    plant_project(sample_db, "XM-A-DUE", signed, agreed=DAY)
    plant_project(
        sample_db, "XM-A-GONE", [*signed, (ago(5), "supplied"), (ago(2), "started")], agreed=ago(10)
    )
    plant_project(sample_db, "XM-A-DROP", [*signed, (ago(5), "dropped")], agreed=ago(10))

    result = found(sample_db, Kind.OVERDUE_START)

    assert planted(result) == ["XM-A-LATE"]
    late = result["XM-A-LATE"]
    assert (late.since, late.days, late.url, late.record) == (ago(1), 1, "/projects/XM-A-LATE", "project")
    # six days before, XM-A-GONE had not started nor XM-A-DROP stopped; XM-A-LATE was not yet due
    assert planted(found(sample_db, Kind.OVERDUE_START, day=ago(6))) == ["XM-A-DROP", "XM-A-GONE"]


def test_signed_and_not_supplied_past_the_setting(sample_db):
    days = RULES.signed_unsupplied_days
    plant_project(
        sample_db,
        "XM-A-WAIT",
        [(ago(days + 30), "lead"), (ago(days + 1), "signed"), (ago(days - 5), "registered")],
    )
    plant_project(sample_db, "XM-A-EDGE", [(ago(days + 30), "lead"), (ago(days), "signed")])
    plant_project(
        sample_db, "XM-A-LAND", [(ago(days + 30), "lead"), (ago(days + 9), "signed"), (ago(3), "supplied")]
    )
    # entered as it stood, at 注册: its signing day is the project's own
    plant_project(sample_db, "XM-A-LEDG", [(ago(days), "registered")], signed_on=ago(days + 2))

    result = found(sample_db, Kind.SIGNED_UNSUPPLIED)

    assert planted(result) == ["XM-A-LEDG", "XM-A-WAIT"]
    assert (result["XM-A-WAIT"].since, result["XM-A-WAIT"].days) == (ago(days + 1), days + 1)
    # four days before, XM-A-LAND was not yet supplied, and the others not yet signed long enough
    assert planted(found(sample_db, Kind.SIGNED_UNSUPPLIED, day=ago(4))) == ["XM-A-LAND"]
    shorter = PipelineConfig(signed_unsupplied_days=days + 1)
    assert planted(found(sample_db, Kind.SIGNED_UNSUPPLIED, rules=shorter)) == ["XM-A-LEDG"]


def test_no_follow_up_since_the_last_one_or_since_the_first_step(sample_db):
    days = RULES.follow_up_days
    plant_project(
        sample_db, "XM-A-COLD", [(ago(days + 40), "lead")], follow_ups=[ago(days + 20), ago(days + 1)]
    )
    plant_project(sample_db, "XM-A-WARM", [(ago(days + 40), "lead")], follow_ups=[ago(days + 20), ago(days)])
    plant_project(sample_db, "XM-A-NEXT", [(ago(days + 40), "lead")], follow_ups=[ago(days + 5), ago(2)])
    plant_project(sample_db, "XM-A-NONE", [(ago(days + 1), "lead")])
    plant_project(sample_db, "XM-A-NEW", [(ago(days), "lead")])
    plant_project(sample_db, "XM-A-HELD", [(ago(days + 40), "lead"), (ago(days + 30), "on_hold")])
    plant_project(
        sample_db,
        "XM-A-BUILT",
        [
            (ago(days + 40), "lead"),
            (ago(days + 30), "signed"),
            (ago(days + 20), "supplied"),
            (ago(days + 10), "started"),
        ],
    )
    plant_project(sample_db, "XM-A-LATER", [(DAY + dt.timedelta(days=1), "lead")])

    result = found(sample_db, Kind.NO_FOLLOW_UP)

    assert planted(result) == ["XM-A-COLD", "XM-A-NONE"]
    assert (result["XM-A-COLD"].since, result["XM-A-NONE"].since) == (ago(days + 1), ago(days + 1))
    # a follow-up after the day asked about does not count on it
    assert "XM-A-NEXT" in found(sample_db, Kind.NO_FOLLOW_UP, day=ago(3))


def test_a_reservation_held_past_the_setting_without_a_further_step(sample_db):
    days = RULES.reservation_days
    plant_project(sample_db, "XM-A-RES", [(ago(400), "lead")])
    held = plant_history(
        sample_db, "parcel", "P04", 0, [(ago(500), "available"), (ago(days + 1), "reserved")], "XM-A-RES"
    )
    fresh = plant_history(
        sample_db, "parcel", "P04", 1, [(ago(500), "available"), (ago(days), "reserved")], "XM-A-RES"
    )
    moved = plant_history(
        sample_db,
        "parcel",
        "P04",
        2,
        [(ago(500), "available"), (ago(days + 9), "reserved"), (ago(2), "signed")],
        "XM-A-RES",
    )
    factory = plant_history(
        sample_db, "factory", "P04", 0, [(ago(500), "vacant"), (ago(days + 3), "reserved")], "XM-A-RES"
    )

    result = found(sample_db, Kind.RESERVATION_HELD)

    assert {held, factory} <= set(result) and not {fresh, moved} & set(result)
    assert (result[held].since, result[held].days, result[held].project) == (
        ago(days + 1),
        days + 1,
        "XM-A-RES",
    )
    assert result[held].url == f"/parcels/{held}" and result[factory].url == f"/factories/{factory}"
    assert moved in found(sample_db, Kind.RESERVATION_HELD, day=ago(3))


def test_supplied_land_not_started_is_idle_a_year_after_the_agreed_start_or_the_supply(sample_db):
    fee_start, reclaim_start = years_before(DAY, 1), years_before(DAY, 2)
    plant_project(sample_db, "XM-A-IDLE", [(ago(900), "signed"), (ago(800), "supplied")], agreed=fee_start)
    plant_project(
        sample_db,
        "XM-A-SOON",
        [(ago(900), "signed"), (ago(800), "supplied")],
        agreed=fee_start + dt.timedelta(days=1),
    )
    plant_project(sample_db, "XM-A-OPEN", [(ago(900), "signed"), (ago(800), "supplied")])
    supplied = [(ago(1000), "available"), (ago(850), "reserved"), (ago(800), "supplied")]
    fee = plant_history(sample_db, "parcel", "P02", 0, supplied, "XM-A-IDLE")
    soon = plant_history(sample_db, "parcel", "P02", 1, supplied, "XM-A-SOON")
    reclaim = plant_history(
        sample_db, "parcel", "P02", 2, supplied[:2] + [(reclaim_start, "supplied")], "XM-A-OPEN"
    )
    edge = plant_history(
        sample_db,
        "parcel",
        "P02",
        3,
        supplied[:2] + [(fee_start + dt.timedelta(days=1), "supplied")],
        "XM-A-OPEN",
    )
    built = plant_history(
        sample_db, "parcel", "P02", 4, [*supplied, (ago(5), "under_construction")], "XM-A-OPEN"
    )

    fees, reclaims = found(sample_db, Kind.IDLE_FEE), found(sample_db, Kind.IDLE_RECLAIM)

    assert fee in fees and reclaim in reclaims and reclaim not in fees
    assert not {soon, edge, built} & (set(fees) | set(reclaims))
    assert (fees[fee].since, fees[fee].days, fees[fee].project) == (
        fee_start,
        (DAY - fee_start).days,
        "XM-A-IDLE",
    )
    # before construction began, it had been idle since its supply, more than two years before
    assert built in found(sample_db, Kind.IDLE_RECLAIM, day=ago(6))


def test_each_reader_sees_what_they_may_read_and_mine_is_what_names_them(sample_db):
    with sample_db.write() as session:
        officer = accounts.principal(
            accounts.create_user(session, OPERATOR, "zs-alerts", "investment", TEST_PASSWORD)
        )
        manager = accounts.principal(
            accounts.create_user(session, OPERATOR, "gl-alerts", "park_manager", TEST_PASSWORD, areas=["P02"])
        )
        leader = accounts.principal(
            accounts.create_user(session, OPERATOR, "ld-alerts", "leader", TEST_PASSWORD)
        )
    steps = [(ago(400), "lead"), (ago(300), "signed")]
    plant_project(sample_db, "XM-A-OWN", steps, platform="P02", officer="zs-alerts", agreed=ago(9))
    plant_project(sample_db, "XM-A-SECRET", steps, platform="P04", agreed=ago(9))
    own_site = plant_history(sample_db, "parcel", "P02", 0, [(ago(300), "reserved")], "XM-A-OWN")
    far_site = plant_history(sample_db, "parcel", "P04", 0, [(ago(300), "reserved")], "XM-A-SECRET")

    def codes(who, **extra):
        with sample_db.read() as session:
            return {a.code: a for a in alerts.alerts(session, who, RULES, DAY, **extra)}

    for reader in (officer, leader, STAFF):
        assert {"XM-A-OWN", "XM-A-SECRET", own_site, far_site} <= set(codes(reader))
    seen = codes(manager)
    assert "XM-A-OWN" in seen and "XM-A-SECRET" not in seen and far_site not in seen
    assert seen[own_site].project == "XM-A-OWN"
    assert "gl-alerts" in [p.name for p in seen[own_site].responsible]
    assert [p.name for p in seen["XM-A-OWN"].responsible] == ["zs-alerts"]
    with sample_db.read() as session:
        kinds = {a.kind for a in alerts.alerts(session, manager, RULES, DAY) if a.code == "XM-A-OWN"}
    assert kinds == {Kind.OVERDUE_START, Kind.SIGNED_UNSUPPLIED, Kind.NO_FOLLOW_UP}
    mine = codes(officer, mine=True)
    assert "XM-A-OWN" in mine and not set(mine) - {"XM-A-OWN"}
    assert own_site in codes(manager, mine=True) and "XM-A-OWN" not in codes(manager, mine=True)

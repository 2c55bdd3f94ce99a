"""The weekly summary and the scorecard on both databases, from a small pipeline built here with
dated steps and follow-ups (in 2018, before any of the sample's own). The expected figures are
worked out by hand from the table below, not by the code under test.

    code  unit  platform  industry  万元    steps (2018)                                     follow-ups
    R1    SH    P01       27        20000   lead 03-06, negotiating 03-08, signed 03-13      visit 03-07, leader 03-14
                                            (agreed start 03-10)
    R2    P01   P01       39        5000    lead 03-12, negotiating 03-13, signed 03-14,
                                            registered 03-15, supplied 03-16, started 03-17
    R3    T03   Z01       33        12000   lead 03-05, negotiating 03-06, signed 03-09,
                                            dropped 03-15
    R4    SH    -         38        8000    lead 03-05, negotiating 03-19, signed 03-20      call 03-10
    R5    BJ    T01       13        30000   lead 01-02

Week 2018-W10 is 03-05 to 03-11, 2018-W11 is 03-12 to 03-18. Z01 is an industrial zone of the town
T03 (北新镇); P01 is marked 重点平台 in the sample; SH and BJ are offices of no park or town.
"""

import datetime as dt

import pytest
from sqlalchemy import func, select

from gis import accounts, localtime
from gis.access import operator
from gis.gateway import follow_ups, projects, stages
from gis.models import ProjectStageEvent
from gis.pipeline import ledger
from gis.pipeline.config import PipelineConfig
from gis.pipeline.periods import parse_period, parse_week
from gis.pipeline.scorecard import scorecard
from gis.pipeline.stages import Stage
from gis.pipeline.weekly import weekly_summary
from tests.conftest import OPERATOR, TEST_PASSWORD

ADMIN = operator("报表测试")
RULES = PipelineConfig()
LEADER = "市领导甲"
D = dt.date

PROJECTS = {
    "R1": {
        "source_unit": "SH",
        "platform": "P01",
        "industry_code": "27",
        "investment_total_wan": 20000,
        "agreed_start_on": D(2018, 3, 10),
    },
    "R2": {"source_unit": "P01", "platform": "P01", "industry_code": "39", "investment_total_wan": 5000},
    "R3": {"source_unit": "T03", "platform": "Z01", "industry_code": "33", "investment_total_wan": 12000},
    "R4": {"source_unit": "SH", "industry_code": "38", "investment_total_wan": 8000},
    "R5": {"source_unit": "BJ", "platform": "T01", "industry_code": "13", "investment_total_wan": 30000},
}
ENTERED = {
    "R1": D(2018, 3, 6),
    "R2": D(2018, 3, 12),
    "R3": D(2018, 3, 5),
    "R4": D(2018, 3, 5),
    "R5": D(2018, 1, 2),
}
STEPS = [
    ("R1", "negotiating", D(2018, 3, 8)),
    ("R1", "signed", D(2018, 3, 13)),
    ("R2", "negotiating", D(2018, 3, 13)),
    ("R2", "signed", D(2018, 3, 14)),
    ("R2", "registered", D(2018, 3, 15)),
    ("R2", "supplied", D(2018, 3, 16)),
    ("R2", "started", D(2018, 3, 17)),
    ("R3", "negotiating", D(2018, 3, 6)),
    ("R3", "signed", D(2018, 3, 9)),
    ("R3", "dropped", D(2018, 3, 15)),
    ("R4", "negotiating", D(2018, 3, 19)),
    ("R4", "signed", D(2018, 3, 20)),
]
FOLLOW_UPS = [
    ("R1", "visit", D(2018, 3, 7)),
    ("R1", "leader_visit", D(2018, 3, 14)),
    ("R4", "call", D(2018, 3, 10)),
]


def plant(sample_db):
    """The five projects above, on a sample database (the sample's own steps all come later)."""
    with sample_db.read() as session:
        first = session.scalar(select(func.min(ProjectStageEvent.day)))
    assert first is None or first > D(2018, 12, 31), "the sample's pipeline must begin after 2018"
    with sample_db.write() as session:
        accounts.create_user(session, OPERATOR, LEADER, "leader", TEST_PASSWORD)
    for code, values in PROJECTS.items():
        body = {"code": code, "name": f"报表测试{code}", **values, "stage_since": ENTERED[code]}
        as_admin(sample_db, projects.create, body)
    for code, target, day in STEPS:
        move = stages.Move(Stage(target), day, note="终止测试" if target == "dropped" else None)
        as_admin(sample_db, stages.step, code, move, config=RULES)
    for code, kind, day in FOLLOW_UPS:
        leader = {"leader": LEADER} if kind == "leader_visit" else {}
        as_admin(sample_db, follow_ups.add, code, {"day": day, "kind": kind, "outcome": "测试", **leader})
    return sample_db


def as_admin(db, write, *args, **kwargs):
    """One gateway write, `write(session, *args, **kwargs)`, by the administrator, in its own transaction."""
    with db.write() as session:
        write(session, *args, who=ADMIN, **kwargs)


@pytest.fixture
def pipeline(sample_db):
    """The sample with the five projects above."""
    return plant(sample_db)


def weekly(db, week, as_of):
    with db.read() as session:
        return weekly_summary(ledger.load(session, as_of), parse_week(week), RULES)


def card(db, period, as_of, config=RULES):
    with db.read() as session:
        return scorecard(ledger.load(session, as_of), parse_period(period), config)


def counts(lines, key):
    """{unit: (this week, the week before)} of one figure, units with anything only."""
    return {
        line.unit: (getattr(line, key).current.count, getattr(line, key).previous.count)
        for line in lines
        if getattr(line, key).current.count or getattr(line, key).previous.count
    }


def stage_counts(lines):
    return {
        line.stage.value: (line.figure.current.count, line.figure.previous.count)
        for line in lines
        if line.figure.current.count or line.figure.previous.count
    }


def test_the_week_per_unit_beside_the_week_before(pipeline):
    s = weekly(pipeline, "2018-W11", D(2018, 3, 18))

    assert (s.first, s.last, s.previous_week, s.cut) == (
        D(2018, 3, 12),
        D(2018, 3, 18),
        "2018-W10",
        D(2018, 3, 18),
    )
    assert counts(s.units, "new_leads") == {"P01": (1, 0), "SH": (0, 2), "T03": (0, 1)}
    assert counts(s.units, "follow_ups") == {"SH": (1, 2)}
    assert counts(s.units, "leader_visits") == {"SH": (1, 0)}
    assert (s.total.new_leads.current.count, s.total.new_leads.previous.count, s.total.new_leads.change) == (
        1,
        3,
        -2,
    )
    assert s.total.new_leads.current.codes == ("R2",)
    assert {line.unit for line in s.units} >= {"P01", "T03", "SH", "BJ", "AG1"}  # every unit of units.csv


def test_the_weeks_steps_milestones_investment_and_overdue(pipeline):
    s = weekly(pipeline, "2018-W11", D(2018, 3, 18))

    assert stage_counts(s.stage_changes) == {
        "lead": (1, 3),
        "negotiating": (1, 2),
        "signed": (2, 1),
        "registered": (1, 0),
        "supplied": (1, 0),
        "started": (1, 0),
        "dropped": (1, 0),
    }
    milestones = {m.stage.value: m.figure.current for m in s.milestones}
    assert (milestones["signed"].codes, milestones["signed"].investment_wan) == (("R1", "R2"), 25000)
    assert [milestones[k].codes for k in ("registered", "supplied", "started")] == [("R2",)] * 3
    assert milestones["started"].investment_wan == 5000
    assert {m.stage.value: m.figure.previous.codes for m in s.milestones}["signed"] == ("R3",)
    standing = {b.stage.value: b.figure.current for b in s.by_stage if b.figure.current.count}
    assert {k: f.codes for k, f in standing.items()} == {
        "lead": ("R4", "R5"),
        "signed": ("R1",),
        "started": ("R2",),
        "dropped": ("R3",),
    }
    assert standing["lead"].investment_wan == 38000
    before = {b.stage.value: b.figure.previous.codes for b in s.by_stage if b.figure.previous.count}
    assert before == {"lead": ("R4", "R5"), "negotiating": ("R1",), "signed": ("R3",)}
    assert [(o.code, o.since, o.days) for o in s.no_follow_up.rows] == [("R5", D(2018, 1, 2), 75)]
    assert s.no_follow_up.figure.previous.codes == ("R5",)
    assert [(o.code, o.since, o.days) for o in s.late_start.rows] == [("R1", D(2018, 3, 10), 8)]


def test_a_week_as_of_a_day_in_it_counts_nothing_after_that_day(pipeline):
    s = weekly(pipeline, "2018-W11", D(2018, 3, 14))

    assert s.cut == D(2018, 3, 14)
    assert stage_counts(s.stage_changes) == {"lead": (1, 3), "negotiating": (1, 2), "signed": (2, 1)}
    standing = {b.stage.value: b.figure.current.codes for b in s.by_stage if b.figure.current.count}
    assert standing == {"lead": ("R4", "R5"), "signed": ("R1", "R2", "R3")}  # R3 not yet dropped
    assert counts(s.units, "leader_visits") == {"SH": (1, 0)}


def test_a_project_dropped_later_still_signed_in_its_week(pipeline):
    s = weekly(pipeline, "2018-W10", D(2018, 12, 31))

    signed = {m.stage.value: m.figure for m in s.milestones}["signed"]
    assert (signed.current.codes, signed.current.investment_wan) == (("R3",), 12000)
    assert counts(s.units, "new_leads") == {"SH": (2, 0), "T03": (1, 0)}
    assert s.previous_week == "2018-W09"


def rows(c):
    return {r.area: r for r in c.rows}


def test_the_quarter_per_park_and_town_weighted_and_ranked(pipeline):
    c = card(pipeline, "2018-Q1", D(2018, 3, 31))
    by_area = rows(c)
    p01, t03, t01 = by_area["P01"], by_area["T03"], by_area["T01"]

    assert [
        getattr(p01, k).codes for k in ("major_leads", "signed", "registered", "supplied", "started")
    ] == [("R1",), ("R1", "R2"), ("R2",), ("R2",), ("R2",)]
    assert (p01.started.investment_wan, p01.landed.count, p01.key_industry_share, p01.key_platform_share) == (
        5000,
        2,
        1.0,
        1.0,
    )
    # 1 lead x1 + 2 signed x2 + 1 registered x2 + 1 supplied x4 + 1 started x6 + 0.5 亿 x1 + 100 % x5 + 100 % x3
    assert p01.score == 25.5
    assert (t03.major_leads.codes, t03.signed.codes, t03.key_industry_share, t03.key_platform_share) == (
        ("R3",),
        ("R3",),
        0.0,
        0.0,
    )  # Z01 counts for its town; 33 is no key industry; no key platform
    assert t03.score == 3.0
    assert (t01.major_leads.codes, t01.signed.count, t01.score) == (("R5",), 0, 1.0)
    assert [(r.area, r.rank) for r in c.rows[:3]] == [("P01", 1), ("T03", 2), ("T01", 3)]
    assert {r.rank for r in c.rows[3:]} == {4} and all(r.score == 0 for r in c.rows[3:])
    assert "Z01" not in by_area  # a zone is counted under its town
    assert (c.unattributed.signed.codes, c.unattributed.key_industry.codes) == (("R4",), ("R4",))
    assert c.total.signed.count == 4 and c.total.major_leads.count == 3


def test_a_month_and_the_quarter_as_of_a_day_before_its_end(pipeline):
    january = card(pipeline, "2018-01", D(2018, 3, 31))
    assert [(r.area, r.score) for r in january.rows if r.score] == [("T01", 1.0)]

    early = card(pipeline, "2018-Q1", D(2018, 3, 18))
    assert early.cut == D(2018, 3, 18)
    assert early.unattributed.signed.count == 0  # R4 signs on 03-20
    assert rows(early)["P01"].score == 25.5


def test_the_settings_weigh_and_name_the_key_industries_and_platforms(pipeline):
    config = PipelineConfig(weight_started=10.0, key_industries=("33",), key_platforms=("T03",))
    by_area = rows(card(pipeline, "2018-Q1", D(2018, 3, 31), config))

    assert (by_area["T03"].key_industry_share, by_area["T03"].key_platform_share) == (1.0, 1.0)
    assert (by_area["P01"].key_industry_share, by_area["P01"].key_platform_share) == (0.0, 0.0)
    assert by_area["P01"].points["started"] == 10.0
    assert by_area["T03"].score == 1 + 2 + 5 + 3


def test_a_fact_changed_later_is_reported_as_it_stood(pipeline):
    with pipeline.write() as session:
        projects.update(session, "R2", {"platform": "T01", "investment_total_wan": 9000}, who=ADMIN)

    then = rows(card(pipeline, "2018-Q1", D(2018, 3, 31)))
    now = rows(card(pipeline, "2018-Q1", localtime.today()))

    assert (then["P01"].started.codes, then["P01"].started.investment_wan) == (("R2",), 5000)
    assert (now["T01"].started.codes, now["T01"].started.investment_wan) == (("R2",), 9000)
    assert now["P01"].started.count == 0

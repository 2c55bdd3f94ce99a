"""The pipeline list on both databases: each filter, the order of each sortable column, the counts
per stage, key projects by the same rule as their tier, and lateness (no follow-up, start passed)."""

import datetime as dt

import pytest
from sqlalchemy import select

from gis import accounts, localtime
from gis.access import operator
from gis.errors import InvalidInput
from gis.gateway import follow_ups, projects
from gis.models import Area, Project
from gis.pipeline.config import PipelineConfig
from gis.projects import PROJECT_SORTS, ProjectQuery, find_projects, stage_counts
from tests.conftest import OPERATOR, TEST_PASSWORD

ADMIN = operator("管理员")
RULES = PipelineConfig(follow_up_days=30)
TODAY = localtime.today()


def ago(days):
    return TODAY - dt.timedelta(days=days)


def enter(db, code, **extra):
    values = {
        "code": code,
        "name": f"列表测试{code}",
        "industry_code": "39",
        "investor": f"{code}测试有限公司",
        "stage_since": ago(5),
        **extra,
    }
    with db.write() as session:
        return projects.create(session, values, who=ADMIN)


def found(db, **query):
    with db.read() as session:
        rows, matched = find_projects(session, ProjectQuery(limit=1000, **query), config=RULES)
    assert matched == len(rows)
    return rows


def codes(db, **query):
    return [r["code"] for r in found(db, **query)]


def test_filters_on_unit_platform_leader_and_text(sample_db):
    with sample_db.write() as session:
        accounts.create_user(session, OPERATOR, "leader-list", "leader", TEST_PASSWORD)
    enter(sample_db, "XM-L-001", source_unit="SZ", platform="P03", leader="leader-list")
    enter(sample_db, "XM-L-002", source_unit="SH", platform="T06")

    def ours(**query):  # the sample's projects have units and platforms too
        return [c for c in codes(sample_db, **query) if c.startswith("XM-L-")]

    assert ours(source_unit="SZ") == ["XM-L-001"] and ours(source_unit="SH") == ["XM-L-002"]
    assert ours(platform="T06") == ["XM-L-002"] and ours(platform="P03") == ["XM-L-001"]
    with sample_db.read() as session:
        sample = {
            p.code: p for p in session.scalars(select(Project).where(~Project.code.startswith("XM-L-")))
        }
        p03 = session.scalar(select(Area.id).where(Area.code == "P03"))
    assert set(codes(sample_db, platform="P03")) - {"XM-L-001"} == {
        c for c, p in sample.items() if p.platform_id == p03
    }
    assert codes(sample_db, leader="leader-list") == ["XM-L-001"]
    assert codes(sample_db, search="XM-L-002测试") == ["XM-L-002"]
    for wrong in ({"source_unit": "NOPE"}, {"platform": "P99"}, {"leader": "nobody"}, {"sort": "investor"}):
        with pytest.raises(InvalidInput):
            found(sample_db, **wrong)


def test_key_projects_are_those_whose_tier_reaches_the_key(sample_db):
    every = found(sample_db)
    tiers = {r["code"]: RULES.tier(r["investment_total_wan"], r["foreign_investment_wusd"]) for r in every}

    assert set(codes(sample_db, key="major")) == {c for c, t in tiers.items() if t == "major"} != set()
    assert set(codes(sample_db, key="large")) == {c for c, t in tiers.items() if t is not None}
    assert len(codes(sample_db, key="large")) > len(codes(sample_db, key="major"))


def test_late_projects_lack_a_follow_up_or_passed_their_agreed_start(sample_db):
    enter(sample_db, "XM-L-010", stage_since=ago(60))  # quiet for 60 days
    enter(sample_db, "XM-L-011", stage_since=ago(60))
    with sample_db.write() as session:
        follow_ups.add(session, "XM-L-011", {"day": ago(3), "kind": "call"}, who=ADMIN)
    enter(sample_db, "XM-L-012", agreed_start_on=ago(1))  # quiet for 5 days, but the start has passed
    enter(sample_db, "XM-L-013")

    rows = {r["code"]: r for r in found(sample_db, search="XM-L-01")}
    late = set(codes(sample_db, overdue=True, search="XM-L-01"))

    assert late == {"XM-L-010", "XM-L-012"}
    assert rows["XM-L-010"]["follow_up_overdue"] and not rows["XM-L-010"]["start_overdue"]
    assert rows["XM-L-012"]["start_overdue"] and not rows["XM-L-012"]["follow_up_overdue"]
    assert rows["XM-L-011"]["last_follow_up_on"] == ago(3) and rows["XM-L-013"]["stage_on"] == ago(5)
    assert found(sample_db, stage=("producing",), overdue=True) == []  # a project in production owes nothing


@pytest.mark.parametrize("sort", PROJECT_SORTS)
def test_every_sortable_column_orders_both_ways_with_blanks_last(sample_db, sort):
    enter(sample_db, "XM-L-020")
    with sample_db.write() as session:
        follow_ups.add(session, "XM-L-020", {"day": ago(2), "kind": "visit"}, who=ADMIN)
    column = {"investment": "investment_total_wan", "last_follow_up": "last_follow_up_on"}.get(sort, sort)
    order = {
        "lead": 0,
        "negotiating": 1,
        "signed": 2,
        "registered": 3,
        "supplied": 4,
        "started": 5,
        "producing": 6,
        "on_hold": 7,
        "dropped": 8,
    }
    key = (lambda r: order[r["stage"]]) if sort == "stage" else (lambda r: r[column])

    for descending in (False, True):
        rows = found(sample_db, sort=("-" if descending else "") + sort)
        values = [key(r) for r in rows if key(r) is not None]
        assert values == sorted(values, reverse=descending)
        assert all(key(r) is None for r in rows[len(values) :])  # blanks last either way


def test_counts_per_stage_ignore_the_stage_filter_and_keep_the_others(sample_db):
    with sample_db.read() as session:
        every = stage_counts(session, ProjectQuery(), config=RULES)
        narrowed = stage_counts(session, ProjectQuery(stage=("signed",), key="large"), config=RULES)

    assert sum(every.values()) == len(found(sample_db))
    assert every["signed"] == len(codes(sample_db, stage=("signed",)))
    assert narrowed == {s: len(codes(sample_db, stage=(s,), key="large")) for s in narrowed}
    assert len(narrowed) > 1

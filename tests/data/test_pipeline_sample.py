"""The sample's investment pipeline: its leads, courses, sites, follow-ups and duplicates hold to
the pipeline's rules, the inventory is what it was before the pipeline came, and `landstock demo`
loads it all on both databases."""

import collections
import csv
import datetime as dt
import hashlib
import json
import re

import pytest
from sqlalchemy import func, select

from data.generate import SAMPLE_DIR, TODAY
from data.projects import FLOOR_ONLY
from gis.database import Database, make_engine
from gis.gateway.projects import InvestorCategory, ProjectType
from gis.models import FOLLOW_UP_KINDS, FollowUp, Project, ProjectDuplicate, ProjectSite, Review, User
from gis.pipeline import duplicates, timeline
from gis.pipeline.config import PipelineConfig
from gis.pipeline.identity import check_credit_code, same_investor
from gis.pipeline.stages import Stage, allowed
from gis.sample import DEMO_USERS
from tests.service.test_cli import landstock

REFERENCE = SAMPLE_DIR.parent / "reference"
NEW_LEAD = re.compile(r"XM-20\d\d-3\d\d")
# The inventory before the pipeline was added: the pipeline draws from a generator of its own
PARCELS_SHA256 = "276eabd4b4ae12037ab90fcb3fd8f1ec12aebc84fe5145a82cf7db2ddcaa4c37"
FACTORIES_SHA256 = "55c4c99c5018b52348d315244844ec0b639b09f8ece668e59d8925da092eb3dc"
ROLES = {name: role for name, role, _, _ in DEMO_USERS}
DISPLAY = {name: display for name, _, display, _ in DEMO_USERS}
CONFIG = PipelineConfig()
SITE_STATUS = {
    "signed": "signed",
    "registered": "signed",
    "supplied": "supplied",
    "started": "under_construction",
    "producing": "in_production",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def projects() -> list[dict]:
    return json.loads((SAMPLE_DIR / "projects.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def parcels() -> dict[str, dict]:
    features = json.loads((SAMPLE_DIR / "parcels.geojson").read_text("utf-8"))["features"]
    return {f["properties"]["code"]: f["properties"] for f in features}


@pytest.fixture(scope="module")
def leads(projects) -> list[dict]:
    return [p for p in projects if NEW_LEAD.fullmatch(p["code"])]


def reference(name: str) -> list[dict]:
    with (REFERENCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_inventory_is_what_it_was_before_the_pipeline():
    assert hashlib.sha256((SAMPLE_DIR / "parcels.geojson").read_bytes()).hexdigest() == PARCELS_SHA256
    assert hashlib.sha256((SAMPLE_DIR / "factories.geojson").read_bytes()).hexdigest() == FACTORIES_SHA256


def test_about_eighty_new_leads_over_eighteen_months_at_every_stage(projects, leads):
    first_days = [day(p["stages"][0][0]) for p in leads]

    assert 70 <= len(leads) <= 100
    assert min(first_days) >= TODAY - dt.timedelta(days=550) and max(first_days) <= TODAY
    assert {p["stage"] for p in projects} == {s.value for s in Stage}
    assert {p["stage"] for p in leads} >= {
        "lead",
        "negotiating",
        "signed",
        "registered",
        "dropped",
        "on_hold",
    }
    assert len({p["code"] for p in projects}) == len(projects)
    assert {"XM-2026-001", "XM-2026-015", "XM-2022-101"} <= {p["code"] for p in projects}
    assert not {"XM-2026-201", "XM-2026-202", "XM-2026-203", "XM-2026-298", "XM-2026-299"} & {
        p["code"] for p in projects
    }, "codes the tests enter themselves"


def test_every_course_follows_the_stage_table(projects):
    for p in projects:
        steps = p["stages"]
        assert steps[0][1] == "lead", p["code"]
        days = [day(s[0]) for s in steps]
        assert days == sorted(days) and days[-1] <= TODAY, p["code"]
        held = None
        for (_, before, _), (_, after, note) in zip(steps, steps[1:], strict=False):
            assert Stage(after) in allowed(Stage(before), held), (p["code"], before, after)
            held = Stage(before) if after == "on_hold" else None
            if after == "dropped":
                assert note and note.strip(), p["code"]
        reached = {s[1]: s[0] for s in steps}
        assert (p["stage"], p["stage_since"]) == (steps[-1][1], steps[-1][0]), p["code"]
        assert p["held_at"] == (steps[-2][1] if p["stage"] == "on_hold" else None), p["code"]
        assert p.get("signed_on") == reached.get("signed") and p.get("started_on") == reached.get("started")


def test_supplied_projects_hold_parcels_whose_status_says_so(projects, parcels):
    for p in projects:
        needs_site = any(p.get(k) is not None for k in ("land_min_mu", "land_max_mu", "floor_area_min_m2"))
        if p["stage"] in ("supplied", "started", "producing"):
            assert p.get("sites") or not needs_site, p["code"]
        for code in p.get("sites") or ():
            assert parcels[code]["status"] == SITE_STATUS[p["stage"]], (p["code"], code)
            assert parcels[code]["reserved_project"] == p["code"]
    for parcel in parcels.values():
        holder = parcel["reserved_project"]
        if parcel["status"] in ("supplied", "under_construction", "in_production"):
            project = next(p for p in projects if p["code"] == holder)
            assert parcel["code"] in project["sites"]
            assert SITE_STATUS[project["stage"]] == parcel["status"]


def test_units_platforms_people_and_fields(projects, leads):
    units = {u["code"]: u["kind"] for u in reference("units.csv")}
    industries = {i["code"] for i in reference("industries.csv")}
    areas = {
        f["properties"]["code"]
        for f in json.loads((SAMPLE_DIR / "areas.geojson").read_text("utf-8"))["features"]
    }

    for p in projects:
        assert p["source_unit"] in units and p["platform"] in areas, p["code"]
        assert p["industry_code"] in industries
        assert ROLES[p["officer"]] == "investment"
        assert p["leader"] is None or ROLES[p["leader"]] == "leader"
        assert p["project_type"] in {t.value for t in ProjectType}
        assert p["investor_category"] in {c.value for c in InvestorCategory}
        assert p["investment_total_wan"] > 0 and p["contact"]
        if p["investment_total_wan"] >= CONFIG.major_total_wan:
            assert p["leader"], f"{p['code']}: a major project has a linked leader"
    assert {units[p["source_unit"]] for p in leads} == {"park", "town", "office", "agency"}
    assert sum(p["foreign_investment_wusd"] is not None for p in leads) >= 3
    assert sum(p["leader"] is not None for p in leads) >= 10
    assert {p["industry_code"] for p in leads if p["stage"] in ("supplied", "started")} <= FLOOR_ONLY


def test_credit_codes_are_valid_and_one_per_investor(projects):
    coded = [p for p in projects if p["credit_code"]]
    by_code = collections.defaultdict(set)
    for p in coded:
        assert check_credit_code(p["credit_code"]).valid, p["credit_code"]
        by_code[p["credit_code"]].add(p["investor"])

    assert 0.6 * len(projects) <= len(coded) < len(projects)
    assert all(
        len(names) == 1 or all(same_investor(a, b) for a in names for b in names)
        for names in by_code.values()
    )
    assert any(len(names) == 2 for names in by_code.values()), "one lead brought twice with its code"


def test_leads_brought_twice_are_the_pairs_the_duplicate_check_finds(projects, leads):
    twins = [p for p in projects if p.get("duplicate_of")]
    by_code = {p["code"]: p for p in projects}
    active = [p for p in leads if p["stage"] not in duplicates.CLOSED]

    assert 4 <= len(twins) <= 8
    for twin in twins:
        first = by_code[twin["duplicate_of"]]
        assert twin["investor"] != first["investor"] and twin["source_unit"] != first["source_unit"]
        assert same_investor(twin["investor"], first["investor"])
        assert twin["stage"] in ("lead", "negotiating") and first["stage"] in ("lead", "negotiating")
    found = {
        frozenset((a["code"], b["code"]))
        for a in active
        for b in active
        if a["code"] < b["code"]
        and (
            (a["credit_code"] and a["credit_code"] == b["credit_code"])
            or same_investor(a["investor"], b["investor"])
        )
    }
    assert found == {frozenset((t["code"], t["duplicate_of"])) for t in twins}
    assert any(by_code[t["duplicate_of"]]["credit_code"] == t["credit_code"] is not None for t in twins)
    assert any("（中国）" in by_code[t["duplicate_of"]]["investor"] for t in twins)
    assert any(t["investor"].endswith("股份有限公司") for t in twins)


def test_follow_ups_say_who_where_what_and_next(projects):
    entries = [(p, f) for p in projects for f in p["follow_ups"]]
    kinds = collections.Counter(f["kind"] for _, f in entries)

    assert set(kinds) == set(FOLLOW_UP_KINDS) and len(entries) >= 400
    for p, f in entries:
        first, last = day(p["stages"][0][0]), day(p["stages"][-1][0])
        assert first <= day(f["day"]) <= TODAY, p["code"]
        if p["stage"] in ("dropped", "producing"):
            assert day(f["day"]) < last, p["code"]
        assert ROLES[f["actor"]] == "investment" and f["actor"] == p["officer"]
        assert all(CJK.search(f[k]) for k in ("participants", "place", "outcome", "next_step"))
        assert day(f["next_on"]) > day(f["day"])
        if f["kind"] == "leader_visit":
            assert f["leader"] == p["leader"] and DISPLAY[f["leader"]] in f["participants"]
            assert DISPLAY[f["leader"]] in f["outcome"]
        else:
            assert f["leader"] is None


def test_some_projects_are_overdue_each_way(projects, parcels):
    def last_follow_up(p: dict) -> dt.date:
        return max([day(f["day"]) for f in p["follow_ups"]] or [day(p["stages"][0][0])])

    active = [p for p in projects if p["stage"] in {s.value for s in Stage} - {"dropped", "producing"}]
    late_start = [
        p
        for p in active
        if p["stage"] in ("signed", "registered", "supplied")
        and p["agreed_start_on"]
        and day(p["agreed_start_on"]) < TODAY
    ]
    unsupplied = [
        p
        for p in active
        if p["stage"] in ("signed", "registered")
        and day(p["signed_on"]) < TODAY - dt.timedelta(days=CONFIG.signed_unsupplied_days)
    ]
    held = [
        c
        for c, parcel in parcels.items()
        if parcel["status"] == "reserved"
        and day(parcel["status_since"]) < TODAY - dt.timedelta(days=CONFIG.reservation_days)
    ]
    quiet = [p for p in active if last_follow_up(p) < TODAY - dt.timedelta(days=90)]

    assert late_start and unsupplied and held
    assert 3 <= len([p for p in quiet if NEW_LEAD.fullmatch(p["code"])]) <= 30


def test_land_projects_signed_in_2024_held_their_review_three_weeks_before_on_their_parcel(projects):
    reviewed = [p for p in projects if p.get("review")]
    signed_2024 = [
        p
        for p in projects
        if p.get("sites")
        and any(stage == "signed" and day.startswith("2024") for day, stage, _ in p["stages"])
    ]

    assert {p["code"] for p in reviewed} == {p["code"] for p in signed_2024} and len(reviewed) >= 10
    for p in reviewed:
        signed = next(dt.date.fromisoformat(day) for day, stage, _ in p["stages"] if stage == "signed")
        review = p["review"]
        assert dt.date.fromisoformat(review["held_on"]) == signed - dt.timedelta(days=21)
        assert review["site"] == p["sites"][0] and len(review["opinions"]) == 5
        assert (review["outcome"] == "conditional") == bool(review["outcome_note"])
    assert {p["review"]["outcome"] for p in reviewed} == {"passed", "conditional"}


def test_the_demo_loads_the_pipeline_on_both_databases(databases, backend, projects):
    url = databases.blank_url(backend)

    done = landstock("demo", url=url)

    assert done.returncode == 0, done.stderr
    db = Database(make_engine(url))
    with db.read() as session:
        names = dict(session.execute(select(User.id, User.name)).all())
        loaded = {p.code: p for p in session.scalars(select(Project))}
        follow_up_count = session.scalar(select(func.count()).select_from(FollowUp))
        leader_visits = session.scalars(select(FollowUp).where(FollowUp.kind == "leader_visit")).all()
        sites = session.scalar(select(func.count()).select_from(ProjectSite))
        marks = session.scalars(select(ProjectDuplicate)).all()
        twin = next(p for p in projects if p.get("duplicate_of"))
        found = duplicates.matching(
            session, twin["investor"], twin["credit_code"], exclude=loaded[twin["code"]].id
        )
        steps = timeline.steps(session, "XM-2026-001")
        held = {
            loaded_code: review
            for loaded_code, review in session.execute(
                select(Project.code, Review).join(Review, Review.project_id == Project.id)
            )
        }
    db.dispose()

    assert set(loaded) == {p["code"] for p in projects}
    for p in projects:
        row = loaded[p["code"]]
        assert row.stage == p["stage"] and names.get(row.officer_id) == p["officer"]
        assert names.get(row.leader_id) == p["leader"]
    assert follow_up_count == sum(len(p["follow_ups"]) for p in projects)
    assert leader_visits and all(names[f.leader_id] in ROLES for f in leader_visits)
    assert sites == sum(len(p.get("sites") or ()) for p in projects)
    assert len(marks) == sum(1 for p in projects if p.get("duplicate_of"))
    assert all(m.status == "open" for m in marks)
    assert twin["duplicate_of"] in [p.code for p in found]
    assert [s.to_stage for s in steps] == ["lead", "negotiating"] and steps[0].from_stage is None
    wanted = {p["code"]: p["review"] for p in projects if p.get("review")}
    assert set(held) == set(wanted)
    per_year = collections.Counter(r["held_on"][:4] for r in wanted.values())  # numbered by the year held
    assert sorted(r.number for r in held.values()) == sorted(
        f"会审〔{year}〕{n:03d}号" for year, count in per_year.items() for n in range(1, count + 1)
    )
    for code, review in held.items():
        assert review.held_on.isoformat() == wanted[code]["held_on"] and review.site == wanted[code]["site"]
        assert review.outcome == wanted[code]["outcome"] and len(review.opinions) == 5
        assert review.sheet["site"]["code"] == wanted[code]["site"]

"""Joint reviews as records on both databases: numbers per year given out race-free, the sheet
kept as it stood, outcomes by administrators only, the project's history, who reads them, and
the signing rule of the stage step that consults them."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from gis import history, localtime
from gis.access import Principal, Role, operator, readable_projects
from gis.errors import ConflictingWrite, Forbidden, InvalidInput, NotFound, VersionConflict
from gis.gateway import projects, stages
from gis.gateway import reviews as writes
from gis.matching.need import MatchConfig
from gis.matching.review import Planned, ReviewConfig
from gis.models import Area, Project, Review
from gis.pipeline import reviews
from gis.pipeline.config import PipelineConfig
from gis.pipeline.reviews import NewReview, Outcome
from gis.pipeline.stages import Stage

ADMIN = operator("审批管理员")
STAFF = Principal(id=0, name="招商甲", role=Role.INVESTMENT)
LEADER = Principal(id=0, name="领导甲", role=Role.LEADER)
PROJECT, SITE, OTHER_SITE = "XM-2026-001", "SMC-001", "KFQ-001+KFQ-002"
TODAY = localtime.today()
DAY = TODAY - dt.timedelta(days=15)


def hold(db, held_on=DAY, site=SITE, project=PROJECT, who=STAFF, config=None, **planned):
    """A new review, committed; its record."""
    new = NewReview(project, site, Planned(**planned), held_on)
    with db.write() as session:
        return writes.create(
            session, new, who=who, config=config or ReviewConfig(), match=MatchConfig(), today=TODAY
        )


def opine(db, number, opinions, who=STAFF, version=None, project=PROJECT):
    with db.write() as session:
        return writes.record_opinions(
            session, project, number, opinions, who=who, expected_version=version, today=TODAY
        )


def decide(db, number, outcome, note=None, who=ADMIN, version=None, project=PROJECT):
    with db.write() as session:
        return writes.decide(session, project, number, outcome, note, who=who, expected_version=version)


def read(db, number, who=None, project=PROJECT):
    with db.read() as session:
        visible = None if who is None else readable_projects(who, db.dialect)
        return reviews.get_review(session, project, number, visible=visible)


def count_reviews(db):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Review))


def test_numbers_run_from_one_each_year_of_the_meeting(sample_db):
    held = [dt.date(2025, 12, 30), dt.date(2026, 1, 5), dt.date(2025, 6, 1), dt.date(2026, 3, 1)]

    numbers = [hold(sample_db, day).number for day in held]

    assert numbers == ["会审〔2025〕001号", "会审〔2026〕001号", "会审〔2025〕002号", "会审〔2026〕002号"]
    assert read(sample_db, "2025-002").held_on == dt.date(2025, 6, 1)
    assert read(sample_db, "会审〔2026〕002号").slug == "2026-002"


def test_concurrent_creators_never_share_a_number(sample_db):
    creators, each = 8, 3
    start = threading.Barrier(creators)
    made, failed = [], []

    def create():
        start.wait()
        for _ in range(each):
            try:
                made.append(hold(sample_db).number)
            except Exception as exc:  # noqa: BLE001 - the test reports whatever a creator met
                failed.append(repr(exc))

    threads = [threading.Thread(target=create) for _ in range(creators)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failed == []
    assert sorted(made) == [f"会审〔{DAY.year}〕{n:03d}号" for n in range(1, creators * each + 1)]


def test_the_unique_number_is_the_last_guard(sample_db):
    first = hold(sample_db)
    with pytest.raises(ConflictingWrite), sample_db.write() as session:
        project_id = session.scalar(select(Project.id).where(Project.code == PROJECT))
        session.add(
            Review(
                number=first.number,
                project_id=project_id,
                site=SITE,
                held_on=TODAY,
                planned={},
                sheet={},
                opinions={},
                outcome="pending",
                created_by="x",
            )
        )
        session.flush()


def test_the_sheet_is_kept_as_it_stood_when_thresholds_and_the_project_change(sample_db):
    record = hold(sample_db, plot_ratio=1.0)
    with sample_db.write() as session:  # the project changes later, through the gateway
        projects.update(session, PROJECT, {"fixed_investment_wan": 1, "name": "改名后的项目"}, who=ADMIN)

    stricter = ReviewConfig(output_per_mu_min=99999, building_coefficient_city=99)
    later = hold(sample_db, config=stricter, plot_ratio=1.0)
    again = read(sample_db, record.number)

    assert again.sheet == record.sheet and again.planned == Planned(plot_ratio=1.0)
    assert again.sheet.project["name"] == "创新药CDMO生产基地"
    assert later.sheet.project["name"] == "改名后的项目"
    rows, later_rows = ({r.name: r for r in r_.sheet.rows} for r_ in (again, later))
    assert rows["output_per_mu"].city.value == 400 and later_rows["output_per_mu"].city.value == 99999
    assert rows["investment_intensity"].value != later_rows["investment_intensity"].value


def test_a_review_starts_pending_dated_and_by_its_creator(sample_db):
    record = hold(sample_db, site="KFQ-002+KFQ-001+KFQ-002")

    assert record.outcome is Outcome.PENDING and record.created_by == STAFF.name
    assert record.site == "KFQ-002+KFQ-001" and record.held_on == DAY
    assert record.opinions == {} and record.version == 1


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"held_on": TODAY + dt.timedelta(days=1)}, "review.error.future"),
        ({"site": "NO-SUCH"}, "error.not_found"),
        ({"project": "XM-NO-SUCH"}, "error.not_found"),
        ({"plot_ratio": 25.0}, "fields.out_of_range"),
        ({"site": "KFQ-001+" * 60 + "KFQ-002"}, "fields.too_long"),
        ({"who": LEADER}, "error.forbidden"),
    ],
)
def test_what_cannot_be_held_is_refused_and_nothing_is_written(sample_db, kwargs, error):
    before = count_reviews(sample_db)  # the sample's own

    with pytest.raises((InvalidInput, NotFound, Forbidden)) as refused:
        hold(sample_db, **kwargs)

    assert refused.value.key == error
    assert count_reviews(sample_db) == before


def test_staff_enter_opinions_and_only_an_administrator_decides(sample_db):
    number = hold(sample_db).number
    opinion = {"opinion": "符合产业政策", "signatory": "王某", "signed_on": DAY}

    entered = opine(sample_db, number, {"development_reform": opinion})
    for who in (STAFF, LEADER):
        with pytest.raises(Forbidden):
            decide(sample_db, number, "passed", who=who)
    with pytest.raises(Forbidden):
        opine(sample_db, number, {"commerce": {"opinion": "同意"}}, who=LEADER)
    unchanged = read(sample_db, number)
    with pytest.raises(InvalidInput, match="needs a note"):
        decide(sample_db, number, "conditional")
    decided = decide(sample_db, number, "conditional", "容积率提高到 1.2")
    with pytest.raises(Forbidden) as closed:
        opine(sample_db, number, {"commerce": {"opinion": "同意"}})
    corrected = opine(sample_db, number, {"commerce": {"opinion": "同意"}}, who=ADMIN)

    assert entered.opinions[reviews.Department.DEVELOPMENT_REFORM] == reviews.Opinion(
        "符合产业政策", "王某", DAY
    )
    assert unchanged == entered and unchanged.outcome is Outcome.PENDING and unchanged.version == 2
    assert decided.outcome is Outcome.CONDITIONAL and decided.decided_by == ADMIN.name
    assert decided.outcome_note == "容积率提高到 1.2" and decided.decided_at is not None
    assert closed.value.key == "review.error.decided"
    assert list(corrected.opinions) == [reviews.Department.DEVELOPMENT_REFORM, reviews.Department.COMMERCE]
    assert read(sample_db, number).version == corrected.version == 4


@pytest.mark.parametrize(
    "opinions",
    [
        {"police": {"opinion": "同意"}},
        {"commerce": {"stamp": "x"}},
        {"commerce": "同意"},
        {"commerce": {"opinion": "a\u202eb"}},
        {"commerce": {"signatory": "长" * 101}},
        {"commerce": {"signed_on": TODAY + dt.timedelta(days=1)}},
        {"commerce": {"signed_on": "2026-11-20"}},
        "同意",
    ],
)
def test_opinions_a_review_cannot_hold_are_refused_and_nothing_changes(sample_db, opinions):
    number = hold(sample_db).number

    with pytest.raises(InvalidInput):
        opine(sample_db, number, opinions)

    assert read(sample_db, number).version == 1


@pytest.mark.parametrize(("outcome", "note"), [("approved", None), ("failed", "  "), ("passed", "a\u202eb")])
def test_outcomes_a_review_cannot_hold_are_refused_and_nothing_changes(sample_db, outcome, note):
    number = hold(sample_db).number

    with pytest.raises(InvalidInput):
        decide(sample_db, number, outcome, note)

    assert read(sample_db, number).version == 1


def test_a_review_is_found_only_under_its_own_project(sample_db):
    number = hold(sample_db).number

    with pytest.raises(NotFound):
        read(sample_db, number, project="XM-2026-002")
    with pytest.raises(NotFound):
        decide(sample_db, number, "passed", project="XM-2026-002")
    assert read(sample_db, number).outcome is Outcome.PENDING


def test_a_stale_change_names_who_changed_the_review_first(sample_db):
    number = hold(sample_db).number
    opine(sample_db, number, {"commerce": {"opinion": "同意"}}, version=1)

    with pytest.raises(VersionConflict) as stale:
        decide(sample_db, number, "passed", version=1)

    assert stale.value.params["by"] == STAFF.name and stale.value.params["current"] == 2


def test_every_change_is_in_the_projects_history(sample_db):
    number = hold(sample_db, office_share=5.0).number
    opine(sample_db, number, {"commerce": {"opinion": "同意", "signatory": "李某"}})
    opine(sample_db, number, {"commerce": {"signatory": None}})
    decide(sample_db, number, "failed", "亩均税收不足")

    with sample_db.read() as session:
        entries = history.changes_of(session, "project", PROJECT)
    key = f"review.{number}."
    mine = [e for e in entries if any(k.startswith(key) for k in e.changes)]

    assert [e.actor for e in mine] == [STAFF.name, STAFF.name, STAFF.name, ADMIN.name]
    assert all(e.action == "update" for e in mine)
    assert mine[0].changes[key + "site"] == [None, SITE] and mine[0].changes[key + "office_share"] == [
        None,
        5.0,
    ]
    assert mine[0].changes[key + "outcome"] == [None, "pending"]
    assert mine[1].changes == {
        key + "commerce.opinion": [None, "同意"],
        key + "commerce.signatory": [None, "李某"],
    }
    assert mine[2].changes == {key + "commerce.signatory": ["李某", None]}
    assert mine[3].changes == {
        key + "outcome": ["pending", "failed"],
        key + "outcome_note": [None, "亩均税收不足"],
    }


def test_a_review_is_read_by_those_who_may_read_its_project(sample_db):
    number = hold(sample_db).number  # XM-2026-001 prefers P03
    with sample_db.read() as session:
        ids = dict(session.execute(select(Area.code, Area.id).where(Area.code.in_(["P02", "P03"]))).all())
    own = Principal(id=1, name="smc", role=Role.PARK_MANAGER, area_ids=frozenset({ids["P03"]}))
    other = Principal(id=2, name="gxq", role=Role.PARK_MANAGER, area_ids=frozenset({ids["P02"]}))

    assert read(sample_db, number, who=own).number == number
    assert read(sample_db, number, who=LEADER).number == number
    with pytest.raises(NotFound):
        read(sample_db, number, who=other)
    with sample_db.read() as session:
        assert reviews.reviews_of(session, PROJECT, visible=readable_projects(other, sample_db.dialect)) == []
        assert [r.number for r in reviews.reviews_of(session, PROJECT)] == [number]


# --- the signing rule: a land project signs after a review passed it --------------------------

LAND_PROJECT = "XM-T-REV"


def land_project(db):
    """A land project in negotiation, its step dated well back."""
    values = {
        "code": LAND_PROJECT,
        "name": "会审测试项目",
        "industry_code": "27",
        "investor": "岚屿会审测试有限公司",
        "land_min_mu": 20,
        "land_max_mu": 80,
        "fixed_investment_wan": 30000,
        "annual_output_wan": 40000,
        "annual_tax_wan": 2000,
        "stage": "negotiating",
        "stage_since": TODAY - dt.timedelta(days=60),
    }
    with db.write() as session:
        projects.create(session, values, who=ADMIN)


def sign(db, required=True):
    with db.write() as session:
        return stages.step(
            session,
            LAND_PROJECT,
            stages.Move(Stage.SIGNED, TODAY),
            who=ADMIN,
            config=PipelineConfig(review_before_signing=required),
        )


def stage_of(db):
    with db.read() as session:
        return session.scalar(select(Project.stage).where(Project.code == LAND_PROJECT))


def test_a_land_project_signs_only_after_a_review_passed_it(sample_db):
    land_project(sample_db)
    with pytest.raises(InvalidInput) as none_held:
        sign(sample_db)
    first = hold(sample_db, project=LAND_PROJECT).number
    second = hold(sample_db, project=LAND_PROJECT).number
    decide(sample_db, second, "failed", "亩均税收不足", project=LAND_PROJECT)
    with pytest.raises(InvalidInput) as none_passed:
        sign(sample_db)
    refused_stage = stage_of(sample_db)
    decide(sample_db, first, "conditional", "补充环评", project=LAND_PROJECT)
    sign(sample_db)

    assert none_held.value.key == "pipeline.stage.needs_review"
    assert "尚无联合会审记录" in none_held.value.message("zh") and LAND_PROJECT in none_held.value.message(
        "zh"
    )
    assert f"{first}：待定" in none_passed.value.message(
        "zh"
    ) and f"{second}：不通过" in none_passed.value.message("zh")
    assert refused_stage == "negotiating" and stage_of(sample_db) == "signed"


def test_without_the_rule_a_land_project_signs_without_a_review(sample_db):
    before = count_reviews(sample_db)  # the sample's own
    land_project(sample_db)

    sign(sample_db, required=False)

    assert stage_of(sample_db) == "signed" and count_reviews(sample_db) == before

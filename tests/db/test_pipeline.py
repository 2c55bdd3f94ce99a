"""The pipeline's writes on both databases: entering leads (credit codes, references, duplicates),
steps with their dates and the sites they move, who may do which, follow-ups and merges."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from gis import localtime
from gis.access import Principal, Role, operator
from gis.errors import Forbidden, IllegalTransition, InvalidInput
from gis.gateway import follow_ups, projects, stages
from gis.history import changes_of, status_events
from gis.models import (
    Area,
    FollowUp,
    Parcel,
    Project,
    ProjectDuplicate,
    ProjectSite,
    ProjectStageEvent,
    Review,
    StatusEvent,
)
from gis.pipeline import duplicates
from gis.pipeline.config import PipelineConfig
from gis.pipeline.stages import Stage
from tests.conftest import OPERATOR, TEST_PASSWORD

ADMIN = operator("管理员")
STAFF = Principal(id=91, name="招商员", role=Role.INVESTMENT)
RULES = PipelineConfig()
TODAY = localtime.today()


def lead(db, code="XM-T-001", who=ADMIN, **extra):
    values = {
        "code": code,
        "name": "测试项目",
        "industry_code": "27",
        "investor": "岚屿测试生物科技有限公司",
        "land_min_mu": 30,
        "land_max_mu": 45,
        "stage_since": TODAY - dt.timedelta(days=90),
        **extra,
    }
    with db.write() as session:
        return projects.create(session, values, who=who)


def move(db, code, target, who=ADMIN, days_ago=0, **extra):
    with db.write() as session:
        return stages.step(
            session,
            code,
            stages.Move(Stage(target), TODAY - dt.timedelta(days=days_ago), **extra),
            who=who,
            config=RULES,
        )


def steps_of(db, code):
    with db.read() as session:
        return [
            (e.from_stage, e.to_stage)
            for e in session.scalars(
                select(ProjectStageEvent)
                .join(Project)
                .where(Project.code == code)
                .order_by(ProjectStageEvent.day, ProjectStageEvent.id)
            )
        ]


def available(db, park="P01"):
    with db.read() as session:
        return session.scalar(
            select(Parcel.code)
            .join(Area, Area.id == Parcel.park_id)
            .where(Area.code == park, Parcel.status == "available", Parcel.deleted_at.is_(None))
            .order_by(Parcel.code)
        )


def approve(db, code):
    with db.write() as session:
        project = session.scalar(select(Project).where(Project.code == code))
        session.add(
            Review(
                number=f"会审〔2026〕{project.id:03d}号",
                project_id=project.id,
                site="-",
                held_on=TODAY,
                outcome="passed",
                created_by="测试",
            )
        )


def test_a_lead_is_entered_with_its_investor_checked_and_its_first_step(sample_db):
    created = lead(sample_db, credit_code="9135 0100 m000 100y43", source_unit="SH", platform="P03")

    with sample_db.read() as session:
        project = session.scalar(select(Project).where(Project.code == "XM-T-001"))
    assert created["stage"] == "lead" and created["source_unit_name"] == "驻上海招商分局"
    assert created["platform"] == "P03" and project.credit_code == "91350100M000100Y43"
    assert project.investor_key == "岚屿测试生物科技"
    assert steps_of(sample_db, "XM-T-001") == [(None, "lead")]


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ({"credit_code": "91350100M000100Y44"}, "pipeline.credit.check"),
        ({"source_unit": "NOWHERE"}, "pipeline.unknown_unit"),
        ({"leader": "nobody"}, "pipeline.person"),
        ({"project_type": "mining"}, "error.invalid_input"),
        ({"stage": "dropped"}, "error.invalid_input"),
        ({"stage_since": TODAY + dt.timedelta(days=3), "stage": "negotiating"}, "pipeline.stage.date"),
    ],
)
def test_what_a_lead_may_not_carry_is_refused_and_nothing_written(sample_db, extra, key):
    with sample_db.read() as session:
        before = session.scalar(select(func.count()).select_from(Project))

    with pytest.raises(InvalidInput) as caught:
        lead(sample_db, **extra)

    assert caught.value.key == key
    with sample_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Project)) == before


def test_the_same_investor_entered_twice_is_marked_for_the_bureau(sample_db):
    lead(sample_db, "XM-T-001", source_unit="SH")

    second = lead(sample_db, "XM-T-002", investor="上海岚屿测试生物科技股份有限公司", source_unit="P03")
    by_code = lead(sample_db, "XM-T-003", investor="全然不同有限公司", credit_code="91350100M000100Y43")
    same_code = lead(sample_db, "XM-T-004", investor="另一个名字有限公司", credit_code="91350100M000100Y43")

    assert [d["code"] for d in second["possible_duplicates"]] == ["XM-T-001"]
    assert by_code["possible_duplicates"] == []
    assert [d["code"] for d in same_code["possible_duplicates"]] == ["XM-T-003"]
    with sample_db.read() as session:  # the sample's own marks aside
        ours = select(Project.id).where(Project.code.like("XM-T-%"))
        assert (
            session.scalar(
                select(func.count())
                .select_from(ProjectDuplicate)
                .where(ProjectDuplicate.project_id.in_(ours))
            )
            == 2
        )


def test_a_project_walks_the_pipeline_and_takes_its_parcel_with_it(sample_db):
    parcel = available(sample_db)
    lead(sample_db)
    approve(sample_db, "XM-T-001")

    for target, days in (("negotiating", 60), ("signed", 40), ("registered", 30)):
        move(sample_db, "XM-T-001", target, days_ago=days)
    move(sample_db, "XM-T-001", "supplied", days_ago=20, sites=[parcel])
    move(sample_db, "XM-T-001", "started", days_ago=10)

    with sample_db.read() as session:
        project = session.scalar(select(Project).where(Project.code == "XM-T-001"))
        site = session.scalar(select(Parcel).where(Parcel.code == parcel))
        events = status_events(session, "parcel", parcel)
        linked = session.scalars(select(ProjectSite).where(ProjectSite.project_id == project.id)).all()
        history = changes_of(session, "project", "XM-T-001")
    assert project.stage == "started" and project.signed_on == TODAY - dt.timedelta(days=40)
    assert site.status == "under_construction" and site.reserved_project_id == project.id
    assert [(e.from_status, e.to_status) for e in events][-4:] == [
        ("available", "reserved"),
        ("reserved", "signed"),
        ("signed", "supplied"),
        ("supplied", "under_construction"),
    ]
    assert all(e.project_id == project.id for e in events[-4:])
    assert [s.role for s in linked] == ["supplied"]
    assert [h.changes["stage"] for h in history[1:]] == [
        ["lead", "negotiating"],
        ["negotiating", "signed"],
        ["signed", "registered"],
        ["registered", "supplied"],
        ["supplied", "started"],
    ]


def test_a_land_project_signs_after_its_review_and_is_supplied_with_a_site(sample_db):
    lead(sample_db)
    move(sample_db, "XM-T-001", "negotiating")

    with pytest.raises(InvalidInput) as no_review:
        move(sample_db, "XM-T-001", "signed")
    approve(sample_db, "XM-T-001")
    move(sample_db, "XM-T-001", "signed")
    move(sample_db, "XM-T-001", "registered")
    with pytest.raises(InvalidInput) as no_site:
        move(sample_db, "XM-T-001", "supplied")

    assert no_review.value.key == "pipeline.stage.needs_review"
    assert no_site.value.key == "pipeline.stage.needs_site"
    assert steps_of(sample_db, "XM-T-001")[-1] == ("signed", "registered")


def test_steps_are_one_at_a_time_dated_in_order_and_dropped_with_a_reason(sample_db):
    lead(sample_db)
    move(sample_db, "XM-T-001", "negotiating", days_ago=5)

    with pytest.raises(IllegalTransition):
        move(sample_db, "XM-T-001", "registered")
    with pytest.raises(InvalidInput):
        move(sample_db, "XM-T-001", "on_hold", days_ago=9)  # before the last step
    with pytest.raises(InvalidInput):
        move(sample_db, "XM-T-001", "dropped")
    move(sample_db, "XM-T-001", "on_hold", days_ago=3, note="投资方调整计划")
    move(sample_db, "XM-T-001", "negotiating", days_ago=1)
    move(sample_db, "XM-T-001", "dropped", note="投资方另选他地")

    assert steps_of(sample_db, "XM-T-001") == [
        (None, "lead"),
        ("lead", "negotiating"),
        ("negotiating", "on_hold"),
        ("on_hold", "negotiating"),
        ("negotiating", "dropped"),
    ]


def test_a_supply_needs_rights_over_the_site_as_well_or_nothing_moves(sample_db):
    parcel = available(sample_db)
    lead(sample_db)
    approve(sample_db, "XM-T-001")
    for target in ("negotiating", "signed", "registered"):
        move(sample_db, "XM-T-001", target)
    with sample_db.read() as session:
        parcel_events = session.scalar(select(func.count()).select_from(StatusEvent))

    with pytest.raises(Forbidden):
        move(
            sample_db, "XM-T-001", "supplied", who=STAFF, sites=[parcel]
        )  # staff reserve, they do not sign land
    with pytest.raises(Forbidden):
        move(
            sample_db,
            "XM-T-001",
            "supplied",
            who=Principal(id=5, name="园区", role=Role.PARK_MANAGER, area_ids=frozenset({13})),
            sites=[parcel],
        )

    with sample_db.read() as session:
        assert session.scalar(select(Project.stage).where(Project.code == "XM-T-001")) == "registered"
        assert session.scalar(select(Parcel.status).where(Parcel.code == parcel)) == "available"
        assert session.scalar(select(func.count()).select_from(StatusEvent)) == parcel_events


def test_a_site_held_for_another_project_is_not_supplied(sample_db):
    with sample_db.read() as session:
        held = session.scalar(select(Parcel.code).where(Parcel.status == "signed").order_by(Parcel.code))
    lead(sample_db, land_min_mu=None, land_max_mu=None)
    for target in ("negotiating", "signed", "registered"):
        move(sample_db, "XM-T-001", target)

    with pytest.raises(InvalidInput) as caught:
        move(sample_db, "XM-T-001", "supplied", sites=[held])

    assert caught.value.key == "pipeline.site_taken"


def test_follow_ups_are_dated_name_their_leader_and_are_withdrawn_by_their_author(sample_db):
    lead(sample_db)
    with sample_db.write() as session:
        from gis import accounts

        accounts.create_user(session, OPERATOR, "市长", "leader", TEST_PASSWORD)
        visit = follow_ups.add(
            session,
            "XM-T-001",
            {"day": TODAY, "kind": "leader_visit", "leader": "市长", "place": "上海", "outcome": "达成意向"},
            who=STAFF,
        )
    for values in (
        {"day": TODAY, "kind": "leader_visit", "leader": "管理员"},
        {"day": TODAY + dt.timedelta(days=1), "kind": "call"},
        {"day": TODAY, "kind": "dinner"},
        {"day": TODAY, "kind": "call", "outcome": "a\u202eb"},
    ):
        with pytest.raises(InvalidInput), sample_db.write() as session:
            follow_ups.add(session, "XM-T-001", values, who=STAFF)

    with pytest.raises(Forbidden), sample_db.write() as session:
        follow_ups.withdraw(
            session, "XM-T-001", visit.id, who=Principal(id=92, name="别人", role=Role.INVESTMENT)
        )
    with sample_db.write() as session:
        follow_ups.withdraw(session, "XM-T-001", visit.id, who=STAFF)
    with sample_db.read() as session:
        kept = session.get(FollowUp, visit.id)
        assert kept.leader_id is not None and kept.deleted_at is not None


def test_a_stage_is_not_edited_as_a_field(sample_db):
    lead(sample_db)

    with pytest.raises(InvalidInput) as caught, sample_db.write() as session:
        projects.update(session, "XM-T-001", {"stage": "signed"}, who=ADMIN)

    assert caught.value.key == "error.read_only_field"


def test_an_administrator_merges_a_duplicate_keeping_both_histories(sample_db):
    lead(sample_db, "XM-T-001", source_unit="SH")
    lead(sample_db, "XM-T-002", investor="岚屿测试生物科技（中国）有限公司", source_unit="P03")
    with sample_db.write() as session:
        follow_ups.add(
            session, "XM-T-002", {"day": TODAY, "kind": "call", "outcome": "投资方确认"}, who=STAFF
        )

    with pytest.raises(Forbidden), sample_db.write() as session:
        duplicates.merge(session, "XM-T-002", "XM-T-001", who=STAFF)
    with sample_db.write() as session:
        duplicates.merge(session, "XM-T-002", "XM-T-001", who=ADMIN)

    with sample_db.read() as session:
        kept = session.scalar(select(Project).where(Project.code == "XM-T-001"))
        gone = session.scalar(select(Project).where(Project.code == "XM-T-002"))
        status = session.scalar(select(ProjectDuplicate.status).where(ProjectDuplicate.project_id == kept.id))
        assert [h.action for h in changes_of(session, "project", "XM-T-002")] == ["create", "delete"]
        assert "XM-T-002" in changes_of(session, "project", "XM-T-001")[-1].changes["remarks"][1]
    assert gone.merged_into_id == kept.id and gone.deleted_at is not None and status == "merged"
    with sample_db.read() as session:
        from gis.pipeline import timeline

        assert [f["outcome"] for f in timeline.follow_ups(session, "XM-T-001")] == ["投资方确认"]

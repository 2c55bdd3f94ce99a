"""The pipeline's stage table: one step at a time, dropped with a reason, on hold and back,
dated, a supply with its site, a signing after its review."""

import datetime as dt

import pytest

from gis.errors import IllegalTransition, InvalidInput
from gis.pipeline.stages import FORWARD, Stage, Step, allowed, check_step, stage_of

TODAY = dt.date(2026, 12, 5)


def step(current, target, **extra):
    return Step("XM-1", Stage(current), Stage(target), extra.pop("on", TODAY), **extra)


@pytest.mark.parametrize(("current", "target"), list(zip(FORWARD, FORWARD[1:], strict=False)))
def test_each_stage_leads_to_the_next(current, target):
    check_step(step(current, target, sites=True, review_passed=True), TODAY)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("lead", "signed"),
        ("negotiating", "registered"),
        ("signed", "negotiating"),
        ("producing", "dropped"),
        ("dropped", "negotiating"),
        ("started", "started"),
    ],
)
def test_no_step_is_skipped_taken_back_or_taken_after_the_end(current, target):
    with pytest.raises(IllegalTransition) as caught:
        check_step(step(current, target), TODAY)
    assert caught.value.key == "pipeline.stage.illegal"


def test_the_refusal_names_the_steps_that_are_allowed():
    with pytest.raises(IllegalTransition) as caught:
        check_step(step("signed", "started"), TODAY)

    assert "注册" in caught.value.message("zh") and "终止" in caught.value.message("zh")


def test_a_project_is_dropped_with_a_reason_only():
    with pytest.raises(InvalidInput):
        check_step(step("negotiating", "dropped", reason="  "), TODAY)
    check_step(step("negotiating", "dropped", reason="投资方撤回"), TODAY)


def test_on_hold_returns_to_where_it_was_held_and_nowhere_else():
    assert allowed(Stage.ON_HOLD, Stage.SIGNED) == [Stage.SIGNED]
    check_step(step("on_hold", "signed", held_at=Stage.SIGNED), TODAY)
    with pytest.raises(IllegalTransition):
        check_step(step("on_hold", "registered", held_at=Stage.SIGNED), TODAY)
    assert all(Stage.ON_HOLD in allowed(s) and Stage.DROPPED in allowed(s) for s in FORWARD[:-1])


def test_a_step_is_dated_on_or_after_the_last_and_not_in_the_future():
    check_step(step("signed", "registered", on=dt.date(2026, 3, 1), last_on=dt.date(2026, 3, 1)), TODAY)
    for on, last in ((TODAY + dt.timedelta(days=1), None), (dt.date(2026, 2, 28), dt.date(2026, 3, 1))):
        with pytest.raises(InvalidInput) as caught:
            check_step(step("signed", "registered", on=on, last_on=last), TODAY)
        assert caught.value.key == "pipeline.stage.date"


def test_a_land_project_is_supplied_with_its_site_and_signs_after_its_review():
    with pytest.raises(InvalidInput) as no_site:
        check_step(step("registered", "supplied", needs_site=True), TODAY)
    with pytest.raises(InvalidInput) as no_review:
        check_step(step("negotiating", "signed", needs_site=True, review_required=True), TODAY)

    assert no_site.value.key == "pipeline.stage.needs_site"
    assert no_review.value.key == "pipeline.stage.needs_review"
    check_step(step("registered", "supplied", needs_site=True, sites=True), TODAY)
    check_step(
        step("negotiating", "signed", needs_site=True, review_required=True, review_passed=True), TODAY
    )
    check_step(step("negotiating", "signed", needs_site=True, review_required=False), TODAY)


def test_stages_of_earlier_releases_read_by_their_new_name():
    assert stage_of("landed") == Stage.SUPPLIED and stage_of("signed") == Stage.SIGNED


def test_key_project_tiers_follow_total_or_foreign_investment():
    from gis.pipeline.config import PipelineConfig, Tier

    config = PipelineConfig()
    assert config.tier(100_000, None) == Tier.MAJOR and config.tier(5_000, 10_000) == Tier.MAJOR
    assert config.tier(10_000, None) == Tier.LARGE and config.tier(None, 1_500) == Tier.LARGE
    assert config.tier(9_999, 1_499) is None and config.tier(None, None) is None


def test_a_refused_signing_names_the_reviews_on_record_or_their_absence():
    held = (("会审〔2026〕003号", "pending"), ("会审〔2026〕004号", "failed"))
    with pytest.raises(InvalidInput) as none_held:
        check_step(step("negotiating", "signed", needs_site=True, review_required=True), TODAY)
    with pytest.raises(InvalidInput) as none_passed:
        check_step(
            step("negotiating", "signed", needs_site=True, review_required=True, reviews_held=held), TODAY
        )

    assert "尚无联合会审记录" in none_held.value.message("zh")
    assert "会审〔2026〕003号：待定、会审〔2026〕004号：不通过" in none_passed.value.message("zh")
    assert "会审〔2026〕004号: failed" in none_passed.value.message("en")

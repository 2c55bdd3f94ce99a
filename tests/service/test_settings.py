"""Settings state no default of their own where the domain has one: unset, each gives gis/ back
exactly the domain dataclass's defaults."""

import dataclasses
import datetime as dt
import os

import pytest

from gis.database import BUSY_TIMEOUT_MS
from gis.io.limits import ImportLimits
from gis.matching.criteria import Weights
from gis.matching.lead import LeadConfig
from gis.matching.need import MatchConfig
from gis.matching.review import ReviewConfig
from gis.pipeline.config import PipelineConfig
from gis.signin import Throttle
from service.settings import (
    AppSettings,
    AuthSettings,
    DatabaseSettings,
    ImportSettings,
    LeadSettings,
    MatchSettings,
    PipelineSettings,
    ReviewSettings,
    Settings,
)


@pytest.fixture
def unset(monkeypatch):
    """Settings as a fresh install reads them: no LANDSTOCK_ variable, no .env file."""
    for name in [n for n in os.environ if n.startswith("LANDSTOCK_")]:
        monkeypatch.delenv(name)
    return Settings(
        database=DatabaseSettings(_env_file=None),
        app=AppSettings(_env_file=None),
        auth=AuthSettings(_env_file=None),
        imports=ImportSettings(_env_file=None),
        match=MatchSettings(_env_file=None),
        review=ReviewSettings(_env_file=None),
        pipeline=PipelineSettings(_env_file=None),
        lead=LeadSettings(_env_file=None),
    )


def test_unset_settings_give_the_domain_its_own_defaults(unset):
    assert unset.match_config() == dataclasses.replace(MatchConfig(), weights=Weights())
    assert unset.review_config() == ReviewConfig()
    assert unset.imports.limits() == ImportLimits()
    assert unset.database.busy_timeout_ms == BUSY_TIMEOUT_MS
    assert unset.pipeline.config() == PipelineConfig()
    assert unset.lead.config() == LeadConfig()
    auth = unset.auth
    assert (
        Throttle(
            auth.max_failures_per_name,
            auth.max_failures_per_address,
            dt.timedelta(minutes=auth.failure_window_minutes),
        )
        == Throttle()
    )


def test_the_land_need_is_derived_with_the_review_threshold(unset, monkeypatch):
    # one number: the 投资强度 minimum of the review divides a project's investment into its land
    assert ReviewConfig().investment_intensity_min == MatchConfig().investment_intensity_wan_per_mu
    monkeypatch.setenv("LANDSTOCK_REVIEW_INVESTMENT_INTENSITY_MIN", "350")

    changed = dataclasses.replace(unset, review=ReviewSettings(_env_file=None))

    assert changed.match_config().investment_intensity_wan_per_mu == 350.0


@pytest.mark.usefixtures("unset")
def test_scorecard_weights_that_put_a_signing_above_a_start_stop_start_up(monkeypatch):
    monkeypatch.setenv("LANDSTOCK_PIPELINE_WEIGHT_SIGNED", "8")

    with pytest.raises(ValueError, match="start above a supply"):
        PipelineSettings(_env_file=None)


@pytest.mark.usefixtures("unset")
def test_key_industries_and_platforms_are_json_lists(monkeypatch):
    monkeypatch.setenv("LANDSTOCK_PIPELINE_KEY_INDUSTRIES", '["39", "27"]')
    monkeypatch.setenv("LANDSTOCK_PIPELINE_KEY_PLATFORMS", '["P01"]')

    config = PipelineSettings(_env_file=None).config()

    assert (config.key_industries, config.key_platforms) == (("39", "27"), ("P01",))


@pytest.mark.usefixtures("unset")
def test_the_alerts_days_and_years_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LANDSTOCK_PIPELINE_RESERVATION_DAYS", "60")
    monkeypatch.setenv("LANDSTOCK_PIPELINE_IDLE_FEE_YEARS", "2")
    monkeypatch.setenv("LANDSTOCK_PIPELINE_IDLE_RECLAIM_YEARS", "3")

    config = PipelineSettings(_env_file=None).config()

    assert (config.reservation_days, config.idle_fee_years, config.idle_reclaim_years) == (60, 2, 3)
    monkeypatch.setenv("LANDSTOCK_PIPELINE_IDLE_RECLAIM_YEARS", "2")
    with pytest.raises(ValueError, match="IDLE_RECLAIM_YEARS must exceed"):
        PipelineSettings(_env_file=None)


def test_a_leads_dollar_rate_and_near_distance_come_from_the_environment(unset, monkeypatch):
    monkeypatch.setenv("LANDSTOCK_USD_CNY", "7.25")
    monkeypatch.setenv("LANDSTOCK_LEAD_NEAR_KM", "5")

    lead = dataclasses.replace(unset, lead=LeadSettings(_env_file=None)).lead.config()

    assert (lead.usd_cny, lead.near_km, lead.about_share) == (7.25, 5.0, LeadConfig().about_share)

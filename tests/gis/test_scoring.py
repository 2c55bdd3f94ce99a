"""The score: fixed-scale normalisation, weights, and the properties the ranking relies on."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gis.matching import scoring
from gis.matching.criteria import Weights, weighted
from gis.matching.need import MatchConfig

CONFIG = MatchConfig()
unit = st.floats(0, 1, allow_nan=False)


def test_area_fit_is_one_at_the_minimum_and_falls_with_waste():
    fit = scoring.area_fit([50, 60, 100], 50)

    assert fit == pytest.approx([1.0, 50 / 60, 0.5])


def test_distance_price_idle_and_class_scales():
    assert scoring.distance_fit([0, 15, 30, 45, np.nan], 30) == pytest.approx([1, 0.5, 0, 0, 0])
    assert scoring.price_fit([10, 32.5, 60, np.nan], 15, 50) == pytest.approx([1, 0.5, 0, 0.5])
    assert scoring.idle_fit([0, 2.5, 9, np.nan], 5) == pytest.approx([0, 0.5, 1, 0])
    assert scoring.class_fit([2, 3], 2) == pytest.approx([1.0, 0.5])
    assert scoring.class_fit([1, 2, 3], 1) == pytest.approx([1.0, 0.5, 0.0])
    assert scoring.industry_fit([True, False], [5, 1], 5) == pytest.approx([1.0, 0.08])


def test_weights_are_normalised_over_the_criteria_that_apply_and_contributions_add_up():
    values = {name: np.array([1.0, 0.5]) for name in ("area_fit", "readiness", "price", "class_fit")}

    parcel = weighted(values, CONFIG, "parcel")
    factory = weighted(values, CONFIG, "factory")

    assert sum(parcel.weights.values()) == pytest.approx(100)
    assert parcel.total == pytest.approx([100, 50])
    assert set(factory.weights) == {"area_fit", "price"}  # a factory has no readiness or land class
    assert factory.weights["area_fit"] == pytest.approx(100 * 20 / 28)
    assert np.sum([c for c in parcel.contributions.values()], axis=0) == pytest.approx(parcel.total)


def test_ties_are_broken_by_code():
    assert scoring.ranking(np.array([50.001, 70, 50.0]), ["B", "C", "A"]) == [1, 2, 0]


criteria = st.fixed_dictionaries(
    {name: unit for name in ("area_fit", "industry_fit", "readiness", "price", "priority", "idle", "port")}
)


@settings(max_examples=60, deadline=None)
@given(st.lists(criteria, min_size=1, max_size=8), st.data())
def test_adding_a_better_site_takes_the_lead_and_changes_no_other_score(sites, data):
    best = scoring.ranking(
        weighted(_columns(sites), CONFIG, "parcel").total, [f"S{i:02d}" for i in range(len(sites))]
    )[0]
    better = {k: data.draw(st.floats(v, 1, allow_nan=False)) for k, v in sites[best].items()}
    before = weighted(_columns(sites), CONFIG, "parcel").total
    after = weighted(_columns([*sites, better]), CONFIG, "parcel").total

    assert after[:-1] == pytest.approx(before)
    assert after[-1] >= before[best] - 1e-9
    order = scoring.ranking(after, [f"S{i:02d}" for i in range(len(sites))] + ["S00-new"])
    assert after[order[0]] >= after[best] - 1e-9


@settings(max_examples=60, deadline=None)
@given(st.floats(1, 500), st.floats(1, 500), st.floats(1, 100))
def test_score_is_monotonic_in_area_fit(area_a, area_b, need):
    low, high = sorted((max(area_a, need), max(area_b, need)))
    fit = scoring.area_fit([low, high], need)
    total = weighted({"area_fit": fit, "price": np.array([0.3, 0.3])}, CONFIG, "parcel").total

    assert fit[0] >= fit[1] and total[0] >= total[1]


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 100), st.floats(0, 100), st.sampled_from(["port", "highway_exit", "rail_station"]))
def test_score_is_monotonic_in_distance(km_a, km_b, kind):
    near, far = sorted((km_a, km_b))
    values = {kind: scoring.distance_fit([near, far], 30), "area_fit": np.array([0.7, 0.7])}
    total = weighted(values, MatchConfig(weights=Weights()), "parcel").total

    assert total[0] >= total[1]


def _columns(sites):
    return {k: np.array([s[k] for s in sites]) for k in sites[0]}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=0, max_size=40), st.integers(1, 10))
def test_top_is_the_head_of_the_ranking(scores, n):
    codes = [f"C{i % 7}-{i:02d}" for i in range(len(scores))]

    assert scoring.top(np.array(scores), codes, n) == scoring.ranking(np.array(scores), codes)[:n]

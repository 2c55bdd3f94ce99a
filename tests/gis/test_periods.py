"""The periods reports cover, as people write them; anything else refused, naming the field."""

import datetime as dt

import pytest

from gis.errors import InvalidParameter
from gis.pipeline.periods import cut_at, parse_period, parse_week

D = dt.date


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "previous"),
    [
        ("2026-W48", "2026-W48", D(2026, 11, 23), D(2026, 11, 29), "2026-W47"),
        ("2026w1", "2026-W01", D(2025, 12, 29), D(2026, 1, 4), "2025-W52"),
        ("2020-W53", "2020-W53", D(2020, 12, 28), D(2021, 1, 3), "2020-W52"),
    ],
)
def test_iso_weeks_run_monday_to_sunday(text, label, first, last, previous):
    week = parse_week(text)

    assert (week.label, week.first, week.last, week.previous().label) == (label, first, last, previous)


@pytest.mark.parametrize(
    ("text", "label", "first", "last", "previous"),
    [
        ("2026-Q3", "2026-Q3", D(2026, 7, 1), D(2026, 9, 30), "2026-Q2"),
        ("2026-Q1", "2026-Q1", D(2026, 1, 1), D(2026, 3, 31), "2025-Q4"),
        ("2026-09", "2026-09", D(2026, 9, 1), D(2026, 9, 30), "2026-08"),
        ("2024-02", "2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-01"),
        ("2026-12", "2026-12", D(2026, 12, 1), D(2026, 12, 31), "2026-11"),
        ("2026", "2026", D(2026, 1, 1), D(2026, 12, 31), "2025"),
    ],
)
def test_quarters_months_and_years(text, label, first, last, previous):
    period = parse_period(text)

    assert (period.label, period.first, period.last, period.previous().label) == (
        label,
        first,
        last,
        previous,
    )


@pytest.mark.parametrize("text", ["2026-W60", "2026-W00", "2025-W53", "2026-48", "本周", "", "0999-W01"])
def test_a_week_not_of_the_form_is_refused_naming_the_field(text):
    with pytest.raises(InvalidParameter) as refused:
        parse_week(text)

    assert refused.value.details("zh")["errors"][0]["field"] == "week"
    assert "2026-W48" in refused.value.message("zh")


@pytest.mark.parametrize(
    "text", ["2026-Q5", "2026-Q0", "2026-13", "2026-00", "Q3", "三季度", "2026-W48", "26"]
)
def test_a_period_not_of_the_form_is_refused_naming_the_field(text):
    with pytest.raises(InvalidParameter) as refused:
        parse_period(text)

    assert refused.value.details("en")["errors"][0]["field"] == "period"
    assert "2026-Q3" in refused.value.message("zh")


def test_a_report_as_of_a_day_sees_the_period_up_to_that_day():
    quarter = parse_period("2026-Q3")

    assert cut_at(quarter, D(2026, 8, 15)) == D(2026, 8, 15)
    assert cut_at(quarter, D(2027, 1, 1)) == D(2026, 9, 30)
    with pytest.raises(InvalidParameter):
        cut_at(quarter, D(2026, 6, 30))

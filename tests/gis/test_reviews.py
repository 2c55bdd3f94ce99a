"""Joint review records without a database: numbers and their slugs, and a sheet kept as data."""

import json

import pytest

from gis.errors import NotFound
from gis.matching.need import Industry, MatchConfig
from gis.matching.review import Planned, ReviewConfig, SiteFacts, review_sheet, sheet_data, sheet_from_data
from gis.pipeline.reviews import number_of, parse_reference, slug_of


def test_a_number_is_the_year_and_a_serial_of_three_digits_or_more():
    assert number_of(2026, 12) == "会审〔2026〕012号"
    assert number_of(2026, 1234) == "会审〔2026〕1234号"
    assert slug_of(2026, 12) == "2026-012"


@pytest.mark.parametrize(
    "text",
    ["会审〔2026〕012号", "2026-012", "2026-12", " 会审[2026]12号 ", "会审（2026）012号", "会审〔2026〕12"],
)
def test_a_number_is_found_as_printed_as_slug_or_as_people_type_it(text):
    assert parse_reference(text) == (2026, 12)


@pytest.mark.parametrize("text", ["", "2026", "会审〔2026〕000号", "XM-2026-001", "2026-012.pdf", "26-012"])
def test_what_is_no_number_is_not_found(text):
    with pytest.raises(NotFound):
        parse_reference(text)


def test_a_sheet_kept_as_data_reads_back_as_it_stood():
    industry = Industry("27", "医药制造业", 1, 1.0, False, "C")
    site = SiteFacts("parcel", "KFQ-001+KFQ-002", "P01", 62.5, 1.5, 30.0)
    project = {
        "code": "XM-1",
        "name": "某医药项目",
        "industry_code": "27",
        "fixed_investment_wan": 25000,
        "annual_output_wan": 30000,
        "annual_tax_wan": None,
        "signed_on": object(),
    }
    sheet = review_sheet(project, site, Planned(plot_ratio=1.0), industry, ReviewConfig(), MatchConfig())

    kept = json.loads(json.dumps(sheet_data(sheet)))
    again = sheet_from_data(kept)

    assert again.rows == sheet.rows and again.site == sheet.site and again.overall == sheet.overall
    assert again.project["name"] == "某医药项目" and "signed_on" not in again.project
    assert again.rows[3].city.rule.render("zh") == sheet.rows[3].city.rule.render("zh")

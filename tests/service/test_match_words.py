"""What the matching page and the joint review sheet say to a reader: the city's standard with its
figure and unit ("市定标准 ≥ 300 万元/亩"), never the name of a setting (issue 18)."""

import io
import re

import pypdf

from gis.labels import CATALOGUES
from tests.service.test_project_page import signed_in
from tests.service.test_reviews_api import decided_review

CITY_STANDARD = "市定标准 ≥ 300 万元/亩"
# Words only the operator reads, at the command line: these may name the setting to change
OPERATOR_ONLY = {"cli.demo.production"}
PAGES = (
    "/",
    "/match",
    "/match?project=XM-2026-001",
    "/supply",
    "/projects",
    "/projects/XM-2026-001",
    "/todo",
    "/reports/weekly",
    "/reports/scorecard",
    "/workspace",
    "/api/projects/XM-2026-001/review.html?site=KFQ-001",
)


def test_the_review_sheet_cites_the_city_standard_with_its_figure_and_unit(sample_client):
    body = {"industry_code": "27", "fixed_investment_wan": 30000, "site": "KFQ-001"}

    zh = sample_client.post("/api/review", json=body).json()
    en = sample_client.post("/api/review", json=body, params={"lang": "en"}).json()

    rules = {r["name"]: r["city"]["rule"] for r in zh["indicators"]}
    assert rules["investment_intensity"] == CITY_STANDARD
    assert rules["building_coefficient"] == "市定标准 ≥ 40%" and rules["office_share"] == "市定标准 ≤ 7%"
    assert "103号" in rules["plot_ratio"]  # the province's floor keeps its own citation
    assert en["indicators"][0]["city"]["rule"] == "City standard ≥ 300 10k CNY/mu"
    assert "LANDSTOCK_" not in str(zh) + str(en)


def test_the_printed_sheet_and_its_pdf_say_the_standard(sample_app):
    staff = sample_app.headers("investment")
    url, admin = decided_review(sample_app)

    preview = sample_app.client.get(
        "/api/projects/XM-2026-001/review.html", params={"site": "KFQ-001"}, headers=staff
    )
    pdf = sample_app.client.get(f"{url}.pdf", headers=admin)

    assert CITY_STANDARD in preview.text and "LANDSTOCK_" not in preview.text
    pages = pypdf.PdfReader(io.BytesIO(pdf.content)).pages
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in pages))  # a narrow cell wraps
    assert "市定标准≥300万元/亩" in text and "LANDSTOCK_" not in text


def test_no_page_names_a_setting(sample_app):
    signed_in(sample_app, "admin")

    shown = {path: sample_app.client.get(path) for path in PAGES}

    assert {path: r.status_code for path, r in shown.items()} == dict.fromkeys(PAGES, 200)
    assert [path for path, r in shown.items() if "LANDSTOCK_" in r.text] == []


def test_only_the_operators_words_name_a_setting():
    named = {
        key
        for catalogue in CATALOGUES.values()
        for key, text in catalogue.items()
        if re.search(r"LANDSTOCK_[A-Z]", text)
    }

    assert named == OPERATOR_ONLY

"""POST /api/match/parse: a pasted lead read into a need over HTTP, on both databases; read as
POST /api/match is, writing nothing; a need it gives is one POST /api/match takes."""

import dataclasses

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gis.models import Base
from service.main import create_app
from service.match_schemas import LEAD_MAX_CHARS, LeadOut, MatchOut
from service.settings import ReadSettings
from tests.conftest import bearer

PROBLEM = "application/problem+json"
EXAMPLE = "医药制造，固定资产投资3亿元，需地约60亩，二类工业，靠近港口，层高8米以上"


@pytest.fixture(scope="module")
def staff(sample_client):
    """Investment staff's bearer headers."""
    return bearer(sample_client, "investment")


def rows(client: TestClient) -> dict[str, int]:
    """The number of rows of every table."""
    with client.app.state.db.read() as session:  # type: ignore[attr-defined]
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
        }


def test_the_example_lead_reads_into_its_need_with_each_phrase_explained(sample_client, staff):
    before = rows(sample_client)

    response = sample_client.post("/api/match/parse", json={"text": EXAMPLE}, headers=staff)

    assert response.status_code == 200
    lead = LeadOut.model_validate(response.json())
    assert lead.need == {
        "industry_code": "27",
        "nuisance_class": 2,
        "land_min_mu": 54,
        "land_max_mu": 66,
        "fixed_investment_wan": 30000,
        "clear_height_min_m": 8,
        "max_distance_km": {"port": 10},
    }
    assert [EXAMPLE[p.start : p.end] for p in lead.understood] == [p.text for p in lead.understood]
    says = {p.field: p.says for p in lead.understood}
    assert says["industry_code"] == "行业 = 27 医药制造业"
    assert says["nuisance_class"] == "工业类别 = 二类"
    assert says["max_distance_km"].endswith("≤ 10 km")
    assert lead.unplaced == []
    assert rows(sample_client) == before, "reading a lead writes nothing"


def test_the_words_follow_the_readers_language(sample_client, staff):
    answer = sample_client.post(
        "/api/match/parse", json={"text": "层高8米，做火箭的"}, params={"lang": "en"}, headers=staff
    ).json()

    assert answer["understood"][0]["says"] == "Clear height needed (m) = 8"
    assert answer["unplaced"] == [
        {"start": 5, "end": 9, "text": "做火箭的", "reason": "unknown", "reason_label": "not understood"}
    ]


def test_an_unknown_industry_is_left_out_of_the_need_and_listed(sample_client, staff):
    response = sample_client.post(
        "/api/match/parse", json={"text": "做火箭发动机的，用地30亩，M3"}, headers=staff
    )

    assert response.status_code == 200
    body = response.json()
    assert "industry_code" not in body["need"] and body["need"]["nuisance_class"] == 3
    assert [p["text"] for p in body["unplaced"]] == ["做火箭发动机的"]


def test_a_contradiction_and_a_figure_out_of_range_are_listed_with_why(sample_client, staff):
    body = sample_client.post(
        "/api/match/parse", json={"text": "二类工业，三类工业，层高300米"}, headers=staff
    ).json()

    assert body["need"] == {"nuisance_class": 2}
    assert [(p["text"], p["reason"]) for p in body["unplaced"]] == [
        ("三类工业", "conflict"),
        ("层高300米", "out_of_range"),
    ]


@pytest.mark.parametrize("text", ["x" * (LEAD_MAX_CHARS + 1), ""])
def test_too_long_or_empty_is_refused_as_a_problem(sample_client, staff, text):
    response = sample_client.post("/api/match/parse", json={"text": text}, headers=staff)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize("body", [{}, {"text": 5}, {"text": "医药", "extra": 1}, ["医药"]])
def test_a_malformed_body_is_refused_as_a_problem(sample_client, staff, body):
    response = sample_client.post("/api/match/parse", json=body, headers=staff)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)


def test_the_longest_lead_allowed_is_read(sample_client, staff):
    text = ("医药，用地60亩，" * 300)[:LEAD_MAX_CHARS]

    response = sample_client.post("/api/match/parse", json={"text": text}, headers=staff)

    assert response.status_code == 200
    assert response.json()["need"]["industry_code"] == "27"


def test_the_need_read_is_one_the_match_takes(sample_client, staff):
    need = sample_client.post("/api/match/parse", json={"text": EXAMPLE}, headers=staff).json()["need"]

    response = sample_client.post("/api/match", json=need, headers=staff)

    assert response.status_code == 200
    result = MatchOut.model_validate(response.json())
    assert result.need.industry_code == "27" and result.need.land_min_mu == 54


def test_it_is_read_as_the_match_is(sample_client):
    anonymous = sample_client.post("/api/match/parse", json={"text": EXAMPLE})
    open_settings = sample_client.app.state.settings  # type: ignore[attr-defined]
    closed_settings = dataclasses.replace(open_settings, read=ReadSettings(public_read="none"))
    with TestClient(create_app(closed_settings)) as closed:
        refused = closed.post("/api/match/parse", json={"text": EXAMPLE})
        match_refused = closed.post("/api/match", json={"industry_code": "27"})
        staff = closed.post("/api/match/parse", json={"text": EXAMPLE}, headers=bearer(closed, "investment"))

    assert anonymous.status_code == 200 and anonymous.json()["need"]["industry_code"] == "27"
    assert refused.status_code == match_refused.status_code == 401
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert staff.status_code == 200

"""The web pages over HTTP, on both databases: Chinese by default, small, and self-contained."""

import html
import re

import mapbox_vector_tile
import pytest

from gis.errors import InvalidInput
from gis.labels import Text
from tests.conftest import bearer

MAX_PAGE_BYTES = 1_000_000


def local_assets(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?park=P04&status=available&min_mu=10",
        "/parcels/KFQ-001",
        "/factories/CF-KFQ-001",
        "/?crs=gcj02",
        "/supply",
        "/match",
    ],
)
def test_pages_are_chinese_small_and_load_nothing_from_outside(sample_client, path):
    response = sample_client.get(path)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert len(response.content) <= MAX_PAGE_BYTES
    assert '<html lang="zh-CN">' in response.text
    assets = local_assets(response.text)
    assert assets and all(a.startswith("/static/") for a in assets)


def test_every_asset_a_page_names_is_served(sample_client):
    html = sample_client.get("/").text

    for url in local_assets(html):
        assert sample_client.get(url).status_code == 200, url


def test_english_is_one_click_away_and_remembered(sample_client):
    english = sample_client.get("/parcels/KFQ-001", params={"lang": "en"})
    again = sample_client.get("/")

    assert '<html lang="en">' in english.text and "Area (mu)" in english.text
    assert '<html lang="en">' in again.text
    sample_client.get("/", params={"lang": "zh"})
    assert "存量资源一张图" in sample_client.get("/").text


def test_browser_language_does_not_turn_pages_english(sample_client):
    sample_client.cookies.clear()
    html = sample_client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).text

    assert '<html lang="zh-CN">' in html


def test_results_fragment_counts_what_the_api_counts(sample_client):
    params = {"park": "P04", "status": "available"}
    api = sample_client.get("/api/parcels", params=params).json()
    fragment = sample_client.get("/inventory/results", params=params).text

    assert f"共 {api['numberMatched']} 个地块" in fragment
    assert fragment.count('<tr data-code="') == min(api["numberMatched"], 50)
    assert 'data-query="park=P04&amp;status=available"' in fragment


def test_the_tile_endpoint_applies_the_page_filters(sample_client):
    whole = sample_client.get("/tiles/parcels/9/428/207.pbf")
    available = sample_client.get("/tiles/parcels/9/428/207.pbf", params={"status": "available"})

    assert whole.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    statuses = {
        f["properties"]["status"] for f in mapbox_vector_tile.decode(available.content)["parcels"]["features"]
    }
    assert statuses == {"available"}
    assert len(whole.content) > len(available.content)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/parcels/NO-SUCH", 404),
        ("/?min_mu=abc", 422),
        ("/?status=sold_by_city", 422),
        ("/tiles/parcels/3/9/0.pbf", 422),
    ],
)
def test_bad_requests_are_client_errors(sample_client, path, status):
    assert sample_client.get(path).status_code == status


@pytest.mark.parametrize(
    ("params", "field", "value", "reason"),
    [
        ({"min_mu": "-5"}, "min_mu", "-5", "number"),
        ({"max_mu": "1e7"}, "max_mu", "1e7", "number"),
        ({"status": ["available", "sold_by_city"]}, "status", "sold_by_city", "choice"),
        ({"land_use": "M2"}, "land_use", "M2", "choice"),
    ],
)
def test_the_page_filters_refuse_what_the_api_list_refuses_naming_the_field(
    sample_client, params, field, value, reason
):
    page = sample_client.get("/", params=params, headers={"Accept": "text/html"})
    api = sample_client.get("/api/parcels", params=params)

    detail = InvalidInput(
        field=Text(f"field.{field}"), value=value, reason=Text(f"web.error.{reason}")
    ).message()
    assert page.status_code == api.status_code == 422
    assert f'id="error-detail">{html.escape(detail, quote=False)}</p>' in page.text


def test_an_empty_filter_field_means_any(sample_client):
    empty = sample_client.get("/inventory/results", params={"q": "", "park": "", "min_mu": " ", "status": ""})
    plain = sample_client.get("/inventory/results")

    assert empty.status_code == 200 and empty.text == plain.text


def test_a_browser_gets_an_error_page_and_the_api_problem_json(sample_client):
    page = sample_client.get("/parcels/NO-SUCH", headers={"Accept": "text/html,application/xhtml+xml"})
    api = sample_client.get("/api/parcels/NO-SUCH", headers={"Accept": "text/html"})

    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "NO-SUCH" in page.text and "存量资源一张图" in page.text
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def fitting_site(client, kind: str, headers: dict[str, str]) -> str:
    """A site the reverse match finds projects for: the best available one of a saved project."""
    for project in client.get("/api/projects", params={"stage": "negotiating"}, headers=headers).json()[
        "projects"
    ]:
        result = client.get(
            f"/api/projects/{project['code']}/matches", params={"assemble": False}, headers=headers
        ).json()
        if result[kind]:
            return str(result[kind][0]["code"])
    raise AssertionError(f"no saved project fits any {kind}")


@pytest.mark.parametrize("plural", ["parcels", "factories"])
def test_detail_pages_list_the_projects_that_fit_best_first(sample_client, plural):
    staff = bearer(sample_client, "investment")
    code = fitting_site(sample_client, plural, staff)
    api = sample_client.get(f"/api/{plural}/{code}/projects", headers=staff).json()

    detail = sample_client.get(f"/{plural}/{code}", headers=staff).text
    fragment = sample_client.get(f"/{plural}/{code}/fits", headers=staff).text

    assert "适配项目" in detail and f'hx-get="/{plural}/{code}/fits"' in detail
    assert api and re.findall(r'data-project="([^"]+)"', fragment) == [f["project_code"] for f in api]
    assert re.findall(r'class="ls-fit-score">([\d.]+)<', fragment) == [f"{f['score']:.1f}" for f in api]
    assert f'href="/match?project={api[0]["project_code"]}&amp;site={code}' in fragment
    assert f'href="/api/projects/{api[0]["project_code"]}/review.html?site={code}"' in fragment
    best = max(api[0]["candidate"]["criteria"], key=lambda c: c["points"])  # its points of its most
    assert f"{best['points']:.1f} / {best['weight']:.1f} 分" in fragment


def test_a_site_no_project_fits_says_so(sample_client):
    staff = bearer(sample_client, "leader")
    signed = sample_client.get("/api/parcels", params={"status": "signed", "limit": 1}).json()["features"][0][
        "id"
    ]
    pipeline = sample_client.get(
        "/api/projects", params={"stage": ["negotiating", "signed"]}, headers=staff
    ).json()["matched"]

    fragment = sample_client.get(f"/parcels/{signed}/fits", headers=staff).text
    english = sample_client.get(f"/parcels/{signed}/fits", params={"lang": "en"}, headers=staff).text
    sample_client.get("/", params={"lang": "zh"})

    assert 'id="fits-none"' in fragment and "没有适合该地块的项目" in fragment
    assert "该地块当前状态为“已签约”，不在可供之列" in fragment  # why, when it is the status
    assert 0 < int(re.search(r"(\d+) 个项目", fragment)[1]) <= pipeline  # those without land
    assert "None of the" in english and "fits this parcel" in english
    assert "This parcel is “Signed”, not on offer" in english
    assert sample_client.get("/parcels/NO-SUCH/fits", headers=staff).status_code == 404


def test_the_matching_page_opens_on_a_saved_project(sample_client):
    staff = bearer(sample_client, "investment")
    project = sample_client.get("/api/projects/XM-2026-001", headers=staff).json()

    html = sample_client.get(
        "/match", params={"project": "XM-2026-001", "site": "KFQ-001"}, headers=staff
    ).text

    assert 'data-project="XM-2026-001"' in html and 'data-site="KFQ-001"' in html
    assert f'value="{project["industry_code"]} {project["industry_name"]}"' in html
    assert f'value="{project["name"]}"' in html and 'id="saved-project"' in html
    assert sample_client.get("/match", params={"project": "NOPE"}, headers=staff).status_code == 404

"""The investor brochure (招商推介单页) over HTTP, on both databases: a parcel's and a factory's
A4 PDF carries the facts an investor asks for, in Chinese and in English, and none of the internal
fields planted on the same records (the reserving project, remarks, contacts, owner, documents,
history); a project's shortlist brochure has a cover and a page per site and never names the
project; bad codes and languages are refused as problem+json."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pypdf
import pytest
from fastapi.testclient import TestClient

from gis.area import M2_PER_MU
from service.main import create_app
from tests.conftest import BACKENDS, Databases, bearer, settings_for
from tests.photos import pdf, phone_jpeg

PROBLEM = "application/problem+json"
PROJECT = {"code": "XM-BRO-001", "name": "推介保密项目", "investor": "推介保密投资有限公司"}
INTERNAL = {
    "contact": "内部联系人标记",
    "contact_phone": "13900000777",
    "remarks": "内部备注标记",
    "note": "预留说明标记",
}
OWNER = "产权单位标记"
DOCUMENT = "权证文件标记.pdf"
HISTORY_WORDS = ("纳入存量资源库", "变更记录", "History")


@dataclass
class Planted:
    client: TestClient
    staff: dict[str, str]
    parcel: str
    factory: str


def _ok(response):
    assert response.status_code in (200, 201), response.text
    return response


def _reserve(client: TestClient, admin: dict[str, str], plural: str, code: str, owner_field: str) -> None:
    etag = client.get(f"/api/{plural}/{code}").headers["etag"]
    properties = {k: INTERNAL[k] for k in ("contact", "contact_phone", "remarks")} | {owner_field: OWNER}
    patched = _ok(
        client.patch(
            f"/api/{plural}/{code}", json={"properties": properties}, headers={**admin, "If-Match": etag}
        )
    )
    body = {"status": "reserved", "project": PROJECT["code"], "note": INTERNAL["note"]}
    _ok(
        client.post(
            f"/api/{plural}/{code}/status", json=body, headers={**admin, "If-Match": patched.headers["etag"]}
        )
    )


@pytest.fixture(scope="module", params=BACKENDS)
def planted(request: pytest.FixtureRequest, databases: Databases) -> Iterator[Planted]:
    """A sample app with a confidential project reserved on a P01 parcel and factory, each carrying
    internal fields, the parcel a photo and a document, the project a shortlist of both."""
    url = databases.url(str(request.param), sample=True)
    with TestClient(create_app(settings_for(url))) as client:
        admin, staff = bearer(client, "admin"), bearer(client, "investment")
        need = {"industry_code": "38", "land_min_mu": 1, "land_max_mu": 500, "stage": "negotiating"}
        _ok(client.post("/api/projects", json={**PROJECT, **need}, headers=admin))
        parcel = client.get("/api/parcels", params={"park": "P01", "status": "available", "limit": 1}).json()
        factory = client.get("/api/factories", params={"park": "P01", "status": "vacant", "limit": 1}).json()
        codes = parcel["features"][0]["id"], factory["features"][0]["id"]
        _reserve(client, admin, "parcels", codes[0], "ownership")
        _reserve(client, admin, "factories", codes[1], "owner")
        files = [
            ("files", ("现场.jpg", phone_jpeg(121.70, 31.77), "image/jpeg")),
            ("files", (DOCUMENT, pdf(), "application/pdf")),
        ]
        _ok(client.post(f"/api/parcels/{codes[0]}/attachments", headers=admin, files=files))
        picks = {"sites": [{"code": codes[0], "score": 81.5}, {"code": codes[1], "score": 77.0}]}
        _ok(client.post(f"/api/projects/{PROJECT['code']}/shortlist", json=picks, headers=admin))
        yield Planted(client, staff, *codes)


def text_of(response) -> tuple[str, int]:
    """The PDF's text, whitespace dropped (a line may break anywhere), and its page count."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


def assert_nothing_internal(text: str) -> None:
    for word in (*PROJECT.values(), *INTERNAL.values(), OWNER, DOCUMENT, *HISTORY_WORDS):
        assert "".join(word.split()) not in text, word


def test_a_parcels_brochure_has_the_facts_and_nothing_internal(planted):
    client = planted.client
    row = client.get(f"/api/parcels/{planted.parcel}").json()["properties"]

    text, pages = text_of(client.get(f"/api/parcels/{planted.parcel}/brochure.pdf"))

    mu = f"{row['area_m2'] / M2_PER_MU:,.1f}"
    assert pages == 1
    for fact in (
        planted.parcel,
        "招商推介",
        f"{mu}亩",
        f"{row['area_m2']:,.0f}m²",
        "用地性质",
        row["land_use"],
    ):
        assert fact in text, fact
    for fact in (
        "容积率",
        "配套条件",
        "价格(万元/亩)",
        f"{row['price_wan_per_mu']:,.1f}",
        "最近港口",
        "最近高速出入口",
        "km",
    ):
        assert fact in text, fact
    assert "主导产业" in text and "电气机械" in text  # 启东经济开发区 leads with 38 电气机械和器材制造业
    assert "启东市商务局" in text and "现场照片" in text
    assert f"http://testserver/parcels/{planted.parcel}" in text  # the QR code's address, printed beside it
    assert_nothing_internal(text)


def test_a_factorys_brochure_in_english_has_the_english_labels(planted):
    client = planted.client

    text, pages = text_of(client.get(f"/api/factories/{planted.factory}/brochure.pdf?lang=en"))

    assert pages == 1
    for fact in ("Investmentsite", planted.factory, "Vacantfloorarea(m²)", "Clearheight(m)", "Nearestport"):
        assert fact in text, fact
    assert "Leadingindustries" in text and "Qidong" in text and "Contact:" in text
    assert f"http://testserver/factories/{planted.factory}?lang=en" in text
    assert "招商推介" not in text and "可供" not in text
    assert_nothing_internal(text)


def test_a_projects_brochure_has_a_cover_and_a_page_per_site_and_never_names_the_project(planted):
    client = planted.client

    anonymous = client.get(f"/api/projects/{PROJECT['code']}/brochure.pdf")
    text, pages = text_of(client.get(f"/api/projects/{PROJECT['code']}/brochure.pdf", headers=planted.staff))

    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert pages == 3 and text.count(planted.parcel) >= 2 and planted.factory in text
    assert_nothing_internal(text)


def test_chosen_sites_make_one_brochure_and_bad_choices_are_refused(planted):
    client = planted.client

    text, pages = text_of(
        client.get(f"/api/brochure.pdf?site=parcel:{planted.parcel}&site=factory:{planted.factory}&lang=en")
    )
    bad = client.get(f"/api/brochure.pdf?site=area:{planted.parcel}")
    none = client.get("/api/brochure.pdf")

    assert pages == 3 and "2sitesselectedforyou" in text
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    assert "area:" in bad.json()["detail"] and "parcel:" in bad.json()["detail"]
    assert none.status_code == 422 and none.headers["content-type"] == PROBLEM


def test_an_unknown_code_is_404_and_an_unknown_language_422_as_problems(planted):
    client = planted.client

    missing = client.get("/api/parcels/NO-SUCH-1/brochure.pdf")
    project = client.get("/api/projects/XM-NONE-404/brochure.pdf", headers=planted.staff)
    language = client.get(f"/api/parcels/{planted.parcel}/brochure.pdf?lang=fr")

    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert "NO-SUCH-1" in missing.json()["detail"]
    assert project.status_code == 404 and project.headers["content-type"] == PROBLEM
    assert language.status_code == 422 and language.headers["content-type"] == PROBLEM
    assert "lang" in language.json()["detail"]

"""The read-permission matrix: every GET route of the app, for an anonymous reader, an
administrator, investment staff, the park manager of one park (P02) and a leader, with
LANDSTOCK_PUBLIC_READ=inventory and =none, on both databases: the status each gets, and what is
and is not in the body.

One sample app per backend and setting, shared by the module. Two projects are planted through
the API: a secret one (preferred P04, reserved on a P04 parcel and factory) and one of P02's own
(reserved on a P02 parcel and factory), with contacts, owners, remarks and notes that carry
markers, all written by one marked account. Then: the secret project's code, name and investor
never reach a park manager of P02, no project nor any marker ever reaches an anonymous reader,
and the readers who may see them do (so that hiding too much fails too).

A GET route missing from ROUTES fails `test_every_get_route_is_in_the_matrix`: a new route must
say here who may read it.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import shapely.geometry
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from gis import accounts, localtime
from gis.database import Database, make_engine
from gis.tiles import tiles_over
from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, MapSettings, ReadSettings, Settings
from tests.conftest import BACKENDS, OPERATOR, TEST_PASSWORD, Databases
from tests.photos import pdf, phone_jpeg
from tests.tile_packages import raster_package

EDITOR = "acct-editor-mark"  # an account name: never shown to anonymous readers
SECRET = {"code": "XM-SECRET-901", "name": "机密甲项目", "investor": "机密甲投资有限公司"}
OWN = {"code": "XM-OWN-902", "name": "本园乙项目", "investor": "本园乙投资有限公司"}
FOLLOW_UPS = {"secret": "机密甲跟踪：董事会已同意", "own": "本园乙跟踪：已考察厂区"}
PERSONAL = {
    "contact": "联系人标记甲",
    "contact_phone": "13900000901",
    "remarks": "备注标记甲",
    "ownership": "权属标记甲",
    "owner": "产权标记甲",
    "note": "说明标记甲",
    "area": "园区备注标记甲",
    "project_contact": "项目联系人标记",
    "project_remarks": "项目备注标记",
    "document": "权证标记甲.pdf",  # a document's name: signed-in readers only
}
PHOTO = "现场照片标记.jpg"
PROPOSAL = "致投资方的推介页"  # a proposal page's title: its project's readers see it listed
ROLES = ("anonymous", "admin", "investment", "park_manager", "leader")
STAFF = ("admin", "investment", "leader")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Sample:
    """The planted records, the readers' headers and the two apps (one per public-read setting)."""

    clients: dict[str, TestClient]
    headers: dict[str, dict[str, str]]
    codes: dict[str, str] = field(default_factory=dict)

    def fill(self, url: str) -> str:
        """A URL template with the planted codes filled in ({secret_parcel}, {own_project} …)."""
        return url.format(**self.codes)


def _token(db: Database, name: str, role: str, *areas: str) -> dict[str, str]:
    with db.write() as session:
        user = accounts.create_user(session, OPERATOR, name, role, TEST_PASSWORD, areas=list(areas))
        token = accounts.issue_token(session, OPERATOR, user, "matrix", None)
    return {"Authorization": f"Bearer {token}"}


def _first(client: TestClient, path: str, **params: Any) -> str:
    features = client.get(path, params={**params, "limit": 1}).json()["features"]
    assert features, (path, params)
    return str(features[0]["id"])


def _checked(response: httpx.Response) -> httpx.Response:
    assert response.status_code in (200, 201), response.text
    return response


def _plant_site(
    client: TestClient, editor: dict[str, str], plural: str, code: str, project: str, owner_field: str
) -> None:
    """Personal data on a site, then reserve it for `project` with a note, all as the editor."""
    etag = client.get(f"/api/{plural}/{code}").headers["etag"]
    properties = {k: PERSONAL[k] for k in ("contact", "contact_phone", "remarks")}
    properties[owner_field] = PERSONAL[owner_field]
    changed = _checked(
        client.patch(
            f"/api/{plural}/{code}", json={"properties": properties}, headers={**editor, "If-Match": etag}
        )
    )
    _checked(
        client.post(
            f"/api/{plural}/{code}/status",
            headers={**editor, "If-Match": changed.headers["etag"]},
            json={"status": "reserved", "project": project, "note": PERSONAL["note"]},
        )
    )


def _plant(client: TestClient, editor: dict[str, str]) -> dict[str, str]:
    # signed and overdue, so that the leaders' pipeline lists them; a need that most sites meet
    need = {
        "industry_code": "39",
        "nuisance_class": 1,
        "land_min_mu": 1,
        "land_max_mu": 5000,
        "floor_area_min_m2": 100,
        "stage": "signed",
        "signed_on": "2025-01-15",
        "agreed_start_on": "2025-06-30",
        "contact": PERSONAL["project_contact"],
        "remarks": PERSONAL["project_remarks"],
    }
    _checked(
        client.post("/api/projects", headers=editor, json={**SECRET, **need, "preferred_areas": ["P04"]})
    )
    _checked(client.post("/api/projects", headers=editor, json={**OWN, **need}))
    codes = {
        "secret_parcel": _first(client, "/api/parcels", park="P04", status="available"),
        "own_parcel": _first(client, "/api/parcels", park="P02", status="available"),
        "secret_factory": _first(client, "/api/factories", park="P04", status="vacant"),
        "own_factory": _first(client, "/api/factories", park="P02", status="vacant"),
        "secret_project": SECRET["code"],
        "own_project": OWN["code"],
        "park": "P02",
        "editor": EDITOR,
        "year": str(localtime.today().year),
        "month": localtime.today().strftime("%Y-%m"),
    }
    for site, project in (("secret", SECRET), ("own", OWN)):
        _plant_site(client, editor, "parcels", codes[f"{site}_parcel"], project["code"], "ownership")
        _plant_site(client, editor, "factories", codes[f"{site}_factory"], project["code"], "owner")
        _checked(
            client.post(
                f"/api/projects/{project['code']}/follow-ups",
                headers=editor,
                json={"day": "2025-02-01", "kind": "visit", "outcome": FOLLOW_UPS[site]},
            )
        )
        review = _checked(
            client.post(
                f"/api/projects/{project['code']}/reviews",
                headers=editor,
                json={"site": codes[f"{site}_parcel"]},
            )
        )
        codes[f"{site}_review"] = review.json()["slug"]
    files = [
        ("files", (PHOTO, phone_jpeg(), "image/jpeg")),
        ("files", (PERSONAL["document"], pdf(), "application/pdf")),
    ]
    attached = _checked(
        client.post(f"/api/parcels/{codes['own_parcel']}/attachments", headers=editor, files=files)
    )
    codes["photo"], codes["document"] = (str(a["id"]) for a in attached.json())
    for site, sites in (("secret", ("secret_parcel", "secret_factory")), ("own", ("own_parcel",))):
        code = SECRET["code"] if site == "secret" else OWN["code"]
        picks = [{"code": codes[s], "score": 70} for s in sites]
        _checked(client.post(f"/api/projects/{code}/shortlist", headers=editor, json={"sites": picks}))
        published = client.post(f"/api/projects/{code}/proposals", headers=editor, json={"title": PROPOSAL})
        codes[f"{site}_proposal"] = _checked(published).json()["url"].rsplit("/", 1)[1]
    stamp = client.get("/api/areas/P02").headers["etag"]
    _checked(
        client.patch(
            "/api/areas/P02", json={"remarks": PERSONAL["area"]}, headers={**editor, "If-Match": stamp}
        )
    )
    target = {"measure": "supplied", "value_mu": 120}
    _checked(client.put(f"/api/targets/{codes['year']}/P02", json=target, headers=editor))
    outline = shapely.geometry.shape(client.get(f"/api/parcels/{codes['secret_parcel']}").json()["geometry"])
    z, x, y = tiles_over(outline.bounds, (15,))[0]
    return {**codes, "z": str(z), "x": str(x), "y": str(y)}


def _app(url: str, public_read: str, basemap: Path) -> TestClient:
    settings = Settings(
        database=DatabaseSettings(url=url),
        app=AppSettings(environment="test"),
        read=ReadSettings(public_read=public_read),
        map=MapSettings(basemap_tiles=basemap),
    )  # type: ignore[arg-type]
    return TestClient(create_app(settings))


@pytest.fixture(scope="module", params=BACKENDS)
def sample(
    request: pytest.FixtureRequest, databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Sample]:
    """The planted sample behind an app with each setting, and a token per role."""
    url = databases.url(str(request.param), sample=True)
    db = Database(make_engine(url))
    headers = {
        role: _token(db, f"matrix-{role}", role, *(["P02"] if role == "park_manager" else []))
        for role in ROLES
        if role != "anonymous"
    }
    headers["anonymous"] = {}
    editor = _token(db, EDITOR, "admin")
    db.dispose()
    basemap = raster_package(tmp_path_factory.mktemp("basemap") / "basemap.mbtiles", max_zoom=1)
    with _app(url, "inventory", basemap) as open_app, _app(url, "none", basemap) as closed_app:
        found = Sample({"inventory": open_app, "none": closed_app}, headers)
        found.codes = _plant(open_app, editor)
        yield found


# What each kind of route answers: (reader, setting, variant) -> status.
def open_route(_role: str, _mode: str, _variant: str) -> int:
    return 200


def inventory_api(role: str, mode: str, _variant: str) -> int:
    return 401 if role == "anonymous" and mode == "none" else 200


def inventory_page(role: str, mode: str, _variant: str) -> int:
    return 303 if role == "anonymous" and mode == "none" else 200


def project_api(role: str, _mode: str, variant: str) -> int:
    if role == "anonymous":
        return 401
    return 404 if role == "park_manager" and variant == "secret" else 200


def project_page(role: str, mode: str, variant: str) -> int:
    if variant == "none":
        return inventory_page(role, mode, variant)
    if role == "anonymous":
        return 303
    return 404 if role == "park_manager" and variant == "secret" else 200


def signed_in_api(role: str, _mode: str, _variant: str) -> int:
    return 401 if role == "anonymous" else 200


def signed_in_page(role: str, _mode: str, _variant: str) -> int:
    return 303 if role == "anonymous" else 200


def site_edit_page(role: str, _mode: str, variant: str) -> int:
    """A record's edit form: those who edit it (a park manager in their own parks) and nobody else."""
    if role == "park_manager":
        return 200 if variant == "own" else 403
    return {"anonymous": 303, "admin": 200}.get(role, 403)


def attachment_api(role: str, mode: str, variant: str) -> int:
    """A photo is read as its site is; a document by signed-in readers only."""
    return signed_in_api(role, mode, variant) if variant == "document" else inventory_api(role, mode, variant)


def admin_api(role: str, _mode: str, _variant: str) -> int:
    return {"anonymous": 401, "admin": 200}.get(role, 403)


def editor_page(role: str, _mode: str, _variant: str) -> int:
    return {"anonymous": 303, "admin": 200, "investment": 200}.get(role, 403)


def report_api(role: str, _mode: str, _variant: str) -> int:
    """The pipeline's reports: staff; a park manager is refused (they compare every park)."""
    return {"anonymous": 401, "park_manager": 403}.get(role, 200)


def report_page(role: str, _mode: str, _variant: str) -> int:
    return {"anonymous": 303, "park_manager": 403}.get(role, 200)


def secret_and_own(kind: Any, url: str) -> tuple[Any, list[tuple[str, str]]]:
    """A route of that kind read for the secret project's record and for P02's own: `url` with
    each in place of `*` ({*_parcel}: {secret_parcel}, then {own_parcel})."""
    return kind, [(url.replace("*", variant), variant) for variant in ("secret", "own")]


# Two of P02's sites compared for a need typed in, or for a saved project (its own sites)
COMPARE_NEED = "/compare?site=parcel:{own_parcel}&site=factory:{own_factory}&need=" + quote(
    '{"industry_code": "39", "land_min_mu": 1, "land_max_mu": 5000}', safe=""
)


def compare_project(variant: str) -> str:
    return f"/compare?site=parcel:{{{variant}_parcel}}&site=factory:{{{variant}_factory}}&project={{{variant}_project}}"


# Every GET route: its kind and the URLs that fill it, each with the variant it stands for
# ("secret": a record of the secret project or its sites; "own": of P02's own; "none": neither).
ROUTES: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "/healthz": (open_route, [("/healthz", "none")]),
    "/login": (open_route, [("/login", "none")]),
    "/openapi.json": (inventory_api, [("/openapi.json", "none")]),
    "/docs": (inventory_page, [("/docs", "none")]),
    "/docs/oauth2-redirect": (inventory_page, [("/docs/oauth2-redirect", "none")]),
    "/redoc": (inventory_page, [("/redoc", "none")]),
    "/docs/redoc.js": (inventory_page, [("/docs/redoc.js", "none")]),
    "/api/auth/me": (signed_in_api, [("/api/auth/me", "none")]),
    "/api/users": (admin_api, [("/api/users", "none")]),
    "/api/users/{name}/history": (admin_api, [("/api/users/{editor}/history", "none")]),
    "/api/parcels/export": (signed_in_api, [("/api/parcels/export?format=csv", "none")]),
    "/api/factories/export": (signed_in_api, [("/api/factories/export?format=xlsx", "none")]),
    # the projects a reader may read (a park manager: their own), anonymous readers none
    "/api/projects/export": (
        signed_in_api,
        [("/api/projects/export?format=csv", "none"), ("/api/projects/export?format=xlsx", "none")],
    ),
    "/api/parcels": (inventory_api, [("/api/parcels?limit=1000", "none")]),
    "/api/parcels/{code}": secret_and_own(inventory_api, "/api/parcels/{*_parcel}"),
    "/api/parcels/{code}/history": secret_and_own(inventory_api, "/api/parcels/{*_parcel}/history"),
    "/api/factories": (inventory_api, [("/api/factories?limit=1000", "none")]),
    "/api/factories/{code}": secret_and_own(inventory_api, "/api/factories/{*_factory}"),
    "/api/factories/{code}/history": secret_and_own(inventory_api, "/api/factories/{*_factory}/history"),
    "/api/parcels/{code}/attachments": secret_and_own(inventory_api, "/api/parcels/{*_parcel}/attachments"),
    "/api/factories/{code}/attachments": secret_and_own(
        inventory_api, "/api/factories/{*_factory}/attachments"
    ),
    "/api/attachments/{attachment_id}": (
        attachment_api,
        [("/api/attachments/{photo}", "photo"), ("/api/attachments/{document}", "document")],
    ),
    "/api/attachments/{attachment_id}/thumbnail": (
        attachment_api,
        [("/api/attachments/{photo}/thumbnail", "photo")],
    ),
    "/api/areas": (inventory_api, [("/api/areas", "none")]),
    "/api/areas/{code}": (inventory_api, [("/api/areas/{park}", "none")]),
    "/api/areas/{code}/history": (inventory_api, [("/api/areas/{park}/history", "none")]),
    "/api/stats/supply": (inventory_api, [("/api/stats/supply", "none")]),
    "/api/stats/freshness": (inventory_api, [("/api/stats/freshness?by=town", "none")]),
    "/api/stats/trends": (inventory_api, [("/api/stats/trends?months=12", "none")]),
    "/api/targets": (inventory_api, [("/api/targets?year={year}", "none")]),
    "/api/quality": (signed_in_api, [("/api/quality", "none")]),
    "/api/sites/near": (inventory_api, [("/api/sites/near?lon=121.66&lat=31.81&within_m=3000", "none")]),
    # an owner's name (personal) for signed-in readers only; never a project
    "/api/places": (
        inventory_api,
        [
            ("/api/places?q=产权标记", "none"),
            ("/api/places?q=机密甲", "none"),
            ("/api/places?q=本园乙", "none"),
        ],
    ),
    "/ogc": (inventory_api, [("/ogc", "none")]),
    "/ogc/": (inventory_api, [("/ogc/", "none")]),
    "/ogc/api": (inventory_api, [("/ogc/api", "none")]),
    "/ogc/conformance": (inventory_api, [("/ogc/conformance", "none")]),
    "/ogc/collections": (inventory_api, [("/ogc/collections", "none")]),
    "/ogc/collections/{collectionId}": (inventory_api, [("/ogc/collections/parcels", "none")]),
    "/ogc/collections/parcels/items": (
        inventory_api,
        [
            ("/ogc/collections/parcels/items?limit=1000", "none"),
            ("/ogc/collections/parcels/items?f=html&limit=1000", "none"),
        ],
    ),
    "/ogc/collections/factories/items": (
        inventory_api,
        [("/ogc/collections/factories/items?limit=1000", "none")],
    ),
    "/ogc/collections/areas/items": (inventory_api, [("/ogc/collections/areas/items", "none")]),
    "/ogc/collections/{collectionId}/items/{featureId}": (
        inventory_api,
        [
            ("/ogc/collections/parcels/items/{secret_parcel}", "secret"),
            ("/ogc/collections/parcels/items/{own_parcel}?f=html", "own"),
            ("/ogc/collections/factories/items/{secret_factory}?f=html", "secret"),
            ("/ogc/collections/areas/items/{park}?f=html", "none"),
        ],
    ),
    "/ogc/collections/{collectionId}/queryables": (
        inventory_api,
        [("/ogc/collections/parcels/queryables", "none")],
    ),
    "/api/parcels/{code}/projects": (signed_in_api, [("/api/parcels/{own_parcel}/projects", "own")]),
    "/api/factories/{code}/projects": (signed_in_api, [("/api/factories/{own_factory}/projects", "own")]),
    "/api/projects": (signed_in_api, [("/api/projects?limit=1000", "none")]),
    "/api/projects/choices": (
        signed_in_api,
        [("/api/projects/choices?q=SECRET-901", "none"), ("/api/projects/choices?q=本园乙", "none")],
    ),
    "/api/projects/{code}": secret_and_own(project_api, "/api/projects/{*_project}"),
    "/api/projects/{code}/history": secret_and_own(project_api, "/api/projects/{*_project}/history"),
    "/api/projects/{code}/stages": secret_and_own(project_api, "/api/projects/{*_project}/stages"),
    "/api/projects/{code}/follow-ups": secret_and_own(project_api, "/api/projects/{*_project}/follow-ups"),
    "/api/projects/{code}/duplicates": secret_and_own(project_api, "/api/projects/{*_project}/duplicates"),
    "/api/projects/{code}/sites": secret_and_own(project_api, "/api/projects/{*_project}/sites"),
    "/api/projects/{code}/matches": secret_and_own(project_api, "/api/projects/{*_project}/matches?limit=3"),
    "/api/projects/{code}/review": secret_and_own(
        project_api, "/api/projects/{*_project}/review?site={*_parcel}"
    ),
    "/api/projects/{code}/review.xlsx": (
        project_api,
        [("/api/projects/{secret_project}/review.xlsx?site={secret_parcel}", "secret")],
    ),
    "/api/projects/{code}/review.html": (
        project_api,
        [
            ("/api/projects/{secret_project}/review.html?site={secret_parcel}", "secret"),
            ("/api/projects/{own_project}/review.html?site={own_factory}", "own"),
        ],
    ),
    "/api/projects/{code}/reviews": secret_and_own(project_api, "/api/projects/{*_project}/reviews"),
    "/api/projects/{code}/reviews/{number}": secret_and_own(
        project_api, "/api/projects/{*_project}/reviews/{*_review}"
    ),
    "/api/projects/{code}/reviews/{number}.pdf": (
        project_api,
        [("/api/projects/{secret_project}/reviews/{secret_review}.pdf", "secret")],
    ),
    "/api/projects/{code}/reviews/{number}.xlsx": secret_and_own(
        project_api, "/api/projects/{*_project}/reviews/{*_review}.xlsx"
    ),
    "/api/projects/{code}/reviews/{number}.html": secret_and_own(
        project_api, "/api/projects/{*_project}/reviews/{*_review}.html"
    ),
    # the local tile package and the context layer: read as the map is
    "/basemap/metadata": (inventory_api, [("/basemap/metadata", "none")]),
    "/basemap/context.geojson": (inventory_api, [("/basemap/context.geojson", "none")]),
    "/basemap/{z}/{x}/{y}": (inventory_api, [("/basemap/1/1/0", "none")]),
    "/tiles/{kind}/{z}/{x}/{y}.pbf": (
        inventory_api,
        [("/tiles/parcels/{z}/{x}/{y}.pbf", "none"), ("/tiles/factories/{z}/{x}/{y}.pbf", "none")],
    ),
    "/": (inventory_page, [("/?park=P04", "none")]),
    "/inventory/results": (inventory_page, [("/inventory/results?park=P04", "none")]),
    "/parcels/{code}": secret_and_own(inventory_page, "/parcels/{*_parcel}"),
    "/factories/{code}": secret_and_own(inventory_page, "/factories/{*_factory}"),
    "/parcels/{code}/fits": (signed_in_api, [("/parcels/{own_parcel}/fits", "own")]),
    "/factories/{code}/fits": (signed_in_api, [("/factories/{own_factory}/fits", "own")]),
    "/api/alerts": (
        signed_in_api,
        [("/api/alerts", "none"), ("/api/alerts?kind=overdue_start&mine=true", "none")],
    ),
    "/todo": (signed_in_page, [("/todo", "none"), ("/todo?kind=overdue_start", "none")]),
    "/todo/count": (open_route, [("/todo/count", "none")]),  # empty for anonymous readers
    "/supply": (inventory_page, [("/supply", "none")]),
    "/quality": (signed_in_page, [("/quality", "none")]),
    "/supply.xlsx": (signed_in_api, [("/supply.xlsx", "none")]),
    "/trends": (inventory_page, [("/trends?months=12", "none"), ("/trends?area=P02", "none")]),
    "/trends/records": (
        inventory_page,
        [
            ("/trends/records?measure=available&month={month}&area=P04", "none"),
            ("/trends/records?measure=supplied&month={month}&months=12", "none"),
        ],
    ),
    "/trends.xlsx": (signed_in_api, [("/trends.xlsx?months=12", "none")]),
    "/match": (
        project_page,
        [
            ("/match", "none"),
            ("/match?project={secret_project}", "secret"),
            ("/match?project={own_project}", "own"),
        ],
    ),
    # the comparison: a need given, read as the matching page is; a saved project's, as the project
    "/compare": (
        project_page,
        [(COMPARE_NEED, "none"), *[(compare_project(v), v) for v in ("secret", "own")]],
    ),
    "/compare/table": (
        project_page,
        [(COMPARE_NEED.replace("?", "/table?"), "none"), (compare_project("own"), "own")],
    ),
    "/compare.xlsx": (project_page, [(COMPARE_NEED.replace("?", ".xlsx?"), "none")]),
    "/compare.pdf": (project_page, [(COMPARE_NEED.replace("?", ".pdf?"), "none")]),
    "/projects": (signed_in_page, [("/projects?sort=-code", "none")]),
    "/projects.xlsx": (signed_in_api, [("/projects.xlsx?sort=-code", "none")]),
    "/projects/new": (editor_page, [("/projects/new", "none")]),
    "/workspace": (signed_in_page, [("/workspace", "none")]),
    "/api/imports/template": (
        signed_in_api,
        [("/api/imports/template?layer=factories", "none"), ("/api/imports/template?layer=projects", "none")],
    ),
    "/api/reports/weekly": (report_api, [("/api/reports/weekly", "none")]),
    "/api/reports/weekly.xlsx": (report_api, [("/api/reports/weekly.xlsx", "none")]),
    "/api/reports/weekly.pdf": (report_api, [("/api/reports/weekly.pdf", "none")]),
    "/api/reports/scorecard": (report_api, [("/api/reports/scorecard?period={year}", "none")]),
    "/api/reports/scorecard.xlsx": (report_api, [("/api/reports/scorecard.xlsx?period={year}", "none")]),
    "/api/reports/scorecard.pdf": (report_api, [("/api/reports/scorecard.pdf", "none")]),
    "/reports/weekly": (report_page, [("/reports/weekly", "none")]),
    "/reports/scorecard": (report_page, [("/reports/scorecard?period={year}", "none")]),
    # the investor brochure: a site's as the site is read, a project's by its readers (public facts only)
    "/api/parcels/{code}/brochure.pdf": secret_and_own(inventory_api, "/api/parcels/{*_parcel}/brochure.pdf"),
    "/api/factories/{code}/brochure.pdf": secret_and_own(
        inventory_api, "/api/factories/{*_factory}/brochure.pdf"
    ),
    "/api/brochure.pdf": (
        inventory_api,
        [("/api/brochure.pdf?site=parcel:{own_parcel}&site=factory:{secret_factory}", "none")],
    ),
    "/api/projects/{code}/brochure.pdf": secret_and_own(
        project_api, "/api/projects/{*_project}/brochure.pdf"
    ),
    "/projects/{code}": secret_and_own(project_page, "/projects/{*_project}"),
    # a proposal page (推介页) is open to whoever holds its link, and shows nothing private
    "/p/{token}": (open_route, [("/p/{secret_proposal}", "secret"), ("/p/{own_proposal}", "own")]),
    "/p/{token}/photos/{attachment_id}": (open_route, [("/p/{own_proposal}/photos/{photo}", "own")]),
    "/p/{token}/photos/{attachment_id}/thumbnail": (
        open_route,
        [("/p/{own_proposal}/photos/{photo}/thumbnail", "own")],
    ),
    "/api/projects/{code}/proposals": secret_and_own(project_api, "/api/projects/{*_project}/proposals"),
    "/{plural}/{code}/edit": (
        site_edit_page,
        [("/parcels/{secret_parcel}/edit", "secret"), ("/factories/{own_factory}/edit", "own")],
    ),
}

# What a reader must find (so that hiding too much fails as well): URL template -> roles -> texts.
MUST_SEE: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "/api/projects/export?format=csv": {
        STAFF: (SECRET["code"], SECRET["name"], OWN["name"], PERSONAL["project_contact"]),
        ("park_manager",): (OWN["code"], OWN["name"], OWN["investor"]),
    },
    "/api/projects/export?format=xlsx": {
        STAFF: (SECRET["name"], SECRET["investor"], OWN["name"]),
        ("park_manager",): (OWN["name"],),
    },
    "/api/projects/{secret_project}/follow-ups": {STAFF: (FOLLOW_UPS["secret"], EDITOR)},
    "/api/projects/{own_project}/follow-ups": {("park_manager", *STAFF): (FOLLOW_UPS["own"],)},
    "/api/projects/{secret_project}/stages": {STAFF: ('"signed"', EDITOR)},
    "/api/parcels/{secret_parcel}": {
        STAFF: (SECRET["code"], SECRET["name"], PERSONAL["contact"], PERSONAL["ownership"], EDITOR),
        ("park_manager",): (PERSONAL["contact"], PERSONAL["remarks"]),
        ("anonymous",): ('"reserved"',),
    },
    "/api/parcels/{own_parcel}": {("park_manager", *STAFF): (OWN["code"], OWN["name"], PERSONAL["contact"])},
    "/api/factories/{secret_factory}": {STAFF: (SECRET["code"], PERSONAL["owner"])},
    "/api/factories/{own_factory}": {("park_manager", *STAFF): (OWN["code"], PERSONAL["owner"])},
    "/api/parcels/{secret_parcel}/history": {("park_manager", *STAFF): (EDITOR, PERSONAL["contact"])},
    "/api/areas/{park}": {("park_manager", *STAFF): (PERSONAL["area"],)},
    "/api/parcels/{own_parcel}/attachments": {
        ("park_manager", *STAFF): (PHOTO, PERSONAL["document"]),
        ("anonymous",): (PHOTO,),
    },
    "/api/parcels/{own_parcel}/history": {("park_manager", *STAFF): (PHOTO, PERSONAL["document"])},
    "/api/areas/{park}/history": {("park_manager", *STAFF): (EDITOR, PERSONAL["area"])},
    "/api/projects?limit=1000": {STAFF: (SECRET["code"], OWN["code"]), ("park_manager",): (OWN["code"],)},
    "/api/projects/choices?q=SECRET-901": {STAFF: (SECRET["code"], SECRET["name"])},
    "/api/projects/choices?q=本园乙": {("park_manager", *STAFF): (OWN["code"], OWN["name"])},
    "/api/projects/{secret_project}": {STAFF: (SECRET["investor"], PERSONAL["project_contact"])},
    "/api/projects/{own_project}": {("park_manager", *STAFF): (OWN["investor"], PERSONAL["project_remarks"])},
    "/api/projects/{secret_project}/sites": {STAFF: ("{secret_parcel}", "{secret_factory}")},
    "/api/projects/{own_project}/sites": {("park_manager", *STAFF): ("{own_parcel}", "{own_factory}")},
    "/api/projects/{own_project}/history": {("park_manager", *STAFF): (EDITOR, OWN["investor"])},
    "/api/parcels/{own_parcel}/projects": {STAFF: (SECRET["code"],), ("park_manager",): (OWN["code"],)},
    "/parcels/{secret_parcel}": {
        STAFF: (SECRET["name"], PERSONAL["contact"], PERSONAL["note"], EDITOR),
        ("anonymous",): ("适配项目",),
    },
    "/parcels/{own_parcel}": {
        ("park_manager", *STAFF): (
            OWN["name"],
            PERSONAL["ownership"],
            PERSONAL["note"],
            PHOTO,
            PERSONAL["document"],
        ),
        ("anonymous",): (PHOTO,),
    },
    "/factories/{own_factory}": {("park_manager", *STAFF): (OWN["name"], PERSONAL["owner"])},
    "/parcels/{own_parcel}/fits": {STAFF: (SECRET["code"],), ("park_manager",): (OWN["code"],)},
    "/ogc/collections/parcels/items/{secret_parcel}": {STAFF: (SECRET["code"], PERSONAL["contact"])},
    "/ogc/collections/parcels/items/{own_parcel}?f=html": {("park_manager", *STAFF): (OWN["code"], EDITOR)},
    "/api/parcels/export?format=csv": {
        STAFF: (SECRET["code"], OWN["code"], PERSONAL["contact"]),
        ("park_manager",): (OWN["code"], PERSONAL["contact"]),
    },
    "/api/factories/export?format=xlsx": {
        STAFF: (SECRET["code"], OWN["code"]),
        ("park_manager",): (OWN["code"],),
    },
    "/api/alerts": {
        STAFF: (SECRET["code"], SECRET["name"], OWN["code"]),
        ("park_manager",): (OWN["code"], OWN["name"]),
    },
    "/todo?kind=overdue_start": {
        STAFF: (SECRET["code"], OWN["name"]),
        ("park_manager",): (OWN["code"], OWN["name"]),
    },
    "/supply": {
        STAFF: (SECRET["name"], OWN["name"]),
        ("park_manager",): (OWN["name"],),
        ("anonymous",): ("pipeline-sign-in",),
    },
    "/supply.xlsx": {STAFF: (SECRET["code"], OWN["code"]), ("park_manager",): (OWN["code"],)},
    "/api/targets?year={year}": {("park_manager", *STAFF): (EDITOR,), ("anonymous",): ("P02",)},
    "/trends.xlsx?months=12": {("park_manager", *STAFF): (EDITOR,)},
    "/match?project={own_project}": {("park_manager", *STAFF): (OWN["name"],)},
    compare_project("own"): {("park_manager", *STAFF): (OWN["name"], "{own_factory}")},
    "/projects?sort=-code": {
        STAFF: (SECRET["name"], OWN["name"], SECRET["investor"], OWN["investor"]),
        ("park_manager",): (OWN["name"], OWN["investor"]),
    },
    "/projects.xlsx?sort=-code": {STAFF: (SECRET["code"], OWN["code"]), ("park_manager",): (OWN["code"],)},
    "/api/projects/{secret_project}/reviews": {STAFF: (SECRET["name"], EDITOR)},
    "/api/projects/{secret_project}/reviews/{secret_review}": {STAFF: (SECRET["name"], EDITOR)},
    "/api/projects/{own_project}/reviews/{own_review}.html": {("park_manager", *STAFF): (OWN["name"],)},
    "/api/projects/{own_project}/reviews/{own_review}.xlsx": {("park_manager", *STAFF): (OWN["code"],)},
    # both projects stand at 签约 this week, and signed this year (entered today as signed)
    "/api/reports/weekly": {STAFF: (SECRET["code"], SECRET["name"], OWN["code"])},
    "/api/reports/weekly.xlsx": {STAFF: (SECRET["code"], OWN["code"])},
    "/reports/weekly": {STAFF: (SECRET["code"], SECRET["name"], OWN["name"])},
    "/api/reports/scorecard?period={year}": {STAFF: (SECRET["code"], OWN["code"])},
    "/api/reports/scorecard.xlsx?period={year}": {STAFF: (SECRET["code"], OWN["code"])},
    "/reports/scorecard?period={year}": {STAFF: (SECRET["code"], OWN["name"])},
    "/projects/{own_project}": {
        ("park_manager", *STAFF): (
            OWN["name"],
            OWN["investor"],
            FOLLOW_UPS["own"],
            "{own_parcel}",
            "{own_factory}",
        )
    },
    "/p/{secret_proposal}": {ROLES: ("{secret_parcel}", "{secret_factory}", PROPOSAL)},
    "/p/{own_proposal}": {ROLES: ("{own_parcel}", "/p/{own_proposal}/photos/{photo}/thumbnail")},
    "/api/projects/{secret_project}/proposals": {STAFF: (PROPOSAL, "{secret_parcel}")},
    "/api/projects/{own_project}/proposals": {("park_manager", *STAFF): (PROPOSAL, "{own_parcel}")},
    "/projects/{secret_project}": {STAFF: (SECRET["name"], FOLLOW_UPS["secret"], "{secret_parcel}", EDITOR)},
    "/api/places?q=产权标记": {("park_manager", *STAFF): (PERSONAL["owner"],)},
}


def text_of(response: httpx.Response) -> str:
    """The body as text; a workbook's sheets and strings unpacked (character references, as a
    write-only workbook writes its text, read as the characters)."""
    if response.headers.get("content-type", "").startswith(XLSX):
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "".join(
                html.unescape(book.read(n).decode("utf-8")) for n in book.namelist() if n.endswith(".xml")
            )
    return response.content.decode("utf-8", errors="replace")


def never_for(role: str) -> set[str]:
    """What `role` must never be shown."""
    secret = {SECRET["code"], SECRET["name"], SECRET["investor"], FOLLOW_UPS["secret"]}
    if role == "anonymous":
        return secret | {
            OWN["code"],
            OWN["name"],
            OWN["investor"],
            EDITOR,
            FOLLOW_UPS["own"],
            *PERSONAL.values(),
        }
    return secret if role == "park_manager" else set()


def problems(sample: Sample, template: str, variant: str, expect: Any, mode: str, role: str) -> list[str]:
    """What is wrong with one reader's answer to one URL (nothing, when all is well)."""
    url = sample.fill(template)
    response = sample.clients[mode].get(url, headers=sample.headers[role], follow_redirects=False)
    where = f"{mode} {role} {url}"
    wanted = expect(role, mode, variant)
    if response.status_code != wanted:
        return [f"{where}: {response.status_code}, not {wanted}"]
    if wanted == 303 and response.headers["location"] not in (
        f"/login?next={quote(url, safe='')}",
        f"/login?next={url}",
    ):
        return [f"{where}: sent to {response.headers['location']}, not to sign in and come back"]
    if wanted == 401 and response.headers["content-type"] != "application/problem+json":
        return [f"{where}: 401 as {response.headers['content-type']}, not problem+json"]
    body = text_of(response)
    found = [f"{where}: shows {s!r}" for s in never_for(role) if s in body and s not in url]
    for roles, texts in MUST_SEE.get(template, {}).items():
        if role in roles and wanted == 200:
            found += [f"{where}: lacks {s!r}" for s in map(sample.fill, texts) if s not in body]
    return found


# With LANDSTOCK_PUBLIC_READ=none only anonymous readers are treated otherwise; one signed-in
# reader there checks that nobody else is.
READERS = [
    (mode, role)
    for mode in ("inventory", "none")
    for role in ROLES
    if mode == "inventory" or role in ("anonymous", "park_manager")
]


def test_every_get_route_is_in_the_matrix(sample):
    app = sample.clients["inventory"].app
    served = {r.path for r in iter_route_contexts(app.routes) if r.methods and "GET" in r.methods}

    assert sorted(served - set(ROUTES)) == [], "say in ROUTES who may read these"
    assert sorted(set(ROUTES) - served) == [], "ROUTES names routes that are gone"


@pytest.mark.parametrize("route", list(ROUTES))
def test_who_reads_what(sample, route):
    expect, urls = ROUTES[route]

    wrong = [
        p
        for template, variant in urls
        for mode, role in READERS
        for p in problems(sample, template, variant, expect, mode, role)
    ]

    assert wrong == []


def test_an_intranet_still_serves_sign_in_and_static_files(sample):
    closed = sample.clients["none"]

    assert closed.get("/static/landstock/landstock.css").status_code == 200
    assert closed.get("/login").status_code == 200
    token = closed.post("/api/auth/token", json={"name": "matrix-leader", "password": TEST_PASSWORD})
    assert token.status_code == 200
    assert (
        closed.get(
            "/api/parcels?limit=1", headers={"Authorization": f"Bearer {token.json()['token']}"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("path", ["/api/match", "/api/review", "/api/match/compare"])
def test_matching_and_reviewing_by_post_are_read_as_the_inventory_is(sample, path):
    need = {"industry_code": "39", "land_min_mu": 10, "land_max_mu": 80}
    own = (f"parcel:{sample.codes['own_parcel']}", f"factory:{sample.codes['own_factory']}")
    body = {
        "/api/match": {**need, "limit": 2, "near_misses": 0},
        "/api/review": {**need, "site": sample.codes["own_parcel"]},
        "/api/match/compare": {**need, "sites": own},
    }[path]

    anonymous = {
        mode: sample.clients[mode].post(path, json=body).status_code for mode in ("inventory", "none")
    }
    manager = sample.clients["none"].post(path, json=body, headers=sample.headers["park_manager"])

    assert anonymous == {"inventory": 200, "none": 401}
    assert manager.status_code == 200 and SECRET["code"] not in manager.text

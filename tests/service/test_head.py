"""HEAD is answered wherever GET is: every GET route of the app, on both databases.

The routes are read from the app itself (API, OGC, pages, tiles, static files, docs), so a route
added later is walked too; each answers HEAD with GET's status, content type and ETag, and no body.
"""

import dataclasses
import re
from urllib.parse import quote

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from gis import accounts
from gis.gateway import proposals, reviews, shortlist
from gis.gateway.attachments import Upload, attach
from gis.matching.need import MatchConfig
from gis.matching.review import Planned, ReviewConfig
from gis.media import MediaLimits
from gis.pipeline.reviews import NewReview
from gis.vocabulary import SiteKind
from service.main import create_app
from service.settings import MapSettings
from tests.conftest import BACKENDS, OPERATOR, TEST_PASSWORD, settings_for
from tests.photos import phone_jpeg
from tests.tile_packages import raster_package

# A value for every path parameter, and the query a route needs to answer 200
PARAMETERS = {
    "code": "KFQ-001",
    "collectionId": "parcels",
    "featureId": "KFQ-001",
    "kind": "parcels",
    "z": "9",
    "x": "428",
    "y": "207",
    "plural": "parcels",
    "name": "head_admin",
}
CODES = {
    "/api/factories/": "CF-BX-099",
    "/factories/": "CF-BX-099",
    "/api/areas/": "P01",
    "/api/projects/": "XM-2026-001",
    "/projects/": "XM-2026-001",
}
QUERIES = {
    "/api/projects/{code}/review": "?site=KFQ-001",
    "/api/projects/{code}/review.xlsx": "?site=KFQ-001",
    "/api/projects/{code}/review.html": "?site=KFQ-001",
    "/api/sites/near": "?lon=121.66&lat=31.81&within_m=3000",
    "/api/places": "?q=启东",
    "/api/brochure.pdf": "?site=parcel:KFQ-001",
    "/trends/records": "?measure=available&month=2026-01&area=P01",
    **{
        path: "?site=parcel:KFQ-001&site=factory:CF-BX-099&need="
        + quote('{"industry_code": "39", "land_min_mu": 1, "land_max_mu": 5000}', safe="")
        for path in ("/compare", "/compare/table", "/compare.xlsx", "/compare.pdf")
    },
}
# routes whose sample values are not the shared ones: a tile of the small test basemap package
PATHS = {"/basemap/{z}/{x}/{y}": "/basemap/1/1/0"}
STATIC = {
    "/static/landstock": "/static/landstock/landstock.css",
    "/static/vendor": "/static/vendor/leaflet/package.json",
}


def url_of(path):
    """The route's path with a sample record's values."""
    if path in PATHS:
        return PATHS[path]
    code = next((value for prefix, value in CODES.items() if path.startswith(prefix)), PARAMETERS["code"])
    filled = re.sub(r"\{(\w+)\}", lambda m: code if m.group(1) == "code" else PARAMETERS[m.group(1)], path)
    return filled + QUERIES.get(path, "")


def get_urls(app):
    """Every GET route of `app` as a URL, and every static mount as one of its files."""
    urls = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Mount):
            urls.append(STATIC[route.path])
        elif "GET" in (context.methods or ()):
            urls.append(url_of(context.path))
    return urls


def etag_of(response, stable):
    """The ETag, or only that there is one where it changes with every answer: a download's
    ETag is of the file written for that one answer (its time and size)."""
    value = response.headers.get("etag")
    return value if stable or value is None else "one per answer"


@pytest.fixture(scope="module")
def admin(sample_client):
    with sample_client.app.state.db.write() as session:
        user = accounts.create_user(session, OPERATOR, "head_admin", "admin", TEST_PASSWORD)
        # a joint review of the sample project, for the review records' routes ({number})
        held = reviews.create(
            session,
            NewReview("XM-2026-001", "KFQ-001", Planned()),
            who=OPERATOR,
            config=ReviewConfig(),
            match=MatchConfig(),
        )
        PARAMETERS["number"] = held.slug
        # a photo of KFQ-001, for the attachment routes ({attachment_id})
        photo = attach(
            session,
            SiteKind.PARCEL,
            "KFQ-001",
            [Upload("p.jpg", phone_jpeg())],
            who=OPERATOR,
            limits=MediaLimits(),
        )
        PARAMETERS["attachment_id"] = str(photo[0].id)
        # a proposal page of that parcel, for the investor's routes ({token})
        shortlist.save(session, "XM-2026-001", [shortlist.Pick("KFQ-001", 80)], who=OPERATOR)
        _proposal, PARAMETERS["token"] = proposals.publish(
            session, "XM-2026-001", proposals.NewProposal("启东推荐"), who=OPERATOR
        )
        return {"Authorization": f"Bearer {accounts.issue_token(session, OPERATOR, user, 'test', None)}"}


@pytest.fixture(scope="module", params=BACKENDS)
def sample_client(request, databases, tmp_path_factory):
    """The module's app on a sample database, with a basemap package, so that its routes answer."""
    package = raster_package(tmp_path_factory.mktemp("basemap") / "basemap.mbtiles", max_zoom=1)
    settings = settings_for(databases.url(str(request.param), sample=True))
    with TestClient(
        create_app(dataclasses.replace(settings, map=MapSettings(basemap_tiles=package)))
    ) as client:
        yield client


def test_every_get_route_answers_head_with_the_same_status_and_etag_and_no_body(sample_client, admin):
    urls = get_urls(sample_client.app)
    differ = []

    for url in urls:
        got, again = (sample_client.get(url, headers=admin, follow_redirects=False) for _ in range(2))
        head = sample_client.head(url, headers=admin, follow_redirects=False)
        stable = got.headers.get("etag") == again.headers.get("etag")
        seen = (head.status_code, etag_of(head, stable), head.headers.get("content-type"), head.content)
        wanted = (got.status_code, etag_of(got, stable), got.headers.get("content-type"), b"")
        if seen != wanted or got.status_code >= 400:
            differ.append((url, seen[:3], wanted[:3], len(head.content)))

    assert len(urls) > 50 and differ == []


def test_head_of_a_parcel_gives_the_etag_to_change_it_with(sample_client):
    head = sample_client.head("/api/parcels/KFQ-001")

    assert (
        head.status_code == 200
        and head.headers["etag"] == sample_client.get("/api/parcels/KFQ-001").headers["etag"]
    )
    assert int(head.headers["content-length"]) > 0 and head.content == b""


def test_head_of_an_unknown_record_or_a_post_only_route_is_refused_like_get(sample_client):
    assert sample_client.head("/api/parcels/NO-SUCH").status_code == 404
    assert sample_client.head("/api/match").status_code == sample_client.get("/api/match").status_code == 405

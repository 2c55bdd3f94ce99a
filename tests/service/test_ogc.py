"""OGC API – Features under /ogc on the Qidong sample, on both databases."""

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from gis import inventory
from gis.models import Factory, Parcel
from service.main import create_app
from service.ogc import CONFORMANCE, CRS84, parse_datetime
from tests.conftest import settings_for

GEOJSON = "application/geo+json"
PROBLEM = "application/problem+json"
COUNTS = {"parcels": 556, "factories": 101, "areas": 22}


def links(document, rel):
    return [link for link in document["links"] if link["rel"] == rel]


def test_landing_page_links_to_api_conformance_and_collections(sample_client):
    response = sample_client.get("/ogc")

    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["title"] and body["description"]
    assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= {
        link["rel"] for link in body["links"]
    }
    assert all(link["href"].startswith("http://testserver/") for link in body["links"])
    assert sample_client.get(links(body, "data")[0]["href"]).status_code == 200
    assert sample_client.get("/ogc/").json()["title"] == body["title"]


def test_conformance_declares_core_geojson_html_and_openapi(sample_client):
    body = sample_client.get("/ogc/conformance").json()

    assert set(body["conformsTo"]) == set(CONFORMANCE)
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in body["conformsTo"]


def test_the_api_definition_describes_the_ogc_paths_relative_to_the_landing_page(sample_client):
    service_desc = links(sample_client.get("/ogc").json(), "service-desc")[0]["href"]

    spec = sample_client.get(service_desc).json()

    assert spec["servers"] == [{"url": "http://testserver/ogc"}]
    assert "/collections/parcels/items" in spec["paths"] and "/api/parcels" not in spec["paths"]
    names = {p["name"] for p in spec["paths"]["/collections/parcels/items"]["get"]["parameters"]}
    assert names >= {"bbox", "datetime", "limit", "offset", "status", "park_code", "land_use"}


def test_collections_have_titles_crs84_extents_and_item_links(sample_client):
    body = sample_client.get("/ogc/collections").json()

    assert [c["id"] for c in body["collections"]] == ["parcels", "factories", "areas"]
    for collection in body["collections"]:
        assert collection["itemType"] == "feature" and collection["crs"] == [CRS84]
        x0, y0, x1, y1 = collection["extent"]["spatial"]["bbox"][0]
        assert 121.2 < x0 < x1 < 122.0 and 31.5 < y0 < y1 < 32.2
        start, end = collection["extent"]["temporal"]["interval"][0]
        assert start <= end
        items = [link for link in links(collection, "items") if link["type"] == GEOJSON]
        assert items[0]["href"] == f"http://testserver/ogc/collections/{collection['id']}/items"
    one = sample_client.get("/ogc/collections/factories").json()
    assert one["id"] == "factories" and links(one, "self")[0]["href"].endswith("/ogc/collections/factories")


@pytest.mark.parametrize("collection", COUNTS)
def test_items_are_geojson_with_counts_timestamp_and_paging(sample_client, collection):
    response = sample_client.get(f"/ogc/collections/{collection}/items", params={"limit": 7, "offset": 7})

    assert response.status_code == 200 and response.headers["content-type"] == GEOJSON
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (
        body["numberMatched"] == COUNTS[collection] and body["numberReturned"] == len(body["features"]) == 7
    )
    assert dt.datetime.fromisoformat(body["timeStamp"]).tzinfo is not None
    assert {"self", "alternate", "next", "prev", "collection"} <= {link["rel"] for link in body["links"]}
    assert "offset=14" in links(body, "next")[0]["href"] and "offset=0" in links(body, "prev")[0]["href"]
    assert all(f["id"] == f["properties"]["code"] and f["geometry"]["type"] for f in body["features"])


def test_following_next_links_visits_every_parcel_once(sample_client):
    seen, url = [], "/ogc/collections/parcels/items?limit=200"
    while url:
        body = sample_client.get(url).json()
        seen += [f["id"] for f in body["features"]]
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)

    assert len(seen) == len(set(seen)) == 556


def test_a_limit_above_the_largest_page_returns_the_largest_page(sample_client):
    body = sample_client.get("/ogc/collections/parcels/items", params={"limit": 5000}).json()

    assert body["numberReturned"] == 556 and not links(body, "next")


def test_property_filters_and_bbox_select_like_the_query_layer(sample_client):
    params = {
        "status": "available",
        "park_code": "P01",
        "land_use": "1001",
        "bbox": "121.68,31.76,121.75,31.81",
        "limit": 1000,
    }
    body = sample_client.get("/ogc/collections/parcels/items", params=params).json()

    assert body["numberMatched"] > 0
    for feature in body["features"]:
        props = feature["properties"]
        assert (
            props["status"] == "available"
            and props["park_code"] == "P01"
            and props["land_use"].startswith("1001")
        )
    assert (
        sample_client.get("/ogc/collections/parcels/items", params={"land_use": "100102"}).json()[
            "numberMatched"
        ]
        > 0
    )
    factories = sample_client.get(
        "/ogc/collections/factories/items", params={"building_type": "warehouse"}
    ).json()
    assert factories["numberMatched"] > 0
    assert {f["properties"]["building_type"] for f in factories["features"]} == {"warehouse"}
    parks = sample_client.get("/ogc/collections/areas/items", params={"kind": "park"}).json()
    assert sorted(f["id"] for f in parks["features"]) == ["P01", "P02", "P03", "P04"]


def test_datetime_filters_on_the_update_time(sample_client):
    updated = sample_client.get("/ogc/collections/parcels/items/KFQ-001").json()["properties"]["updated_at"]
    moment = dt.datetime.fromisoformat(updated)
    day = moment.date().isoformat()

    def matched(value):
        return sample_client.get("/ogc/collections/parcels/items", params={"datetime": value}).json()[
            "numberMatched"
        ]

    assert matched(f"{day}/..") == matched(f"../{day}") == matched(day) == 556
    assert matched((moment + dt.timedelta(days=1)).isoformat()[:10] + "/..") == 0
    assert matched(f"../{(moment - dt.timedelta(days=1)).date().isoformat()}") == 0
    assert matched(f"{day}T00:00:00Z/{day}T23:59:59.999999Z") == 556


def test_single_features_by_code_with_self_and_collection_links(sample_client):
    for collection, code in (("parcels", "KFQ-001"), ("factories", "CF-KFQ-001"), ("areas", "P01")):
        response = sample_client.get(f"/ogc/collections/{collection}/items/{code}")

        assert response.status_code == 200 and response.headers["content-type"] == GEOJSON
        body = response.json()
        assert body["type"] == "Feature" and body["id"] == code
        assert links(body, "self") and links(body, "collection")[0]["href"].endswith(
            f"/ogc/collections/{collection}"
        )


def test_queryables_list_the_filters_and_each_one_works_as_a_parameter(sample_client):
    for collection in COUNTS:
        response = sample_client.get(f"/ogc/collections/{collection}/queryables")
        assert response.status_code == 200 and response.headers["content-type"] == "application/schema+json"
        properties = response.json()["properties"]
        assert properties.pop("geometry")["x-ogc-role"] == "primary-geometry"
        for name, schema in properties.items():
            value = schema["enum"][0] if "enum" in schema else "1001"
            found = sample_client.get(f"/ogc/collections/{collection}/items", params={name: value})
            assert found.status_code == 200, (collection, name, found.text)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/ogc/collections/parcels/items", {"park": "P01"}, 400),
        ("/ogc/collections/parcels/items", {"limit": "0"}, 400),
        ("/ogc/collections/parcels/items", {"bbox": "121.8,31.7,121.6,31.9"}, 400),
        ("/ogc/collections/parcels/items", {"datetime": "yesterday"}, 400),
        ("/ogc/collections/parcels/items", {"datetime": "2026-06-30/2026-06-01"}, 400),
        ("/ogc/collections/parcels/items", {"status": "sold_by_city"}, 400),
        ("/ogc/collections/parcels/items", {"f": "xml"}, 400),
        ("/ogc/collections/roads", {}, 404),
        ("/ogc/collections/roads/items/X", {}, 404),
        ("/ogc/collections/parcels/items/NOPE-1", {}, 404),
    ],
)
def test_bad_requests_are_problem_json_with_the_status_ogc_requires(sample_client, path, params, status):
    response = sample_client.get(path, params=params)

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM and response.json()["detail"]


def test_unknown_parameters_are_named_in_the_readers_language(sample_client):
    body = sample_client.get("/ogc/collections/parcels/items", params={"park": "P01", "lang": "en"}).json()

    assert body["detail"].startswith("Unsupported query parameter park;") and "park_code" in body["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/areas",
        "/ogc/collections/parcels/items",
        "/ogc/collections/factories/items/CF-KFQ-001",
    ],
)
def test_html_for_browsers_and_json_for_gis_clients(sample_client, path):
    browser = sample_client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    asked = sample_client.get(path, params={"f": "html", "lang": "en"})
    gdal = sample_client.get(path, headers={"Accept": "application/geo+json, application/json"})
    anything = sample_client.get(path, headers={"Accept": "*/*"})

    assert browser.status_code == asked.status_code == 200
    assert browser.headers["content-type"].startswith("text/html") and "<h1>" in browser.text
    assert asked.headers["content-type"].startswith("text/html") and 'lang="en"' in asked.text
    assert gdal.headers["content-type"] in ("application/json", GEOJSON)
    assert anything.headers["content-type"] == gdal.headers["content-type"]
    assert "Accept" in browser.headers["vary"]


def test_html_lists_show_labelled_values(sample_client):
    page = sample_client.get(
        "/ogc/collections/parcels/items", params={"f": "html", "park_code": "P01", "limit": 5}
    )

    assert "启东经济开发区" in page.text and "KFQ-001" in page.text and "面积(亩)" in page.text


def test_parse_datetime_accepts_instants_dates_and_open_intervals():
    utc = dt.UTC
    assert parse_datetime("2026-06-30T08:00:00Z") == (dt.datetime(2026, 6, 30, 8, tzinfo=utc),) * 2
    assert parse_datetime("2026-06-30") == (
        dt.datetime(2026, 6, 30, tzinfo=utc),
        dt.datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=utc),
    )
    assert parse_datetime("2026-06-01/..") == (dt.datetime(2026, 6, 1, tzinfo=utc), None)
    assert parse_datetime("../2026-06-01T10:00:00+08:00") == (None, dt.datetime(2026, 6, 1, 2, tzinfo=utc))
    assert parse_datetime("2026-06-01T/2026-06-02T")[1].day == 2  # as GDAL 3.6 writes dates


def test_soft_deleted_records_are_not_served(sample_db):
    with sample_db.write() as session:
        session.execute(
            update(Parcel).where(Parcel.code == "KFQ-001").values(deleted_at=dt.datetime.now(dt.UTC))
        )
        session.execute(
            update(Factory).where(Factory.code == "CF-KFQ-001").values(deleted_at=dt.datetime.now(dt.UTC))
        )
    with sample_db.read() as session:
        extent = inventory.extent(session, "parcel")

    with TestClient(
        create_app(settings_for(str(sample_db.engine.url.render_as_string(hide_password=False))))
    ) as client:
        parcels = client.get("/ogc/collections/parcels/items", params={"limit": 1000}).json()
        factories = client.get("/ogc/collections/factories/items", params={"limit": 1000}).json()
        gone = client.get("/ogc/collections/parcels/items/KFQ-001")
        bbox = client.get("/ogc/collections/parcels").json()["extent"]["spatial"]["bbox"][0]

    assert parcels["numberMatched"] == len(parcels["features"]) == 555
    assert "KFQ-001" not in {f["id"] for f in parcels["features"]}
    assert factories["numberMatched"] == 100 and "CF-KFQ-001" not in {f["id"] for f in factories["features"]}
    assert gone.status_code == 404
    assert bbox == list(extent.bbox)

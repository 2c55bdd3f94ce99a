"""The HTTP API on the Qidong sample, on both databases."""

import pytest

from gis import migrate
from service.schemas import FactoryCollection, FactoryFeature, ParcelCollection, ParcelFeature

PROBLEM = "application/problem+json"


def test_health_names_the_database_and_revision(sample_client):
    response = sample_client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in ("sqlite", "postgresql")
    assert response.json()["revision"] == migrate.head_revision()


def test_parcels_are_geojson_with_counts_and_paging_links(sample_client):
    response = sample_client.get("/api/parcels", params={"limit": 50})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 556 and body["numberReturned"] == 50
    assert [link["rel"] for link in body["links"]] == ["self", "next"]
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert "crs" not in feature["geometry"]
    assert feature["properties"]["status_label"] in (
        "可供",
        "意向",
        "已签约",
        "已供地",
        "已开工",
        "已投产",
        "暂不可供",
    )
    assert feature["properties"]["area_mu"] == pytest.approx(
        feature["properties"]["area_m2"] / 666.6667, rel=1e-3
    )


def test_next_link_leads_to_the_next_page(sample_client):
    first = sample_client.get("/api/parcels", params={"limit": 200, "status": "available"}).json()
    next_href = next(link["href"] for link in first["links"] if link["rel"] == "next")

    second = sample_client.get(next_href).json()

    assert second["numberMatched"] == first["numberMatched"]
    assert {f["id"] for f in first["features"]}.isdisjoint(f["id"] for f in second["features"])
    assert all(f["properties"]["status"] == "available" for f in second["features"])


def test_filters_by_bbox_park_status_land_use_and_area(sample_client):
    params = [
        ("bbox", "121.56,32.03,121.67,32.10"),
        ("park", "P04"),
        ("status", "available"),
        ("status", "reserved"),
        ("land_use", "1001"),
        ("min_mu", "10"),
        ("max_mu", "100"),
    ]
    body = sample_client.get("/api/parcels", params=params).json()

    assert body["numberMatched"] > 0
    for feature in body["features"]:
        props = feature["properties"]
        assert props["park_code"] == "P04" and props["status"] in ("available", "reserved")
        assert props["land_use"].startswith("1001") and 10 <= props["area_mu"] <= 100


def test_one_parcel_and_one_factory(sample_client):
    parcel = sample_client.get("/api/parcels/KFQ-001")
    factory = sample_client.get("/api/factories", params={"limit": 1}).json()["features"][0]

    assert parcel.status_code == 200 and parcel.json()["id"] == "KFQ-001"
    assert parcel.json()["properties"]["park_name"] == "启东经济开发区"
    one = sample_client.get(f"/api/factories/{factory['id']}").json()
    assert one["properties"]["code"] == factory["id"]
    assert one["geometry"]["type"] in ("MultiPolygon", "Point")


def test_factories_filter_on_specs(sample_client):
    body = sample_client.get(
        "/api/factories", params={"status": "vacant", "min_vacant_m2": 2000, "min_clear_height_m": 8}
    ).json()

    assert body["numberMatched"] > 0
    assert all(f["properties"]["vacant_area_m2"] >= 2000 for f in body["features"])


def test_areas_list_parks_towns_and_zones(sample_client):
    parks = sample_client.get("/api/areas", params={"kind": "park"}).json()

    assert {a["name"] for a in parks} == {
        "启东经济开发区",
        "启东高新技术产业开发区",
        "启东生命健康科技城",
        "吕四港经济开发区",
    }
    assert all(a["kind_label"] == "园区" and a["area_mu"] > 0 for a in parks)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "121,31,120,32"}, None),
        ({"bbox": "nonsense"}, None),
        ({"limit": "0"}, "limit"),
        ({"limit": "100000"}, "limit"),
        ({"min_mu": "-1"}, "min_mu"),
        ({"status": "sold_by_city"}, "status"),
        ({"land_use": "M2"}, "land_use"),
        ({"sort": "colour"}, "sort"),
        ({"min_mu": "50", "max_mu": "10"}, None),
        ({"park": "P99"}, None),
    ],
)
def test_bad_filters_get_a_problem_json_422(sample_client, params, field):
    response = sample_client.get("/api/parcels", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and body["detail"] and body["type"].startswith("urn:landstock:problem:")
    if field:
        assert field in body["detail"] and body["errors"][0]["field"].startswith(field)


def test_unknown_codes_are_404_in_the_readers_language(sample_client):
    zh = sample_client.get("/api/parcels/NOPE-1")
    en = sample_client.get("/api/parcels/NOPE-1", headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert zh.status_code == en.status_code == 404
    assert zh.headers["content-type"] == PROBLEM
    assert zh.json()["detail"] == "未找到地块“NOPE-1”。"
    assert en.json()["detail"] == "No parcel with code “NOPE-1”."
    assert sample_client.get("/api/factories/NOPE", params={"lang": "en"}).json()["title"] == "Not found"


def test_unknown_paths_and_methods_are_problem_json(sample_client):
    assert sample_client.get("/api/nothing").headers["content-type"] == PROBLEM
    response = sample_client.delete("/api/parcels")
    assert response.status_code == 405 and response.headers["content-type"] == PROBLEM


def test_openapi_documents_the_geojson_lists(sample_client):
    spec = sample_client.get("/openapi.json").json()

    operation = spec["paths"]["/api/parcels"]["get"]
    assert "application/geo+json" in operation["responses"]["200"]["content"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "bbox",
        "park",
        "status",
        "land_use",
        "min_mu",
        "max_mu",
        "limit",
        "offset",
    }
    for path in ("/api/parcels", "/api/factories"):
        assert all(p.get("description") for p in spec["paths"][path]["get"]["parameters"]), path
    assert sample_client.get("/docs").status_code == 200


def test_the_documentation_pages_load_nothing_from_another_server(sample_client):
    swagger, redoc = sample_client.get("/docs").text, sample_client.get("/redoc").text
    for page in (swagger, redoc):
        assert "https://" not in page and "fonts.googleapis" not in page
    assert (
        '"validatorUrl": null' in swagger and "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in swagger
    )
    assert 'src="/docs/redoc.js"' in redoc
    script = sample_client.get("/docs/redoc.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in script.text and "Redocly" in script.text
    assert sample_client.get("/static/vendor/swagger-ui-dist/swagger-ui.css").status_code == 200


@pytest.mark.parametrize("plural", ["parcels", "factories"])
def test_a_list_and_its_export_take_the_same_filters(sample_client, plural):
    paths = sample_client.get("/openapi.json").json()["paths"]
    listed = {p["name"]: p for p in paths[f"/api/{plural}"]["get"]["parameters"]}
    exported = {p["name"]: p for p in paths[f"/api/{plural}/export"]["get"]["parameters"]}

    assert exported.keys() - listed.keys() == {"format"} and listed.keys() - exported.keys() == {
        "sort",
        "limit",
        "offset",
    }
    assert all(exported[name] == listed[name] for name in exported.keys() & listed.keys())


def test_responses_match_their_documented_schemas(sample_client):
    ParcelCollection.model_validate(sample_client.get("/api/parcels", params={"limit": 1000}).json())
    FactoryCollection.model_validate(sample_client.get("/api/factories", params={"limit": 1000}).json())
    ParcelFeature.model_validate(sample_client.get("/api/parcels/KFQ-001").json())
    ParcelFeature.model_validate(sample_client.get("/api/parcels/KFQ-001", params={"lang": "en"}).json())
    first = sample_client.get("/api/factories", params={"limit": 1}).json()["features"][0]["id"]
    FactoryFeature.model_validate(sample_client.get(f"/api/factories/{first}").json())

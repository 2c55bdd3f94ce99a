"""GET /api/sites/near over HTTP, on both databases: what lies around a point, nearest first, and
its parameters checked (422)."""


def test_the_sites_around_a_parcel_nearest_first(sample_client):
    outline = sample_client.get("/api/parcels/KFQ-001").json()["geometry"]
    lon, lat = outline["coordinates"][0][0][0]  # a corner: on the outline, 0 m
    response = sample_client.get("/api/sites/near", params={"lon": lon, "lat": lat, "within_m": 800})
    assert response.status_code == 200
    body = response.json()
    assert body["within_m"] == 800 and body["sites"]
    first = body["sites"][0]
    assert first["distance_m"] == 0 and first["url"].startswith("/parcels/")
    assert {"status_label", "park_name", "kind"} <= first.keys()
    distances = [s["distance_m"] for s in body["sites"]]
    assert distances == sorted(distances) and max(distances) <= 800


def test_bad_parameters_are_refused(sample_client):
    for params in ({"lon": 200, "lat": 31.8}, {"lon": 121.6}, {"lon": 121.6, "lat": 31.8, "within_m": 0}):
        response = sample_client.get("/api/sites/near", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"].startswith("application/problem+json")

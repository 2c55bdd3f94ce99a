"""POST /api/{parcels|factories}/{code}/verify (核实无变化) over HTTP, on both databases."""

from sqlalchemy import select

from gis.models import Area, Factory, Parcel


def first_in(app, model, park):
    with app.db.read() as session:
        return session.scalar(
            select(model.code)
            .join(Area, Area.id == model.park_id)
            .where(Area.code == park, model.deleted_at.is_(None))
            .order_by(model.code)
            .limit(1)
        )


def test_a_park_manager_verifies_their_parcel_and_the_history_says_so(sample_app):
    client, code = sample_app.client, first_in(sample_app, Parcel, "P01")
    headers = sample_app.headers("park_manager", "P01")
    before = client.get(f"/api/parcels/{code}", headers=headers)

    response = client.post(f"/api/parcels/{code}/verify", headers=headers)

    assert response.status_code == 200, response.text
    props = response.json()["properties"]
    assert props["verified_at"] > before.json()["properties"]["verified_at"]
    assert props["verified_by"].startswith("park_manager_")
    assert response.headers["ETag"] == before.headers["ETag"]  # nothing the record says changed
    entries = client.get(f"/api/parcels/{code}/history", headers=headers).json()["entries"]
    assert (entries[-1]["action"], entries[-1]["action_label"]) == ("verify", "核实无变化")


def test_the_verifier_is_personal_data(sample_app):
    client, code = sample_app.client, first_in(sample_app, Factory, "P01")
    assert (
        client.post(f"/api/factories/{code}/verify", headers=sample_app.headers("admin")).status_code == 200
    )
    anonymous = client.get(f"/api/factories/{code}").json()["properties"]
    assert anonymous["verified_at"] and anonymous["verified_by"] is None
    entries = client.get(f"/api/factories/{code}/history").json()["entries"]
    assert entries[-1]["action"] == "verify" and "verified_by" not in entries[-1]["changes"]


def test_only_those_who_keep_the_status_may_verify(sample_app):
    client, code = sample_app.client, first_in(sample_app, Parcel, "P01")
    url = f"/api/parcels/{code}/verify"
    assert client.post(url).status_code == 401
    for role, areas in (("investment", ()), ("leader", ()), ("park_manager", ("P02",))):
        response = client.post(url, headers=sample_app.headers(role, *areas))
        assert response.status_code == 403, (role, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    entries = client.get(f"/api/parcels/{code}/history", headers=sample_app.headers("admin")).json()
    assert all(e["action"] != "verify" for e in entries["entries"])


def test_if_match_is_optional_but_checked(sample_app):
    client, code = sample_app.client, first_in(sample_app, Parcel, "P01")
    headers = sample_app.headers("admin")
    etag = client.get(f"/api/parcels/{code}").headers["ETag"]
    stale = {**headers, "If-Match": f'"{int(etag.strip(chr(34))) - 1}"'}
    assert client.post(f"/api/parcels/{code}/verify", headers=stale).status_code == 412
    assert (
        client.post(f"/api/parcels/{code}/verify", headers={**headers, "If-Match": etag}).status_code == 200
    )
    assert client.post("/api/parcels/NO-SUCH-9/verify", headers=headers).status_code == 404

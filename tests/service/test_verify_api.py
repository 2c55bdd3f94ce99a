"""POST /api/{parcels|factories}/{code}/verify (核实无变化) over HTTP, on both databases."""

import re

from sqlalchemy import select

from gis import localtime
from gis.models import Area, Factory, Parcel
from tests.service.test_project_page import signed_in


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


def test_the_record_page_offers_the_button_to_whoever_may_verify(sample_app):
    client, code = sample_app.client, first_in(sample_app, Parcel, "P01")
    signed_in(sample_app, "park_manager", "P02")
    assert 'id="verify-button"' not in client.get(f"/parcels/{code}").text
    signed_in(sample_app, "leader")
    assert 'id="verify-button"' not in client.get(f"/parcels/{code}").text
    name = signed_in(sample_app, "park_manager", "P01")
    page = client.get(f"/parcels/{code}").text
    assert 'id="verify-button"' in page and "核实无变化" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    response = client.post(f"/parcels/{code}/verify", data={"csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == f"/parcels/{code}?verified=1"
    shown = client.get(response.headers["location"]).text
    assert 'id="verified-done"' in shown and f"{localtime.today().isoformat()} {name}" in shown


def test_the_workspace_lists_a_button_per_record_and_a_refusal_is_explained(sample_app):
    client, code = sample_app.client, first_in(sample_app, Factory, "P01")
    signed_in(sample_app, "park_manager", "P01")
    page = client.get("/workspace").text
    assert f'action="/factories/{code}/verify"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/factories/{code}/verify", data={"csrf_token": token, "back": "workspace"}, follow_redirects=False
    )
    assert response.headers["location"] == f"/workspace?verified={code}"
    assert code in client.get(response.headers["location"]).text
    other = first_in(sample_app, Factory, "P02")
    refused = client.post(f"/factories/{other}/verify", data={"csrf_token": token})
    assert refused.status_code == 403 and 'id="status-problem"' in refused.text

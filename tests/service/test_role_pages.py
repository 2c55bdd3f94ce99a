"""Each role is offered only what it may do: its start page after signing in, its name, role and
parks in the header, and on a record's page only the forms its role and parks allow, with the
reason when there are none (the gateway's own refusals are tested with the write paths)."""

from __future__ import annotations

import re

import pytest

from service.routes.auth import START_PAGES
from tests.service.test_auth import sign_in


def available_in(client, park):
    rows = client.get("/api/parcels", params={"park": park, "status": "available", "limit": 1}).json()
    return rows["features"][0]["properties"]["code"]


def signed_in(sample_app, role, *areas):
    name = sample_app.user(role, *areas)
    response = sign_in(sample_app.client, name)
    return name, response


@pytest.mark.parametrize("role", ["investment", "park_manager", "leader", "admin"])
def test_each_role_lands_on_its_start_page(sample_app, role):
    _, response = signed_in(sample_app, role, *(["P01"] if role == "park_manager" else []))

    assert response.status_code == 303 and response.headers["location"] == START_PAGES[role]


def test_a_page_asked_for_before_signing_in_wins_over_the_start_page(sample_app):
    name = sample_app.user("leader")

    response = sign_in(sample_app.client, name, next_="/parcels/KFQ-001")

    assert response.headers["location"] == "/parcels/KFQ-001"


def test_the_header_names_the_reader_their_role_and_their_parks(sample_app):
    client = sample_app.client
    park = client.get("/api/areas/P01").json()["properties"]["name"]
    name, _ = signed_in(sample_app, "park_manager", "P01")

    page = client.get("/parcels/KFQ-001").text

    who = re.search(r'<span class="navbar-text ls-who[^"]*" id="who">(.*?)</span>\s*\n', page, re.S).group(1)
    assert name in who and "园区/镇管理员" in who and park in who


def test_an_anonymous_reader_has_no_name_in_the_header_and_a_sign_in_link(sample_app):
    page = sample_app.client.get("/parcels/KFQ-001").text

    assert 'id="who"' not in page and 'id="sign-in"' in page


def test_a_park_manager_gets_the_forms_in_their_park_and_the_reason_in_another(sample_app):
    client = sample_app.client
    elsewhere = available_in(client, "P02")
    signed_in(sample_app, "park_manager", "P01")

    own, other = client.get("/parcels/KFQ-001").text, client.get(f"/parcels/{elsewhere}").text

    assert 'id="status-form"' in own and 'id="edit-link"' in own and 'id="read-only"' not in own
    assert 'id="status-form"' not in other and 'id="edit-link"' not in other
    assert "不在您负责的园区或镇" in other
    refused = client.get(f"/parcels/{elsewhere}/edit", headers={"accept": "text/html"})
    assert (
        refused.status_code == 403
        and "不在您负责的园区或镇内" in refused.text
        and 'id="edit-form"' not in refused.text
    )


def test_investment_staff_are_offered_only_to_reserve(sample_app):
    client = sample_app.client
    signed_in(sample_app, "investment")

    page = client.get("/parcels/KFQ-001").text

    options = re.findall(r'<option value="([a-z_]+)"', page.split('id="new-status"')[1].split("</select>")[0])
    assert options == ["reserved"] and 'id="edit-link"' not in page and 'id="reserve-only"' in page
    assert client.get("/parcels/KFQ-001/edit", headers={"accept": "text/html"}).status_code == 403


def test_a_leader_reads_and_is_told_why_there_is_nothing_to_change(sample_app):
    client = sample_app.client
    signed_in(sample_app, "leader")

    page = client.get("/parcels/KFQ-001").text
    workspace = client.get("/workspace").text

    assert 'id="status-form"' not in page and 'id="edit-link"' not in page and "领导账号只能查看" in page
    assert (
        "/edit" not in workspace and 'id="import-card"' not in workspace and "领导账号只能查看" in workspace
    )
    assert 'href="/workspace"' not in page  # not in the navigation either
    assert client.get("/parcels/KFQ-001/edit", headers={"accept": "text/html"}).status_code == 403


def test_the_navigation_offers_the_workspace_to_those_who_edit(sample_app):
    client = sample_app.client

    anonymous = client.get("/supply").text
    signed_in(sample_app, "park_manager", "P01")
    manager = client.get("/supply").text
    client.cookies.clear()
    signed_in(sample_app, "investment")
    investment = client.get("/supply").text

    assert 'href="/workspace"' in anonymous and 'href="/workspace"' in manager
    assert 'href="/workspace"' not in investment


def test_every_page_has_a_skip_link_to_its_main_landmark(sample_app):
    page = sample_app.client.get("/").text

    assert re.search(r'<a class="[^"]*ls-skip" href="#main">', page) and '<main id="main"' in page


def test_a_form_posted_to_another_parks_record_is_refused_and_nothing_is_written(sample_app):
    client = sample_app.client
    elsewhere = available_in(client, "P02")
    before = client.get(f"/api/parcels/{elsewhere}").headers["etag"]
    signed_in(sample_app, "park_manager", "P01")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/parcels/KFQ-001").text).group(1)

    edit = client.post(
        f"/parcels/{elsewhere}/edit",
        data={"csrf_token": token, "version": "1", "remarks": "越权修改"},
        headers={"accept": "text/html"},
    )
    status = client.post(
        f"/parcels/{elsewhere}/status",
        data={"csrf_token": token, "version": "1", "status": "unavailable", "note": "越权"},
        headers={"accept": "text/html"},
    )

    assert edit.status_code == 403 and status.status_code == 403
    assert client.get(f"/api/parcels/{elsewhere}").headers["etag"] == before

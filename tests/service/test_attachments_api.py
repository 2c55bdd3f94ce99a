"""Photos and documents of parcels and factories over HTTP, on both databases: uploaded through the
gateway by who may edit the site, re-encoded without their camera details, read as the site is
(documents by signed-in readers only), refused with problem+json and nothing written, deleted
softly with a history entry, hidden with their deleted site and back when it is restored."""

import dataclasses

import pytest
import shapely
from fastapi.testclient import TestClient
from PIL import ExifTags

from service.main import create_app
from service.settings import AttachmentSettings
from tests.conftest import settings_for
from tests.photos import opened, pdf, phone_jpeg, png

PROBLEM = "application/problem+json"


def a_parcel(client, park="P02"):
    """The code and shape of an available parcel of `park`."""
    feature = client.get("/api/parcels", params={"park": park, "status": "available", "limit": 1}).json()[
        "features"
    ][0]
    return feature["id"], shapely.geometry.shape(feature["geometry"])


def send(client, path, headers, *files):
    return client.post(path, headers=headers, files=[("files", f) for f in files])


def names(response):
    return [a["file_name"] for a in response.json()]


def test_a_park_manager_attaches_photos_and_a_document_and_readers_get_what_they_may(sample_app):
    client, manager = sample_app.client, sample_app.headers("park_manager", "P02")
    code, outline = a_parcel(client)
    inside = outline.representative_point()
    photo = phone_jpeg(inside.x, inside.y)

    made = send(
        client,
        f"/api/parcels/{code}/attachments",
        manager,
        ("现场.jpg", photo, "image/jpeg"),
        ("plan.png", png(), "image/png"),
        ("权证.pdf", pdf(), "application/pdf"),
    )
    signed_in = client.get(f"/api/parcels/{code}/attachments", headers=sample_app.headers("leader"))
    anonymous = client.get(f"/api/parcels/{code}/attachments")

    assert made.status_code == 201, made.text
    assert [(a["kind"], a["media_type"]) for a in made.json()] == [
        ("photo", "image/jpeg"),
        ("photo", "image/png"),
        ("document", "application/pdf"),
    ]
    assert names(signed_in) == ["现场.jpg", "plan.png", "权证.pdf"]
    assert names(anonymous) == ["现场.jpg", "plan.png"] and anonymous.json()[0]["uploaded_by"] is None
    first = made.json()[0]
    assert (first["width"], first["height"], first["distance_m"], first["far"]) == (200, 400, 0, False)
    assert first["taken_at"] == "2026-11-30T02:15:00Z"
    assert first["lon"] == pytest.approx(inside.x, abs=1e-5) and first["lat"] == pytest.approx(
        inside.y, abs=1e-5
    )


def test_a_stored_photo_is_upright_without_camera_details_and_served_with_its_name(sample_app):
    client, manager = sample_app.client, sample_app.headers("park_manager", "P02")
    code, _outline = a_parcel(client)
    made = send(
        client, f"/api/parcels/{code}/attachments", manager, ("现场 1.jpg", phone_jpeg(), "image/jpeg")
    )
    url, thumbnail_url = made.json()[0]["url"], made.json()[0]["thumbnail_url"]

    served = client.get(url)
    thumbnail = client.get(thumbnail_url)
    again = client.get(url, headers={"If-None-Match": served.headers["etag"]})

    image = opened(served.content)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%201.jpg" in served.headers["content-disposition"]
    assert (
        served.headers["cache-control"].startswith("private")
        and served.headers["x-content-type-options"] == "nosniff"
    )
    assert image.size == (200, 400) and image.getpixel((100, 10))[2] > 150  # the blue side on top
    exif = image.getexif()
    assert set(exif) == {ExifTags.Base.ExifOffset, ExifTags.Base.GPSInfo}
    assert list(exif.get_ifd(ExifTags.IFD.Exif)) == [ExifTags.Base.DateTimeOriginal]
    assert b"TestCam" not in served.content and "张测试".encode() not in served.content
    assert thumbnail.headers["content-type"] == "image/jpeg" and max(opened(thumbnail.content).size) <= 320
    assert again.status_code == 304 and again.content == b""


def test_documents_are_for_signed_in_readers_and_come_back_byte_for_byte(sample_app):
    client, admin = sample_app.client, sample_app.headers("admin")
    code, _outline = a_parcel(client, "P04")
    document = pdf()
    made = send(client, f"/api/parcels/{code}/attachments", admin, ("证书.pdf", document, "application/pdf"))
    url = made.json()[0]["url"]

    anonymous = client.get(url)
    leader = client.get(url, headers=sample_app.headers("leader"))
    thumbnail = client.get(f"{url}/thumbnail", headers=admin)

    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == PROBLEM
    assert leader.status_code == 200 and leader.headers["content-type"] == "application/pdf"
    assert leader.content == document
    assert thumbnail.status_code == 404


@pytest.mark.parametrize(
    ("file", "status"),
    [
        (("photo.jpg", b"not a photo at all, a text file renamed\n" * 20, "image/jpeg"), 415),
        (("scan.pdf", b"GIF89a" + bytes(200), "application/pdf"), 415),
        (("broken.jpg", phone_jpeg()[:400], "image/jpeg"), 422),
        (("broken.pdf", pdf()[:-30], "application/pdf"), 422),
    ],
    ids=["text-as-jpeg", "gif-as-pdf", "truncated-jpeg", "truncated-pdf"],
)
def test_a_disguised_or_damaged_file_is_refused_and_nothing_is_written(sample_app, file, status):
    client, manager = sample_app.client, sample_app.headers("park_manager", "P02")
    code, _outline = a_parcel(client)

    refused = send(
        client, f"/api/parcels/{code}/attachments", manager, ("good.png", png(), "image/png"), file
    )

    assert refused.status_code == status and refused.headers["content-type"] == PROBLEM
    assert refused.json()["detail"]
    assert client.get(f"/api/parcels/{code}/attachments", headers=manager).json() == []


def test_an_oversize_file_is_refused_with_413(sample_app):
    settings = dataclasses.replace(
        settings_for(sample_app.url), attachments=AttachmentSettings(upload_max_mb=0.01, upload_max_files=2)
    )
    with TestClient(create_app(settings)) as client:
        headers = sample_app.headers("admin")
        code, _outline = a_parcel(client)
        big = send(
            client,
            f"/api/parcels/{code}/attachments",
            headers,
            ("big.pdf", pdf() + bytes(20_000), "application/pdf"),
        )
        many = send(client, f"/api/parcels/{code}/attachments", headers, *[("p.png", png(), "image/png")] * 3)
        listed = client.get(f"/api/parcels/{code}/attachments", headers=headers).json()

    assert big.status_code == 413 and big.headers["content-type"] == PROBLEM
    assert many.status_code == 413
    assert listed == []


def test_only_who_may_edit_the_site_may_attach(sample_app):
    client = sample_app.client
    code, _outline = a_parcel(client)
    photo = ("p.jpg", phone_jpeg(), "image/jpeg")

    other_park = send(
        client, f"/api/parcels/{code}/attachments", sample_app.headers("park_manager", "P04"), photo
    )
    leader = send(client, f"/api/parcels/{code}/attachments", sample_app.headers("leader"), photo)
    investment = send(client, f"/api/parcels/{code}/attachments", sample_app.headers("investment"), photo)
    anonymous = send(client, f"/api/parcels/{code}/attachments", {}, photo)
    missing = send(client, "/api/parcels/NO-SUCH-9/attachments", sample_app.headers("admin"), photo)

    assert (other_park.status_code, leader.status_code, investment.status_code) == (403, 403, 403)
    assert anonymous.status_code == 401 and missing.status_code == 404
    assert client.get(f"/api/parcels/{code}/attachments").json() == []


def test_a_factory_takes_photos_and_a_far_one_is_flagged(sample_app):
    client, admin = sample_app.client, sample_app.headers("admin")
    feature = client.get("/api/factories", params={"limit": 1}).json()["features"][0]
    code, where = feature["id"], shapely.geometry.shape(feature["geometry"]).representative_point()

    made = send(
        client,
        f"/api/factories/{code}/attachments",
        admin,
        ("far.jpg", phone_jpeg(where.x, where.y + 0.01), "image/jpeg"),
        ("no-gps.png", png(), "image/png"),
    )

    far, plain = made.json()
    assert made.status_code == 201
    assert far["far"] is True and far["distance_m"] > 1000
    assert (plain["far"], plain["distance_m"], plain["lon"]) == (False, None, None)


def test_a_delete_is_soft_kept_in_the_history_and_allowed_to_editors_only(sample_app):
    client, manager = sample_app.client, sample_app.headers("park_manager", "P02")
    code, _outline = a_parcel(client)
    made = send(client, f"/api/parcels/{code}/attachments", manager, ("现场.jpg", phone_jpeg(), "image/jpeg"))
    photo = made.json()[0]

    leader = client.delete(photo["url"], headers=sample_app.headers("leader"))
    other_park = client.delete(photo["url"], headers=sample_app.headers("park_manager", "P04"))
    deleted = client.delete(photo["url"], headers=manager)
    twice = client.delete(photo["url"], headers=manager)
    history = client.get(f"/api/parcels/{code}/history", headers=manager).json()["entries"]

    assert (leader.status_code, other_park.status_code, deleted.status_code, twice.status_code) == (
        403,
        403,
        204,
        404,
    )
    assert client.get(f"/api/parcels/{code}/attachments").json() == []
    assert client.get(photo["url"]).status_code == 404
    assert [e["changes"] for e in history[-2:]] == [
        {"photo": [None, f"现场.jpg #{photo['id']}"]},
        {"photo": [f"现场.jpg #{photo['id']}", None]},
    ]


def test_a_deleted_site_hides_its_attachments_and_restored_brings_them_back(sample_app):
    client, admin = sample_app.client, sample_app.headers("admin")
    code, _outline = a_parcel(client)
    photo = send(
        client, f"/api/parcels/{code}/attachments", admin, ("p.jpg", phone_jpeg(), "image/jpeg")
    ).json()[0]
    etag = client.get(f"/api/parcels/{code}").headers["etag"]

    client.delete(f"/api/parcels/{code}", headers={**admin, "If-Match": etag})
    hidden = (
        client.get(f"/api/parcels/{code}/attachments").status_code,
        client.get(photo["url"]).status_code,
        client.get(photo["thumbnail_url"]).status_code,
        send(client, f"/api/parcels/{code}/attachments", admin, ("q.png", png(), "image/png")).status_code,
    )
    client.post(f"/api/parcels/{code}/restore", headers=admin)
    back = client.get(f"/api/parcels/{code}/attachments").json()

    assert hidden == (404, 404, 404, 404)
    assert [a["id"] for a in back] == [photo["id"]] and client.get(photo["url"]).status_code == 200

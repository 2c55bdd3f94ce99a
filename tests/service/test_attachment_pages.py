"""The photos and documents on the parcel and factory pages, on both databases: the gallery for
every reader, documents for signed-in ones, the upload form (camera, several files, the three
types) and delete buttons for who may edit the site; an upload or delete from the page, and a
refused upload shown on the page with nothing written."""

import re

import shapely

from tests.conftest import TEST_PASSWORD
from tests.photos import pdf, phone_jpeg
from tests.service.test_attachments_api import a_parcel, send


def signed_in(app, role, *areas):
    """The app's client signed in through the login form as a new account of `role`."""
    name = app.user(role, *areas)
    client = app.client
    client.cookies.clear()
    client.post(
        "/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": csrf(client, "/login")}
    )
    return client


def csrf(client, path):
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return found.group(1) if found else ""


def planted(app):
    """A P02 parcel with a photo taken 1 km north of it and a certificate, added by an administrator."""
    code, outline = a_parcel(app.client)
    far = shapely.Point(outline.centroid.x, outline.bounds[3] + 0.01)
    send(
        app.client,
        f"/api/parcels/{code}/attachments",
        app.headers("admin"),
        ("远处.jpg", phone_jpeg(far.x, far.y), "image/jpeg"),
        ("土地证.pdf", pdf(), "application/pdf"),
    )
    return code


def test_every_reader_sees_the_gallery_and_only_editors_the_form(sample_app):
    code = planted(sample_app)
    client = sample_app.client
    client.cookies.clear()
    anonymous = client.get(f"/parcels/{code}").text
    leader = signed_in(sample_app, "leader").get(f"/parcels/{code}").text
    other_park = signed_in(sample_app, "park_manager", "P04").get(f"/parcels/{code}").text
    manager = signed_in(sample_app, "park_manager", "P02").get(f"/parcels/{code}").text

    for text in (anonymous, leader, manager):
        assert 'id="gallery"' in text and "远处.jpg" in text and "/thumbnail" in text
        assert re.search(r"拍摄点距此处 1,\d{3} 米", text)
        assert "ls-photo-mark" in text  # its marker on the small map
    assert "土地证.pdf" not in anonymous and 'id="documents-sign-in"' in anonymous
    assert "土地证.pdf" in leader and "土地证.pdf" in manager
    assert all(
        'id="upload-form"' not in t and "ls-attachment-delete" not in t
        for t in (anonymous, leader, other_park)
    )
    form = re.search(r'<input[^>]*id="upload-files"[^>]*>', manager).group(0)
    assert 'accept="image/jpeg,image/png,application/pdf"' in form
    assert 'capture="environment"' in form and "multiple" in form
    assert manager.count("ls-attachment-delete") == 2


def test_a_park_manager_uploads_and_deletes_from_the_page(sample_app):
    code, _outline = a_parcel(sample_app.client)
    client = signed_in(sample_app, "park_manager", "P02")
    token = csrf(client, f"/parcels/{code}")

    uploaded = client.post(
        f"/parcels/{code}/attachments",
        data={"csrf_token": token},
        files=[
            ("files", ("现场.jpg", phone_jpeg(), "image/jpeg")),
            ("files", ("b.pdf", pdf(), "application/pdf")),
        ],
        follow_redirects=False,
    )
    page = client.get(uploaded.headers["location"]).text
    photo = re.search(r'id="photo-(\d+)"', page).group(1)
    deleted = client.post(f"/attachments/{photo}/delete", data={"csrf_token": token}, follow_redirects=False)
    after = client.get(deleted.headers["location"]).text

    assert (
        uploaded.status_code == 303
        and uploaded.headers["location"] == f"/parcels/{code}?uploaded=2#attachments"
    )
    assert 'id="upload-done"' in page and "已上传 2 个文件" in page
    assert deleted.status_code == 303 and f'id="photo-{photo}"' not in after and "b.pdf" in after


def test_a_refused_upload_shows_why_on_the_page_and_writes_nothing(sample_app):
    code, _outline = a_parcel(sample_app.client)
    client = signed_in(sample_app, "park_manager", "P02")

    refused = client.post(
        f"/parcels/{code}/attachments",
        data={"csrf_token": csrf(client, f"/parcels/{code}")},
        files=[("files", ("现场.jpg", b"a text file, renamed\n" * 30, "image/jpeg"))],
    )

    assert refused.status_code == 415 and 'id="upload-problem"' in refused.text
    assert "只接受 JPEG、PNG 照片和 PDF 文件" in refused.text and 'id="upload-form"' in refused.text
    assert client.get(f"/api/parcels/{code}/attachments").json() == []


def test_a_factory_page_has_its_gallery_too(sample_app):
    feature = sample_app.client.get("/api/factories", params={"limit": 1}).json()["features"][0]
    send(
        sample_app.client,
        f"/api/factories/{feature['id']}/attachments",
        sample_app.headers("admin"),
        ("厂房.jpg", phone_jpeg(), "image/jpeg"),
    )
    sample_app.client.cookies.clear()

    text = sample_app.client.get(f"/factories/{feature['id']}").text

    assert "厂房.jpg" in text and 'id="gallery"' in text

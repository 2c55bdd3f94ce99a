"""Photos and documents on a parcel's page in a real browser, at 390, 900 and 1440 px: a park
manager uploads a photo taken 1 km away from a phone-wide page and sees its thumbnail, the
far-away warning and its marker; an anonymous reader sees the gallery and the photo in the
inventory map's popup, but no upload form and no documents."""

import datetime as dt

import httpx
import pytest
import shapely

from tests.browser.conftest import account, signed_in_page
from tests.browser.test_inventory import drawn_codes
from tests.photos import pdf, phone_jpeg

WIDTHS = (390, 900, 1440)
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
THUMBNAILS_LOADED = (
    "() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0)"
)


def a_parcel(server, park):
    feature = httpx.get(
        f"{server.base}/api/parcels", params={"park": park, "status": "available", "limit": 1}
    ).json()["features"][0]
    return feature["id"], shapely.geometry.shape(feature["geometry"])


@pytest.fixture
def with_files(live_server):
    """A P04 parcel with a photo taken inside it and a certificate, attached by an administrator."""
    admin = account(live_server, f"admin-{dt.datetime.now().timestamp()}", "admin")
    code, outline = a_parcel(live_server, "P04")
    inside = outline.representative_point()
    files = [
        ("files", ("地块现状.jpg", phone_jpeg(inside.x, inside.y, orientation=1), "image/jpeg")),
        ("files", ("不动产登记簿.pdf", pdf(), "application/pdf")),
    ]
    sent = httpx.post(f"{live_server.base}/api/parcels/{code}/attachments", headers=admin, files=files)
    assert sent.status_code == 201, sent.text
    return code


def test_a_park_manager_uploads_a_photo_from_a_phone_and_is_told_it_is_far(browser, live_server, tmp_path):
    code, outline = a_parcel(live_server, "P02")
    far = tmp_path / "远处现场.jpg"
    far.write_bytes(phone_jpeg(outline.centroid.x, outline.bounds[3] + 0.01))
    name = f"p02-photos-{dt.datetime.now().timestamp()}"
    watched = signed_in_page(browser, live_server, name, "park_manager", "P02", width=390)
    try:
        watched.goto(f"/parcels/{code}")
        field = watched.page.locator("#upload-files")
        assert field.get_attribute("capture") == "environment" and field.get_attribute("multiple") is not None
        field.set_input_files(str(far))
        with watched.page.expect_navigation():
            watched.page.click("#upload-form button[type=submit]")
        watched.page.wait_for_load_state("networkidle")

        assert "已上传 1 个文件" in watched.page.locator("#upload-done").inner_text()
        watched.page.wait_for_function(THUMBNAILS_LOADED)
        warning = watched.page.locator("#gallery .ls-far")
        assert warning.is_visible() and "拍摄点距此处 1," in warning.inner_text()
        assert watched.page.locator(".ls-photo-mark.ls-photo-far").count() == 1
        for width in WIDTHS:
            watched.page.set_viewport_size({"width": width, "height": 900})
            watched.goto(f"/parcels/{code}")
            watched.page.wait_for_function(THUMBNAILS_LOADED)
            assert watched.page.evaluate(OVERFLOW) <= 0, width
            assert watched.page.locator("#gallery img").first.is_visible()
            watched.screenshot(f"photos-park-manager-{width}-{live_server.backend}")
    finally:
        watched.page.context.close()
    assert watched.outside == [] and watched.errors == []


def test_an_anonymous_reader_sees_the_photos_but_no_form_and_no_documents(page, live_server, with_files):
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/parcels/{with_files}")
        page.page.wait_for_function(THUMBNAILS_LOADED)

        assert page.page.locator("#gallery img").count() == 1
        assert page.page.locator("#gallery .ls-far").count() == 0
        assert page.page.locator("#upload-form").count() == 0
        assert page.page.locator(".ls-document").count() == 0 and "不动产登记簿" not in page.page.content()
        assert page.page.locator("#documents-sign-in").is_visible()
        assert page.page.evaluate(OVERFLOW) <= 0, width
        page.screenshot(f"photos-anonymous-{width}-{live_server.backend}")

    page.page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/?q={with_files}")
    assert drawn_codes(page) == {with_files}
    box = page.page.locator(".ls-map").bounding_box()
    page.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    thumbnail = page.page.locator(".leaflet-popup-content .ls-popup-photo img")
    thumbnail.wait_for()
    assert "/thumbnail" in thumbnail.get_attribute("src")

"""/docs (Swagger UI) and /redoc in a real browser at 390, 900 and 1440 px, for an anonymous
reader (the inventory is public by default) and a signed-in user: both draw the API's operations
from the files Landstock serves itself, with no request leaving the server and no console error."""

import pytest

from tests.browser.conftest import Watched, close, signed_in_page

WIDTHS = (390, 900, 1440)


def read_both(page: Watched, who: str, backend: str) -> None:
    for width in WIDTHS:
        page.page.set_viewport_size({"width": width, "height": 900})
        page.goto("/docs")
        operations = page.page.locator(".swagger-ui .opblock")
        operations.first.wait_for()
        assert operations.count() > 20, width
        assert page.page.locator(".swagger-ui .opblock-summary-path", has_text="/parcels").count() > 0
        page.screenshot(f"docs-swagger-{who}-{width}-{backend}")

        page.goto("/redoc")
        operations = page.page.locator("redoc [data-section-id^='operation/']")
        operations.first.wait_for()
        assert operations.count() > 20, width
        page.screenshot(f"docs-redoc-{who}-{width}-{backend}")
    for path in ("/docs", "/redoc"):
        html = page.page.request.get(page.base + path).text()
        assert "cdn." not in html and "fonts.googleapis" not in html and "/static/vendor/" in html


def test_an_anonymous_reader_reads_the_api_documentation(page, live_server):
    read_both(page, "anonymous", live_server.backend)


@pytest.mark.parametrize("role", ["investment"])
def test_a_signed_in_user_reads_the_api_documentation(browser, live_server, role):
    watched = signed_in_page(browser, live_server, f"docs-{role}", role)
    read_both(watched, role, live_server.backend)
    close(watched)

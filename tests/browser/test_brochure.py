"""The investor brochure from a record's page in a real browser: investment staff at 390, 900 and
1440 px follow the page's brochure link, the PDF comes back through the page's own context, and
its text holds the facts and none of the record's internal fields (the sample's reservation for
XM-2026-001, its remark, contact, owner and history)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdf
import pytest

from tests.browser.conftest import Sessions

WIDTHS = (390, 900, 1440)
PARCEL = "KFQ-009"  # reserved in the sample for XM-2026-001 创新药CDMO生产基地
INTERNAL = (
    "XM-2026-001",
    "创新药CDMO生产基地",
    "沪启生物医药科技有限公司",
    "已完成土壤污染状况调查",
    "施主任",
    "沿江亿通生命科技有限公司",
    "纳入存量资源库",
)


@pytest.fixture(scope="module")
def sessions(browser, live_server) -> Iterator[Sessions]:
    opened = Sessions(browser, live_server, "brochure", "P01")
    yield opened
    opened.close()


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_staff_print_a_parcels_brochure_from_its_page_at_every_width(sessions, live_server):
    staff = sessions.of("investment")
    for width in WIDTHS:
        staff.page.set_viewport_size({"width": width, "height": 900})
        staff.goto(f"/parcels/{PARCEL}")
        link = staff.page.locator("#brochure-link")
        assert link.is_visible() and link.evaluate("a => a.getBoundingClientRect().right") <= width
        english = staff.page.locator("#brochure-link-en")
        with staff.page.context.expect_page() as opened:
            link.click()
        tab = opened.value
        assert tab.url.endswith(f"/api/parcels/{PARCEL}/brochure.pdf?lang=zh")
        tab.close()

        chinese = staff.page.context.request.get(live_server.base + link.get_attribute("href"))
        in_english = staff.page.context.request.get(live_server.base + english.get_attribute("href"))

        assert chinese.status == 200 and chinese.headers["content-type"] == "application/pdf"
        text = pdf_text(chinese.body())
        for fact in (
            PARCEL,
            "招商推介",
            "亩",
            "m²",
            "用地性质",
            "容积率",
            "最近港口",
            "主导产业",
            "启东市商务局",
        ):
            assert fact in text, fact
        assert f"{live_server.base}/parcels/{PARCEL}" in text
        assert not [word for word in INTERNAL if word in text]
        english_text = pdf_text(in_english.body())
        assert (
            "Investmentsite" in english_text and "Landuse" in english_text and "Nearestport" in english_text
        )
        assert not [word for word in INTERNAL if word in english_text]

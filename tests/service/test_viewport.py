"""Every page's viewport fits the device and leaves pinch-zoom to the reader; the map pages'
folium header adds none of its own (tests/maps/test_render.py, tests/browser/test_layout.py)."""

import re

from harness.paths import ROOT

TEMPLATES = ROOT / "service" / "templates"
PAPER = {"report_pdf.html", "compare_pdf.html", "brochure.html"}  # rendered to PDFs, never shown on a screen
VIEWPORT = re.compile(r'<meta\s+name="viewport"\s+content="([^"]*)"')


def test_every_page_template_sets_a_viewport_that_keeps_zoom():
    pages = [p for p in TEMPLATES.rglob("*.html") if "<head>" in p.read_text() and p.name not in PAPER]
    assert len(pages) >= 4
    for page in pages:
        contents = VIEWPORT.findall(page.read_text())
        assert contents == ["width=device-width, initial-scale=1"], page.relative_to(ROOT)

"""The server's PDFs: Chinese text survives with its font embedded, and nothing is fetched."""

from __future__ import annotations

import http.server
import io
import threading

import pypdf
import pytest

from service import pdf
from service.pdf import FONT_FAMILY, html_to_pdf

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<style>@page {{ size: A4; margin: 15mm; }} body {{ font-family: "{font}", sans-serif; }}</style></head>
<body><h1>联合会审意见表</h1><p>投资总额 12,000 万元</p>{extra}</body></html>"""


def pdf_of(extra: str = "") -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(html_to_pdf(PAGE.format(font=FONT_FAMILY, extra=extra))))


def embedded_fonts(reader: pypdf.PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for part in descendants:
                descriptor = part.get_object().get("/FontDescriptor")
                if descriptor and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    names.add(str(font["/BaseFont"]))
    return names


def test_chinese_text_is_written_with_its_font_embedded():
    reader = pdf_of()

    text = reader.pages[0].extract_text()
    assert "联合会审意见表" in text and "12,000 万元" in text
    assert any("WenQuanYi" in name for name in embedded_fonts(reader))


@pytest.fixture
def server():
    """A local web server that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"h1 { color: red; }")

        def log_message(self, *_args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="{url}/logo.png">',
        '<link rel="stylesheet" href="{url}/style.css">',
        '<style>@import url("{url}/more.css");</style>',
    ],
)
def test_a_document_that_names_outside_resources_renders_without_fetching_them(server, reference):
    url, hits = server
    reader = pdf_of(reference.format(url=url))

    assert "联合会审意见表" in reader.pages[0].extract_text()
    assert hits == []


def test_a_local_file_named_by_a_document_is_not_read(tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text('h1::after { content: "机密内容"; }', encoding="utf-8")

    reader = pdf_of(f'<link rel="stylesheet" href="{secret.as_uri()}">')

    assert "机密内容" not in reader.pages[0].extract_text()


def test_the_same_page_is_laid_out_once_and_a_different_one_again():
    page = "<html><body><h1>启东市存量土地周报</h1><p>可供地块 {n} 宗</p></body></html>"
    before = pdf._laid_out.cache_info()

    first, again, other = (pdf.html_to_pdf(page.format(n=n)) for n in (7, 7, 8))

    after = pdf._laid_out.cache_info()
    assert first is again and first != other  # the same bytes handed out again, not re-rendered
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 2)
    assert "可供地块 8 宗" in pypdf.PdfReader(io.BytesIO(other)).pages[0].extract_text()

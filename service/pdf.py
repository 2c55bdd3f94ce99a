"""HTML to PDF on the server, offline, with a Chinese font embedded: WeasyPrint and the Debian
font fonts-wqy-microhei (文泉驿微米黑). Every PDF Landstock writes (the joint review, the weekly
summary) is a printable HTML page passed through `html_to_pdf`.

The document may name the font by its family, `FONT_FAMILY`, first in its font stacks (a
browser printing the same page uses it too); the font is loaded from its file whatever the
document says, and is the default for text that names no font. Nothing is fetched from outside:
the font file and `data:` URLs are the only resources a document may load.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from gis.errors import MissingPackage

FONT_FAMILY = "WenQuanYi Micro Hei"
# Where Debian/Ubuntu (fonts-wqy-microhei) and Fedora (wqy-microhei-fonts) install it
FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)
FONT_PACKAGE = "fonts-wqy-microhei"
PANGO_PACKAGE = "libpango-1.0-0"


def font_file() -> Path:
    """The font's file; `MissingPackage` naming the package when it is not installed."""
    for path in FONT_FILES:
        if path.is_file():
            return path
    raise MissingPackage(package=FONT_PACKAGE, purpose="PDF")


@cache
def _font_css(path: Path) -> Any:
    from weasyprint import CSS  # heavy (fonts, Pango): loaded by the first PDF only

    return CSS(
        string=f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); }}\n'
        f'html {{ font-family: "{FONT_FAMILY}", sans-serif; }}'
    )


def _offline(path: Path) -> Any:
    from weasyprint.urls import URLFetcher

    class Offline(URLFetcher):  # type: ignore[misc]  # weasyprint ships no types: URLFetcher is Any
        """The font file and `data:` URLs; every other URL is refused, file: and http: alike."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url == path.as_uri() or url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"a PDF loads nothing from outside: {url[:80]}")

    return Offline()


# A page is the same when its data, language and reader's scope are: the last few PDFs are kept
# (a weekly summary asked again in a meeting, the HEAD after a GET), their layout taking seconds.
LAID_OUT = 16


def html_to_pdf(html: str) -> bytes:
    """The HTML page as a PDF (the page's own @page rules set the paper), the font embedded."""
    return _laid_out(html)


@lru_cache(maxsize=LAID_OUT)
def _laid_out(html: str) -> bytes:
    path = font_file()
    try:
        from weasyprint import HTML  # loads Pango, which only the PDFs need
    except OSError:  # Pango or its libraries are missing
        raise MissingPackage(package=PANGO_PACKAGE, purpose="PDF") from None

    document = HTML(string=html, url_fetcher=_offline(path))
    return bytes(document.write_pdf(stylesheets=[_font_css(path)]))

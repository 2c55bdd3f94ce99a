"""The investor brochure (招商推介单页): an A4 PDF of one page per site, with a cover when there
are several, in Chinese or English, rendered on the server and offline (service/pdf.py).

Each page holds the site's public facts (gis/investor.py: never a reservation, remark, owner,
contact, document or history), its map drawn as SVG (maps/picture.py), a few photos, the bureau's
contact (LANDSTOCK_BROCHURE_CONTACT) and a QR code of the record's page at the server's address.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import segno
from sqlalchemy.orm import Session

from gis import investor, localtime
from gis.investor import Land, SiteFacts
from gis.labels import label, message
from gis.vocabulary import SiteKind
from maps.picture import site_picture
from service.pdf import html_to_pdf
from service.settings import BrochureSettings
from service.templating import render

MAX_SITES = 10
QR_SCALE = 2
# a land-use class's kind in words, for the English page (the class names are Chinese only)
LAND_KINDS = {
    "industrial": "brochure.land.industrial",
    "mining": "brochure.land.mining",
    "logistics": "brochure.land.logistics",
    "storage": "brochure.land.storage",
    "port": "brochure.land.port",
    "sea": "brochure.land.sea",
}


@dataclass(frozen=True)
class Page:
    """One site's page: its facts, its map (inline SVG), its record's address and that as a QR code."""

    facts: SiteFacts
    picture: str
    url: str
    qr: str


def record_url(base_url: str, facts: SiteFacts, lang: str) -> str:
    """The absolute address of the site's page, in the brochure's language."""
    return base_url.rstrip("/") + facts.path + ("?lang=en" if lang == "en" else "")


def qr_svg(url: str) -> str:
    """`url` as a QR code, an inline <svg> element."""
    return str(segno.make(url, error="m").svg_inline(scale=QR_SCALE))


def page(session: Session, kind: SiteKind, code: str, base_url: str, lang: str) -> Page:
    """The page of the live parcel or factory `code` (`NotFound` otherwise)."""
    facts = investor.site_facts(session, kind, code)
    box = investor.frame(facts)
    picture = site_picture(facts.shape, facts.code, investor.surroundings(session, box), box, lang)
    url = record_url(base_url, facts, lang)
    return Page(facts, picture, url, qr_svg(url))


def land_use(land: Land, lang: str) -> str:
    """The land use in words: the class's Chinese name, or its nuisance class and kind in English,
    with the code."""
    if lang == "zh" or land.land_kind not in LAND_KINDS:
        words = land.land_use_name or ""
    else:
        kind = message(LAND_KINDS[land.land_kind], lang)
        words = f"{label('nuisance', land.nuisance, lang)} {kind}" if land.nuisance else kind.capitalize()
    return f"{words} ({land.land_use})".strip()


def _words(facts: SiteFacts, lang: str) -> dict[str, Any]:
    """What the template writes that takes more than a label."""
    land = facts.land
    separator = "、" if lang == "zh" else ", "
    return {
        "land_use": land_use(land, lang) if land else None,
        "ready": separator.join(label("ready", item.value, lang) for item in land.ready) if land else "",
        "industries": separator.join(f"{i.code} {i.name}" for i in facts.leading_industries),
        "photos": [f"data:image/jpeg;base64,{base64.b64encode(p.jpeg).decode()}" for p in facts.photos],
    }


def to_html(pages: Sequence[Page], lang: str, settings: BrochureSettings, today: dt.date) -> str:
    """The brochure as a printable A4 page: a cover listing the sites when there are several."""
    return render(
        "brochure.html",
        lang=lang,
        pages=[(p, _words(p.facts, lang)) for p in pages],
        cover=len(pages) > 1,
        contact=settings.contact if lang == "zh" else settings.contact_en,
        today=today,
    )


def to_pdf(pages: Sequence[Page], lang: str, settings: BrochureSettings) -> bytes:
    """The brochure as a PDF, its Chinese font embedded, dated today where it is read."""
    return html_to_pdf(to_html(pages, lang, settings, localtime.today()))

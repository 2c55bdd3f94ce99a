"""The investor brochure (招商推介单页) as a PDF: of one parcel or factory, of a project's shortlist,
or of a few sites named in the query.

A site's brochure is read as the site is (the inventory: anonymous readers too when
LANDSTOCK_PUBLIC_READ=inventory); a project's by those who may read the project (401 for
anonymous readers, 404 for a project they may not read), though it shows only the sites'
public facts: never the project's name, investor or figures. `?lang=en` prints it in English.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from gis.errors import InvalidInput
from gis.pipeline import sites as project_sites
from gis.pipeline import timeline
from gis.vocabulary import SiteKind
from service import brochure
from service.dependencies import Language, ReadSession, SettingsDep
from service.kinds import BY_PLURAL, ServedKind, SiteCode
from service.read_access import InventoryReader, ProjectReader, ReadableProject

router = APIRouter(tags=["brochure 招商推介"])

PDF = "application/pdf"
Lang = Annotated[Literal["zh", "en"] | None, Query(description="The brochure's language: zh (default) or en")]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {PDF: {}}, "description": "A4 PDF, one page per site, Chinese font embedded"},
    401: {"description": "Sign-in required"},
    404: {"description": "No such site (or project the reader may read)"},
    422: {"description": "A language other than zh or en, or sites that cannot be read"},
    501: {"description": "The server lacks Pango or the font (fonts-wqy-microhei)"},
}


SITE_ROUTE: dict[str, Any] = {
    "response_class": Response,
    "summary": "Investor brochure of a parcel or factory 招商推介单页",
    "responses": RESPONSES,
}


def _answer(pages: list[brochure.Page], lang: str, settings: Any, name: str) -> Response:
    headers = {"Content-Disposition": f'inline; filename="{name}-{lang}.pdf"'}
    return Response(brochure.to_pdf(pages, lang, settings.brochure), media_type=PDF, headers=headers)


def _kind(request: Request) -> ServedKind:
    """The kind of site from the route's path (/api/parcels/…, /api/factories/…)."""
    return BY_PLURAL[request.scope["route"].path.split("/")[2]]


@router.get("/api/parcels/{code}/brochure.pdf", **SITE_ROUTE)
@router.get("/api/factories/{code}/brochure.pdf", **SITE_ROUTE)
def site_brochure(
    kind: Annotated[ServedKind, Depends(_kind)],
    code: SiteCode,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    language: Language,
    _who: InventoryReader,
    lang: Lang = None,
) -> Response:
    """One A4 page of the site's public facts, its map, photos, the bureau's contact and a QR code
    of its page."""
    chosen = lang or language
    page = brochure.page(session, kind.name, code, str(request.base_url), chosen)
    return _answer([page], chosen, settings, f"brochure-{code}")


def _shortlisted(session: Session, code: str, who: Any) -> list[tuple[SiteKind, str]]:
    """The project's shortlist as `who` may read it, best first; its linked sites when it has none."""
    linked = project_sites.as_read_by(
        project_sites.linked_sites(session, timeline.project_id(session, code)), who
    )
    chosen = [s for s in linked if "shortlist" in s.roles] or linked
    if not chosen:
        raise InvalidInput("brochure.error.empty_shortlist", code=code)
    return [(s.kind, s.code) for s in chosen[: brochure.MAX_SITES]]


@router.get(
    "/api/projects/{code}/brochure.pdf",
    response_class=Response,
    summary="Investor brochure of a project's shortlist 推荐清单推介册",
    responses=RESPONSES,
)
def project_brochure(
    code: ReadableProject,
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    language: Language,
    who: ProjectReader,
    lang: Lang = None,
) -> Response:
    """A cover and one page per shortlisted site (the first ten, best first); the project itself
    is never named."""
    chosen = lang or language
    base = str(request.base_url)
    pages = [
        brochure.page(session, kind, site, base, chosen) for kind, site in _shortlisted(session, code, who)
    ]
    return _answer(pages, chosen, settings, "brochure")


def _site(value: str) -> tuple[SiteKind, str]:
    kind, _, code = value.partition(":")
    if kind not in (SiteKind.PARCEL, SiteKind.FACTORY) or not code.strip() or len(code) > 40:
        raise InvalidInput("brochure.error.bad_site", value=value[:60])
    return SiteKind(kind), code.strip()


@router.get(
    "/api/brochure.pdf",
    response_class=Response,
    summary="Investor brochure of chosen sites 推介册",
    responses=RESPONSES,
)
def sites_brochure(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    language: Language,
    _who: InventoryReader,
    site: Annotated[
        list[str],
        Query(description="Each site as parcel:CODE or factory:CODE, 1 to 10", examples=["parcel:KFQ-001"]),
    ],
    lang: Lang = None,
) -> Response:
    """A cover (when more than one) and one page per site, in the order given."""
    if not 1 <= len(site) <= brochure.MAX_SITES:
        raise InvalidInput("brochure.error.no_sites", limit=brochure.MAX_SITES)
    chosen = lang or language
    base = str(request.base_url)
    pages = [brochure.page(session, *_site(value), base, chosen) for value in dict.fromkeys(site)]
    return _answer(pages, chosen, settings, "brochure")

"""The data-quality page (数据质量): the reader's parks (a park manager's own; all for others), each
with what is wrong or missing in its records, each a link to the record."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gis import quality
from service.dependencies import ReadSession
from service.read_access import ProjectPageReader
from service.web.frame import page

router = APIRouter(include_in_schema=False)


@router.get("/quality", response_class=HTMLResponse)
def quality_page(request: Request, session: ReadSession, who: ProjectPageReader) -> HTMLResponse:
    """The findings by park, with a count per check."""
    areas = quality.by_area(session, who)
    tally = {check: sum(f.check == check for a in areas for f in a.findings) for check in quality.Check}
    return page(
        request,
        "quality.html",
        {
            "user": who,
            "areas": areas,
            "tally": tally,
            "overlap_m2": quality.OVERLAP_M2,
            "cert_share": quality.CERT_SHARE,
        },
    )

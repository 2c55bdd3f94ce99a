"""The projects that fit a parcel or a factory (适配项目): a fragment of the detail pages.

The reverse match scores every pipeline project on the site (about a millisecond each, so tens
of milliseconds for a large pipeline), so the detail page asks for this fragment once it is
shown instead of waiting for it. Projects are confidential: signed-in readers only (401), each
seeing the projects they may read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from gis.matching import reverse
from service.dependencies import ReadSession, SettingsDep
from service.kinds import PageKind
from service.read_access import ProjectReader, visible_projects
from service.web.frame import page

router = APIRouter(include_in_schema=False)

CodePath = Annotated[str, Path(max_length=40)]
TOP_CRITERIA = 3


@router.get("/parcels/{code}/fits", response_class=HTMLResponse)
@router.get("/factories/{code}/fits", response_class=HTMLResponse)
def site_fits(
    request: Request,
    session: ReadSession,
    settings: SettingsDep,
    who: ProjectReader,
    site: PageKind,
    code: CodePath,
) -> HTMLResponse:
    """The pipeline projects the parcel or factory fits, best first."""
    kind, visible = site.name, visible_projects(session, who)
    fits = reverse.projects_for_site(session, kind, code, settings.match_config(), visible=visible)
    rows = [
        {"fit": f, "top": sorted(f.candidate.criteria, key=lambda c: -c["points"])[:TOP_CRITERIA]}
        for f in fits
    ]
    status = reverse.site_status(session, kind, code)
    return page(
        request,
        "_fits.html",
        {
            "rows": rows,
            "kind": kind,
            "code": code,
            "pipeline": len(reverse.pipeline_projects(session, visible)),
            "status": status,
            "offered": status in reverse.OFFERED[kind],
        },
    )

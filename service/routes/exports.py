"""Downloads of the inventory with the list filters: /api/parcels/export, /api/factories/export;
and of the projects: /api/projects/export (CSV or XLSX, importable back).

Signed-in users only, a limited number an hour each (LANDSTOCK_EXPORT_MAX_PER_HOUR: 429 with
Retry-After past it); a park manager's file names the projects of their own sites' reservations
only, and their projects file holds the projects they may read (gis/access.py
`readable_projects`). Registered before the parcel, factory and project routers so that `export`
is not taken for a code.
"""

# No `from __future__ import annotations`: a download route is made for each kind of site, and
# FastAPI must read its filters where it is made.

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from gis import access
from gis.access import Principal
from gis.io import exporter
from gis.vocabulary import Layer
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, SettingsDep
from service.kinds import KINDS, ServedKind
from service.read_access import ProjectReader, take_export, visible_projects

router = APIRouter(prefix="/api", tags=["export 导出"])
FormatParam = Annotated[
    Literal["geojson", "gpkg", "shp", "csv", "xlsx"],
    Query(description="geojson (RFC 7946), gpkg, shp (zip), csv (WKT), xlsx (台账)"),
]


def _download(
    db: DatabaseDep,
    settings: SettingsDep,
    who: Principal,
    layer: Layer,
    fmt: str,
    lang: str,
    **queries: object,
) -> FileResponse:
    take_export(db, settings, who)
    folder = Path(tempfile.mkdtemp(prefix="landstock-export-"))
    target = folder / f"{layer}{exporter.SUFFIXES[fmt]}"
    with db.read() as session:
        exporter.write(
            session,
            layer,
            fmt,
            target,
            lang=lang,
            reservations_in=access.reservation_areas(who),
            **queries,  # type: ignore[arg-type]
        )
    return FileResponse(
        target,
        media_type=exporter.MEDIA_TYPES[fmt],
        filename=target.name,
        background=BackgroundTask(_remove, folder),
    )


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    429: {"description": "Too many exports this hour; retry after Retry-After seconds"},
}


def _export_route(kind: ServedKind) -> None:
    def export_sites(
        db: DatabaseDep,
        settings: SettingsDep,
        user: CurrentUser,
        lang: Language,
        filters: Annotated[Any, Depends(kind.filters)],
        format: FormatParam = "geojson",
    ) -> FileResponse:
        query = {f"{kind.name}_query": filters.query()}
        return _download(db, settings, user, kind.plural, format, lang, **query)

    router.add_api_route(
        f"/{kind.plural}/export",
        export_sites,
        name=f"export_{kind.plural}",
        response_class=FileResponse,
        responses=EXPORT_RESPONSES,
        summary=f"Download {kind.plural} 导出{kind.zh}",
        description=f"Every {kind.name} matching the filters (no paging), as a file.",
    )


for site_kind in KINDS.values():
    _export_route(site_kind)


@router.get(
    "/projects/export",
    response_class=FileResponse,
    responses=EXPORT_RESPONSES,
    summary="Download projects 导出招商项目",
)
def export_projects(
    db: DatabaseDep,
    settings: SettingsDep,
    who: ProjectReader,
    lang: Language,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx (台账)")] = "xlsx",
) -> FileResponse:
    """Every project the reader may read, with Chinese headers and words, as the import of
    projects reads it back (`layer=projects`)."""
    take_export(db, settings, who)
    folder = Path(tempfile.mkdtemp(prefix="landstock-export-"))
    target = folder / f"projects{exporter.SUFFIXES[format]}"
    with db.read() as session:
        exporter.write_projects(session, format, target, lang=lang, visible=visible_projects(session, who))
    return FileResponse(
        target,
        media_type=exporter.MEDIA_TYPES[format],
        filename=target.name,
        background=BackgroundTask(_remove, folder),
    )

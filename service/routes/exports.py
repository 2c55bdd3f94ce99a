"""Downloads of the inventory with the list filters: /api/parcels/export, /api/factories/export.

Signed-in users only, a limited number an hour each (LANDSTOCK_EXPORT_MAX_PER_HOUR: 429 with
Retry-After past it); a park manager's file names the projects of their own sites' reservations
only. Registered before the parcel and factory routers so that `export` is not taken for a code.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from gis import access, exporter
from gis.access import Principal
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, SettingsDep
from service.filters import FactoryFiltersDep, ParcelFiltersDep
from service.read_access import take_export

router = APIRouter(prefix="/api", tags=["export 导出"])
FormatParam = Annotated[Literal["geojson", "gpkg", "shp", "csv", "xlsx"], Query(
    description="geojson (RFC 7946), gpkg, shp (zip), csv (WKT), xlsx (台账)")]


def _download(db: DatabaseDep, settings: SettingsDep, who: Principal, layer: str, fmt: str, lang: str,
              **queries: object) -> FileResponse:
    take_export(db, settings, who)
    folder = Path(tempfile.mkdtemp(prefix="landstock-export-"))
    target = folder / f"{layer}{exporter.SUFFIXES[fmt]}"
    with db.read() as session:
        exporter.write(session, layer, fmt, target, lang=lang, reservations_in=access.reservation_areas(who),
                       **queries)  # type: ignore[arg-type]
    return FileResponse(target, media_type=exporter.MEDIA_TYPES[fmt], filename=target.name,
                        background=BackgroundTask(_remove, folder))


def _remove(folder: Path) -> None:
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in"},
    429: {"description": "Too many exports this hour; retry after Retry-After seconds"}}


@router.get("/parcels/export", summary="Download parcels 导出地块", response_class=FileResponse,
            responses=EXPORT_RESPONSES)
def export_parcels(db: DatabaseDep, settings: SettingsDep, user: CurrentUser, lang: Language,
                   filters: ParcelFiltersDep, format: FormatParam = "geojson") -> FileResponse:
    """Every parcel matching the filters (no paging), as a file."""
    return _download(db, settings, user, "parcels", format, lang, parcel_query=filters.query())


@router.get("/factories/export", summary="Download factories 导出厂房", response_class=FileResponse,
            responses=EXPORT_RESPONSES)
def export_factories(db: DatabaseDep, settings: SettingsDep, user: CurrentUser, lang: Language,
                     filters: FactoryFiltersDep, format: FormatParam = "geojson") -> FileResponse:
    """Every factory matching the filters (no paging), as a file."""
    return _download(db, settings, user, "factories", format, lang, factory_query=filters.query())

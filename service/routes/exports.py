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

from gis import access
from gis.access import Principal
from gis.inventory import FactoryQuery, ParcelQuery
from gis.io import exporter
from gis.spatial import parse_bbox
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, SettingsDep
from service.read_access import take_export
from service.routes.factories import BuildingTypeParam, FactoryStatusParam
from service.routes.parcels import BBOX_HELP, ParcelStatusParam

router = APIRouter(prefix="/api", tags=["export 导出"])
Format = Literal["geojson", "gpkg", "shp", "csv", "xlsx"]
FORMAT_HELP = "geojson (RFC 7946), gpkg, shp (zip), csv (WKT), xlsx (台账)"


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
def export_parcels(
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    lang: Language,
    format: Annotated[Format, Query(description=FORMAT_HELP)] = "geojson",
    bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
    park: Annotated[str | None, Query(description="园区或片区编号")] = None,
    town: Annotated[str | None, Query(description="镇编号")] = None,
    status: Annotated[list[ParcelStatusParam] | None, Query(description="状态, repeatable")] = None,
    land_use: Annotated[list[Annotated[str, Query(pattern=r"^\d{4,6}$")]] | None,
                        Query(description="用地性质代码")] = None,
    min_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最小面积(亩)")] = None,
    max_mu: Annotated[float | None, Query(ge=0, le=1e6, description="最大面积(亩)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="按编号或名称搜索")] = None,
) -> FileResponse:
    """Every parcel matching the filters (no paging), as a file."""
    query = ParcelQuery(bbox=parse_bbox(bbox) if bbox else None, park=park, town=town,
                        status=tuple(status or ()), land_use=tuple(land_use or ()), min_mu=min_mu,
                        max_mu=max_mu, search=q)
    return _download(db, settings, user, "parcels", format, lang, parcel_query=query)


@router.get("/factories/export", summary="Download factories 导出厂房", response_class=FileResponse,
            responses=EXPORT_RESPONSES)
def export_factories(
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    lang: Language,
    format: Annotated[Format, Query(description=FORMAT_HELP)] = "geojson",
    bbox: Annotated[str | None, Query(description=BBOX_HELP)] = None,
    park: Annotated[str | None, Query(description="园区或片区编号")] = None,
    town: Annotated[str | None, Query(description="镇编号")] = None,
    status: Annotated[list[FactoryStatusParam] | None, Query(description="状态, repeatable")] = None,
    building_type: Annotated[list[BuildingTypeParam] | None, Query(description="厂房类型")] = None,
    min_vacant_m2: Annotated[float | None, Query(ge=0, le=1e7, description="最小空置面积(平方米)")] = None,
    min_clear_height_m: Annotated[float | None, Query(ge=0, le=100, description="最小净高(米)")] = None,
    q: Annotated[str | None, Query(max_length=100, description="按编号或名称搜索")] = None,
) -> FileResponse:
    """Every factory matching the filters (no paging), as a file."""
    query = FactoryQuery(bbox=parse_bbox(bbox) if bbox else None, park=park, town=town,
                         status=tuple(status or ()), building_type=tuple(building_type or ()),
                         min_vacant_m2=min_vacant_m2, min_clear_height_m=min_clear_height_m, search=q)
    return _download(db, settings, user, "factories", format, lang, factory_query=query)

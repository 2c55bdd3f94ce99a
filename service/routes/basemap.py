"""/basemap: the local tile package named by LANDSTOCK_BASEMAP_TILES, served by Landstock itself.

A tile outside the package (no package, a zoom it does not cover, a column or row beyond the
zoom's grid) is 404 problem+json; a tile inside its zoom range that the package simply lacks (sea,
or outside the area it was cut for) is an empty 204, which maps draw as nothing, not as an error.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from gis import context, mbtiles
from gis.errors import NotFound
from gis.labels import Text
from service.dependencies import ReadSession, SettingsDep
from service.read_access import InventoryReader, anonymous_may_read
from service.settings import Settings

router = APIRouter(prefix="/basemap", tags=["basemap 底图"])

TILE_MAX_AGE_S = 24 * 3600  # a package changes when an administrator replaces it and restarts
CONTEXT_MAX_AGE_S = 300  # a new town or park shows within minutes; the ETag spares the body
GEOJSON = "application/geo+json"


class BasemapOut(BaseModel):
    """The configured tile package."""

    name: str
    format: str
    vector: bool
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str
    tiles: str


def package_of(request: Request, what: str) -> mbtiles.TilePackage:
    """The app's tile package; 404 when none is configured."""
    package: mbtiles.TilePackage | None = request.app.state.basemap
    if package is None:
        raise NotFound(kind=Text("kind.basemap"), code=what)
    return package


def _cache_control(settings: Settings, max_age_s: int = TILE_MAX_AGE_S) -> str:
    scope = "public" if anonymous_may_read(settings) else "private"
    return f"{scope}, max-age={max_age_s}"


@router.get("/metadata", summary="The local tile package 本地底图切片包")
def metadata(request: Request, _reader: InventoryReader) -> BasemapOut:
    """Name, format, bounds and zoom range of the package maps draw first; 404 without one."""
    package = package_of(request, "metadata")
    return BasemapOut(
        name=package.name,
        format=package.format,
        vector=package.vector,
        min_zoom=package.min_zoom,
        max_zoom=package.max_zoom,
        bounds=package.bounds,
        attribution=package.attribution,
        tiles="/basemap/{z}/{x}/{y}",
    )


@router.get(
    "/context.geojson",
    response_class=Response,
    responses={200: {"content": {GEOJSON: {}}, "description": "The context layer"}},
    summary="The map's context from Landstock's own data 本地底图要素",
)
def context_layer(
    request: Request, session: ReadSession, settings: SettingsDep, _reader: InventoryReader
) -> Response:
    """Coastline, county outline, roads, waterways, town and park names, ports, highway exits and
    stations, simplified for the county view: what maps draw when no tile package is configured."""
    body = orjson.dumps(context.layer(session))
    etag = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    headers = {"Cache-Control": f"{_cache_control(settings, CONTEXT_MAX_AGE_S)}", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=GEOJSON, headers=headers)


@router.get(
    "/{z}/{x}/{y}",
    response_class=Response,
    responses={
        200: {"content": {m: {} for m in sorted(set(mbtiles.MEDIA_TYPES.values()))}, "description": "A tile"},
        204: {"description": "Inside the package's zoom range, but not in the package"},
        304: {"description": "Unchanged since the ETag given in If-None-Match"},
    },
    summary="A basemap tile 底图切片",
)
def tile(
    request: Request,
    settings: SettingsDep,
    _reader: InventoryReader,
    z: Annotated[int, Path(ge=0, le=30, description="zoom")],
    x: Annotated[int, Path(ge=0, description="column")],
    y: Annotated[int, Path(ge=0, description="row (XYZ, north at 0; flipped to the package's TMS rows)")],
) -> Response:
    """One tile of the package as stored: pictures as they are, vector tiles gzipped when stored so."""
    package = package_of(request, f"{z}/{x}/{y}")
    if not mbtiles.in_range(package, z, x, y):
        raise NotFound(kind=Text("kind.basemap_tile"), code=f"{z}/{x}/{y}")
    body = mbtiles.read_tile(package, z, x, y)
    headers = {"Cache-Control": _cache_control(settings)}
    if body is None:
        return Response(status_code=204, headers=headers)
    headers["ETag"] = f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    if package.vector and mbtiles.gzipped(body):
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=package.media_type, headers=headers)

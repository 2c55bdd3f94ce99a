"""/tiles: parcels and factories as Mapbox vector tiles for the web maps."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from gis.tiles import MAX_ZOOM, data_stamp, render_tile
from service.dependencies import ReadSession
from service.web.filters import FiltersDep
from service.web.tile_cache import TileCache

router = APIRouter(prefix="/tiles", tags=["map tiles 地图切片"])

MVT = "application/vnd.mapbox-vector-tile"


@router.get("/{kind}/{z}/{x}/{y}.pbf", response_class=Response,
            responses={200: {"content": {MVT: {}}, "description": "One MVT tile (empty when empty)"}},
            summary="Vector tile of parcels or factories 矢量切片")
def tile(
    request: Request,
    session: ReadSession,
    filters: FiltersDep,
    kind: Annotated[Literal["parcels", "factories"], Path(description="图层")],
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="zoom")],
    x: Annotated[int, Path(ge=0, description="column")],
    y: Annotated[int, Path(ge=0, description="row (XYZ, north at 0)")],
    crs: Annotated[Literal["wgs84", "gcj02"], Query(description="gcj02: shifted for AMap tiles")] = "wgs84",
) -> Response:
    """Parcels (with the inventory filters applied) or factories in one XYZ tile, coloured by the page."""
    query = filters.parcels() if kind == "parcels" else filters.factories()
    cache: TileCache | None = getattr(request.app.state, "tile_cache", None)
    if cache is None:
        cache = request.app.state.tile_cache = TileCache()
    key = (kind, z, x, y, crs, query, data_stamp(session))
    body = cache.get(key)
    if body is None:
        body = render_tile(session, kind, query, z, x, y, gcj02=crs == "gcj02")
        cache.put(key, body)
    # short private cache: a status changed on another page shows on the next pan
    return Response(body, media_type=MVT, headers={"Cache-Control": "private, max-age=10"})

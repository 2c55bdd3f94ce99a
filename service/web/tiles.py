"""/tiles: parcels and factories as Mapbox vector tiles for the web maps."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Literal

from fastapi import APIRouter, FastAPI, Path, Query, Request, Response
from sqlalchemy.orm import Session

from gis.inventory import FactoryQuery, ParcelQuery, summarise_parcels
from gis.tiles import MAX_ZOOM, data_stamp, render_tile, tiles_over
from gis.vocabulary import Layer
from service.dependencies import ReadSession
from service.filters import ParcelFilters
from service.read_access import InventoryReader
from service.web.filters import FiltersDep, layer_query
from service.web.tile_cache import TileCache

router = APIRouter(prefix="/tiles", tags=["map tiles 地图切片"])

MVT = "application/vnd.mapbox-vector-tile"
log = logging.getLogger("landstock")


_cache_lock = threading.Lock()


def cache_of(app: FastAPI) -> TileCache:
    """The app's tile cache (made on first use)."""
    with _cache_lock:
        cache: TileCache | None = getattr(app.state, "tile_cache", None)
        if cache is None:
            cache = app.state.tile_cache = TileCache(shared=app.state.settings.app.tile_share_dir)
        return cache


STALE_S = 3600.0  # how long past the age limit a tile is still served while it is redrawn


def cached_tile(
    app: FastAPI,
    session: Session,
    kind: Layer,
    query: ParcelQuery | FactoryQuery,
    zxy: tuple[int, int, int],
    crs: str = "wgs84",
) -> bytes:
    """The tile from the cache, drawn when the inventory changed since or nobody asked yet.

    A tile past the cache's age limit (but not by more than `STALE_S`) of an unchanged
    inventory is served as it is and redrawn in the background: an edit made outside Landstock
    shows one request later, and no visitor waits for a drawing the inventory did not need."""
    key = (kind, *zxy, crs, query, data_stamp(session))
    cache = cache_of(app)

    def draw(s: Session) -> bytes:
        return render_tile(s, kind, query, *zxy, gcj02=crs == "gcj02")

    refresher: Refresher | None = getattr(app.state, "tile_refresher", None)
    aged = cache.peek(key)
    if refresher is not None and aged is not None and cache.max_age_s < aged[1] <= cache.max_age_s + STALE_S:
        refresher.redraw(key, draw)
        return aged[0]
    return cache.get_or_draw(key, lambda: draw(session))


class Refresher:
    """Redraws aged tiles in the background, one at a time and each once (stops with the service)."""

    def __init__(self, app: FastAPI) -> None:
        self.app, self.pending, self.lock = app, set[tuple[object, ...]](), threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tile-refresh")

    def redraw(self, key: tuple[object, ...], draw: Callable[[Session], bytes]) -> None:
        """Draw the tile under `key` again soon, unless that is already planned."""
        with self.lock:
            if key in self.pending:
                return
            self.pending.add(key)
        self.pool.submit(self._redraw, key, draw)

    def _redraw(self, key: tuple[object, ...], draw: Callable[[Session], bytes]) -> None:
        try:
            with self.app.state.db.read() as session:
                cache_of(self.app).put(key, draw(session))
        except Exception:  # noqa: BLE001 - the aged tile stays; the next request tries again
            log.debug("tile refresh failed", exc_info=True)
        finally:
            with self.lock:
                self.pending.discard(key)

    def stop(self) -> None:
        """Drop the redrawings not begun, and wait for the one under way."""
        self.pool.shutdown(wait=True, cancel_futures=True)


class TileWarmer:
    """Draws the county view's tiles when the service starts, so the first visitor waits no
    longer than the next (stops with the service)."""

    ZOOMS = (11, 10)  # the county view on a desktop screen, and on a small one

    def __init__(self, app: FastAPI) -> None:
        self.app, self.stopping = app, threading.Event()
        self.thread = threading.Thread(target=self._run, name="tile-warmer", daemon=True)

    def start(self) -> None:
        """Begin drawing in the background."""
        self.thread.start()

    def stop(self) -> None:
        """Stop after the tile being drawn, and wait for that."""
        self.stopping.set()
        self.thread.join(timeout=30)

    def _run(self) -> None:
        shared = cache_of(self.app).shared
        with shared.first("county-view") if shared else contextlib.nullcontext(True) as mine:
            if mine:  # the workers of one server draw it once, for all of them
                self._draw()

    def _draw(self) -> None:
        try:
            with self.app.state.db.read() as session:
                bbox = summarise_parcels(session, ParcelQuery()).bbox
                if bbox is None:
                    return
                for kind in (Layer.PARCELS, Layer.FACTORIES):
                    query = layer_query(ParcelFilters(), kind)
                    for zxy in tiles_over(bbox, self.ZOOMS):
                        if self.stopping.is_set():
                            return
                        cached_tile(self.app, session, kind, query, zxy)
        except Exception:  # noqa: BLE001 - warming is an optimisation; requests draw their own tiles
            log.debug("tile warming stopped", exc_info=True)


@router.get(
    "/{kind}/{z}/{x}/{y}.pbf",
    response_class=Response,
    responses={200: {"content": {MVT: {}}, "description": "One MVT tile (empty when empty)"}},
    summary="Vector tile of parcels or factories 矢量切片",
)
def tile(
    request: Request,
    session: ReadSession,
    filters: FiltersDep,
    _reader: InventoryReader,
    kind: Annotated[Literal["parcels", "factories"], Path(description="图层")],
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="zoom")],
    x: Annotated[int, Path(ge=0, description="column")],
    y: Annotated[int, Path(ge=0, description="row (XYZ, north at 0)")],
    crs: Annotated[Literal["wgs84", "gcj02"], Query(description="gcj02: shifted for AMap tiles")] = "wgs84",
) -> Response:
    """Parcels (with the inventory filters applied) or factories in one XYZ tile, coloured by the page."""
    layer = Layer(kind)
    body = cached_tile(request.app, session, layer, layer_query(filters, layer), (z, x, y), crs)
    # short private cache: a status changed on another page shows on the next pan
    return Response(body, media_type=MVT, headers={"Cache-Control": "private, max-age=10"})

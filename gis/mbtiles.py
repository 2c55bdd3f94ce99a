"""A local tile package (MBTiles 1.3): the basemap a city's GIS office or an offline 天地图 package
delivers, read-only with the standard library's sqlite3.

MBTiles keeps rows in TMS order (row 0 at the south); maps ask in XYZ order (row 0 at the
north), so a row is flipped on the way in. The `metadata` table's `format` says what the tiles
are: png, jpg, webp (raster) or pbf (Mapbox vector tiles, usually gzipped).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gis.errors import LandstockError
from gis.labels import Text

MEDIA_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "pbf": "application/vnd.mapbox-vector-tile",
}
GZIP_MAGIC = b"\x1f\x8b"


class BadTilePackage(LandstockError):
    """The configured tile package cannot be read: missing, not MBTiles, or of an unknown format."""

    key = "error.basemap_package"


@dataclass(frozen=True)
class TilePackage:
    """What a map needs to know of a tile package (from its `metadata` table)."""

    path: Path
    name: str
    format: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str
    layers: tuple[str, ...] = ()  # a vector package's layers, from its `json` metadata

    @property
    def vector(self) -> bool:
        """Whether the tiles are vector tiles (pbf) rather than pictures."""
        return self.format == "pbf"

    @property
    def media_type(self) -> str:
        """The tiles' Content-Type."""
        return MEDIA_TYPES[self.format]


def _connect(path: Path) -> sqlite3.Connection:
    # read-only: Landstock never writes the package it is given
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (x0, y0, x1, y1)


def open_package(path: Path) -> TilePackage:
    """Read the package's metadata; raise `BadTilePackage` with the reason when it cannot serve."""
    if not path.is_file():
        raise BadTilePackage(path=str(path), reason=Text("basemap.package.missing"))
    return _read_package(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _read_package(path: Path, _mtime_ns: int) -> TilePackage:
    # read again only when the file changes: every page's map asks
    try:
        with closing(_connect(path)) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            low, high = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.Error as exc:
        raise BadTilePackage(
            path=str(path), reason=Text("basemap.package.not_mbtiles", {"detail": exc})
        ) from None
    fmt = str(meta.get("format", "png")).lower()
    if fmt not in MEDIA_TYPES:
        raise BadTilePackage(path=str(path), reason=Text("basemap.package.format", {"format": fmt}))
    if low is None:
        raise BadTilePackage(path=str(path), reason=Text("basemap.package.empty"))
    return TilePackage(
        path=path,
        name=str(meta.get("name") or path.stem),
        format="jpg" if fmt == "jpeg" else fmt,
        min_zoom=int(meta.get("minzoom", low)),
        max_zoom=int(meta.get("maxzoom", high)),
        bounds=_bounds(meta.get("bounds")),
        attribution=str(meta.get("attribution") or ""),
        layers=_vector_layers(meta.get("json")),
    )


def _vector_layers(text: str | None) -> tuple[str, ...]:
    try:
        described = json.loads(text or "{}").get("vector_layers", [])
        return tuple(str(layer["id"]) for layer in described)
    except (ValueError, AttributeError, KeyError, TypeError):
        return ()


def read_tile(package: TilePackage, z: int, x: int, y: int) -> bytes | None:
    """The tile at XYZ `z/x/y` as stored (pbf may be gzipped), or None when the package lacks it."""
    tms_row = (1 << z) - 1 - y
    with closing(_connect(package.path)) as db:
        row = db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, tms_row),
        ).fetchone()
    return None if row is None else bytes(row[0])


def in_range(package: TilePackage, z: int, x: int, y: int) -> bool:
    """Whether `z/x/y` is a tile the package could hold (its zoom range, a real tile)."""
    return package.min_zoom <= z <= package.max_zoom and 0 <= x < 1 << z and 0 <= y < 1 << z


def gzipped(tile: bytes) -> bool:
    """Whether a stored tile is gzip-compressed (as vector tiles in MBTiles usually are)."""
    return tile[:2] == GZIP_MAGIC

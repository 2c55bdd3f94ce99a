"""Small MBTiles packages made by the tests: raster PNG tiles whose colour names their own XYZ
address, and a gzipped vector tile, written with the standard library's sqlite3."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import mapbox_vector_tile
from PIL import Image

SCHEMA = (
    "CREATE TABLE metadata (name TEXT, value TEXT)",
    "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
    "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)",
)


def colour_of(z: int, x: int, y: int) -> tuple[int, int, int]:
    """The colour of raster tile XYZ z/x/y: its address, so a flipped row shows."""
    return (40 * z + 10, 16 * x + 5, 16 * y + 5)


def png_tile(z: int, x: int, y: int) -> bytes:
    """A 256 px tile of one colour (`colour_of`)."""
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour_of(z, x, y)).save(out, format="PNG")
    return out.getvalue()


def _write(path: Path, metadata: dict[str, str], tiles: dict[tuple[int, int, int], bytes]) -> Path:
    with closing(sqlite3.connect(path)) as db, db:
        for statement in SCHEMA:
            db.execute(statement)
        db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            # MBTiles rows are TMS: row 0 at the south
            [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()],
        )
    return path


def raster_package(path: Path, *, max_zoom: int = 3, skip: tuple[int, int, int] | None = None) -> Path:
    """A PNG package of every tile at zooms 0–`max_zoom` (but `skip`), over the whole world."""
    tiles = {
        (z, x, y): png_tile(z, x, y)
        for z in range(max_zoom + 1)
        for x in range(1 << z)
        for y in range(1 << z)
        if (z, x, y) != skip
    }
    metadata = {
        "name": "测试底图",
        "format": "png",
        "minzoom": "0",
        "maxzoom": str(max_zoom),
        "bounds": "-180,-85.05,180,85.05",
        "attribution": "测试市规划局",
    }
    return _write(path, metadata, tiles)


def vector_package(path: Path) -> Path:
    """A pbf package of one gzipped tile (z0) holding a 'water' polygon."""
    layer = {
        "name": "water",
        "features": [
            {"geometry": "POLYGON ((0 0, 0 2048, 2048 2048, 2048 0, 0 0))", "properties": {"kind": "sea"}}
        ],
    }
    tile = gzip.compress(mapbox_vector_tile.encode([layer]))
    metadata = {
        "name": "测试矢量底图",
        "format": "pbf",
        "minzoom": "0",
        "maxzoom": "0",
        "json": json.dumps({"vector_layers": [{"id": "water", "fields": {"kind": "String"}}]}),
    }
    return _write(path, metadata, {(0, 0, 0): tile})

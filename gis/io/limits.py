"""Limits on what an import may read: upload size, features, vertices, zip archives.

A plain dataclass so that gis/ needs no settings library; service/settings.py fills it from
LANDSTOCK_IMPORT_… variables.
"""

from __future__ import annotations

from dataclasses import dataclass

from gis.geometry import Bounds

# A generous box around Qidong (启东市 spans about 121.33–121.96°E, 31.63–32.11°N): features
# outside it are not in the city, which usually means a wrong coordinate system.
QIDONG_REGION: Bounds = (121.0, 31.4, 122.3, 32.4)
QIDONG_COUNTY = "320681"  # 启东市's administrative code (GB/T 2260), the head of its cadastral codes


@dataclass(frozen=True)
class ImportLimits:
    """How much an import may read, and where its features must lie."""

    max_bytes: int = 200 * 1024 * 1024
    max_features: int = 200_000
    max_vertices: int = 20_000
    zip_max_entries: int = 1_000
    zip_max_bytes: int = 1024 * 1024 * 1024
    zip_max_ratio: float = 100.0
    region: Bounds = QIDONG_REGION
    # An import that moves existing outlines and locations consistently by more than this many
    # metres is refused unless the importer accepts the moves: a false declared CRS, or GCJ-02
    # coordinates (about 500 m off in Qidong) declared as WGS84, moves everything alike.
    max_shift_m: float = 50.0
    # The county whose cadastral codes (宗地代码, 不动产单元代码) an import accepts as keys
    county_code: str = QIDONG_COUNTY


def megabytes(size: float) -> str:
    """A size in bytes as the messages give it: 12.3 MB."""
    return f"{size / 1024 / 1024:.1f} MB"

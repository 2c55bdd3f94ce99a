"""Geometries of spreadsheet rows: a WKT column, x/y columns, or one "lat, lon" column.

Chinese survey tables often label northing X and easting Y (测量坐标系); when the "x" column
holds northings (millions of metres) and the "y" column eastings, the two are exchanged and
the report says so.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import shapely

from gis.io.columns import Plan
from gis.io.readers import parse_geometries
from gis.io.values import blank, number
from gis.labels import Text


def _wkt(series: pd.Series) -> tuple[np.ndarray, dict[int, list[Text]], dict[int, Text]]:
    texts = np.array([None if blank(v) else str(v).strip() for v in series], dtype=object)
    return parse_geometries(texts, shapely.from_wkt, _bad_wkt)


def _bad_wkt(text: str) -> Text:
    return Text("import.bad_wkt", {"value": text[:40]})


def _numbers(series: pd.Series, errors: dict[int, Text]) -> np.ndarray:
    out = np.full(len(series), np.nan)
    for i, value in enumerate(series):
        if blank(value):
            continue
        try:
            out[i] = number(value)
        except ValueError:
            errors.setdefault(i, Text("import.bad_coordinate", {"value": str(value)[:40]}))
    return out


def _pair(series: pd.Series, errors: dict[int, Text]) -> tuple[np.ndarray, np.ndarray]:
    first, second = np.full(len(series), np.nan), np.full(len(series), np.nan)
    for i, value in enumerate(series):
        if blank(value):
            continue
        parts = re.findall(r"[-+]?\d+(?:\.\d+)?", unicodedata.normalize("NFKC", str(value)))
        if len(parts) != 2:
            errors[i] = Text("import.bad_coordinate", {"value": str(value)[:40]})
            continue
        first[i], second[i] = float(parts[0]), float(parts[1])
    return first, second


def geometries(
    frame: pd.DataFrame, plan: Plan
) -> tuple[np.ndarray, dict[int, list[Text]], dict[int, Text], list[Text]]:
    """Per row a geometry (or None), repairs, errors, and notes about the whole table."""
    if plan.geometry_kind is None:
        return np.full(len(frame), None, dtype=object), {}, {}, [Text("import.no_geometry_columns")]
    if plan.geometry_kind == "wkt":
        return (*_wkt(frame[plan.geometry[0]]), [])
    errors: dict[int, Text] = {}
    file_notes: list[Text] = []
    if plan.geometry_kind == "xy":
        x, y = _numbers(frame[plan.geometry[0]], errors), _numbers(frame[plan.geometry[1]], errors)
        if np.nanmedian(np.abs(x)) > 1e6 > np.nanmedian(np.abs(y)) or (
            np.nanmedian(x) < 1e7 < np.nanmedian(y) and np.nanmedian(x) > 1e6
        ):
            x, y = y, x
            file_notes.append(
                Text("import.xy_surveying_order", {"x": plan.geometry[0], "y": plan.geometry[1]})
            )
    else:
        first, second = _pair(frame[plan.geometry[0]], errors)
        x, y = (second, first) if plan.geometry_kind == "latlon" else (first, second)
        if plan.geometry_kind == "latlon" and np.nanmedian(np.abs(first)) > 90:
            x, y = first, second  # the column says "lat, lon" but holds lon first
            file_notes.append(Text("import.pair_lonlat", {"column": plan.geometry[0]}))
    missing = np.isnan(x) | np.isnan(y)
    geoms = np.asarray(shapely.points(np.where(missing, 0, x), np.where(missing, 0, y)), dtype=object)
    geoms[missing] = None
    return geoms, {}, errors, file_notes

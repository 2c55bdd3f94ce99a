"""A site's map as a picture drawn on the server (SVG), for documents printed without a browser:
the investor brochure's PDF (WeasyPrint draws inline SVG).

The site is drawn over what lies around it (gis/investor.py `surroundings`: parks and towns,
neighbouring parcels and factories, ports, highway exits and rail stations, and any layer added
there later), in an azimuthal equidistant projection centred on the site, so that distances from
it are true and north is up; a scale bar with a round distance and a north arrow say so. Pure:
geometry in, text out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gis.crs import CGCS2000, reproject
from gis.investor import BBox, MapFeature
from gis.labels import label, message
from gis.matching.need import INFRA_KINDS
from maps.style import FACTORY_COLOURS, HIGHLIGHT, PARCEL_COLOURS, PARK_OUTLINE, TOWN_OUTLINE

SIZE = 480  # the picture's width and height in its own units (px at 96 dpi: 127 mm)
FONT = "WenQuanYi Micro Hei, sans-serif"
STATUS_FILLS = {"parcel": PARCEL_COLOURS, "factory": FACTORY_COLOURS}


@dataclass(frozen=True)
class Style:
    """How the features of one layer are drawn: stroke, fill, and whether their label is written."""

    stroke: str
    fill: str = "none"
    width: float = 1.0
    dash: str | None = None
    opacity: float = 1.0
    labelled: bool = False  # its label written beside it on the map
    legend: bool = False  # its label listed in the legend instead (an area's name would sit on the site)


# By the layer a MapFeature names. The context layers (roads, rivers and water, the coastline) are
# styled here ahead of their data: a feature of those layers is drawn as soon as gis/investor.py
# SURROUNDINGS yields it.
STYLES: dict[str, Style] = {
    "town": Style(TOWN_OUTLINE, width=1.2, dash="6 4", legend=True),
    "park": Style(PARK_OUTLINE, fill="#fce4ec", width=1.5, opacity=0.5, legend=True),
    "water": Style("#90caf9", fill="#bbdefb", width=0.8),
    "river": Style("#64b5f6", width=2.0),
    "coastline": Style("#1e88e5", width=1.5),
    "road": Style("#9e9e9e", width=2.5),
    "parcel": Style("#555555", width=0.6, opacity=0.55),
    "factory": Style("#ffffff", width=0.8, opacity=0.9),
    "port": Style("#0d47a1", fill="#0d47a1", labelled=True),
    "highway_exit": Style("#2e7d32", fill="#2e7d32", labelled=True),
    "rail_station": Style("#4e342e", fill="#4e342e", labelled=True),
}
ORDER = tuple(STYLES)  # drawn bottom first in this order, whatever order the layers came in


@dataclass(frozen=True)
class Canvas:
    """The projection of the map's box onto the picture: metres from the site's centre to units."""

    projection: str
    half_m: float  # metres from the centre to the picture's edge
    size: int = SIZE

    @property
    def scale(self) -> float:
        """Picture units per metre."""
        return self.size / (2 * self.half_m)

    def project(self, geoms: Sequence[BaseGeometry]) -> np.ndarray:
        """Geometries in longitude/latitude as picture units (y down), clipped to the picture."""
        metres = reproject(np.asarray(list(geoms), dtype=object), CGCS2000, self.projection)
        s, h = self.scale, self.half_m
        drawn = shapely.transform(
            metres, lambda xy: np.column_stack(((xy[:, 0] + h) * s, (h - xy[:, 1]) * s))
        )
        return np.asarray(shapely.clip_by_rect(drawn, -2, -2, self.size + 2, self.size + 2), dtype=object)


def canvas(box: BBox, size: int = SIZE) -> Canvas:
    """The equidistant projection centred on the box, the picture spanning its width."""
    lon, lat = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    projection = f"+proj=aeqd +lat_0={lat:.7f} +lon_0={lon:.7f} +ellps=GRS80 +units=m +no_defs"
    edge = reproject(np.asarray([shapely.Point(box[2], lat)], dtype=object), CGCS2000, projection)[0]
    return Canvas(projection, abs(edge.x), size)


def _path(geom: BaseGeometry) -> str:
    """The SVG path data of a line or polygon (each ring closed)."""
    parts = []
    for part in getattr(geom, "geoms", [geom]):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            xy = np.asarray(ring.coords)
            if len(xy):
                close = "Z" if part.geom_type == "Polygon" else ""
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + close)
    return "".join(parts)


def _shape(geom: BaseGeometry, style: Style, fill: str | None = None, cls: str = "") -> str:
    if geom.is_empty:
        return ""
    paint = (
        f'stroke="{style.stroke}" stroke-width="{style.width}" fill="{fill or style.fill}" '
        f'fill-opacity="{style.opacity}"' + (f' stroke-dasharray="{style.dash}"' if style.dash else "")
    )
    if geom.geom_type in ("Point", "MultiPoint"):
        return "".join(
            f'<circle class="{cls}" cx="{p.x:.1f}" cy="{p.y:.1f}" r="4" {paint}/>'
            for p in getattr(geom, "geoms", [geom])
        )
    return f'<path class="{cls}" d="{_path(geom)}" {paint}/>'


def _text(
    x: float, y: float, words: str, size: float = 11, colour: str = "#333", anchor: str = "start"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{colour}" '
        f'text-anchor="{anchor}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
        f"{escape(words)}</text>"
    )


def _label(feature: MapFeature, drawn: BaseGeometry, lang: str) -> str:
    if drawn.is_empty or not feature.label:
        return ""
    point = drawn.representative_point()
    words = feature.label
    if feature.layer in INFRA_KINDS:
        kind = label("infra_kind", feature.layer, lang)
        words = f"{words}（{kind}）" if lang == "zh" else f"{words} ({kind})"
    return _text(point.x + 7, point.y + 4, words)


def _legend(entries: list[tuple[Style, str]]) -> str:
    """The areas the map shows, by name, in a box at its top left."""
    if not entries:
        return ""
    rows = []
    for i, (style, words) in enumerate(entries):
        y = 12 + 17 * i
        swatch = Style(style.stroke, style.fill, style.width, style.dash, max(style.opacity, 0.6))
        rows.append(_shape(shapely.box(12, y, 30, y + 11), swatch) + _text(36, y + 10, words, 11, "#222"))
    width = 40 + 12 * max(len(words) for _style, words in entries)
    return (
        f'<g class="ls-legend"><rect x="6" y="6" width="{width}" height="{17 * len(entries) + 6}" '
        f'fill="#ffffff" fill-opacity="0.85"/>' + "".join(rows) + "</g>"
    )


def _layers(features: Sequence[MapFeature], drawn: np.ndarray, skip: str, lang: str) -> list[str]:
    shapes, labels, legend = [], [], {}
    ranked = sorted(range(len(features)), key=lambda i: ORDER.index(features[i].layer))
    for i in ranked:
        feature, geom = features[i], drawn[i]
        if feature.label == skip and feature.layer in STATUS_FILLS:
            continue  # the site itself is drawn last, highlighted
        style = STYLES[feature.layer]
        fill = STATUS_FILLS.get(feature.layer, {}).get(feature.status or "")
        shapes.append(_shape(geom, style, fill, f"ls-{feature.layer}"))
        if style.labelled:
            labels.append(_label(feature, geom, lang))
        if style.legend and feature.label and not geom.is_empty:
            legend[(feature.layer, feature.label)] = style
    entries = [(style, words) for (_layer, words), style in legend.items()]
    return [*shapes, *labels, _legend(entries)]  # labels above every shape, the legend above all


def _site_label(marked: BaseGeometry, code: str) -> str:
    if marked.is_empty:
        return ""
    x0, y0, x1, _y1 = marked.bounds
    return _text((x0 + x1) / 2, max(y0 - 8, 14), code, 13, HIGHLIGHT, "middle")


def nice_distance(most_m: float) -> float:
    """The largest round distance (1, 2 or 5 times a power of ten metres) not over `most_m`."""
    power = 10 ** math.floor(math.log10(most_m))
    return float(max(step * power for step in (1, 2, 5) if step * power <= most_m))


def _scale_bar(c: Canvas) -> str:
    metres = nice_distance(c.half_m * 2 / 3)  # at most a third of the width
    length = metres * c.scale
    words = f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"
    x, y = 16, c.size - 18
    return (
        f'<g class="ls-scale-bar"><rect x="{x - 6}" y="{y - 20}" width="{length + 12}" height="30" '
        f'fill="#ffffff" fill-opacity="0.8"/>'
        f'<path d="M{x},{y - 5}V{y}H{x + length:.1f}V{y - 5}" stroke="#222" stroke-width="2" fill="none"/>'
        + _text(x + length / 2, y - 8, words, 11, "#222", "middle")
        + "</g>"
    )


def _north_arrow(c: Canvas, lang: str) -> str:
    x, y = c.size - 28, 20
    return (
        f'<g class="ls-north-arrow"><path d="M{x},{y}L{x + 9},{y + 26}L{x},{y + 20}L{x - 9},{y + 26}Z" '
        f'fill="#222" stroke="#ffffff" stroke-width="1"/>'
        + _text(x, y + 42, message("brochure.map.north", lang), 12, "#222", "middle")
        + "</g>"
    )


def site_picture(
    site: BaseGeometry, code: str, features: Sequence[MapFeature], box: BBox, lang: str, size: int = SIZE
) -> str:
    """The map of the site `code` (its outline or location, longitude/latitude) over `features`,
    framed on `box`: an inline <svg> element, square, `size` units wide."""
    c = canvas(box, size)
    drawn = c.project([f.geometry for f in features] + [site])
    marked = drawn[-1]
    highlight = Style(HIGHLIGHT, fill=HIGHLIGHT, width=3, opacity=0.35)
    body = [
        f'<rect width="{size}" height="{size}" fill="#f7f5ef"/>',
        *_layers(features, drawn[:-1], code, lang),
        _shape(marked.buffer(6) if marked.geom_type == "Point" else marked, highlight, cls="ls-site"),
        _site_label(marked, code),
        _scale_bar(c),
        _north_arrow(c, lang),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ls-picture" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img">' + "".join(body) + "</svg>"
    )

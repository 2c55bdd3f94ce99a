"""folium elements of Landstock's own: vector-tile layers, the status legend, park/town outlines.

Their behaviour lives in service/static/landstock/landstock-map.js; these elements only pass
it options, so what a page does is readable in one JS file.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from gis.labels import label, message, tree
from gis.vocabulary import SiteKind
from maps.style import LOOKS, PARK_OUTLINE, TOWN_OUTLINE, SiteLook

FIELD_LABELS = {
    "code": "field.code",
    "status": "field.status",
    "area_mu": "field.area_mu",
    "park": "field.park",
    "land_use": "field.land_use",
    "building_type": "field.building_type",
    "floor_area_m2": "field.floor_area_m2",
    "vacant_m2": "field.vacant_area_m2",
}


def _tile_options(look: SiteLook, lang: str, *, url: str, detail: str, query: str) -> dict[str, Any]:
    return {
        "kind": look.layer,
        "url": url,
        "detail": detail,
        "query": query,
        "filtered": look.filtered,
        "colours": look.colours,
        "statusLabels": {status: text for status, _colour, text in look.legend(lang)},
        "typeLabels": {
            t: label("building_type", t, lang) for t in ("standard", "self_built", "warehouse", "rnd")
        },
        "fields": [{"key": f, "label": message(FIELD_LABELS[f], lang)} for f in look.popup],
        "moreLabel": message("web.popup.details", lang),
        "attachments": f"/api/{look.layer}/{{code}}/attachments",
        "photoLabel": message("field.photo", lang),
        "cellLabel": message(f"map.cell.{look.layer}", lang),
        "zoomLabel": message("map.cell.zoom", lang),
    }


class VectorTiles(JSCSSMixin, Layer):
    """Parcels or factories drawn from `/tiles/…` MVT, coloured by status, with popups."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = landstock.vectorTiles(
                {{ this._parent.get_name() }}, {{ this.tile_options|tojson }});
        {% endmacro %}
    """)
    default_js = [("vectorGrid", "vectorGrid"), ("landstock_map_js", "landstock_map_js")]

    def __init__(
        self, kind: SiteKind, lang: str, *, query: str = "", gcj02: bool = False, show: bool = True
    ) -> None:
        look = LOOKS[kind]
        super().__init__(name=message(f"map.layer.{look.layer}", lang), overlay=True, show=show)
        self._name = "VectorTiles"
        url = f"/tiles/{look.layer}/{{z}}/{{x}}/{{y}}.pbf" + ("?crs=gcj02" if gcj02 else "")
        self.tile_options = _tile_options(look, lang, url=url, detail=f"/{look.layer}/{{code}}", query=query)


class Legend(JSCSSMixin, MacroElement):
    """The colours of the parcel and factory statuses, bottom right."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.legend({{ this._parent.get_name() }}, {{ this.sections|tojson }});
        {% endmacro %}
    """)
    default_js = [("landstock_map_js", "landstock_map_js")]

    def __init__(self, lang: str, kinds: tuple[SiteKind, ...] = tuple(SiteKind)) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "Legend"
        self.sections = [
            {
                "title": message(f"map.legend.{kind}", lang),
                "shape": LOOKS[kind].symbol,
                "items": LOOKS[kind].legend(lang),
            }
            for kind in kinds
        ]


class Framed(MacroElement):
    """Frames `bbox` (x0, y0, x1, y1) at once, without the zoom animation: added before the
    vector layers, their first tiles are the ones the framed view shows."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
                {maxZoom: {{ this.max_zoom }}, padding: [20, 20], animate: false});
        {% endmacro %}
    """)

    def __init__(self, bbox: tuple[float, float, float, float], max_zoom: int) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "Framed"
        x0, y0, x1, y1 = bbox
        self.bounds, self.max_zoom = [[y0, x0], [y1, x1]], max_zoom


def area_outlines(areas: dict[str, Any], kind: str, lang: str, *, show: bool = True) -> folium.GeoJson:
    """Outlines of the parks (or towns) with their names as tooltips; a handful of polygons."""
    colour = PARK_OUTLINE if kind == "park" else TOWN_OUTLINE
    dash = None if kind == "park" else "4 4"
    return folium.GeoJson(
        areas,
        name=message(f"map.layer.{kind}s", lang),
        show=show,
        style_function=lambda _f: {
            "color": colour,
            "weight": 2 if kind == "park" else 1.2,
            "dashArray": dash,
            "fill": False,
        },
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        interactive=True,
    )


class GeometryEditor(JSCSSMixin, MacroElement):
    """Leaflet.draw over a record's shape; edits and uploads land in a hidden form input."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.editGeometry({{ this._parent.get_name() }}, {{ this.editor_options|tojson }});
        {% endmacro %}
    """)
    default_js = [("leaflet_draw_js", "leaflet_draw_js"), ("landstock_map_js", "landstock_map_js")]
    default_css = [("leaflet_draw_css", "leaflet_draw_css")]

    def __init__(self, geometry: dict[str, Any] | None, lang: str, *, input_id: str, file_id: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "GeometryEditor"
        self.editor_options = {
            "geometry": geometry,
            "input": input_id,
            "file": file_id,
            "badFile": message("web.edit.bad_file", lang),
            "local": tree("map.draw.", lang),
        }


class MapWords(JSCSSMixin, MacroElement):
    """Leaflet's own words (zoom buttons, layer switcher, attribution) in the page language.

    Added last to a map, so that every control it names already exists when its script runs.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.localise({{ this._parent.get_name() }}, {{ this.words|tojson }});
        {% endmacro %}
    """)
    default_js = [("landstock_map_js", "landstock_map_js")]

    def __init__(self, lang: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "MapWords"
        self.words = {
            "zoomIn": message("map.zoom_in", lang),
            "zoomOut": message("map.zoom_out", lang),
            "layers": message("map.layers", lang),
            "leaflet": message("map.leaflet", lang),
        }

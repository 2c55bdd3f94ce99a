"""The inventory map's search area: the place search box and Leaflet.draw's polygon and circle,
wired to the filter form's hidden inputs by service/static/landstock/landstock-search.js."""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from gis.labels import message, tree

DEFAULT_KM = 5  # the distance a chosen place starts with


class SearchTools(JSCSSMixin, MacroElement):
    """The search box's suggestions, the draw tools, and the area the URL asked for (`area`:
    {"kind": "polygon"|"near", "geometry": …} or {"kind": "circle", "lon", "lat", "radius"})."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            landstock.searchArea({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
    """)
    default_js = [
        ("leaflet_draw_js", "leaflet_draw_js"),
        ("landstock_map_js", "landstock_map_js"),
        ("landstock_search_js", "landstock_search_js"),
    ]
    default_css = [("leaflet_draw_css", "leaflet_draw_css")]

    def __init__(self, lang: str, area: dict[str, Any] | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement is unannotated
        self._name = "SearchTools"
        self.options = {
            "form": "filters",
            "within": "within",
            "circle": "circle",
            "near": "near",
            "km": "km",
            "box": "place",
            "list": "place-list",
            "chosen": "area-words",
            "clear": "area-clear",
            "default_km": DEFAULT_KM,
            "area": area,
            "local": tree("map.draw.", lang),
            "words": {
                "near": message("search.words.near", lang, place="{place}", km="{km}"),
                "circle": message("search.words.circle", lang, km="{km}"),
                "polygon": message("search.words.polygon", lang),
                "none": message("web.search.none", lang),
            },
        }

"""Colours of the maps: one per status, the same in every map, legend and table."""

from __future__ import annotations

from gis.labels import label

PARCEL_COLOURS = {
    "available": "#2e9d4a",
    "reserved": "#f2b01e",
    "signed": "#3a78c2",
    "supplied": "#7b4fb0",
    "under_construction": "#e5732b",
    "in_production": "#6b7b8c",
    "unavailable": "#b0b0b0",
}
FACTORY_COLOURS = {"vacant": "#0f9d8f", "reserved": "#f2b01e", "leased": "#5c6bc0", "sold": "#8d6e63"}
PARK_OUTLINE = "#c2185b"
TOWN_OUTLINE = "#607d8b"
HIGHLIGHT = "#e91e63"
# Choropleth of available 亩: light to dark green (ColorBrewer Greens, 5 classes).
GREENS = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]


def legend_items(kind: str, lang: str) -> list[tuple[str, str, str]]:
    """(status, colour, label) for every status of `kind` ("parcel" or "factory")."""
    colours = PARCEL_COLOURS if kind == "parcel" else FACTORY_COLOURS
    return [(status, colour, label(f"{kind}_status", status, lang)) for status, colour in colours.items()]

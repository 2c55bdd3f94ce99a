"""Colours of the maps: one per status, the same in every map, legend and table; and how each
kind of site is drawn, one row each."""

from __future__ import annotations

from dataclasses import dataclass

from gis.labels import label
from gis.vocabulary import Layer, SiteKind

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
PHOTO_NEAR, PHOTO_FAR = "#1e88e5", "#d32f2f"  # where a photo was taken: near its site, or too far
# Choropleth of available 亩: light to dark green (ColorBrewer Greens, 5 classes).
GREENS = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]


@dataclass(frozen=True)
class SiteLook:
    """How one kind of site is drawn on every map."""

    kind: SiteKind
    colours: dict[str, str]  # by status
    symbol: str  # in the legend: "box" (an outline) or "dot" (often only a location)
    popup: tuple[str, ...]  # the fields its popups show
    filtered: bool  # whether the inventory page's filters apply to its tiles

    @property
    def layer(self) -> Layer:
        """Its tiles, pages and words."""
        return self.kind.layer

    def legend(self, lang: str) -> list[tuple[str, str, str]]:
        """(status, colour, label) for every status."""
        return [
            (status, colour, label(f"{self.kind}_status", status, lang))
            for status, colour in self.colours.items()
        ]


# looked up by the words of tiles and pages (str), which a SiteKind equals
LOOKS: dict[str, SiteLook] = {
    look.kind: look
    for look in (
        SiteLook(
            SiteKind.PARCEL,
            PARCEL_COLOURS,
            "box",
            ("code", "status", "area_mu", "park", "land_use"),
            filtered=True,
        ),
        SiteLook(
            SiteKind.FACTORY,
            FACTORY_COLOURS,
            "dot",
            ("code", "status", "building_type", "floor_area_m2", "vacant_m2", "park"),
            filtered=False,
        ),
    )
}

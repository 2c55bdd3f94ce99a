"""The values a record may hold, whatever path writes them (API, web form, import, CLI): one table
of limits for every field of parcels, factories, areas, projects and joint reviews, the syntax of
codes, and the characters text may hold.

The API's request schemas state the same limits so that /docs shows them; a test holds the two
together. Text lengths come from the columns themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String
from sqlalchemy import Text as TextType

from gis.errors import InvalidInput
from gis.labels import Text
from gis.models import Area, Factory, FollowUp, Parcel, Project, Review

# Codes name records in URLs (/api/parcels/{code}), files and other codes ('+' joins assembled
# parcels): letters of any script, digits, '_', '-' and '.', starting with a letter or digit.
CODE = re.compile(r"\w[\w.\-]*")
CODE_MAX = 40
# Invisible characters that change how text reads or breaks the files it is written to: C0 and
# C1 controls (tab and line breaks are text), bidirectional overrides and isolates (they reorder
# what a reader sees), lone surrogates and non-characters.
HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
LONG_TEXT = {"remarks": 5000, "note": 2000}
PROJECT_REMARKS = 2000
MAX_LIST = 50
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
PLAIN_NUMBERS = (float, int)


@dataclass(frozen=True)
class Range:
    """Bounds of a number: `low` included unless `above`, `high` included."""

    low: float
    high: float
    above: bool = False

    def admits(self, value: float) -> bool:
        """Whether `value` lies within the bounds."""
        return (value > self.low if self.above else value >= self.low) and value <= self.high


NUMBERS: dict[str, dict[str, Range]] = {
    "parcel": {
        "cert_area_m2": Range(0, 1e8, above=True),
        "plot_ratio_min": Range(0, 20),
        "plot_ratio_max": Range(0, 20),
        "building_density_min": Range(0, 100),
        "height_limit_m": Range(0, 1000),
        "green_ratio_max": Range(0, 100),
        "price_wan_per_mu": Range(0, 1e5),
    },
    "factory": {
        "floors": Range(1, 200),
        "floor_area_m2": Range(0, 1e7, above=True),
        "vacant_area_m2": Range(0, 1e7),
        "clear_height_m": Range(0, 100),
        "floor_load_kn_m2": Range(0, 1000),
        "crane_t": Range(0, 2000),
        "power_kva": Range(0, 1e6),
        "year_built": Range(1900, 2100),
        "rent_yuan_m2_month": Range(0, 1e4),
        "sale_price_wan": Range(0, 1e7),
    },
    "area": {},
    "project": {
        "investment_total_wan": Range(0, 1e8),
        "fixed_investment_wan": Range(0, 1e8),
        "land_min_mu": Range(0, 100_000, above=True),
        "land_max_mu": Range(0, 100_000, above=True),
        "floor_area_min_m2": Range(0, 1e7, above=True),
        "clear_height_min_m": Range(0, 100, above=True),
        "floor_load_min_kn_m2": Range(0, 1000, above=True),
        "crane_min_t": Range(0, 2000, above=True),
        "power_min_kva": Range(0, 1e6, above=True),
        "nuisance_class": Range(1, 3),
        "annual_output_wan": Range(0, 1e9),
        "annual_tax_wan": Range(0, 1e9),
        "foreign_investment_wusd": Range(0, 1e7),
    },
    "follow_up": {},
    "review": {
        "plot_ratio": Range(0, 20, above=True),
        "building_coefficient": Range(0, 100),
        "office_share": Range(0, 100),
    },
}
# Text of a joint review that is not a column of its own (the departments' rows are JSON)
REVIEW_TEXT = {"site": 400, "opinion": 2000, "signatory": 100, "outcome_note": 2000}
MODELS: dict[str, Any] = {
    "parcel": Parcel,
    "factory": Factory,
    "area": Area,
    "project": Project,
    "follow_up": FollowUp,
    "review": Review,
}
LISTS = {"suitable_industries", "leading_industries", "preferred_areas"}


@functools.cache  # the schema's: an import asks it of every text cell
def text_limit(kind: str, name: str) -> int | None:
    """The longest text field `name` of `kind` may hold (None: not a text field)."""
    if kind == "project" and name == "remarks":
        return PROJECT_REMARKS
    if kind == "review":
        return REVIEW_TEXT.get(name)
    if name in LONG_TEXT:
        return LONG_TEXT[name]
    column = MODELS[kind].__table__.c.get(name)
    if column is None:
        return None
    if isinstance(column.type, String) and not isinstance(column.type, TextType):
        return column.type.length
    return None


def check_code(value: Any, field: str = "code") -> str:
    """A record code, or `InvalidInput` saying what a code may hold."""
    if not isinstance(value, str) or not value:
        raise InvalidInput("fields.code_syntax", field=Text(f"field.{field}"), value=str(value)[:60])
    if len(value) > CODE_MAX:
        raise InvalidInput("fields.too_long", field=Text(f"field.{field}"), length=len(value), limit=CODE_MAX)
    if not CODE.fullmatch(value):
        raise InvalidInput("fields.code_syntax", field=Text(f"field.{field}"), value=value[:60])
    return value


def check_text(kind: str, name: str, value: str) -> None:
    """Refuse text that is too long for its field or holds invisible control characters."""
    hidden = HIDDEN.search(value)
    if hidden:
        raise InvalidInput(
            "fields.hidden_character",
            field=Text(f"field.{name}"),
            char=f"U+{ord(hidden.group()):04X}",
            position=hidden.start() + 1,
        )
    limit = text_limit(kind, name)
    if limit is not None and len(value) > limit:
        raise InvalidInput("fields.too_long", field=Text(f"field.{name}"), length=len(value), limit=limit)


def check_number(kind: str, name: str, value: float) -> None:
    """Refuse a number that is not finite or lies outside its field's bounds."""
    bounds = NUMBERS[kind].get(name)
    if not math.isfinite(value) or (bounds is not None and not bounds.admits(value)):
        low = f"> {bounds.low:g}" if bounds and bounds.above else f"≥ {bounds.low:g}" if bounds else ""
        raise InvalidInput(
            "fields.out_of_range",
            field=Text(f"field.{name}"),
            value=f"{value:g}",
            low=low,
            high=f"{bounds.high:g}" if bounds else "",
        )


def check_value(kind: str, name: str, value: Any) -> None:
    """Check one field's value by its type: text, number, date or list of codes."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        check_text(kind, name, value)
    elif type(value) in PLAIN_NUMBERS or isinstance(value, numbers.Real):  # the ABC's check is slow
        check_number(kind, name, float(value))
    elif isinstance(value, dt.date) and not FIRST_DAY <= value <= LAST_DAY:
        raise InvalidInput(
            "fields.out_of_range",
            field=Text(f"field.{name}"),
            value=value.isoformat(),
            low=f"≥ {FIRST_DAY.isoformat()}",
            high=LAST_DAY.isoformat(),
        )
    elif isinstance(value, list | tuple) and name in LISTS:
        if len(value) > MAX_LIST:
            raise InvalidInput(
                "fields.too_many", field=Text(f"field.{name}"), count=len(value), limit=MAX_LIST
            )
        for item in value:
            check_code(item, name)


def problems(kind: str, values: dict[str, Any]) -> list[InvalidInput]:
    """Every value of `values` that `kind`'s fields cannot hold (the code included)."""
    found = []
    for name, value in values.items():
        try:
            if name == "code":
                check_code(value)
            else:
                check_value(kind, name, value)
        except InvalidInput as error:
            found.append(error)
    return found


def check(kind: str, values: dict[str, Any]) -> None:
    """Raise the first value `kind`'s fields cannot hold."""
    found = problems(kind, values)
    if found:
        raise found[0]

"""The attribute edit form: which fields it shows, of what type, and reading them back.

Only fields the service lets a user change (gis.gateway.rules.EDITABLE) appear; a form sends every field,
so only those whose value differs from the record become changes (and history entries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import shapely
from starlette.datastructures import FormData

from gis.errors import InvalidGeometry, InvalidInput
from gis.labels import Text
from gis.vocabulary import SITE_WORKS

# fields of a project whose label is the same as on every other record
LABELLED = frozenset(
    {
        "name",
        "credit_code",
        "investor_category",
        "project_type",
        "nuisance_class",
        "source_unit",
        "platform",
        "leader",
        "officer",
        "contact",
        "remarks",
    }
)


@dataclass(frozen=True)
class Field:
    """One input of the form: the record's column, its type, and its label key."""

    name: str
    kind: str  # text, textarea, number, integer, date, bool, choice
    label: str
    choices: str = ""  # label group of a choice field


def _f(name: str, kind: str, label: str | None = None, choices: str = "") -> Field:
    return Field(name, kind, label or f"field.{name}", choices)


PARCEL = (
    _f("name", "text"),
    _f("land_use", "choice"),
    _f("stock_type", "choice", choices="stock_type"),
    _f("cert_area_m2", "number"),
    _f("ownership", "text"),
    _f("plot_ratio_min", "number"),
    _f("plot_ratio_max", "number"),
    _f("building_density_min", "number"),
    _f("height_limit_m", "number"),
    _f("green_ratio_max", "number"),
    _f("price_wan_per_mu", "number"),
    _f("idle_since", "date"),
    _f("waterfront", "bool"),
    *(_f(r.column, "bool", f"ready.{r}") for r in SITE_WORKS),
    _f("net_land", "bool", "ready.net_land"),
    _f("contact", "text"),
    _f("contact_phone", "text"),
    _f("remarks", "textarea"),
)
FACTORY = (
    _f("name", "text"),
    _f("building_type", "choice", choices="building_type"),
    _f("floors", "integer"),
    _f("floor_area_m2", "number"),
    _f("vacant_area_m2", "number"),
    _f("clear_height_m", "number"),
    _f("floor_load_kn_m2", "number"),
    _f("crane_t", "number"),
    _f("power_kva", "number"),
    _f("year_built", "integer"),
    _f("owner", "text"),
    _f("rent_yuan_m2_month", "number"),
    _f("sale_price_wan", "number"),
    _f("contact", "text"),
    _f("contact_phone", "text"),
    _f("remarks", "textarea"),
)
# a project's facts (its stage moves by steps, its preferred areas on the matching page)
PROJECT = tuple(
    _f(name, kind, None if name in LABELLED else f"project.field.{name}", group)
    for name, kind, group in (
        ("name", "text", ""),
        ("investor", "text", ""),
        ("credit_code", "text", ""),
        ("investor_category", "choice", "investor_category"),
        ("project_type", "choice", "project_type"),
        ("industry_code", "text", ""),
        ("investment_total_wan", "number", ""),
        ("fixed_investment_wan", "number", ""),
        ("foreign_investment_wusd", "number", ""),
        ("land_min_mu", "number", ""),
        ("land_max_mu", "number", ""),
        ("floor_area_min_m2", "number", ""),
        ("clear_height_min_m", "number", ""),
        ("floor_load_min_kn_m2", "number", ""),
        ("crane_min_t", "number", ""),
        ("power_min_kva", "number", ""),
        ("nuisance_class", "integer", ""),
        ("needs_waterfront", "bool", ""),
        ("annual_output_wan", "number", ""),
        ("annual_tax_wan", "number", ""),
        ("agreed_start_on", "date", ""),
        ("source_unit", "choice", "units"),
        ("platform", "choice", "platforms"),
        ("leader", "choice", "leaders"),
        ("officer", "choice", "officers"),
        ("contact", "text", ""),
        ("remarks", "textarea", ""),
    )
)
FIELDS = {"parcel": PARCEL, "factory": FACTORY, "project": PROJECT}
CHOICES = {
    "stock_type": ("approved_unsupplied", "idle", "inefficient", "reserve", "other"),
    "building_type": ("standard", "self_built", "warehouse", "rnd"),
}


def typed_value(field: Field, text: str | None) -> Any:
    """The text of a form field as its column's type (None when empty); a malformed one is refused."""
    if field.kind == "bool":
        return text is not None
    text = (text or "").strip()
    if not text:
        return None
    try:
        if field.kind == "number":
            return float(text)
        if field.kind == "integer":
            return int(text)
        if field.kind == "date":
            return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field=Text(field.label), value=text, reason=Text("web.error.format")) from None
    return text


def changed_fields(kind: str, form: FormData, record: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values that differ from `record`, typed as the columns are."""
    changes = {}
    for field in FIELDS[kind]:
        raw = form.get(field.name)
        value = typed_value(field, raw if isinstance(raw, str) else None)
        if value != record.get(field.name):
            changes[field.name] = value
    return changes


def geometry_change(text: str | None) -> shapely.Geometry | None:
    """The drawn or uploaded shape (GeoJSON geometry, Feature or FeatureCollection), if any."""
    if not text or not text.strip():
        return None
    try:
        data = orjson.loads(text)
        if data.get("type") == "FeatureCollection":
            parts = [shapely.geometry.shape(f["geometry"]) for f in data["features"] if f.get("geometry")]
            return shapely.union_all(parts) if parts else None
        if data.get("type") == "Feature":
            data = data["geometry"]
        return shapely.geometry.shape(data)
    except (
        orjson.JSONDecodeError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        shapely.errors.GEOSException,
    ) as exc:
        raise InvalidGeometry("geometry.malformed", reason=str(exc)[:200]) from exc

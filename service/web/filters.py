"""The filters as the pages send them: the parcel list's and the project list's own filter sets
(service/filters.py), read from a form where an empty field means "any"."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from pydantic import TypeAdapter, ValidationError

from gis.errors import InvalidInput
from gis.inventory import FactoryQuery, ParcelQuery
from gis.labels import Text
from gis.projects import PROJECT_SORTS
from gis.vocabulary import Layer
from service.filters import ParcelFilters, ProjectFilters

MAX_TEXT = 100
TEXTS = ("park", "town", "q", "near", "circle")
NUMBERS = ("min_mu", "max_mu", "km")
MAX_POLYGON = 100_000  # a drawn polygon's GeoJSON
CHOICES = ("status", "land_use")
FORM = TypeAdapter(ParcelFilters)
PROJECT_TEXTS = ("industry", "source_unit", "platform", "leader", "key", "q")
PROJECT_FORM = TypeAdapter(ProjectFilters)


def _refusal(error: ValidationError) -> InvalidInput:
    first = error.errors()[0]
    name = str(first["loc"][0])
    reason = "web.error.number" if name in NUMBERS else "web.error.choice"
    return InvalidInput(field=Text(f"field.{name}"), value=first["input"], reason=Text(reason))


def parse_filters(request: Request) -> ParcelFilters:
    """The filters of the query string, checked as the API checks them; a refusal names the field."""
    params = request.query_params
    values: dict[str, Any] = {name: (params.get(name) or "").strip()[:MAX_TEXT] or None for name in TEXTS}
    values |= {name: (params.get(name) or "").strip() or None for name in NUMBERS}
    values["within"] = (params.get("within") or "").strip()[:MAX_POLYGON] or None
    values |= {name: [v for v in params.getlist(name) if v] for name in CHOICES}
    try:
        return FORM.validate_python(values)
    except ValidationError as error:
        raise _refusal(error) from None


def project_form(request: Request) -> dict[str, Any]:
    """The project filters and order as typed (empty fields left out), to validate or show again."""
    params = request.query_params
    values: dict[str, Any] = {name: (params.get(name) or "").strip()[:MAX_TEXT] for name in PROJECT_TEXTS}
    values = {name: v for name, v in values.items() if v}
    values["stage"] = [v for v in params.getlist("stage") if v]
    values["overdue"] = (params.get("overdue") or "").strip()[:MAX_TEXT] or False
    values["sort"] = (params.get("sort") or "").strip()[:MAX_TEXT] or "code"
    return values


def parse_project_filters(typed: dict[str, Any]) -> tuple[ProjectFilters, str]:
    """The project filters and order of `project_form`, checked as the API checks them."""
    sort = typed["sort"]
    if sort.lstrip("-") not in PROJECT_SORTS:
        raise InvalidInput(field=Text("field.sort"), value=sort, reason=Text("web.error.choice"))
    try:
        return PROJECT_FORM.validate_python({k: v for k, v in typed.items() if k != "sort"}), sort
    except ValidationError as error:
        raise _refusal(error) from None


def project_querystring(filters: ProjectFilters, sort: str | None = None) -> str:
    """The project filters (and order, unless the default) as a query string."""
    pairs: list[tuple[str, str]] = [("stage", s) for s in filters.stage or ()]
    pairs += [(name, str(getattr(filters, name))) for name in PROJECT_TEXTS if getattr(filters, name)]
    pairs += [("overdue", "1")] if filters.overdue else []
    pairs += [("sort", sort)] if sort and sort != "code" else []
    return urlencode(pairs)


def querystring(filters: ParcelFilters) -> str:
    """The filters as a query string, for tile URLs, links and exports."""
    pairs: list[tuple[str, str]] = []
    for name in ("park", "town", "min_mu", "max_mu", "q", "within", "circle", "near", "km"):
        value = getattr(filters, name)
        if value not in (None, ""):
            pairs.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
    pairs += [(name, v) for name in CHOICES for v in getattr(filters, name) or ()]
    return urlencode(pairs)


def layer_query(filters: ParcelFilters, layer: Layer) -> ParcelQuery | FactoryQuery:
    """What a map layer shows: the filtered parcels, or the factories in the same park or town
    (the other filters are about land)."""
    if layer == Layer.PARCELS:
        return filters.query()
    return FactoryQuery(park=filters.park, town=filters.town, limit=1)


FiltersDep = Annotated[ParcelFilters, Depends(parse_filters)]

"""The inventory filters as the pages send them: the parcel list's own filter set
(service/filters.py), read from a form where an empty field means "any"."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from pydantic import TypeAdapter, ValidationError

from gis.errors import InvalidInput
from gis.inventory import FactoryQuery, ParcelQuery
from gis.labels import Text
from service.filters import ParcelFilters

MAX_TEXT = 100
TEXTS = ("park", "town", "q")
NUMBERS = ("min_mu", "max_mu")
CHOICES = ("status", "land_use")
FORM = TypeAdapter(ParcelFilters)


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
    values |= {name: [v for v in params.getlist(name) if v] for name in CHOICES}
    try:
        return FORM.validate_python(values)
    except ValidationError as error:
        raise _refusal(error) from None


def querystring(filters: ParcelFilters) -> str:
    """The filters as a query string, for tile URLs, links and exports."""
    pairs: list[tuple[str, str]] = []
    for name in ("park", "town", "min_mu", "max_mu", "q"):
        value = getattr(filters, name)
        if value not in (None, ""):
            pairs.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
    pairs += [(name, v) for name in CHOICES for v in getattr(filters, name) or ()]
    return urlencode(pairs)


def layer_query(filters: ParcelFilters, layer: str) -> ParcelQuery | FactoryQuery:
    """What a map layer shows: the filtered parcels, or the factories in the same park or town
    (the other filters are about land)."""
    if layer == "parcels":
        return filters.query()
    return FactoryQuery(park=filters.park, town=filters.town, limit=1)


FiltersDep = Annotated[ParcelFilters, Depends(parse_filters)]

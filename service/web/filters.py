"""The inventory filters as the pages send them (form fields, empty meaning "any")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request

from gis.errors import InvalidInput
from gis.inventory import FactoryQuery, ParcelQuery
from gis.labels import Text
from gis.status import ParcelStatus

MAX_TEXT = 100
PARCEL_STATUSES = frozenset(s.value for s in ParcelStatus)


def _number(request: Request, name: str) -> float | None:
    text = (request.query_params.get(name) or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(field=Text(f"field.{name}"), value=text, reason=Text("web.error.number")) from None
    if not 0 <= value <= 1e6:
        raise InvalidInput(field=Text(f"field.{name}"), value=text, reason=Text("web.error.number"))
    return value


def _text(request: Request, name: str) -> str | None:
    return (request.query_params.get(name) or "").strip()[:MAX_TEXT] or None


@dataclass(frozen=True)
class Filters:
    """What the reader chose in the filter form."""

    park: str | None = None
    town: str | None = None
    status: tuple[str, ...] = ()
    land_use: tuple[str, ...] = ()
    min_mu: float | None = None
    max_mu: float | None = None
    q: str | None = None

    def parcels(self, *, limit: int = 100, offset: int = 0, sort: str = "code") -> ParcelQuery:
        """The parcel query these filters make."""
        return ParcelQuery(park=self.park, town=self.town, status=self.status, land_use=self.land_use,
                           min_mu=self.min_mu, max_mu=self.max_mu, search=self.q, limit=limit,
                           offset=offset, sort=sort)

    def factories(self) -> FactoryQuery:
        """Factories in the same park or town (the other filters are about land)."""
        return FactoryQuery(park=self.park, town=self.town, limit=1)

    def querystring(self) -> str:
        """The filters as a query string, for tile URLs, links and exports."""
        pairs: list[tuple[str, str]] = []
        for name in ("park", "town", "min_mu", "max_mu", "q"):
            value = getattr(self, name)
            if value not in (None, ""):
                pairs.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
        pairs += [("status", s) for s in self.status] + [("land_use", c) for c in self.land_use]
        return urlencode(pairs)


def parse_filters(request: Request) -> Filters:
    """Read the filters from the query string; unknown statuses and bad numbers are refused."""
    statuses = tuple(s for s in request.query_params.getlist("status") if s)
    for status in statuses:
        if status not in PARCEL_STATUSES:
            raise InvalidInput(field=Text("field.status"), value=status, reason=Text("web.error.choice"))
    land_use = tuple(c for c in request.query_params.getlist("land_use") if c)
    for code in land_use:
        if not (code.isdigit() and 4 <= len(code) <= 6):
            raise InvalidInput(field=Text("field.land_use"), value=code, reason=Text("web.error.choice"))
    return Filters(park=_text(request, "park"), town=_text(request, "town"), status=statuses,
                   land_use=land_use, min_mu=_number(request, "min_mu"),
                   max_mu=_number(request, "max_mu"), q=_text(request, "q"))


FiltersDep = Annotated[Filters, Depends(parse_filters)]

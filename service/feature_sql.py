"""Pages of GeoJSON Features written by PostgreSQL in one statement, for the lists that must be fast.

A page of 500 parcels is ~690 kB of JSON. Read as rows, turned into dicts, redacted and encoded
in Python, it took 31-34 ms a request at 10^6 parcels; written by PostgreSQL (`json_agg` of
`json_build_object` with the geometry's GeoJSON embedded as it is, ~12 ms of the server's time)
and passed through as text, 28 ms (docs/benchmarks.md). The Features are those of
service/geojson.py, property for property: the same columns (the page statements of
gis/inventory.py), the same derived values (亩, labels, flags), and the same redaction
(gis/access.py: personal fields for signed-in readers, a reservation for readers of that site's
reservations). tests/service/test_feature_sql.py compares the two, every record of the sample,
for every role, in both languages.

SpatiaLite has no such path: there the page is read as rows and written in Python.
"""

from __future__ import annotations

import functools
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Float,
    Numeric,
    Select,
    Text,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from gis import access
from gis.access import Principal
from gis.area import MU_PER_M2
from gis.inventory import FactoryQuery, Page, ParcelQuery
from gis.labels import ZH, message
from gis.models import UTCDateTime
from gis.vocabulary import Layer
from service.geojson import CERT_TOLERANCE, HIDDEN, Features
from service.kinds import ServedKind
from service.read_access import shown


def supported(session: Session) -> bool:
    """Whether this session's database writes the pages itself (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def _shown(name: str, column: Any, page: Subquery, who: Principal | None) -> Any:
    """`column` as `who` may read it: NULL where `access.hidden_fields` would hide it."""
    if name in access.PERSONAL_FIELDS and not access.reads_personal(who):
        return null()
    if name in access.RESERVATION_FIELDS:
        areas = access.reservation_areas(who)
        if areas is None:
            return column
        if not areas:
            return null()
        return case((or_(page.c.park_id.in_(areas), page.c.town_id.in_(areas)), column), else_=null())
    return column


def _instant(column: Any) -> Any:
    """A time as the rows hand it over (gis.models.UTCDateTime: UTC) and orjson writes it: its
    microseconds in six digits when it has any, none otherwise (PostgreSQL's own JSON drops
    trailing zeros and writes the session's offset)."""
    utc = func.timezone("UTC", column)
    whole = func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
    fraction = func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    return case((func.date_trunc("second", column) == column, whole), else_=fraction)


@functools.cache
def _labels(group: str, lang: str) -> dict[str, str]:
    prefix = group + "."
    return {key.removeprefix(prefix): message(key, lang) for key in ZH if key.startswith(prefix)}


def _label(group: str, column: Any, lang: str) -> Any:
    """`gis.labels.label(group, value, lang)` in SQL: each known value's label, else the key."""
    return case(_labels(group, lang), value=column, else_=literal(group + ".") + column)


def _mu(column: Any) -> Any:
    """`gis.area.shown_mu` in SQL (numeric arithmetic, so both round alike)."""
    return cast(func.round(cast(column, Numeric) * MU_PER_M2, 2), Float)


def _parcel_extras(page: Subquery, lang: str) -> list[tuple[str, Any]]:
    area, cert = page.c.area_m2, page.c.cert_area_m2
    differs = and_(cert.is_not(None), cert != 0, func.abs(cert - area) / area > CERT_TOLERANCE)
    return [
        ("area_mu", _mu(area)),
        ("cert_area_mu", _mu(cert)),
        ("area_differs", func.coalesce(differs, false())),
        ("status_label", _label("parcel_status", page.c.status, lang)),
        ("stock_type_label", _label("stock_type", page.c.stock_type, lang)),
    ]


def _factory_extras(page: Subquery, lang: str) -> list[tuple[str, Any]]:
    partly = and_(page.c.status.in_(("leased", "sold")), page.c.vacant_area_m2 > 0)
    return [
        ("status_label", _label("factory_status", page.c.status, lang)),
        ("building_type_label", _label("building_type", page.c.building_type, lang)),
        ("partly_vacant", func.coalesce(partly, false())),
    ]


Statements = tuple[Select[Any], Select[Any]]  # gis/inventory.py's count and page queries
EXTRAS = {Layer.PARCELS: _parcel_extras, Layer.FACTORIES: _factory_extras}


def features_statement(
    statements: Statements, kind: Layer, who: Principal | None, lang: str
) -> Select[str, int, int]:
    """The JSON array of the page's Features as `who` may read them, in its order (one text),
    how many there are, and how many records match in all: one statement, one round trip."""
    count, page_statement = statements
    page = page_statement.subquery("p")
    properties = [
        (c.name, _shown(c.name, _instant(c) if isinstance(c.type, UTCDateTime) else c, page, who))
        for c in page.c
        if c.name not in HIDDEN
    ]
    properties += EXTRAS[kind](page, lang)
    shown = select(*(value.label(name) for name, value in properties)).correlate(page).lateral("props")
    one = func.json_build_object(
        "type",
        "Feature",
        "id",
        page.c.code,
        "geometry",
        cast(page.c.geojson, JSON),
        "properties",
        func.to_json(shown.table_valued()),
    )
    # a plain aggregate over an ordered subquery takes its rows in that order (PostgreSQL's
    # documentation of aggregate functions says so); the page is ordered by its sort and code
    features = func.coalesce(func.json_agg(one), cast(literal("[]"), JSON))
    return (
        select(cast(features, Text), func.count(), count.scalar_subquery())
        .select_from(page)
        .join(shown, true())
    )


def written(
    session: Session, statements: Statements, kind: Layer, who: Principal | None, lang: str
) -> tuple[Features, int]:
    """The page of `statements` as Features written by the database, and how many records match
    in all."""
    text, returned, matched = session.execute(features_statement(statements, kind, who, lang)).one()
    return Features(orjson.Fragment(text), returned), int(matched or 0)


def site_features(
    session: Session, kind: ServedKind, q: ParcelQuery | FactoryQuery, who: Principal | None, lang: str
) -> tuple[Page[Any], Features]:
    """One page of parcels or factories for `q` as `who` may read them: the page (its rows only
    where Python wrote the Features) and its Features."""
    if supported(session):
        features, matched = written(session, kind.statements(session, q), kind.plural, who, lang)
        return Page([], matched, q.limit, q.offset), features
    page = kind.list(session, q)
    return page, Features.of([shown(row, who) for row in page.rows], kind.properties, lang)

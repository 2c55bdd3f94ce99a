"""A record's history as people read it: field names and values in their labels (statuses, choices,
yes/no, parks by name, areas in 亩), the reserving project named only to readers of it, and an
outline change as its area before and after with two small pictures drawn to the same scale
(inline SVG, made on the server)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import access
from gis.access import Principal
from gis.area import M2_PER_MU, ellipsoidal_area_m2
from gis.labels import label, message
from gis.models import Area, Factory, LandUseClass, Parcel, Project, RecordChange, StatusEvent
from service.web.edit_fields import CHOICES, FIELDS

SHAPES = ("geom", "footprint")  # outlines; a factory's `location` is its point
PLACES = {"park_id": "field.park", "town_id": "field.town", "parcel_id": "field.parcel"}
AREAS_MU = ("area_m2", "cert_area_m2")
THUMB = (96, 72)  # width and height of an outline picture, in CSS pixels


@dataclass
class Item:
    """One changed field: its label, and the value before and after as text (or the pictures)."""

    label: str
    before: str
    after: str
    pictures: tuple[Markup, Markup] | None = None


@dataclass
class Entry:
    """One change of the record."""

    at: Any
    actor: str | None
    version: int
    action: str
    items: list[Item] = field(default_factory=list)


def _labels(kind: str) -> dict[str, str]:
    return {f.name: f.label for f in FIELDS.get(kind, ())}


LABELLED_CHOICES = frozenset({*CHOICES, "investor_category", "project_type"})


def _choice_groups(kind: str) -> dict[str, str]:
    return {f.name: f.choices for f in FIELDS.get(kind, ()) if f.choices in LABELLED_CHOICES}


class Namer:
    """What ids and codes in a history name, looked up once for all its entries, as `who` may read."""

    def __init__(self, session: Session, who: Principal | None, pairs: Iterable[Mapping[str, Any]]) -> None:
        wanted: dict[str, set[Any]] = {"project": set(), "area": set(), "parcel": set(), "land_use": set()}
        for changes in pairs:
            for name, pair in changes.items():
                values = {v for v in pair if isinstance(v, int | str)}
                if name == "reserved_project_id":
                    wanted["project"] |= values
                elif name in ("park_id", "town_id"):
                    wanted["area"] |= values
                elif name == "parcel_id":
                    wanted["parcel"] |= values
                elif name == "land_use":
                    wanted["land_use"] |= values
        visible = access.readable_projects(who, session.get_bind().dialect.name)
        self.projects = self._pairs(
            session, Project.id, Project.code, Project.name, wanted["project"], visible
        )
        self.areas = self._pairs(session, Area.id, Area.code, Area.name, wanted["area"])
        self.parcels = self._pairs(session, Parcel.id, Parcel.code, Parcel.name, wanted["parcel"])
        self.land_uses = self._pairs(
            session, LandUseClass.code, LandUseClass.code, LandUseClass.name, wanted["land_use"]
        )

    @staticmethod
    def _pairs(
        session: Session, key: Any, code: Any, name: Any, ids: set[Any], *where: Any
    ) -> dict[Any, str]:
        if not ids:
            return {}
        rows = session.execute(select(key, code, name).where(key.in_(sorted(ids)), *where))
        return {k: f"{c} {n}" if n and n != c else str(c) for k, c, n in rows}

    def project(self, project_id: int | None, lang: str) -> str:
        """A project as its code and name to a reader of it, else a neutral word."""
        if project_id is None:
            return "—"
        return self.projects.get(project_id) or message("web.history.a_project", lang)


def _mu(m2: Any) -> str:
    if m2 is None:
        return "—"
    mu = float(m2) / M2_PER_MU
    return f"{mu:,.1f}" if mu >= 1 else f"{mu:,.2f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"


def _shape(text: Any) -> shapely.Geometry | None:
    if not text:
        return None
    try:
        shape: shapely.Geometry = shapely.from_geojson(text)
        return shape
    except (shapely.errors.GEOSException, TypeError, ValueError):
        return None


def _rings(geometry: shapely.Geometry) -> Iterable[Iterable[tuple[float, ...]]]:
    for polygon in getattr(geometry, "geoms", [geometry]):
        if isinstance(polygon, shapely.Polygon):
            yield polygon.exterior.coords
            yield from (ring.coords for ring in polygon.interiors)


def pictures(before: shapely.Geometry | None, after: shapely.Geometry | None) -> tuple[Markup, Markup]:
    """Two outlines as inline SVG in one frame (the box around both): same scale, same place."""
    shapes = [g for g in (before, after) if g is not None and not shapely.is_empty(g)]
    if not shapes:
        return Markup(""), Markup("")
    west, south, east, north = shapely.total_bounds(shapes)
    stretch = math.cos(math.radians((south + north) / 2))  # a degree of longitude is shorter
    span_x, span_y = max((east - west) * stretch, 1e-9), max(north - south, 1e-9)
    width, height = THUMB
    scale = 0.9 * min(width / span_x, height / span_y)
    left = (width - span_x * scale) / 2
    top = (height - span_y * scale) / 2

    def point(x: float, y: float) -> str:
        return f"{left + (x - west) * stretch * scale:.1f},{top + (north - y) * scale:.1f}"

    def svg(geometry: shapely.Geometry | None, colour: str, which: str) -> Markup:
        path = ""
        if geometry is not None:
            path = " ".join(
                "M" + " L".join(point(x, y) for x, y, *_ in ring) + " Z" for ring in _rings(geometry)
            )
        return Markup(
            f'<svg class="ls-outline ls-outline-{which}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">'
            f'<rect width="{width}" height="{height}" fill="#f8f9fa" stroke="#dee2e6"/>'
            f'<path d="{escape(path)}" fill="{colour}" fill-opacity="0.45" stroke="{colour}" '
            'stroke-width="1.2" fill-rule="evenodd"/></svg>'
        )

    return svg(before, "#6c757d", "before"), svg(after, "#0d6efd", "after")


def _outline(changes: Mapping[str, Any], name: str, lang: str) -> Item:
    before, after = (_shape(v) for v in changes[name])
    if "area_m2" in changes:
        areas = changes["area_m2"]
    else:
        areas = [None if g is None else float(ellipsoidal_area_m2(g)[0]) for g in (before, after)]
    unit = message("unit.mu", lang)
    return Item(
        message("web.history.outline", lang),
        f"{message('web.history.area', lang)} {_mu(areas[0])}",
        f"{_mu(areas[1])} {unit}",
        pictures(before, after),
    )


def _named(kind: str, name: str, value: Any, namer: Namer, lang: str) -> str | None:
    """A value that names something: a status, a project, a place, a land-use class, a choice."""
    if name == "status":
        return label(f"{kind}_status", value, lang)
    if name == "reserved_project_id":
        return namer.project(value, lang)
    lookups = {"park_id": namer.areas, "town_id": namer.areas, "parcel_id": namer.parcels}
    if name in lookups:
        return lookups[name].get(value, "—")
    if name == "land_use":
        return namer.land_uses.get(value, str(value))
    groups = _choice_groups(kind)
    return label(groups[name], value, lang) if name in groups else None


def _value(kind: str, name: str, value: Any, namer: Namer, lang: str) -> str:
    if value is None or value == "":
        return "—"
    named = _named(kind, name, value, namer, lang)
    if named is not None:
        return named
    if isinstance(value, bool):
        return message("web.history.yes" if value else "web.history.no", lang)
    if name in AREAS_MU:
        return f"{_mu(value)} {message('unit.mu', lang)}"
    if isinstance(value, float):
        return _number(value)
    if name == "deleted_at":
        return str(value)[:16].replace("T", " ")
    return str(value)


def items(kind: str, changes: Mapping[str, Any], namer: Namer, lang: str) -> list[Item]:
    """The changed fields of one entry, in their labels; an outline with its area and pictures."""
    names = _labels(kind)
    found: list[Item] = []
    outline = next((n for n in SHAPES if n in changes), None)
    if outline is not None:
        found.append(_outline(changes, outline, lang))
    for name, pair in changes.items():
        if name in SHAPES or (outline is not None and name == "area_m2"):
            continue
        key = PLACES.get(name) or names.get(name) or _field_key(name, lang)
        text = message(key, lang) if key else name
        if name == "location" and outline is not None:
            continue
        before, after = (_value(kind, name, v, namer, lang) for v in pair)
        if name == "location":
            before, after = (_point(v) for v in pair)
        found.append(Item(text, before, after))
    return found


def _field_key(name: str, lang: str) -> str | None:
    for key in (f"field.{name.removesuffix('_id')}", f"field.{name}", f"project.field.{name}"):
        if message(key, lang) != key:
            return key
    return "field.reserved_for" if name == "reserved_project_id" else None


def _point(text: Any) -> str:
    shape = _shape(text)
    if shape is None or shapely.is_empty(shape):
        return "—"
    return f"{shapely.get_x(shape):.5f}, {shapely.get_y(shape):.5f}"


def readable_changes(
    session: Session,
    kind: str,
    rows: list[RecordChange],
    hidden: frozenset[str],
    who: Principal | None,
    lang: str,
) -> list[Entry]:
    """The record changes `rows`, oldest first, as `who` may read them."""
    shown = [access.redact_changes(r.changes or {}, hidden) for r in rows]
    namer = Namer(session, who, shown)
    personal = access.reads_personal(who)
    entries = [
        Entry(r.at, r.actor if personal else None, r.version, r.action, items(kind, changes, namer, lang))
        for r, changes in zip(rows, shown, strict=True)
    ]
    return entries


def readable_events(
    session: Session, events: list[StatusEvent], who: Principal | None, reservations: bool, lang: str
) -> list[dict[str, Any]]:
    """Status events, oldest first: the project by code and name to readers of it (and of the
    site's reservations), else a neutral word."""
    ids = [{"reserved_project_id": [e.project_id, None]} for e in events if reservations]
    namer = Namer(session, who, ids)
    personal = access.reads_personal(who)
    shown = [
        {
            "at": e.at,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "actor": e.actor if personal else None,
            "note": e.note if personal else None,
            "project": _event_project(e, namer, reservations, lang),
        }
        for e in events
    ]
    return shown


def _event_project(event: StatusEvent, namer: Namer, reservations: bool, lang: str) -> str | None:
    if event.project_id is None:
        return None
    if not reservations:
        return message("web.history.a_project", lang)
    return namer.project(event.project_id, lang)


@dataclass
class Recent:
    """A change of one of the reader's records, for the workspace."""

    kind: str
    code: str
    entry: Entry


def recent(
    session: Session, found: list[tuple[Any, str, RecordChange]], who: Principal | None, lang: str
) -> list[Recent]:
    """The workspace's latest changes in their labels, each as its reader may read it."""
    shown = []
    for kind, code, change in found:
        model = Parcel if kind == "parcel" else Factory
        place = session.execute(select(model.park_id, model.town_id).where(model.code == code)).one()
        hidden = access.hidden_fields(who, *place)
        entry = readable_changes(session, kind, [change], hidden, who, lang)[0]
        shown.append(Recent(str(kind), code, entry))
    return shown

"""Data quality per park (数据质量): what is wrong or missing in the parcels and factories, each
finding naming its record, for the park managers who keep them.

- 地块重叠: two live parcels whose outlines share more than OVERLAP_M2;
- 超出园区/镇: a parcel most of whose outline (more than half) lies outside its park or its town;
- 证载面积不符: certificate area (cert_area_m2) and measured area differ by more than CERT_SHARE;
- 厂房不在所属地块内: a factory whose location is outside the parcel it names;
- 缺少匹配字段: what the match reads and the record lacks: a parcel's plot ratio, readiness (no
  item of 七通一平 nor 净地 recorded) or price; a factory's clear height, floor load, power, or both
  its rent and sale price. (A parcel's land-use class is required by the schema: never missing.)

Candidates are found in SQL on both databases (the spatial index, then ST_Intersects, ST_Within
and ST_Intersection); the shared part's area is measured on the ellipsoid (gis/area.py), never
in degrees.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from gis.access import Principal
from gis.area import ellipsoidal_area_m2
from gis.models import Area, Factory, Parcel
from gis.spatial import holds, pair_candidates
from gis.vocabulary import READY_COLUMNS, SiteKind

OVERLAP_M2 = 1.0
CERT_SHARE = 0.05
OUTSIDE_SHARE = 0.5  # more than this share of the outline outside its area
URLS = {SiteKind.PARCEL: "/parcels/{code}", SiteKind.FACTORY: "/factories/{code}"}
PARCEL_NEEDS = ("plot_ratio_max", "ready", "price_wan_per_mu")
FACTORY_NEEDS = ("clear_height_m", "floor_load_kn_m2", "power_kva", "price")


class Check(StrEnum):
    """What a finding is about, in the order the page lists them."""

    OVERLAP = "overlap"
    OUTSIDE_PARK = "outside_park"
    OUTSIDE_TOWN = "outside_town"
    CERT_AREA = "cert_area"
    FACTORY_OUTSIDE_PARCEL = "factory_outside_parcel"
    MISSING = "missing"


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one record: its numbers in `detail` (m², shares, the other record)."""

    check: Check
    kind: SiteKind
    code: str
    name: str | None
    area: str | None  # the park (or, without one, the town) it is listed under
    other: str | None = None  # the other parcel of an overlap, the parcel a factory names
    value: float | None = None  # m² shared, share outside, or the relative difference
    missing: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        """The record's page."""
        return URLS[self.kind].format(code=self.code)


@dataclass
class AreaQuality:
    """One park (or town) and its findings."""

    code: str | None
    name: str | None
    findings: list[Finding] = field(default_factory=list)


def _scope(model: Any, who: Principal) -> ColumnElement[bool]:
    if not who.scoped:
        return true()
    ids = sorted(who.area_ids)
    return or_(model.park_id.in_(ids), model.town_id.in_(ids))


def _shared_m2(wkb: list[bytes | None]) -> np.ndarray:
    shapes = shapely.from_wkb([bytes(w) if w is not None else None for w in wkb])
    if not len(shapes):
        return np.zeros(0)
    polygonal = np.array([s if s is not None and not s.is_empty else None for s in shapes], dtype=object)
    areas = np.zeros(len(polygonal))
    present = np.array([s is not None for s in polygonal], dtype=bool)
    if present.any():
        areas[present] = ellipsoidal_area_m2(polygonal[present])
    return areas


def _shared(a: Any, b: Any) -> Any:
    return func.ST_AsBinary(func.ST_Intersection(a, b))


def overlaps(session: Session, who: Principal) -> list[Finding]:
    """Pairs of live parcels sharing more than OVERLAP_M2 (listed once, under the first code)."""
    a, b = aliased(Parcel), aliased(Parcel)
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        select(a.code, a.name, b.code, _shared(a.geom, b.geom), a.park_id, a.town_id)
        .join(b, and_(b.code > a.code, b.deleted_at.is_(None), pair_candidates(dialect, a, b, "geom")))
        .where(a.deleted_at.is_(None), holds(dialect, "ST_Intersects", a.geom, b.geom), _scope(a, who))
        .order_by(a.code, b.code)
    ).all()
    shared = _shared_m2([r[3] for r in rows])
    return [
        Finding(Check.OVERLAP, SiteKind.PARCEL, code, name, _place(park, town), other, round(float(m2), 1))
        for (code, name, other, _wkb, park, town), m2 in zip(rows, shared, strict=True)
        if m2 > OVERLAP_M2
    ]


def outside(session: Session, who: Principal, which: str) -> list[Finding]:
    """Parcels more than OUTSIDE_SHARE of whose outline lies outside their park (or town)."""
    column = Parcel.park_id if which == "park" else Parcel.town_id
    within = holds(session.get_bind().dialect.name, "ST_Within", Parcel.geom, Area.geom, true=False)
    rows = session.execute(
        select(
            Parcel.code,
            Parcel.name,
            Parcel.area_m2,
            _shared(Parcel.geom, Area.geom),
            Parcel.park_id,
            Parcel.town_id,
        )
        .join(Area, Area.id == column)
        .where(Parcel.deleted_at.is_(None), within, _scope(Parcel, who))
        .order_by(Parcel.code)
    ).all()
    shared = _shared_m2([r[3] for r in rows])
    check = Check.OUTSIDE_PARK if which == "park" else Check.OUTSIDE_TOWN
    found = []
    for (code, name, m2, _wkb, park, town), inside in zip(rows, shared, strict=True):
        share = 1 - float(inside) / m2
        if share > OUTSIDE_SHARE:
            place = _place(park, town)
            found.append(Finding(check, SiteKind.PARCEL, code, name, place, value=round(share, 3)))
    return found


def cert_areas(session: Session, who: Principal) -> list[Finding]:
    """Parcels whose certificate area differs from the measured one by more than CERT_SHARE."""
    differs = func.abs(Parcel.cert_area_m2 - Parcel.area_m2) / Parcel.area_m2
    rows = session.execute(
        select(Parcel.code, Parcel.name, differs, Parcel.park_id, Parcel.town_id)
        .where(
            Parcel.deleted_at.is_(None),
            Parcel.cert_area_m2.is_not(None),
            differs > CERT_SHARE,
            _scope(Parcel, who),
        )
        .order_by(Parcel.code)
    ).all()
    return [
        Finding(Check.CERT_AREA, SiteKind.PARCEL, c, name, _place(park, town), value=round(float(share), 3))
        for c, name, share, park, town in rows
    ]


def factories_outside(session: Session, who: Principal) -> list[Finding]:
    """Factories whose location lies outside the live parcel they name."""
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        select(Factory.code, Factory.name, Parcel.code, Factory.park_id, Factory.town_id)
        .join(Parcel, Parcel.id == Factory.parcel_id)
        .where(
            Factory.deleted_at.is_(None),
            Parcel.deleted_at.is_(None),
            holds(dialect, "ST_Intersects", Parcel.geom, Factory.location, true=False),
            _scope(Factory, who),
        )
        .order_by(Factory.code)
    ).all()
    return [
        Finding(Check.FACTORY_OUTSIDE_PARCEL, SiteKind.FACTORY, code, name, _place(park, town), other)
        for code, name, other, park, town in rows
    ]


def _lacks(kind: SiteKind) -> dict[str, ColumnElement[bool]]:
    if kind == SiteKind.PARCEL:
        return {
            "plot_ratio_max": Parcel.plot_ratio_max.is_(None),
            "ready": and_(*(getattr(Parcel, c).is_(False) for c in READY_COLUMNS)),
            "price_wan_per_mu": Parcel.price_wan_per_mu.is_(None),
        }
    return {
        "clear_height_m": Factory.clear_height_m.is_(None),
        "floor_load_kn_m2": Factory.floor_load_kn_m2.is_(None),
        "power_kva": Factory.power_kva.is_(None),
        "price": and_(Factory.rent_yuan_m2_month.is_(None), Factory.sale_price_wan.is_(None)),
    }


def missing(session: Session, who: Principal) -> list[Finding]:
    """Records lacking what the match reads."""
    found = []
    for kind, model in ((SiteKind.PARCEL, Parcel), (SiteKind.FACTORY, Factory)):
        lacks = _lacks(kind)
        rows = session.execute(
            select(model.code, model.name, model.park_id, model.town_id, *lacks.values())
            .where(model.deleted_at.is_(None), or_(*lacks.values()), _scope(model, who))
            .order_by(model.code)
        ).all()
        for code, name, park, town, *flags in rows:
            gaps = tuple(n for n, flag in zip(lacks, flags, strict=True) if flag)
            found.append(Finding(Check.MISSING, kind, code, name, _place(park, town), missing=gaps))
    return found


def _place(park: int | None, town: int | None) -> str | None:
    # an id for now; `by_area` turns it into the area's code
    return str(park if park is not None else town) if (park or town) is not None else None


def findings(session: Session, who: Principal) -> list[Finding]:
    """Every finding in `who`'s records (a park manager: their parks and towns; others: all)."""
    return [
        *overlaps(session, who),
        *outside(session, who, "park"),
        *outside(session, who, "town"),
        *cert_areas(session, who),
        *factories_outside(session, who),
        *missing(session, who),
    ]


def by_area(session: Session, who: Principal) -> list[AreaQuality]:
    """The findings grouped by park (a record without a park under its town), areas in code order,
    those without findings left out; records in no area last."""
    names = {str(i): (code, name) for i, code, name in session.execute(select(Area.id, Area.code, Area.name))}
    groups: dict[str | None, AreaQuality] = {}
    for finding in findings(session, who):
        code, name = names.get(finding.area or "", (None, None))
        group = groups.setdefault(code, AreaQuality(code, name))
        group.findings.append(
            Finding(**{**finding.__dict__, "area": code})  # the area's code in place of its id
        )
    order = list(Check)
    for group in groups.values():
        group.findings.sort(key=lambda f: (order.index(f.check), f.code))
    return sorted(groups.values(), key=lambda g: (g.code is None, g.code or ""))


def counts(session: Session, who: Principal) -> dict[Check, int]:
    """How many findings of each check in `who`'s records."""
    tally: dict[Check, int] = defaultdict(int)
    for finding in findings(session, who):
        tally[finding.check] += 1
    return {check: tally[check] for check in Check}

"""Parks, zones and towns one at a time: name, leading industries and remarks (park managers,
their own areas), the priority flag and the outline (administrators). Optimistic locking on the
area's version, as for parcels, and every field's value before and after in the history.
"""

from __future__ import annotations

from typing import Any, cast

from geoalchemy2.shape import from_shape
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis.access import Principal
from gis.area import ellipsoidal_area_m2
from gis.crs import CGCS2000
from gis.errors import InvalidInput, VersionConflict
from gis.gateway.rules import Act, Change, Stored, check
from gis.geometry import clean_polygon
from gis.history import record_change, snapshot
from gis.models import Area, utcnow
from gis.reference import industry_codes

SETTABLE = frozenset({"name", "leading_industries", "remarks", "is_priority", "kind"})
KINDS = ("park", "town", "zone")


def locked(session: Session, code: str) -> Area | None:
    """The area `code`, locked until the transaction ends; None if there is none."""
    return cast(Area | None, session.scalar(select(Area).where(Area.code == code).with_for_update(of=Area)))


def stored(area: Area | None) -> Stored | None:
    """What the rules need to know of a stored area."""
    return None if area is None else Stored.of(lambda name: getattr(area, name, None))


def check_industries(session: Session, codes: list[str] | None) -> None:
    """Leading industries must be codes of the industry table."""
    unknown = set(codes or ()) - industry_codes(session)
    if unknown:
        raise InvalidInput("error.unknown_industry", code=sorted(unknown)[0])


def update(
    session: Session, code: str, values: dict[str, Any], *, who: Principal, expected_version: int | None
) -> Area:
    """Change some fields (and the outline) of one area; keep every changed field's history."""
    area = locked(session, code)
    values = dict(values)
    geometry = values.pop("geometry", None)
    check(
        who,
        Change(
            "area",
            code,
            Act.UPDATE,
            stored=stored(area),
            values=values,
            geometry=geometry is not None,
            expected_version=expected_version,
        ),
    )
    check_industries(session, values.get("leading_industries"))
    if "kind" in values and values["kind"] not in KINDS:
        raise InvalidInput.not_a_choice("kind", str(values["kind"]), "area_kind", KINDS)
    area = cast(Area, area)
    before = snapshot(area)
    with session.no_autoflush:
        for name in SETTABLE & values.keys():
            setattr(area, name, values[name])
        if "parent" in values:
            area.parent_id = _parent(session, area, values["parent"])
        if geometry is not None:
            shape, _ = clean_polygon(geometry)
            area.geom, area.area_m2 = from_shape(shape, srid=CGCS2000), float(ellipsoidal_area_m2(shape)[0])
        if snapshot(area) == before:
            return area  # nothing changes: no new version, no history entry
        area.updated_at = utcnow()
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    record_change(session, "area", area, "update", before, snapshot(area), who.name)
    return area


def _parent(session: Session, area: Area, code: str | None) -> int | None:
    """The id of the parent area `code`: an existing area other than `area` itself."""
    if not code:
        return None
    found = session.scalar(select(Area.id).where(Area.code == code))
    if found is None or found == area.id:
        raise InvalidInput("error.unknown_area", code=code)
    return int(found)

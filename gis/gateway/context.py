"""The map's context layer (coastline, county outline, roads, waterways): replaced as a whole by an
administrator (or the sample loader), in the caller's transaction, never edited feature by feature."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from gis.access import Action, Principal, authorize
from gis.bulk_write import insert_rows
from gis.context import ContextItem
from gis.errors import InvalidInput
from gis.models import ContextFeature


def replace(session: Session, items: list[ContextItem], *, who: Principal) -> int:
    """Put `items` in place of the whole context layer; return how many. Nothing is written when
    `who` may not, or when there is nothing to put in its place."""
    authorize(who, Action.EDIT_CONTEXT)
    if not items:
        raise InvalidInput("basemap.context.empty")
    session.execute(delete(ContextFeature))
    rows = [{"kind": i.kind.value, "name": i.name, "rank": i.rank, "geom": i.geometry} for i in items]
    insert_rows(session, ContextFeature, rows, ["geom"])
    return len(rows)

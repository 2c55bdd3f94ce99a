"""Loading many records at once: the sample, benchmarks and imports share this path.

Geometry arrays are cleaned, measured and located with shapely array functions, then written
by gis/bulk_write.py (COPY on PostgreSQL, the driver's executemany on SQLite). No ORM object is
built per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Update, bindparam, func, select, update
from sqlalchemy.orm import Session

from gis.area import ellipsoidal_area_m2
from gis.bulk_write import CHUNK, Progress, in_lists, insert_rows, new_ids
from gis.errors import InvalidInput, NotFound
from gis.labels import Text
from gis.matching import proximity
from gis.models import (
    Area,
    Factory,
    FollowUp,
    Infrastructure,
    Parcel,
    Project,
    ProjectDuplicate,
    ProjectSite,
    ProjectStageEvent,
    RecordChange,
    StatusEvent,
    User,
    utcnow,
)
from gis.pipeline.identity import name_key
from gis.spatial import from_wkb
from gis.vocabulary import DuplicateStatus, SiteRole

KINDS = {Parcel: "parcel", Factory: "factory", Project: "project"}


def area_geometries(session: Session) -> tuple[list[int], list[str], np.ndarray, list[str]]:
    """Ids, kinds, geometries and codes of every area (parks, towns, zones)."""
    rows = session.execute(select(Area.id, Area.kind, func.ST_AsBinary(Area.geom), Area.code)).all()
    if not rows:
        return [], [], np.array([], dtype=object), []
    ids, kinds, wkbs, codes = zip(*rows, strict=True)
    return list(ids), list(kinds), shapely.from_wkb([bytes(w) for w in wkbs]), list(codes)


def locate(session: Session, points: np.ndarray) -> tuple[list[int | None], list[int | None]]:
    """For each point, the id of the smallest park or zone and of the town that contain it."""
    ids, kinds, geoms, _ = area_geometries(session)
    parks: list[int | None] = [None] * len(points)
    towns: list[int | None] = [None] * len(points)
    if not ids:
        return parks, towns
    tree = shapely.STRtree(geoms)
    point_idx, area_idx = tree.query(points, predicate="within")
    sizes = shapely.area(geoms)
    best: dict[int, float] = {}
    for p, a in zip(point_idx.tolist(), area_idx.tolist(), strict=True):
        if kinds[a] == "town":
            towns[p] = ids[a]
        elif sizes[a] < best.get(p, np.inf):
            best[p], parks[p] = sizes[a], ids[a]
    return parks, towns


def codes_to_ids(session: Session, model: Any, codes: Iterable[str | None]) -> list[int | None]:
    """Map codes to ids for `model`; an unknown code is refused with its name."""
    wanted = sorted({c for c in codes if c})
    found: dict[str, int] = {}
    for chunk in in_lists(wanted):
        found.update(dict(session.execute(select(model.code, model.id).where(model.code.in_(chunk))).all()))
    missing = set(wanted) - found.keys()
    if missing:
        if model is Area:
            raise InvalidInput("error.unknown_area", code=sorted(missing)[0])
        raise NotFound(kind=Text(f"kind.{KINDS[model]}"), code=sorted(missing)[0])
    return [found[c] if c else None for c in codes]


def insert_areas(session: Session, records: list[dict[str, Any]], geoms: np.ndarray) -> None:
    """Insert areas; a record's `parent` is the code of an area inserted before it."""
    areas = ellipsoidal_area_m2(geoms)
    for record, geom, area in zip(records, geoms, areas, strict=True):
        row = {k: v for k, v in record.items() if k != "parent"}
        row["parent_id"] = codes_to_ids(session, Area, [record.get("parent")])[0]
        insert_rows(session, Area, [{**row, "area_m2": float(area), "geom": geom}], ["geom"])


# What a project record carries besides its columns: its course and ties, written to other tables
# or resolved to ids (a person by account name: one without an account is left unnamed)
PROJECT_LINKS = frozenset(
    {"stages", "follow_ups", "sites", "duplicate_of", "platform", "leader", "officer", "review"}
)  # a review is held through the gateway (gis/sample.py)
PROJECT_DATES = ("stage_since", "signed_on", "agreed_start_on", "started_on")


def insert_projects(session: Session, records: list[dict[str, Any]], *, actor: str) -> None:
    """Insert projects (their industry codes and units must exist in the reference tables), their
    steps along the pipeline (each record's `stages`, [day, stage] or [day, stage, note] in order,
    or the one it stands at), their follow-ups, and the possible duplicates they name
    (`duplicate_of`, a project inserted before or with them). `platform` is an area code,
    `leader` and `officer` account names."""
    platforms = codes_to_ids(session, Area, [r.get("platform") for r in records])
    users = dict(session.execute(select(User.name, User.id)).all())
    rows = [
        {
            **{k: v for k, v in r.items() if k not in PROJECT_LINKS},
            **{k: _date(r.get(k)) for k in PROJECT_DATES},
            "platform_id": platform,
            "leader_id": users.get(r.get("leader") or ""),
            "officer_id": users.get(r.get("officer") or ""),
            "investor_key": name_key(r["investor"]) if r.get("investor") else None,
        }
        for r, platform in zip(records, platforms, strict=True)
    ]
    insert_rows(session, Project, rows)
    ids = dict(
        session.execute(
            select(Project.code, Project.id).where(Project.code.in_([r["code"] for r in records]))
        ).all()
    )
    now, events = utcnow(), []
    for r in records:
        previous = None
        steps = r.get("stages") or [[r.get("stage_since") or now.date(), r.get("stage", "lead")]]
        for day, stage, *note in steps:
            events.append(
                {
                    "project_id": ids[r["code"]],
                    "day": _date(day),
                    "at": now,
                    "actor": actor,
                    "from_stage": previous,
                    "to_stage": stage,
                    "note": note[0] if note else None,
                }
            )
            previous = stage
    insert_rows(session, ProjectStageEvent, events)
    insert_rows(
        session,
        FollowUp,
        [
            {
                "project_id": ids[r["code"]],
                **{k: v for k, v in f.items() if k != "leader"},
                "day": _date(f["day"]),
                "next_on": _date(f.get("next_on")),
                "leader_id": users.get(f.get("leader") or ""),
                "created_at": dt.datetime.combine(_date(f["day"]) or now.date(), dt.time(10), tzinfo=dt.UTC),
            }
            for r in records
            for f in r.get("follow_ups") or ()
        ],
    )
    twins = [(r["code"], r["duplicate_of"]) for r in records if r.get("duplicate_of")]
    firsts = [b for _, b in twins]
    known = {b: int(i or 0) for b, i in zip(firsts, codes_to_ids(session, Project, firsts), strict=True)}
    insert_rows(
        session,
        ProjectDuplicate,
        [
            {
                "project_id": min(ids[a], known[b]),
                "other_id": max(ids[a], known[b]),
                "status": DuplicateStatus.OPEN.value,
                "marked_by": actor,
                "marked_at": now,
            }
            for a, b in twins
        ],
    )


def insert_project_sites(session: Session, records: list[dict[str, Any]], *, actor: str) -> None:
    """The sites each project was supplied with (`sites`: parcel or factory codes), once the
    parcels and factories are in."""
    projects = dict(
        session.execute(
            select(Project.code, Project.id).where(
                Project.code.in_([r["code"] for r in records if r.get("sites")])
            )
        ).all()
    )
    codes = sorted({c for r in records for c in r.get("sites") or ()})
    parcels = dict(session.execute(select(Parcel.code, Parcel.id).where(Parcel.code.in_(codes))).all())
    factories = dict(session.execute(select(Factory.code, Factory.id).where(Factory.code.in_(codes))).all())
    missing = [c for c in codes if c not in parcels and c not in factories]
    if missing:
        raise NotFound(kind=Text("kind.site"), code=missing[0])
    now = utcnow()
    insert_rows(
        session,
        ProjectSite,
        [
            {
                "project_id": projects[r["code"]],
                "parcel_id": parcels.get(c),
                "factory_id": factories.get(c),
                "role": SiteRole.SUPPLIED.value,
                "score": None,
                "saved_at": now,
                "saved_by": actor,
            }
            for r in records
            for c in r.get("sites") or ()
        ],
    )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _placement(
    session: Session, records: list[dict[str, Any]], points: np.ndarray
) -> tuple[list[int | None], list[int | None]]:
    """Park and town ids: named by code when given, found by containment otherwise."""
    parks, towns = locate(session, points)
    named_parks = codes_to_ids(session, Area, [r.get("park") for r in records])
    named_towns = codes_to_ids(session, Area, [r.get("town") for r in records])
    return (
        [n if n is not None else p for n, p in zip(named_parks, parks, strict=True)],
        [n if n is not None else t for n, t in zip(named_towns, towns, strict=True)],
    )


RECORD_ONLY = {"park", "town", "reserved_project", "parcel", "history", "geom", "location"}


def insert_parcels(
    session: Session,
    records: list[dict[str, Any]],
    geoms: np.ndarray,
    *,
    actor: str,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Insert parcels with cleaned MultiPolygons; return code -> id. Histories become events."""
    parks, towns = _placement(session, records, shapely.point_on_surface(geoms))
    projects = codes_to_ids(session, Project, [r.get("reserved_project") for r in records])
    areas = ellipsoidal_area_m2(geoms)
    ids = new_ids(session, Parcel, len(records))
    distances = proximity.for_new_parcels(session, geoms)
    now = utcnow()
    rows = [
        {
            **{k: v for k, v in r.items() if k not in RECORD_ONLY},
            "id": i,
            "status_since": _date(r.get("status_since")),
            "idle_since": _date(r.get("idle_since")),
            "park_id": park,
            "town_id": town,
            "reserved_project_id": project,
            "area_m2": float(area),
            "geom": geom,
            "updated_by": actor,
            "updated_at": now,
            "created_at": now,
            # a new record was just seen as it is (a survey, a form); the sample brings its own dates
            "verified_at": r.get("verified_at", now),
            "verified_by": r.get("verified_by", actor),
            **{name: values[j] for name, values in distances.items()},
        }
        for j, (r, i, park, town, project, area, geom) in enumerate(
            zip(records, ids, parks, towns, projects, areas, geoms, strict=True)
        )
    ]
    insert_rows(session, Parcel, rows, ["geom"], progress)
    by_code = dict(zip([r["code"] for r in records], ids, strict=True))
    insert_history(session, "parcel_id", records, by_code, actor)
    return by_code


def insert_factories(
    session: Session,
    records: list[dict[str, Any]],
    footprints: np.ndarray,
    locations: np.ndarray,
    *,
    actor: str,
) -> dict[str, int]:
    """Insert factories (footprint may be None, location always set); return code -> id."""
    parks, towns = _placement(session, records, locations)
    parcels = codes_to_ids(session, Parcel, [r.get("parcel") for r in records])
    projects = codes_to_ids(session, Project, [r.get("reserved_project") for r in records])
    ids = new_ids(session, Factory, len(records))
    now = utcnow()
    rows = [
        {
            **{k: v for k, v in r.items() if k not in RECORD_ONLY},
            "id": i,
            "status_since": _date(r.get("status_since")),
            "park_id": park,
            "town_id": town,
            "parcel_id": parcel,
            "reserved_project_id": project,
            "footprint": footprint,
            "location": location,
            "updated_by": actor,
            "updated_at": now,
            "created_at": now,
            # a new record was just seen as it is (a survey, a form); the sample brings its own dates
            "verified_at": r.get("verified_at", now),
            "verified_by": r.get("verified_by", actor),
        }
        for r, i, park, town, parcel, project, footprint, location in zip(
            records, ids, parks, towns, parcels, projects, footprints, locations, strict=True
        )
    ]
    insert_rows(session, Factory, rows, ["footprint", "location"])
    by_code = dict(zip([r["code"] for r in records], ids, strict=True))
    insert_history(session, "factory_id", records, by_code, actor)
    return by_code


def insert_history(
    session: Session, subject: str, records: list[dict[str, Any]], ids: dict[str, int], actor: str
) -> None:
    """Status events from each record's `history` (date, from, to, project, note), or one
    creation event when it has none."""
    events = []
    now = utcnow()
    for r in records:
        history = r.get("history") or [[None, None, r["status"], r.get("reserved_project"), None]]
        for day, source, target, project, note in history:
            date = _date(day)
            at = dt.datetime.combine(date, dt.time(9), tzinfo=dt.UTC) if date else now
            events.append(
                {
                    subject: ids[r["code"]],
                    "at": at,
                    "actor": actor,
                    "from_status": source,
                    "to_status": target,
                    "project": project,
                    "note": note,
                }
            )
    project_ids = codes_to_ids(session, Project, [e.pop("project") for e in events])
    for event, project_id in zip(events, project_ids, strict=True):
        event["project_id"] = project_id
    insert_rows(session, StatusEvent, events)


def insert_infrastructure(session: Session, records: list[dict[str, Any]], geoms: np.ndarray) -> None:
    """Insert ports, highway exits and stations, and measure every parcel to the new layer."""
    insert_rows(
        session, Infrastructure, [{**r, "geom": g} for r, g in zip(records, geoms, strict=True)], ["geom"]
    )
    proximity.refresh(session)


GEOMETRY_COLUMNS: dict[Any, tuple[str, ...]] = {
    Parcel: ("geom",),
    Area: ("geom",),
    Factory: ("footprint", "location"),
}


def update_rows(
    session: Session,
    model: Any,
    rows: Sequence[tuple[dict[str, Any], Any, Any]],
    progress: Progress | None = None,
) -> None:
    """Update records by id: (columns, geometry or None, location or None) per row.

    A new geometry brings its ellipsoidal area; rows are grouped by the columns they set, so
    each group is one executemany. The version goes up by one, as the ORM's own updates do.
    """
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values, geom, location in rows:
        row = _update_row(model, values, geom, location)
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for keys, group in groups.items():
        statement = _update_statement(model.__table__, keys)
        for start in range(0, len(group), CHUNK):
            chunk = group[start : start + CHUNK]
            session.execute(statement, chunk)
            if progress:
                progress(len(chunk))


def _update_row(model: Any, values: dict[str, Any], geom: Any, location: Any) -> dict[str, Any]:
    """The parameters of one row's update: its columns, `row_id`, the geometries as `<column>_wkb`."""
    row = {k: v for k, v in values.items() if k != "id"}
    row["row_id"] = values["id"]
    if geom is not None:
        row[f"{GEOMETRY_COLUMNS[model][0]}_wkb"] = shapely.to_wkb(geom)
        if model is not Factory:
            row["area_m2"] = float(ellipsoidal_area_m2(geom)[0])
    if location is not None and model is Factory:
        row["location_wkb"] = shapely.to_wkb(location)
    return row


def _update_statement(table: Any, keys: tuple[str, ...]) -> Update:
    """The UPDATE by `row_id` that sets `keys` (geometries from WKB), the version up by one."""
    assignments: dict[str, Any] = {}
    for name in keys:
        if name.endswith("_wkb"):
            assignments[name.removesuffix("_wkb")] = from_wkb(name)
        elif name != "row_id":
            assignments[name] = bindparam(name, type_=table.c[name].type)
    if "version" in table.c:
        assignments["version"] = table.c.version + 1
    return update(table).where(table.c.id == bindparam("row_id")).values(assignments)


def insert_events(session: Session, events: list[dict[str, Any]], *, actor: str, default_note: str) -> None:
    """Status events of an import: {parcel_id|factory_id, from_status, to_status, project, note}."""
    projects = codes_to_ids(session, Project, [e.get("project") for e in events])
    now = utcnow()
    rows = [
        {
            "parcel_id": e.get("parcel_id"),
            "factory_id": e.get("factory_id"),
            "at": now,
            "actor": actor,
            "from_status": e["from_status"],
            "to_status": e["to_status"],
            "project_id": project,
            "note": e.get("note") or default_note,
        }
        for e, project in zip(events, projects, strict=True)
    ]
    insert_rows(session, StatusEvent, rows)


def insert_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """Record changes (gis/history.py) of bulk work such as imports, in one executemany."""
    insert_rows(session, RecordChange, changes)


def remove(session: Session, model: Any, codes: Sequence[str], *, actor: str) -> None:
    """Soft-delete parcels or factories (they keep their history); delete unused areas."""
    table = model.__table__
    for chunk in in_lists(codes):
        if model is Area:
            session.execute(table.delete().where(table.c.code.in_(chunk)))
        else:
            session.execute(
                update(table)
                .where(table.c.code.in_(chunk))
                .values(
                    deleted_at=utcnow(), updated_by=actor, updated_at=utcnow(), version=table.c.version + 1
                )
            )

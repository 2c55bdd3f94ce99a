"""Many changes at once (imports): the rule book of single writes (gis/gateway/rules.py) applied
to every row, set-based where it can be, then the rows written in bulk with their history.

An import is checked twice: once while it is read, to report, and once more inside the writing
transaction on the records as they are then, read locked (PostgreSQL: FOR UPDATE; SQLite: the
write transaction holds the file), so that a change someone made in between is neither lost nor
stepped over. What depends only on the file (where each geometry lies, how much of it lies within
the importer's areas) is worked out once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import bulk, localtime
from gis.access import Action, Principal, Role, authorize, readable_projects
from gis.bulk_write import among, in_lists, refresh_statistics
from gis.errors import InvalidInput
from gis.gateway import fields, places
from gis.gateway.rules import PLACEMENT, Act, Change, Stored, problems
from gis.io import changes
from gis.io.columns import FIELDS
from gis.io.report import ImportReport, RowReport
from gis.labels import Text
from gis.models import Area, Factory, Parcel, Project, utcnow
from gis.vocabulary import Layer

MODELS: dict[str, Any] = {"parcels": Parcel, "factories": Factory, "areas": Area}
KIND = {"parcels": "parcel", "factories": "factory", "areas": "area"}
DEFAULT_STATUS = {"parcels": "available", "factories": "vacant"}
REQUIRED = {"parcels": ("land_use",), "factories": ("floor_area_m2",), "areas": ("name", "kind")}
# Fields of a row that are not values of the record: the workflow's and the placement's
WORKFLOW_KEYS = ("code", "status", "reserved_project", "note", "status_since", *PLACEMENT)
REFERENCES = {"park": Area, "town": Area, "parent": Area, "reserved_project": Project, "parcel": Parcel}
Progress = Callable[[str, int, int | None], None]


@dataclass
class Batch:
    """The rows of one import on their way to the database."""

    layer: Layer
    rows: list[RowReport]
    records: list[dict[str, Any]]
    geoms: np.ndarray
    locations: np.ndarray
    changes: list[Change | None] = field(default_factory=list)
    read_problems: list[list[Text]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: set[int] = field(default_factory=set)
    skipped: set[int] = field(default_factory=set)  # unknown codes an update-only import leaves out

    @property
    def kind(self) -> str:
        """parcel, factory or area."""
        return KIND[self.layer]

    @property
    def shapes(self) -> np.ndarray:
        """What places each row: a factory's location, a parcel's or area's outline."""
        return self.locations if self.layer == Layer.FACTORIES else self.geoms


def _lookup(session: Session, model: Any, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for condition in among(session, model.code, sorted(codes)):
        found.update(dict(session.execute(select(model.code, model.id).where(condition)).all()))
    return found


def stored_by_code(session: Session, layer: Layer, codes: list[str], *, lock: bool) -> dict[str, Stored]:
    """The records with these codes as stored (deleted ones too), locked when asked, in code order
    so that two imports lock in the same order."""
    model = MODELS[layer]
    columns = [model.id, model.code, model.version, model.updated_at]
    if layer != Layer.AREAS:
        columns += [model.updated_by, model.status, model.park_id, model.town_id, model.deleted_at]
    found: dict[str, Stored] = {}
    unique = sorted(set(codes))
    for condition in among(session, model.code, unique):
        statement = select(*columns).where(condition).order_by(model.code)
        if lock:
            statement = statement.with_for_update(of=model)
        for row in session.execute(statement).mappings():
            found[row["code"]] = Stored.of(row.get)
    return found


def area_names(session: Session, batch: Batch) -> None:
    """Parks, towns and parents named by name (ledgers do) are named by code from here on."""
    by_name = dict(session.execute(select(Area.name, Area.code)).all())
    for name in ("park", "town", "parent"):
        for record in batch.records:
            if record.get(name) in by_name:
                record[name] = by_name[record[name]]


def project_names(session: Session, batch: Batch, who: Principal) -> dict[int, Text]:
    """Reservations that name their project by its exact name (a ledger's 意向项目 column) rather
    than its code, named by code from here on; looked for among the projects `who` may read only,
    so that a name they may not read is refused as one that is not. Returns the refusal of each
    row whose name is unknown or names several projects."""
    given = {r["reserved_project"] for r in batch.records if r.get("reserved_project")}
    if not given:
        return {}
    codes = set(_lookup(session, Project, given))
    names = sorted(given - codes)
    by_name: dict[str, list[str]] = {}
    visible = readable_projects(who, session.get_bind().dialect.name)
    for chunk in in_lists(names):
        statement = select(Project.name, Project.code).where(
            Project.name.in_(chunk), Project.deleted_at.is_(None), visible
        )
        for project_name, code in session.execute(statement.order_by(Project.code)):
            by_name.setdefault(project_name, []).append(code)
    refused: dict[int, Text] = {}
    for i, record in enumerate(batch.records):
        value = record.get("reserved_project")
        if not value or value in codes:
            continue
        found = by_name.get(value, [])
        if len(found) == 1:
            record["reserved_project"] = found[0]
            change = batch.changes[i] if i < len(batch.changes) else None
            if change is not None:
                change.project = found[0]
        elif found:
            refused[i] = Text("import.project_ambiguous", {"value": value, "codes": "、".join(found[:10])})
        else:
            refused[i] = Text("import.project_unknown", {"value": value})
    return refused


def resolve_references(session: Session, batch: Batch, who: Principal) -> list[list[Text]]:
    """Codes (or, for parks and towns, names; for projects, names `who` may read) the rows name,
    replaced by codes that exist; a row naming one that does not exist is refused."""
    found: list[list[Text]] = [[] for _ in batch.rows]
    area_names(session, batch)
    by_name = project_names(session, batch, who) if "reserved_project" in FIELDS[batch.layer] else {}
    for i, text in by_name.items():
        found[i].append(text)
    for name, model in REFERENCES.items():
        if name not in FIELDS[batch.layer]:
            continue
        named = {r[name] for r in batch.records if r.get(name)}
        known = set(_lookup(session, model, named)) if named else set()
        if name == "parent":
            known |= {r["code"] for r in batch.records if r.get("code")}
        for i, record in enumerate(batch.records):
            if (
                record.get(name)
                and record[name] not in known
                and not (name == "reserved_project" and i in by_name)
            ):
                found[i].append(
                    Text(
                        "import.unknown_reference",
                        {
                            "field": Text(f"field.{'reserved_for' if name == 'reserved_project' else name}"),
                            "code": record[name],
                        },
                    )
                )
    return found


def propose(session: Session, batch: Batch, who: Principal) -> None:
    """A change per row that has a code: its values, where its geometry lies, and (for park
    managers) how much of it within their areas. Worked out once per import, by a role that may
    import at all."""
    authorize(who, Action.IMPORT)
    area_names(session, batch)
    code_id = dict(session.execute(select(Area.code, Area.id)).all())
    shapes = batch.shapes
    located = places.locate(session, shapes) if batch.layer != Layer.AREAS else None
    shares = (
        places.shares_within(shapes, places.territory(session, who.area_ids))
        if who.scoped and batch.layer != Layer.AREAS
        else None
    )
    batch.changes = []
    for i, (row, record) in enumerate(zip(batch.rows, batch.records, strict=True)):
        if not row.code:
            batch.changes.append(None)
            continue
        note = record.get("note") or record.get("remarks")
        change = Change(
            batch.kind,
            row.code,
            Act.UPDATE,
            status=record.get("status"),
            project=record.get("reserved_project"),
            note=note,
            values={k: v for k, v in record.items() if k not in WORKFLOW_KEYS},
            geometry=shapes[i] is not None,
            named={n: (record[n], code_id.get(record[n])) for n in PLACEMENT if record.get(n)},
        )
        if located is not None and shapes[i] is not None:
            change.place = (located.parks[i], located.towns[i])
        if shares is not None and shapes[i] is not None:
            change.share = float(shares[i])
        batch.changes.append(change)


def _required(batch: Batch, i: int) -> list[Text]:
    """A new record needs a geometry (factories: a location) and the layer's required fields."""
    out, record = [], batch.records[i]
    at_null_island = any(t.key == "import.null_island" for t in batch.read_problems[i])
    if batch.shapes[i] is None and not at_null_island:  # that row has its own reason already
        out.append(Text("import.geometry_required"))
    out += [
        Text("import.required", {"field": Text(f"field.{name}")})
        for name in REQUIRED[batch.layer]
        if record.get(name) is None
    ]
    if batch.layer == Layer.FACTORIES and record.get("floor_area_m2") is not None:
        out += _vacant(record)
    low, high = record.get("plot_ratio_min"), record.get("plot_ratio_max")
    if low is not None and high is not None and low > high:
        out.append(Text("import.plot_ratio_range", {"low": low, "high": high}))
    return out


def _vacant(record: dict[str, Any]) -> list[Text]:
    floor, vacant = record["floor_area_m2"], record.get("vacant_area_m2")
    if floor <= 0:
        return [Text("import.required", {"field": Text("field.floor_area_m2")})]
    if vacant is None:
        record["vacant_area_m2"] = floor if record.get("status", "vacant") == "vacant" else 0.0
    elif not 0 <= vacant <= floor:
        return [Text("import.vacant_exceeds", {"vacant": vacant, "floor": floor})]
    return []


def _judge(batch: Batch, i: int, change: Change, who: Principal) -> list[Text]:
    """The rule book's verdict on one row, and what a new or restored record still needs."""
    record = batch.records[i]
    if change.stored is None:
        change.act = Act.CREATE
        if batch.layer != Layer.AREAS:
            change.status = record.setdefault("status", DEFAULT_STATUS[batch.layer])
    elif change.stored.deleted:
        change.act = Act.RESTORE
    else:
        change.act = Act.UPDATE
    found = [Text(e.key, e.params) for e in problems(who, change)]
    since = record.get("status_since")
    if since is not None:
        try:
            fields.check_value(change.kind, "status_since", since)
        except InvalidInput as error:
            found.append(Text(error.key, error.params))
    if change.act is Act.CREATE and not found:
        found += _required(batch, i)
    return found


def check(
    session: Session,
    batch: Batch,
    who: Principal,
    report: ImportReport,
    *,
    lock: bool,
    replace: bool,
    only_existing: bool = False,
) -> None:
    """Judge every row against the records as they are now (locked when `lock`); fill the report.
    With `only_existing`, rows whose code names no record are skipped and listed, not refused."""
    codes = [r.code for r in batch.rows if r.code]
    current = stored_by_code(session, batch.layer, codes, lock=lock)
    references = resolve_references(session, batch, who)
    batch.events, batch.skipped = [], set()
    for i, (row, change) in enumerate(zip(batch.rows, batch.changes, strict=True)):
        row.rejection = list(batch.read_problems[i]) + references[i]
        # a real import checks twice (read, then locked for the write): say each change once
        row.messages = [m for m in row.messages if m.key != "import.status_change"]
        if change is None:
            continue
        change.stored = current.get(change.code)
        if only_existing and change.stored is None:
            row.rejection, row.action = [], "skipped"
            batch.skipped.add(i)
            continue
        row.rejection += _judge(batch, i, change, who)
        row.action = {Act.CREATE: "insert", Act.RESTORE: "restore"}.get(change.act, "update")
        if not row.rejection and change.stored is not None and change.steps:
            _event(batch, row, change, change.stored)
    batch.unchanged = _unchanged(session, batch)
    for i in batch.unchanged:
        batch.rows[i].action = "unchanged"
    report.status_changes = len(batch.events)
    report.skipped = [batch.rows[i].code or "" for i in sorted(batch.skipped)]
    batch.deleted = _to_delete(session, batch, who, report) if replace else []
    report.deleted = batch.deleted


def _event(batch: Batch, row: RowReport, change: Change, stored: Stored) -> None:
    kind = change.kind
    row.messages.append(
        Text(
            "import.status_change",
            {
                "from_label": Text(f"{kind}_status.{stored.status}"),
                "to_label": Text(f"{kind}_status.{change.status}"),
            },
        )
    )
    batch.events.append(
        {
            f"{kind}_id": stored.id,
            "from_status": stored.status,
            "to_status": change.status,
            "project": change.project,
            "note": change.note,
            "code": change.code,
        }
    )


def _to_delete(session: Session, batch: Batch, who: Principal, report: ImportReport) -> list[str]:
    """Codes that `replace` removes: every current record the file does not hold."""
    model = MODELS[batch.layer]
    keep = {r.code for r in batch.rows if r.code}
    statement = select(model.code)
    if batch.layer != Layer.AREAS:
        statement = statement.where(model.deleted_at.is_(None))
    gone = sorted(set(session.scalars(statement)) - keep)
    if who.role is not Role.ADMIN:
        report.problems.append(Text("import.replace_needs_admin"))
    if batch.layer == Layer.AREAS and gone:
        used = _areas_in_use(session, gone)
        if used:
            report.problems.append(Text("import.replace_area_in_use", {"codes": ", ".join(used[:10])}))
    return gone


def _areas_in_use(session: Session, codes: list[str]) -> list[str]:
    ids = _lookup(session, Area, set(codes))
    used: set[int] = set()
    for model in (Parcel, Factory):
        for column in (model.park_id, model.town_id):
            used.update(session.scalars(select(column).where(column.in_(list(ids.values())))))
    used.update(session.scalars(select(Area.parent_id).where(Area.parent_id.in_(list(ids.values())))))
    return sorted(code for code, i in ids.items() if i in used)


def _unchanged(session: Session, batch: Batch) -> set[int]:
    """The updates that would store what is stored: no status step, every value and the park and
    town the same, and each geometry equal within the precision it came in (`_same_shape`).
    Unchanged rows are counted as such and written not at all, so no version goes up for nothing."""
    candidates = [
        i
        for i, (row, change) in enumerate(zip(batch.rows, batch.changes, strict=True))
        if change is not None
        and change.act is Act.UPDATE
        and not row.rejection
        and not change.steps
        and i not in batch.skipped
    ]
    if not candidates:
        return set()
    ids = {i: _stored_of(batch.changes[i]).id for i in candidates}
    now = changes.stored(session, MODELS[batch.layer], ids.values())
    code_of = dict(session.execute(select(Area.id, Area.code)).all())
    records = {i: _placed_record(batch.records[i], batch.changes[i], code_of) for i in candidates}
    refs = _reference_ids(session, list(records.values()))
    shapes = {
        name: batch.geoms if k == 0 else batch.locations
        for k, name in enumerate(changes.GEOMETRY[MODELS[batch.layer]])
    }
    same = set()
    for i in candidates:
        stored = now[ids[i]]
        values = _columns(records[i], refs)
        if all(changes.plain(v) == stored[k] for k, v in values.items() if k in stored) and all(
            _same_shape(given[i], stored[name]) for name, given in shapes.items()
        ):
            same.add(i)
    return same


def _same_shape(given: Any, stored: str | None) -> bool:
    """Whether a file's geometry (None: the file gives none) is the stored one, each vertex within
    one unit of the last decimal of a degree the file's coordinates are given to (a GeoJSON of 7
    decimals: 1 cm; a GeoPackage, or coordinates projected from another CRS: exactly)."""
    if given is None:
        return True
    if stored is None:
        return False
    kept = shapely.from_geojson(stored)
    if kept.geom_type != given.geom_type:
        return False
    return bool(shapely.equals_exact(shapely.normalize(given), shapely.normalize(kept), _unit(given)))


def _unit(shape: Any) -> float:
    """The last decimal the coordinates of `shape` are given to (at most 12)."""
    xy = shapely.get_coordinates(shape)
    for decimals in range(12):
        if np.allclose(xy, np.round(xy, decimals), rtol=0, atol=1e-12):
            return 10.0**-decimals
    return 1e-12


def _placement(change: Change, code_of: dict[int, str]) -> dict[str, str | None]:
    """The park and town (codes) a row is stored in: named by hand by an administrator (the rules
    refused anyone else's names that disagree), otherwise where its geometry lies; none for a row
    without a geometry (it keeps its own)."""
    out: dict[str, str | None] = {}
    if change.place is not None:
        out.update(
            {n: code_of[i] if i is not None else None for n, i in zip(PLACEMENT, change.place, strict=True)}
        )
    out.update({n: code for n, (code, _id) in change.named.items()})
    return out


def _placed_record(record: dict[str, Any], change: Change | None, code_of: dict[int, str]) -> dict[str, Any]:
    """`record` with its park and town as it will be stored."""
    kept = {k: v for k, v in record.items() if k not in PLACEMENT}
    return kept if change is None else kept | _placement(change, code_of)


def _placed(session: Session, batch: Batch) -> None:
    """Each row's park and town as it will be stored (`_placement`)."""
    code_of = dict(session.execute(select(Area.id, Area.code)).all())
    batch.records = [
        _placed_record(record, change, code_of)
        for record, change in zip(batch.records, batch.changes, strict=True)
    ]


def write(session: Session, batch: Batch, who: Principal, note: str, tick: Progress) -> None:
    """Insert new records, update and restore existing ones, record status events and history,
    apply `replace`; the caller's transaction holds it all."""
    acts = [c.act if c is not None and i not in batch.skipped else None for i, c in enumerate(batch.changes)]
    new = [i for i, a in enumerate(acts) if a is Act.CREATE]
    old = [i for i, a in enumerate(acts) if a in (Act.UPDATE, Act.RESTORE) and i not in batch.unchanged]
    total = len(batch.rows)
    tick("write", 0, total)
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        tick("write", n, total)

    if batch.layer != Layer.AREAS:
        _placed(session, batch)
    if new:
        _insert(session, batch, new, who, note, advance)
    if old:
        _update(session, batch, old, who, advance)
    if batch.events:
        bulk.insert_events(session, batch.events, actor=who.name, default_note=note)
    if batch.deleted:
        _remove(session, batch, who)
    refresh_statistics(session, batch.layer, len(new) + len(old) + len(batch.deleted))
    tick("write", total - done[0], total)


def _remove(session: Session, batch: Batch, who: Principal) -> None:
    """Soft-delete what `replace` removes, with a "delete" entry each (unused areas are deleted
    outright: nothing refers to them)."""
    model = MODELS[batch.layer]
    if model is Area:
        bulk.remove(session, model, batch.deleted, actor=who.name)
        return
    ids = list(_lookup(session, model, set(batch.deleted)).values())
    before = changes.stored(session, model, ids)
    bulk.remove(session, model, batch.deleted, actor=who.name)
    after = changes.stored(session, model, ids)
    changes.write(session, changes.changed(model, before, after, who.name, action="delete"))


def _insert(
    session: Session,
    batch: Batch,
    index: list[int],
    who: Principal,
    note: str,
    advance: Callable[[int], None],
) -> None:
    records = []
    for i in index:
        record = {k: v for k, v in batch.records[i].items() if k != "note"}
        if batch.layer != Layer.AREAS:
            record["history"] = [
                [
                    None,
                    None,
                    record["status"],
                    record.get("reserved_project"),
                    batch.records[i].get("note") or note,
                ]
            ]
        records.append(record)
    geoms = batch.geoms[index]
    model = MODELS[batch.layer]
    if batch.layer == Layer.PARCELS:
        ids = bulk.insert_parcels(session, records, geoms, actor=who.name, progress=advance)
    elif batch.layer == Layer.FACTORIES:
        ids = bulk.insert_factories(session, records, geoms, batch.locations[index], actor=who.name)
        advance(len(records))
    else:
        order = _parents_first(records)
        bulk.insert_areas(session, [records[k] for k in order], geoms[order])
        ids = _lookup(session, Area, {r["code"] for r in records})
        advance(len(records))
    changes.write(session, changes.created(session, model, ids.values(), who.name))


def _parents_first(records: list[dict[str, Any]]) -> list[int]:
    """An order in which every area comes after its parent from the same file."""
    codes = {r["code"]: k for k, r in enumerate(records)}
    depth: dict[int, int] = {}

    def level(k: int, seen: int = 0) -> int:
        parent = records[k].get("parent")
        if parent not in codes or seen > len(records):
            return 0
        return depth.setdefault(k, 1 + level(codes[parent], seen + 1))

    return sorted(range(len(records)), key=level)


def _update(
    session: Session, batch: Batch, index: list[int], who: Principal, advance: Callable[[int], None]
) -> None:
    now = utcnow()
    rows, restored = [], set()
    stepped = {e["code"] for e in batch.events}
    refs = _reference_ids(session, [batch.records[i] for i in index])
    for i in index:
        record, change = batch.records[i], batch.changes[i]
        stored = _stored_of(change)
        row = _columns(record, refs)
        row.update(id=stored.id, updated_at=now)
        if batch.layer != Layer.AREAS:
            # a survey import is a verification of every record it writes
            row.update(updated_by=who.name, verified_at=now, verified_by=who.name)
            if stored.deleted:
                row["deleted_at"] = None
                restored.add(stored.id)
            if record["code"] in stepped:
                row.setdefault("status_since", localtime.today())
                if record["status"] in ("available", "vacant"):
                    row["reserved_project_id"] = None
        rows.append((row, batch.geoms[i], batch.locations[i]))
    model = MODELS[batch.layer]
    ids = [row["id"] for row, _, _ in rows]
    before = changes.stored(session, model, ids)
    bulk.update_rows(session, model, rows, progress=advance)
    after = changes.stored(session, model, ids)
    changes.write(session, changes.changed(model, before, after, who.name, restored=restored))


def _stored_of(change: Change | None) -> Stored:
    if change is None or change.stored is None:
        raise ValueError("an update needs the stored record")  # check() decided it is one
    return change.stored


def _reference_ids(session: Session, records: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for name, model in REFERENCES.items():
        named = {r[name] for r in records if isinstance(r.get(name), str) and r.get(name)}
        if named:
            ids.update({(name, c): i for c, i in _lookup(session, model, named).items()})
    return ids


SKIP = {"code", "note", "history", *REFERENCES}


def _columns(record: dict[str, Any], refs: dict[tuple[str, str], int]) -> dict[str, Any]:
    """Database columns of an update: given fields, and ids for the codes it names."""
    row = {k: v for k, v in record.items() if k not in SKIP}
    for name in REFERENCES:
        if name in record:
            row[f"{name}_id"] = refs[(name, record[name])] if record[name] else None
    return row

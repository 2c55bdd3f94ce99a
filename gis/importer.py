"""Import survey files into the inventory: read, map columns, decide the CRS, clean, check, write.

Every row gets a line in the report: accepted, repaired (what changed) or rejected (why), with
its row number in the source. Records are matched by code: existing ones are updated (only the
columns the file has, blank cells leave values as they are), new ones inserted, none deleted
unless `replace` is asked. A status that changes becomes a status event by the importing user
and must be a legal step of the workflow (gis/status.py). Nothing is written unless every row is
acceptable; the caller owns the transaction, so a failure while writing leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis import bulk, columns, crs_infer, import_changes, readers, tables, values
from gis.area import ellipsoidal_area_m2
from gis.bulk_write import refresh_statistics
from gis.errors import IllegalTransition, InvalidInput
from gis.geometry import clean_polygons
from gis.labels import Text, message
from gis.limits import ImportLimits
from gis.models import Area, Factory, LandUseClass, Parcel, Project, utcnow
from gis.report import ImportReport, RowReport
from gis.status import NEEDS_NOTE, NEEDS_PROJECT, check_transition

LAYERS = ("parcels", "factories", "areas")
MODELS: dict[str, Any] = {"parcels": Parcel, "factories": Factory, "areas": Area}
KIND = {"parcels": "parcel", "factories": "factory", "areas": "area"}
DEFAULT_STATUS = {"parcels": "available", "factories": "vacant"}
REQUIRED = {"parcels": ("land_use",), "factories": ("floor_area_m2",), "areas": ("name", "kind")}
CERT_TOLERANCE = 0.01
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how; `allowed_areas` (area ids) limits a park manager to their parks and towns."""

    layer: str
    crs: str | None = None
    mapping: columns.Mapping = field(default_factory=columns.Mapping)
    dry_run: bool = False
    replace: bool = False
    source_layer: str | None = None
    user: str = "import"
    allowed_areas: frozenset[int] | None = None
    limits: ImportLimits = field(default_factory=ImportLimits)


@dataclass
class Batch:
    """The rows of one import on their way to the database."""

    rows: list[RowReport]
    records: list[dict[str, Any]]
    geoms: np.ndarray
    locations: np.ndarray
    existing: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)


def import_file(session: Session, path: Path, options: ImportOptions, *, name: str | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Check the file at `path` and, unless refused or a dry run, write it; return the report."""
    if options.layer not in LAYERS:
        raise InvalidInput("import.bad_layer", layer=options.layer, layers=", ".join(LAYERS))
    report = ImportReport(options.layer, name or path.name, dry_run=options.dry_run)
    tick = progress or (lambda phase, n, total: None)
    tick("read", 0, None)
    with readers.opened(path, options.limits, layer=options.source_layer) as source:
        report.format, report.source_layer = source.format, source.layer
        report.notes.extend(source.notes)
        batch = _prepare(session, source, options, report)
    report.rows = batch.rows
    tick("check", len(batch.rows), len(batch.rows))
    _check(session, batch, options, report)
    if report.acceptable and not options.dry_run:
        try:
            _write(session, batch, options, report, tick)
        except IntegrityError as exc:  # a database rule this check missed: the caller rolls back
            raise InvalidInput("import.write_failed", reason=str(exc.orig).splitlines()[0][:200]) from None
        report.written = True
    return report


def _prepare(session: Session, source: readers.Source, options: ImportOptions,
             report: ImportReport) -> Batch:
    """Rows, converted attributes and geometries in EPSG:4490, with per-row outcomes."""
    frame = source.frame
    plan = columns.plan(list(frame.columns), options.layer, options.mapping,
                        is_table=source.geoms is None, short_names=short_names(options.layer))
    report.notes.extend(plan.notes)
    rows = [RowReport(source.first_row + i, None) for i in range(len(frame))]
    if source.geoms is None:
        geoms, repairs, errors, notes = tables.geometries(frame, plan)
        report.notes.extend(notes)
    else:
        geoms, repairs, errors = source.geoms, source.row_notes, source.row_errors
    for i, texts in repairs.items():
        rows[i].repairs.extend(texts)
    for i, text in errors.items():
        rows[i].rejection.append(text)
        geoms[i] = None
    records = _attributes(session, frame, plan, options, rows)
    batch = Batch(rows, records, geoms, np.full(len(rows), None, dtype=object))
    _geometry(batch, source, options, report)
    return batch


def _geometry(batch: Batch, source: readers.Source, options: ImportOptions, report: ImportReport) -> None:
    """Decide the CRS, reproject, then clean polygons (factories: check points) row by row."""
    given = options.crs or options.mapping.crs
    choice = crs_infer.choose(batch.geoms, declared=source.crs,
                              given=crs_infer.parse_crs(given) if given else None,
                              region=options.limits.region)
    report.crs = choice.name
    report.notes.append(choice.note)
    polygons = _moved(batch.geoms, choice.crs, batch.rows)
    if options.layer == "factories":
        points = _is_point(polygons)
        batch.locations[points] = _check_points(polygons[points], batch, np.flatnonzero(points), options)
        footprints = _moved(np.array([r.pop("footprint", None) for r in batch.records], dtype=object),
                            choice.crs)
        polygons = np.where(points, footprints, polygons)
    batch.geoms = _clean(polygons, batch, options)
    if options.layer == "factories":
        derive = np.array([g is not None and loc is None for g, loc in zip(batch.geoms, batch.locations,
                                                                          strict=True)], dtype=bool)
        batch.locations[derive] = shapely.point_on_surface(batch.geoms[derive])


def _is_point(geoms: np.ndarray) -> np.ndarray:
    present = np.array([g is not None for g in geoms], dtype=bool)
    return present & (shapely.get_type_id(np.where(present, geoms, shapely.LineString())) == 0)


def _moved(geoms: np.ndarray, crs: Any, rows: list[RowReport] | None = None) -> np.ndarray:
    """To EPSG:4490 in two dimensions; rows whose Z or M values were dropped are told so."""
    out = geoms.copy()
    present = np.array([g is not None for g in geoms], dtype=bool)
    if not present.any():
        return out
    dimensional = shapely.has_z(geoms[present]) | shapely.has_m(geoms[present])
    flat = shapely.force_2d(geoms[present])
    out[present] = crs_infer.to_cgcs2000(flat, crs)
    if rows is not None:
        for i in np.flatnonzero(present)[dimensional].tolist():
            rows[i].repairs.append(Text("repair.dropped_z"))
    return out


def _clean(polygons: np.ndarray, batch: Batch, options: ImportOptions) -> np.ndarray:
    """Cleaned MultiPolygons (None where missing or rejected), outcomes into the rows."""
    present = np.array([g is not None for g in polygons], dtype=bool)
    result = clean_polygons(polygons[present], region=options.limits.region,
                            max_vertices=options.limits.max_vertices)
    for j, i in enumerate(np.flatnonzero(present).tolist()):
        row = batch.rows[i]
        row.repairs.extend(Text(p.key, p.params) for p in result.repairs[j])
        problem = result.rejections[j]
        if problem is not None:
            row.rejection.append(Text(problem.key, problem.params))
    out = np.full(len(polygons), None, dtype=object)
    out[present] = result.geoms
    return out


def _check_points(points: np.ndarray, batch: Batch, index: np.ndarray, options: ImportOptions) -> np.ndarray:
    """Factory locations: finite, not empty, inside the service region."""
    x0, y0, x1, y1 = options.limits.region
    coords = shapely.get_coordinates(points)
    out = points.copy()
    for j, i in enumerate(index.tolist()):
        if shapely.is_empty(points[j]) or not np.isfinite(coords[j]).all():
            batch.rows[i].rejection.append(Text("geometry.empty"))
            out[j] = None
        elif not (x0 <= coords[j, 0] <= x1 and y0 <= coords[j, 1] <= y1):
            batch.rows[i].rejection.append(Text("geometry.outside_region", {
                "bounds": f"({coords[j, 0]:.6g}, {coords[j, 1]:.6g})", "region": str(options.limits.region)}))
            out[j] = None
    return out


def short_names(layer: str) -> dict[str, str]:
    """The Shapefile field names of exports, so that exported Shapefiles import back."""
    from gis.exporter import SHAPEFILE_NAMES

    return SHAPEFILE_NAMES.get(layer, {})


def _converters(session: Session, options: ImportOptions) -> dict[str, Callable[[Any], Any]]:
    """One converter per kind of value, with the mapping file's synonyms added."""
    extra = options.mapping.values
    layer = options.layer
    land_use_rows = [(code, name, legacy) for code, name, legacy in session.execute(
        select(LandUseClass.code, LandUseClass.name, LandUseClass.legacy_codes))]
    group = "parcel_status" if layer == "parcels" else "factory_status"
    return {
        "code": values.code, "text": values.text, "ref": values.code, "float": values.number,
        "int": values.integer, "bool": values.boolean, "date": values.date, "list": values.items,
        "plot_ratio": values.plot_ratio, "wkt": values.wkt,
        "status": values.chooser(values.label_index(values.STATUS_SYNONYMS.get(layer, {}), [group],
                                                    extra.get("status")), Text("field.status")),
        "land_use": values.chooser(values.land_use_index(
            land_use_rows, extra.get("land_use")), Text("field.land_use")),
        "stock_type": values.chooser(values.label_index(values.STOCK_SYNONYMS, ["stock_type"],
                                                        extra.get("stock_type")), Text("field.stock_type")),
        "building_type": values.chooser(values.label_index(values.BUILDING_SYNONYMS, ["building_type"],
                                                           extra.get("building_type")),
                                        Text("field.building_type")),
        "area_kind": values.chooser(values.label_index(values.AREA_KINDS, ["area_kind"], extra.get("kind")),
                                    Text("field.kind")),
    }


def _attributes(session: Session, frame: pd.DataFrame, plan: columns.Plan, options: ImportOptions,
                rows: list[RowReport]) -> list[dict[str, Any]]:
    """Per row the fields the file gives (blank cells left out), converted, with unit notes."""
    kinds = columns.FIELDS[options.layer]
    convert = _converters(session, options)
    records: list[dict[str, Any]] = [{} for _ in rows]
    for name, (column, unit) in plan.fields.items():
        kind = kinds[name]
        synonyms = {columns.key(k): v for k, v in options.mapping.values.get(name, {}).items()} \
            if kind in ("text", "float", "int", "bool", "date", "code", "ref") else {}

        def one(cell: Any, kind: str = kind, unit: str | None = unit,
                synonyms: dict[str, Any] = synonyms) -> Any:
            cell = synonyms.get(columns.key(cell), cell) if synonyms else cell
            try:
                return values.area_m2(cell, unit) if kind == "area" else convert[kind](cell)
            except values.CellError as exc:
                return exc

        for i, value in _cells(frame[column], one):
            if isinstance(value, values.CellError):
                rows[i].rejection.append(Text("import.cell", {"column": column, "reason": value.text}))
            else:
                _store(records[i], name, value, rows[i], column)
    for name, default in options.mapping.defaults.items():
        for record in records:
            record.setdefault(name, convert[kinds[name]](default) if kinds[name] != "area" else default)
    return records


def _cells(series: pd.Series, convert: Callable[[Any], Any]) -> Iterator[tuple[int, Any]]:
    """(row, converted value) of every non-blank cell; each distinct value is converted once."""
    cells = series.to_numpy(dtype=object)
    blank = np.array(series.isna().to_numpy(), dtype=bool)  # a writable copy
    if not (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)):
        # object or pandas' string dtype: whitespace-only text counts as blank
        blank |= np.array([isinstance(c, str) and not c.strip() for c in cells], dtype=bool)
    cache: dict[Any, Any] = {}
    for i in np.flatnonzero(~blank).tolist():
        cell = cells[i]
        try:
            value = cache[cell]
        except KeyError:
            value = cache[cell] = convert(cell)
        except TypeError:  # unhashable cells (lists from JSON) are converted every time
            value = convert(cell)
        yield i, value


def _store(record: dict[str, Any], name: str, value: Any, row: RowReport, column: str) -> None:
    """Put a converted value under its database column(s)."""
    if name == "plot_ratio":
        low, high = value
        record.setdefault("plot_ratio_min", low)
        record.setdefault("plot_ratio_max", high)
    elif name in ("area", "cert_area"):
        if value is None:
            row.repairs.append(Text("import.zero_area", {"column": column}))
        else:
            record["cert_area_m2"] = value
    else:
        record[name] = value
    if name == "code":
        row.code = value


def _check(session: Session, batch: Batch, options: ImportOptions, report: ImportReport) -> None:
    """Keys, existing records, references, required fields, statuses, areas of the user."""
    _keys(batch, report)
    if options.layer == "areas" and options.allowed_areas is not None:
        report.problems.append(Text("import.areas_need_admin"))  # outlines change every manager's scope
    batch.existing = _existing(session, options.layer, [r.code for r in batch.rows if r.code])
    _references(session, batch, options.layer)
    _required(batch, options.layer)
    if options.layer != "areas":
        _placement(session, batch, options)
        _statuses(batch, options)
    if options.layer == "parcels":
        _compare_areas(batch)
    for row in batch.rows:
        row.action = "update" if row.code in batch.existing else "insert"
    if options.replace:
        report.deleted = _to_delete(session, batch, options, report)


def _keys(batch: Batch, report: ImportReport) -> None:
    """Refuse missing and duplicated codes, and say when every row has the same one."""
    codes = [r.code for r in batch.rows]
    missing = [r for r in batch.rows if not r.code and not r.rejection]
    for row in missing:
        row.rejection.append(Text("import.code_missing"))
    seen: dict[str, list[int]] = defaultdict(list)
    for row in batch.rows:
        if row.code:
            seen[row.code].append(row.row)
    duplicated = {c: n for c, n in seen.items() if len(n) > 1}
    for row in batch.rows:
        if row.code in duplicated:
            rows = _rows_text(duplicated[row.code])
            row.rejection.append(Text("import.code_duplicate", {"code": row.code, "rows": rows}))
    if missing:
        report.problems.append(Text("import.codes_missing", {"count": len(missing)}))
    if len(codes) > 1 and len(duplicated) == 1 and len(next(iter(duplicated.values()))) == len(codes):
        report.problems.append(Text("import.codes_all_same",
                                    {"code": next(iter(duplicated)), "count": len(codes)}))
    elif duplicated:
        report.problems.append(Text("import.codes_duplicated", {"count": len(duplicated)}))


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")


def _existing(session: Session, layer: str, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Existing records by code: id, status, project, areas (soft-deleted ones included)."""
    model = MODELS[layer]
    wanted = [model.id, model.code]
    if layer != "areas":
        wanted += [model.status, model.reserved_project_id, model.park_id, model.town_id]
    found: dict[str, dict[str, Any]] = {}
    unique = sorted(set(codes))
    for start in range(0, len(unique), 900):
        chunk = unique[start:start + 900]
        for row in session.execute(select(*wanted).where(model.code.in_(chunk))).mappings():
            found[row["code"]] = dict(row)
    return found


def _lookup(session: Session, model: Any, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), 900):
        found.update(dict(session.execute(select(model.code, model.id).where(
            model.code.in_(ordered[start:start + 900]))).all()))
    return found


REFERENCES = {"park": Area, "town": Area, "parent": Area, "reserved_project": Project, "parcel": Parcel}


def _references(session: Session, batch: Batch, layer: str) -> None:
    """Reject rows naming a park, town, project or parcel that does not exist."""
    for name, model in REFERENCES.items():
        named = {r[name] for r in batch.records if r.get(name)}
        if not named or name not in columns.FIELDS[layer]:
            continue
        known = _lookup(session, model, named)
        if model is Area:
            _area_names(session, batch, name, known)
        if name == "parent":
            known.update({r["code"]: 0 for r in batch.records if r.get("code")})
        for row, record in zip(batch.rows, batch.records, strict=True):
            if record.get(name) and record[name] not in known:
                row.rejection.append(Text("import.unknown_reference", {
                    "field": Text(f"field.{'reserved_for' if name == 'reserved_project' else name}"),
                    "code": record[name]}))


def _area_names(session: Session, batch: Batch, name: str, known: dict[str, int]) -> None:
    """Accept a park or town by its name too (ledgers name them): replace names by codes."""
    by_name = dict(session.execute(select(Area.name, Area.code)).all())
    for record in batch.records:
        if record.get(name) in by_name and record[name] not in known:
            record[name] = by_name[record[name]]
            known[record[name]] = 0


def _required(batch: Batch, layer: str) -> None:
    """New records need a geometry (factories: a location) and the layer's required fields."""
    for i, (row, record) in enumerate(zip(batch.rows, batch.records, strict=True)):
        if row.code in batch.existing or row.rejection:
            continue
        shape = batch.locations[i] if layer == "factories" else batch.geoms[i]
        if shape is None:
            row.rejection.append(Text("import.geometry_required"))
        for name in REQUIRED[layer]:
            if record.get(name) is None:
                row.rejection.append(Text("import.required", {"field": Text(f"field.{name}")}))
        if layer == "factories" and record.get("floor_area_m2") is not None:
            _vacant(record, row)
        low, high = record.get("plot_ratio_min"), record.get("plot_ratio_max")
        if low is not None and high is not None and low > high:
            row.rejection.append(Text("import.plot_ratio_range", {"low": low, "high": high}))


def _vacant(record: dict[str, Any], row: RowReport) -> None:
    floor, vacant = record["floor_area_m2"], record.get("vacant_area_m2")
    if floor <= 0:
        row.rejection.append(Text("import.required", {"field": Text("field.floor_area_m2")}))
    elif vacant is None:
        record["vacant_area_m2"] = floor if record.get("status", "vacant") == "vacant" else 0.0
    elif not 0 <= vacant <= floor:
        row.rejection.append(Text("import.vacant_exceeds", {"vacant": vacant, "floor": floor}))


def _placement(session: Session, batch: Batch, options: ImportOptions) -> None:
    """Park and town codes of each row (named, else by containment); refuse others' areas."""
    ids, _kinds, _geoms, codes = bulk.area_geometries(session)
    code_of = dict(zip(ids, codes, strict=True))
    points = batch.locations.copy() if options.layer == "factories" else shapely.point_on_surface(batch.geoms)
    has = np.array([p is not None for p in points], dtype=bool)
    parks, towns = bulk.locate(session, points[has]) if has.any() else ([], [])
    for j, i in enumerate(np.flatnonzero(has).tolist()):
        record = batch.records[i]
        park, town = parks[j], towns[j]
        record.setdefault("park", None if park is None else code_of.get(park))
        record.setdefault("town", None if town is None else code_of.get(town))
    if options.allowed_areas is None:
        return
    allowed = {code_of[i] for i in options.allowed_areas if i in code_of}
    for row, record in zip(batch.rows, batch.records, strict=True):
        old = batch.existing.get(row.code or "")
        mine = {record.get("park"), record.get("town")} & allowed
        was_mine = old is None or {old["park_id"], old["town_id"]} & options.allowed_areas
        if not mine or not was_mine:
            row.rejection.append(Text("import.not_your_area", {"code": row.code or "-"}))


def _statuses(batch: Batch, options: ImportOptions) -> None:
    """New records start in their given status; changed statuses must follow the workflow."""
    kind = KIND[options.layer]
    for row, record in zip(batch.rows, batch.records, strict=True):
        if row.rejection or not row.code:
            continue
        old = batch.existing.get(row.code)
        note = record.get("note") or record.get("remarks")
        project = record.get("reserved_project")
        if old is None:
            record.setdefault("status", DEFAULT_STATUS[options.layer])
            if record["status"] in NEEDS_PROJECT and not project:
                row.rejection.append(Text("status.needs_project"))
            elif record["status"] in NEEDS_NOTE and not note:
                row.rejection.append(Text("status.needs_note"))
            continue
        target = record.get("status")
        if target is None or target == old["status"]:
            continue
        try:
            check_transition(kind, row.code, old["status"], target, project=project, note=note)
        except (IllegalTransition, InvalidInput) as exc:
            row.rejection.append(Text(exc.key, exc.params))
            continue
        row.messages.append(Text("import.status_change", {
            "from_label": Text(f"{kind}_status.{old['status']}"),
            "to_label": Text(f"{kind}_status.{target}")}))
        batch.events.append({f"{kind}_id": old["id"], "from_status": old["status"], "to_status": target,
                             "project": project, "note": note, "code": row.code})


def _compare_areas(batch: Batch) -> None:
    """Say where the stated area and the area of the geometry differ by more than 1 %."""
    rows = [i for i, r in enumerate(batch.records) if r.get("cert_area_m2") and batch.geoms[i] is not None]
    if not rows:
        return
    measured = ellipsoidal_area_m2(np.array([batch.geoms[i] for i in rows], dtype=object))
    for i, area in zip(rows, measured, strict=True):
        stated = batch.records[i]["cert_area_m2"]
        if abs(stated - area) / area > CERT_TOLERANCE:
            batch.rows[i].messages.append(Text("import.area_differs", {
                "stated": f"{stated:,.1f}", "measured": f"{area:,.1f}",
                "share": f"{(stated - area) / area:+.1%}"}))


def _to_delete(session: Session, batch: Batch, options: ImportOptions, report: ImportReport) -> list[str]:
    """Codes that `replace` removes: every current record the file does not hold."""
    model = MODELS[options.layer]
    keep = {r.code for r in batch.rows if r.code}
    statement = select(model.code)
    if options.layer != "areas":
        statement = statement.where(model.deleted_at.is_(None))
    gone = sorted(set(session.scalars(statement)) - keep)
    if options.allowed_areas is not None:
        report.problems.append(Text("import.replace_needs_admin"))
    if options.layer == "areas" and gone:
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


def _write(session: Session, batch: Batch, options: ImportOptions, report: ImportReport,
           tick: Progress) -> None:
    """Insert new records, update existing ones, record status events, apply `replace`."""
    new = [i for i, r in enumerate(batch.rows) if r.action == "insert"]
    old = [i for i, r in enumerate(batch.rows) if r.action == "update"]
    total = len(batch.rows)
    tick("write", 0, total)
    done = [0]

    def advance(n: int) -> None:
        done[0] += n
        tick("write", n, total)

    note = message("import.event_note", "zh", source=report.source)
    if new:
        _insert(session, batch, new, options, note, advance)
    if old:
        _update(session, batch, old, options, advance)
    report.status_changes = len(batch.events)
    if batch.events:
        bulk.insert_events(session, batch.events, actor=options.user, default_note=note)
    if report.deleted:
        model = MODELS[options.layer]
        if model is not Area:
            gone = import_changes.deleted(session, model, report.deleted, options.user)
            import_changes.write(session, gone)
        bulk.remove(session, model, report.deleted, actor=options.user)
    refresh_statistics(session, options.layer, len(new) + len(old) + len(report.deleted))
    tick("write", total - done[0], total)


def _insert(session: Session, batch: Batch, index: list[int], options: ImportOptions, note: str,
            advance: Callable[[int], None]) -> None:
    records = []
    for i in index:
        record = {k: v for k, v in batch.records[i].items() if k != "note"}
        if options.layer != "areas":
            record["history"] = [[None, None, record["status"], record.get("reserved_project"),
                                  batch.records[i].get("note") or note]]
        records.append(record)
    geoms = batch.geoms[index]
    if options.layer == "parcels":
        ids = bulk.insert_parcels(session, records, geoms, actor=options.user, progress=advance)
        shapes: list[tuple[Any, ...]] = [(g,) for g in geoms]
    elif options.layer == "factories":
        ids = bulk.insert_factories(session, records, geoms, batch.locations[index], actor=options.user)
        shapes = list(zip(geoms, batch.locations[index], strict=True))
        advance(len(records))
    else:
        order = _parents_first(records)
        bulk.insert_areas(session, [records[k] for k in order], geoms[order])
        advance(len(records))
        return
    import_changes.write(session, import_changes.created(MODELS[options.layer], ids, records, shapes,
                                                         options.user))


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


def _update(session: Session, batch: Batch, index: list[int], options: ImportOptions,
            advance: Callable[[int], None]) -> None:
    now = utcnow()
    rows = []
    changed = {e["code"]: e for e in batch.events}
    refs = _reference_ids(session, [batch.records[i] for i in index])
    for i in index:
        record, existing = batch.records[i], batch.existing[batch.rows[i].code or ""]
        row = _columns(record, refs, options.layer)
        row["id"] = existing["id"]
        if options.layer != "areas":
            row.update(updated_by=options.user, updated_at=now, deleted_at=None)
            if record["code"] in changed:
                row.setdefault("status_since", dt.date.today())
                if record["status"] in ("available", "vacant"):
                    row["reserved_project_id"] = None
        else:
            row["updated_at"] = now
        rows.append((row, batch.geoms[i], batch.locations[i]))
    model = MODELS[options.layer]
    changes = [] if model is Area else import_changes.updated(session, model, rows, options.user)
    bulk.update_rows(session, model, rows, progress=advance)
    import_changes.write(session, changes)


def _reference_ids(session: Session, records: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for name, model in REFERENCES.items():
        named = {r[name] for r in records if r.get(name)}
        if named:
            ids.update({(name, c): i for c, i in _lookup(session, model, named).items()})
    return ids


SKIP = {"code", "note", "park", "town", "parent", "reserved_project", "parcel", "history"}


def _columns(record: dict[str, Any], refs: dict[tuple[str, str], int], layer: str) -> dict[str, Any]:
    """Database columns of an update: given fields, and ids for the codes it names."""
    row = {k: v for k, v in record.items() if k not in SKIP}
    for name in ("park", "town", "parent", "reserved_project", "parcel"):
        if record.get(name):
            row[f"{name}_id"] = refs[(name, record[name])]
    return row


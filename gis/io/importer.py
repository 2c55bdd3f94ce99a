"""Import survey files into the inventory: read, map columns, decide the CRS, clean, then hand
the rows to the write gateway (gis/gateway/batch.py), which checks them by the rules of every
write and writes them.

Every row gets a line in the report: accepted, repaired (what changed) or rejected (why), with
its row number in the source. Records are matched by code: existing ones are updated (only the
columns the file has, blank cells leave values as they are), new ones inserted, deleted ones
restored (administrators), none deleted unless `replace` is asked. A status that changes becomes
a status event by the importing user and must be a legal step of the workflow (gis/status.py).

The file is read and checked in a read transaction, so that a long read holds no lock; the rows
are then checked again and written in one write transaction on the records as they are by then
(locked), so that a change made in between is neither lost nor stepped over. Nothing is written
unless every row is acceptable.
"""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis import cadastre
from gis.access import Action, Principal, authorize, operator
from gis.area import ellipsoidal_area_m2
from gis.database import Database
from gis.errors import InvalidInput, LandstockError
from gis.gateway import batch as gateway
from gis.gateway import projects as project_gateway
from gis.gateway import receptors as receptor_gateway
from gis.gateway.batch import Batch
from gis.geometry import clean_polygons
from gis.io import columns, crs, keys, moves, readers, tables, values
from gis.io.limits import ImportLimits
from gis.io.report import ImportReport, RowReport
from gis.labels import Text, message
from gis.models import Area, Industry, LandUseClass, Project, Receptor, Unit
from gis.pipeline.stages import Stage
from gis.vocabulary import Layer

LAYERS = tuple(Layer)
CERT_TOLERANCE = 0.01
Progress = Callable[[str, int, int | None], None]
# Kinds of value read as they are, and kinds chosen from a vocabulary: (its words, its label
# group, the field it fills and whose synonyms a mapping file may add)
PLAIN = {
    "code": values.code,
    "text": values.text,
    "ref": values.code,
    "float": values.number,
    "int": values.integer,
    "bool": values.boolean,
    "date": values.date,
    "list": values.items,
    "plot_ratio": values.plot_ratio,
    "wkt": values.wkt,
    "district": values.district,
}
CHOSEN = {
    "stock_type": (values.STOCK_SYNONYMS, "stock_type", "stock_type"),
    "building_type": (values.BUILDING_SYNONYMS, "building_type", "building_type"),
    "area_kind": (values.AREA_KINDS, "area_kind", "kind"),
    "receptor_kind": (values.RECEPTOR_KINDS, "receptor_kind", "kind"),
}
# A project's choices: its stage, type and investor category, as codes or labels in either language
PROJECT_CHOSEN = {
    "stage": ({s.value: () for s in Stage}, "project_stage", "stage"),
    "project_type": ({t.value: () for t in project_gateway.ProjectType}, "project_type", "project_type"),
    "investor_category": (
        {c.value: () for c in project_gateway.InvestorCategory},
        "investor_category",
        "investor_category",
    ),
}


@dataclass(frozen=True)
class ImportOptions:
    """What to import and how, and who imports: their role and (park managers) their areas
    decide what the rows may change; an operator at the shell acts as an administrator."""

    layer: Layer
    crs: str | None = None
    mapping: columns.Mapping = field(default_factory=columns.Mapping)
    dry_run: bool = False
    replace: bool = False
    only_existing: bool = False  # update-only: skip (and list) rows whose code names no record
    accept_moves: bool = False  # write updates that move existing records past limits.max_shift_m
    source_layer: str | None = None
    who: Principal = field(default_factory=lambda: operator("import"))
    limits: ImportLimits = field(default_factory=ImportLimits)


@dataclass
class Prepared:
    """A file read and converted, ready to be checked (again) and written."""

    options: ImportOptions
    report: ImportReport
    batch: Batch
    file_problems: list[Text]
    cadastral: bool = False  # the key column holds cadastral codes (gis/io/keys.py)


def import_file(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    before_commit: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Check the file at `path` and, unless refused or a dry run, write it; return the report.

    `before_commit` sees the final report inside the last transaction: an answer built from it
    that fails undoes the import."""
    if options.layer not in LAYERS:
        raise InvalidInput("import.bad_layer", layer=options.layer, layers=", ".join(LAYERS))
    if options.replace and options.only_existing:
        raise InvalidInput("import.replace_only_existing")
    tick = progress or (lambda *_: None)
    if options.layer == Layer.PROJECTS:
        return _import_projects(db, path, options, name=name, tick=tick, before_commit=before_commit)
    if options.layer == Layer.RECEPTORS:
        return _import_receptors(db, path, options, name=name, tick=tick, before_commit=before_commit)
    with _collector_paused():
        with db.read() as session:
            prepared = prepare(session, path, options, name=name, tick=tick)
            check(session, prepared, lock=False)
            if options.dry_run or not prepared.report.acceptable:
                if before_commit:
                    before_commit(prepared.report)
                return prepared.report
        with db.write() as session:
            check(session, prepared, lock=True)
            if prepared.report.acceptable:
                write(session, prepared, tick)
            if before_commit:
                before_commit(prepared.report)
        return prepared.report


class _Collector:
    """How many imports run with Python's cycle collector paused, and whether it ran before."""

    lock = threading.Lock()
    imports = 0
    was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an import runs (the last one to end resumes it).

    An import of 10^5 parcels holds millions of objects (rows, records, reports, history) and
    makes millions more; the collector then ran some 9,000 times and each older-generation pass
    walked all of them: 4-5 s of CPU in a 25 s import, for no cycle worth freeing (reference
    counting frees the rest as before). The process-wide switch is shared by imports in other
    threads, hence the count."""
    with _Collector.lock:
        if _Collector.imports == 0:
            _Collector.was_enabled = gc.isenabled()
            gc.disable()
        _Collector.imports += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.imports -= 1
            if _Collector.imports == 0 and _Collector.was_enabled:
                gc.enable()


def prepare(
    session: Session, path: Path, options: ImportOptions, *, name: str | None = None, tick: Progress
) -> Prepared:
    """Read the file: rows, converted attributes, geometries in EPSG:4490, and where they lie."""
    report = ImportReport(options.layer, name or path.name, dry_run=options.dry_run)
    tick("read", 0, None)
    with readers.opened(path, options.limits, layer=options.source_layer) as source:
        report.format, report.source_layer = source.format, source.layer
        report.notes.extend(source.notes)
        batch, plan = _prepare(session, source, options, report)
    report.rows = batch.rows
    tick("check", len(batch.rows), len(batch.rows))
    _keys(batch.rows, report)
    if options.layer == Layer.PARCELS:
        _compare_areas(batch)
    batch.read_problems = [list(row.rejection) for row in batch.rows]
    gateway.propose(session, batch, options.who)
    key_column = plan.fields.get("code")
    cadastral = key_column is not None and keys.is_cadastral(columns.key(key_column[0]), options.mapping.key)
    return Prepared(options, report, batch, list(report.problems), cadastral)


def check(session: Session, prepared: Prepared, *, lock: bool) -> None:
    """Judge every row by the rules of every write, against the records as they are now."""
    prepared.report.problems = list(prepared.file_problems)
    gateway.check(
        session,
        prepared.batch,
        prepared.options.who,
        prepared.report,
        lock=lock,
        replace=prepared.options.replace,
        only_existing=prepared.options.only_existing,
    )
    _moves(session, prepared)
    _cadastral_towns(session, prepared)


def _cadastral_towns(session: Session, prepared: Prepared) -> None:
    """Warn where a cadastral key's 地籍区 differs from the 地籍区 code of the town the row lies in
    (by its geometry; a row without one by where its record is stored). The row is still written."""
    batch = prepared.batch
    for row in batch.rows:
        row.messages = [m for m in row.messages if m.key != "import.cadastral_town"]
    if not prepared.cadastral or batch.layer == Layer.AREAS:
        return
    towns = {
        town_id: (code, name, district)
        for town_id, code, name, district in session.execute(
            select(Area.id, Area.code, Area.name, Area.cadastral_code).where(
                Area.kind == "town", Area.cadastral_code.is_not(None)
            )
        )
    }
    for i, (row, change) in enumerate(zip(batch.rows, batch.changes, strict=True)):
        if change is None or row.rejection or i in batch.skipped or not row.code:
            continue
        town_id = change.place[1] if change.place is not None else getattr(change.stored, "town_id", None)
        if town_id not in towns:
            continue
        code, name, district = towns[town_id]
        found = cadastre.parse(row.code).district
        if found != district:
            row.messages.append(
                Text(
                    "import.cadastral_town",
                    {"district": found, "town": f"{name}（{code}）", "expected": district},
                )
            )


def _moves(session: Session, prepared: Prepared) -> None:
    """Refuse an import that moves the records it updates alike by more than the limit (a false
    CRS), unless the importer accepts the moves; say the shift either way."""
    found = moves.shift(session, prepared.batch)
    if found is None or found.metres <= prepared.options.limits.max_shift_m:
        return
    if prepared.options.accept_moves:
        prepared.report.notes = [n for n in prepared.report.notes if n.key != "import.moves_accepted"]
        prepared.report.notes.append(found.text("import.moves_accepted"))
    else:
        prepared.report.problems.append(found.text("import.moves_refused"))


def write(session: Session, prepared: Prepared, tick: Progress) -> None:
    """Write a checked import in the caller's write transaction."""
    note = message("import.event_note", "zh", source=prepared.report.source)
    try:
        gateway.write(session, prepared.batch, prepared.options.who, note, tick)
    except IntegrityError as exc:  # a database rule the checks missed: the caller rolls back
        raise InvalidInput("import.write_failed", reason=str(exc.orig).splitlines()[0][:200]) from None
    prepared.report.written = True


def _prepare(
    session: Session, source: readers.Source, options: ImportOptions, report: ImportReport
) -> tuple[Batch, columns.Plan]:
    """Rows, converted attributes and geometries in EPSG:4490, with per-row outcomes; the plan of
    the file's columns."""
    frame = source.frame
    plan = columns.plan(list(frame.columns), options.layer, options.mapping, is_table=source.geoms is None)
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
    batch = Batch(options.layer, rows, records, geoms, np.full(len(rows), None, dtype=object))
    _geometry(batch, source, options, report)
    return batch, plan


def _geometry(batch: Batch, source: readers.Source, options: ImportOptions, report: ImportReport) -> None:
    """Decide the CRS, reproject, then clean polygons (factories: check points) row by row."""
    given = options.crs or options.mapping.crs
    left_out = _left_out(batch)  # rows at (0, 0) refused and taken out first, so the extent is true
    choice = crs.choose(
        batch.geoms,
        declared=source.crs,
        given=crs.parse_crs(given) if given else None,
        region=options.limits.region,
        left_out=left_out,
    )
    report.crs = choice.name
    report.notes.append(choice.note)
    polygons = _moved(batch.geoms, choice.crs, batch.rows)
    if options.layer == Layer.RECEPTORS:
        batch.geoms = _receptor_shapes(polygons, batch, options)
        return
    if options.layer == Layer.FACTORIES:
        points = _is_point(polygons)
        batch.locations[points] = _check_points(polygons[points], batch, np.flatnonzero(points), options)
        footprints = _moved(
            np.array([r.pop("footprint", None) for r in batch.records], dtype=object), choice.crs
        )
        polygons = np.where(points, footprints, polygons)
    batch.geoms = _clean(polygons, batch, options)
    if options.layer == Layer.FACTORIES:
        derive = np.array(
            [g is not None and loc is None for g, loc in zip(batch.geoms, batch.locations, strict=True)],
            dtype=bool,
        )
        batch.locations[derive] = shapely.point_on_surface(batch.geoms[derive])


def _receptor_shapes(geoms: np.ndarray, batch: Batch, options: ImportOptions) -> np.ndarray:
    """A receptor's point checked as a factory's location is, its outline cleaned as a parcel's."""
    points = _is_point(geoms)
    checked = geoms.copy()
    checked[points] = _check_points(geoms[points], batch, np.flatnonzero(points), options)
    polygons = geoms.copy()
    polygons[points] = None
    outlines = _clean(polygons, batch, options)
    out: np.ndarray = np.where(points, checked, outlines)
    return out


def _left_out(batch: Batch) -> Text | str:
    """Rows at (0, 0) ("null island": a blank coordinate written as 0) are refused with their own
    reason and left out of the file's extent; with the rows without a location, they are named in
    a refusal of the file's CRS."""
    present = np.array([g is not None for g in batch.geoms], dtype=bool)
    island = np.zeros(len(batch.geoms), dtype=bool)
    if present.any():
        with np.errstate(invalid="ignore"):
            bounds = shapely.bounds(batch.geoms[present])
        island[present] = np.all(np.abs(np.nan_to_num(bounds, nan=1.0)) < 1e-9, axis=1)
    for i in np.flatnonzero(island).tolist():
        batch.rows[i].rejection.append(Text("import.null_island"))
        batch.geoms[i] = None
    empty = int((~present).sum()) if present.any() else 0
    rows = _rows_text([batch.rows[i].row for i in np.flatnonzero(island).tolist()])
    if not island.any() and not empty:
        return ""
    which = "both" if island.any() and empty else "island" if island.any() else "empty"
    return Text(f"crs.left_out.{which}", {"island": int(island.sum()), "rows": rows, "empty": empty})


def _is_point(geoms: np.ndarray) -> np.ndarray:
    present = np.array([g is not None for g in geoms], dtype=bool)
    filled = np.where(present, geoms, np.array(shapely.LineString(), dtype=object))
    points: np.ndarray = present & (shapely.get_type_id(filled) == 0)
    return points


def _moved(geoms: np.ndarray, source_crs: Any, rows: list[RowReport] | None = None) -> np.ndarray:
    """To EPSG:4490 in two dimensions; rows whose Z or M values were dropped are told so."""
    out = geoms.copy()
    present = np.array([g is not None for g in geoms], dtype=bool)
    if not present.any():
        return out
    dimensional = shapely.has_z(geoms[present]) | shapely.has_m(geoms[present])
    flat = shapely.force_2d(geoms[present])
    out[present] = crs.to_cgcs2000(flat, source_crs)
    if rows is not None:
        for i in np.flatnonzero(present)[dimensional].tolist():
            rows[i].repairs.append(Text("repair.dropped_z"))
    return out


def _clean(polygons: np.ndarray, batch: Batch, options: ImportOptions) -> np.ndarray:
    """Cleaned MultiPolygons (None where missing or rejected), outcomes into the rows."""
    present = np.array([g is not None for g in polygons], dtype=bool)
    result = clean_polygons(
        polygons[present], region=options.limits.region, max_vertices=options.limits.max_vertices
    )
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
            batch.rows[i].rejection.append(
                Text(
                    "geometry.outside_region",
                    {
                        "bounds": f"({coords[j, 0]:.6g}, {coords[j, 1]:.6g})",
                        "region": str(options.limits.region),
                    },
                )
            )
            out[j] = None
    return out


def _converters(session: Session, options: ImportOptions) -> dict[str, Callable[[Any], Any]]:
    """One converter per kind of value, with the mapping file's synonyms added."""
    extra = options.mapping.values
    if options.layer == Layer.PROJECTS:
        return _project_converters(session, extra)
    land_use_rows = [
        (code, name, legacy)
        for code, name, legacy in session.execute(
            select(LandUseClass.code, LandUseClass.name, LandUseClass.legacy_codes)
        )
    ]
    group = "parcel_status" if options.layer == Layer.PARCELS else "factory_status"
    chosen = {**CHOSEN, "status": (values.STATUS_SYNONYMS.get(options.layer, {}), group, "status")}
    return {
        **PLAIN,
        "land_use": values.chooser(
            values.land_use_index(land_use_rows, extra.get("land_use")), Text("field.land_use")
        ),
        **{
            kind: values.chooser(values.label_index(words, [labels], extra.get(name)), Text(f"field.{name}"))
            for kind, (words, labels, name) in chosen.items()
        },
    }


def _attributes(
    session: Session, frame: pd.DataFrame, plan: columns.Plan, options: ImportOptions, rows: list[RowReport]
) -> list[dict[str, Any]]:
    """Per row the fields the file gives (blank cells left out), converted, with unit notes."""
    kinds = columns.FIELDS[options.layer]
    convert = _converters(session, options)
    records: list[dict[str, Any]] = [{} for _ in rows]
    for name, (column, unit) in plan.fields.items():
        kind = kinds[name]
        rekey = _key_converter(column, options) if name == "code" else None
        synonyms = (
            {columns.key(k): v for k, v in options.mapping.values.get(name, {}).items()}
            if kind in ("text", "float", "int", "bool", "date", "code", "ref")
            else {}
        )

        def one(
            cell: Any,
            kind: str = kind,
            unit: str | None = unit,
            synonyms: dict[str, Any] = synonyms,
            rekey: Callable[[str], str] | None = rekey,
        ) -> Any:
            cell = synonyms.get(columns.key(cell), cell) if synonyms else cell
            try:
                if rekey is not None:
                    return rekey(values.code(cell))
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


def _key_converter(column: str, options: ImportOptions) -> Callable[[str], str] | None:
    """The mapping's transforms of the key and, when the key is cadastral, the check of each
    code's structure and county; None when neither applies."""
    rule = options.mapping.key
    cadastral = keys.is_cadastral(columns.key(column), rule)
    if not rule.transforms and not cadastral:
        return None

    def convert(code: str) -> str:
        try:
            code = values.code(rule.apply(code)) if rule.transforms else code
            if cadastral:
                keys.check_cadastral(code, options.limits.county_code)
        except (keys.KeyMismatch, cadastre.Malformed) as exc:
            raise values.CellError(exc.text) from None
        return code

    return convert


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


# A range read from one cell (容积率 1.2-2.5, 用地需求 50-80 亩): the columns of its two ends
RANGES = {"plot_ratio": ("plot_ratio_min", "plot_ratio_max"), "land_mu": ("land_min_mu", "land_max_mu")}


def _store(record: dict[str, Any], name: str, value: Any, row: RowReport, column: str) -> None:
    """Put a converted value under its database column(s)."""
    if name in RANGES:
        for column_name, bound in zip(RANGES[name], value, strict=True):
            record.setdefault(column_name, bound)
    elif name in ("area", "cert_area"):
        if value is None:
            row.repairs.append(Text("import.zero_area", {"column": column}))
        else:
            record["cert_area_m2"] = value
    else:
        record[name] = value
    if name == "code":
        row.code = value


def _keys(rows: list[RowReport], report: ImportReport) -> None:
    """Refuse missing and duplicated codes, and say when every row has the same one."""
    codes = [r.code for r in rows]
    missing = [r for r in rows if not r.code and not r.rejection]
    for row in missing:
        row.rejection.append(Text("import.code_missing"))
    seen: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.code:
            seen[row.code].append(row.row)
    duplicated = {c: n for c, n in seen.items() if len(n) > 1}
    for row in rows:
        if row.code in duplicated:
            listed = _rows_text(duplicated[row.code])
            row.rejection.append(Text("import.code_duplicate", {"code": row.code, "rows": listed}))
    if missing:
        report.problems.append(Text("import.codes_missing", {"count": len(missing)}))
    if len(codes) > 1 and len(duplicated) == 1 and len(next(iter(duplicated.values()))) == len(codes):
        report.problems.append(
            Text("import.codes_all_same", {"code": next(iter(duplicated)), "count": len(codes)})
        )
    elif duplicated:
        report.problems.append(Text("import.codes_duplicated", {"count": len(duplicated)}))


def _rows_text(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")


def _compare_areas(batch: Batch) -> None:
    """Say where the stated area and the area of the geometry differ by more than 1 %."""
    rows = [i for i, r in enumerate(batch.records) if r.get("cert_area_m2") and batch.geoms[i] is not None]
    if not rows:
        return
    measured = ellipsoidal_area_m2(np.array([batch.geoms[i] for i in rows], dtype=object))
    for i, area in zip(rows, measured, strict=True):
        stated = batch.records[i]["cert_area_m2"]
        if abs(stated - area) / area > CERT_TOLERANCE:
            batch.rows[i].messages.append(
                Text(
                    "import.area_differs",
                    {
                        "stated": f"{stated:,.1f}",
                        "measured": f"{area:,.1f}",
                        "share": f"{(stated - area) / area:+.1%}",
                    },
                )
            )


# Investment projects (招商项目): a table read, mapped and converted as above, then every row
# handed to the projects' gateway (gis/gateway/projects.py), which checks it by the rules of the
# API and writes it with its history. All rows are written in one transaction, undone as a whole
# when a row is refused or for a dry run: a dry run goes the very same way as the import.


class _Undo(Exception):
    """Roll back an import of projects that is refused or only tried."""


def _project_converters(
    session: Session, extra: dict[str, dict[str, Any]]
) -> dict[str, Callable[[Any], Any]]:
    """Stages, types and categories by code or label; industries and units by code or exact name
    (an unknown code is left for the gateway to refuse, saying which); platforms by code or name."""
    industries = {columns.key(n): c for c, n in session.execute(select(Industry.code, Industry.name))}
    units = {columns.key(n): c for c, n in session.execute(select(Unit.code, Unit.name))}
    areas = {columns.key(n): c for c, n in session.execute(select(Area.code, Area.name))}

    def named(index: dict[str, str]) -> Callable[[Any], str]:
        return lambda cell: index.get(columns.key(values.text(cell)), values.code(cell))

    return {
        **PLAIN,
        "span": values.span,
        "industry": named(values.with_synonyms(industries, extra.get("industry_code"))),
        "unit": named(units),
        "ref": named(areas),
        **{
            kind: values.chooser(values.label_index(words, [labels], extra.get(name)), Text(f"field.{name}"))
            for kind, (words, labels, name) in PROJECT_CHOSEN.items()
        },
    }


def _project_values(record: dict[str, Any]) -> dict[str, Any]:
    """A row's fields as the gateway takes them: a phone number joins the contact."""
    out = dict(record)
    phone = out.pop("contact_phone", None)
    if phone:
        out["contact"] = " ".join(filter(None, [out.get("contact"), phone]))
    return out


def _import_projects(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    name: str | None,
    tick: Progress,
    before_commit: Callable[[ImportReport], None] | None,
) -> ImportReport:
    """Read a table of projects and put each row through the gateway; see the note above."""
    authorize(options.who, Action.EDIT_PROJECT)
    if options.replace:
        raise InvalidInput("import.projects_replace")
    report = ImportReport(options.layer, name or path.name, dry_run=options.dry_run)
    tick("read", 0, None)
    with readers.opened(path, options.limits, layer=options.source_layer) as source, db.read() as session:
        report.format, report.source_layer = source.format, source.layer
        report.notes.extend(source.notes)
        plan = columns.plan(list(source.frame.columns), options.layer, options.mapping, is_table=False)
        report.notes.extend(plan.notes)
        report.rows = [RowReport(source.first_row + i, None) for i in range(len(source.frame))]
        records = _attributes(session, source.frame, plan, options, report.rows)
    _keys(report.rows, report)
    tick("check", len(report.rows), len(report.rows))
    try:
        with db.write() as session:
            _put_projects(session, report, records, options)
            report.written = not options.dry_run and report.acceptable
            if report.written:
                tick("write", len(report.rows), len(report.rows))
            if before_commit:
                before_commit(report)
            if not report.written:
                raise _Undo
    except _Undo:
        pass
    return report


def _put_projects(
    session: Session, report: ImportReport, records: list[dict[str, Any]], options: ImportOptions
) -> None:
    """Each acceptable row through the gateway, in file order; a refusal is the row's reason."""
    existing = set(session.scalars(select(Project.code))) if options.only_existing else set()
    for row, record in zip(report.rows, records, strict=True):
        if row.rejection or not row.code:
            continue
        if options.only_existing and row.code not in existing:
            row.action = "skipped"
            report.skipped.append(row.code)
            continue
        try:
            row.action, found = project_gateway.put(session, _project_values(record), who=options.who)
        except LandstockError as error:
            row.rejection.append(Text(error.key, error.params))
            continue
        for other in found:
            row.messages.append(
                Text("import.possible_duplicate", {"code": other["code"], "name": other["name"]})
            )


def _import_receptors(
    db: Database,
    path: Path,
    options: ImportOptions,
    *,
    name: str | None,
    tick: Progress,
    before_commit: Callable[[ImportReport], None] | None,
) -> ImportReport:
    """Read a file of sensitive receptors and write it through gis/gateway/receptors.py
    (administrators): every row checked first, nothing written unless all are acceptable."""
    authorize(options.who, Action.EDIT_RECEPTORS)
    report = ImportReport(options.layer, name or path.name, dry_run=options.dry_run)
    tick("read", 0, None)
    with readers.opened(path, options.limits, layer=options.source_layer) as source, db.read() as session:
        report.format, report.source_layer = source.format, source.layer
        report.notes.extend(source.notes)
        batch, _plan = _prepare(session, source, options, report)
    report.rows = batch.rows
    _keys(report.rows, report)
    for row, record, geom in zip(batch.rows, batch.records, batch.geoms, strict=True):
        if not row.rejection:
            row.rejection.extend(receptor_gateway.problems(record, geom))
    tick("check", len(report.rows), len(report.rows))
    if options.dry_run or not report.acceptable:
        if before_commit:
            before_commit(report)
        return report
    with db.write() as session:
        stored = set(session.scalars(select(Receptor.code)))
        written = receptor_gateway.put(
            session, batch.records, batch.geoms, options.who, replace=options.replace
        )
        for row in batch.rows:
            row.action = "update" if row.code in stored else "insert"
        report.deleted = written.deleted
        report.written = True
        tick("write", len(report.rows), len(report.rows))
        if before_commit:
            before_commit(report)
    return report

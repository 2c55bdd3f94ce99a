"""Export the inventory with the list filters, and the parks and towns: GeoJSON, GeoPackage,
Shapefile (zip), CSV, XLSX.

Geometries are read from the database as WKB, so nothing is rounded on the way out: GeoPackage
and Shapefile keep every digit (EPSG:4490); GeoJSON follows RFC 7946 with 9 decimals (about
0.1 mm, so that a round trip changes no small parcel's area by more than 0.01 %); CSV and XLSX
carry WKT with 9 decimals. The Shapefile zip has `.prj` and `.cpg` (UTF-8) and renames fields to
10 characters by `SHAPEFILE_NAMES` (gis/io/columns.py, documented in docs/import-export.md,
recognised on import); the XLSX 台账 has Chinese headers with units, area in m² and 亩 (shown to
2 decimals, stored whole), one sheet per layer and a summary sheet. Every format imports back to
the same records. Factories are exported at their location (a point), with the footprint as WKT
beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from gis import inventory, projects
from gis.area import M2_PER_MU
from gis.crs import CGCS2000
from gis.errors import InvalidInput
from gis.gateway.projects import INVESTMENT_FIGURES, NEED_FIGURES, PROJECT_IDENTITY
from gis.inventory import FactoryQuery, ParcelQuery
from gis.io import cells
from gis.io.columns import SHAPEFILE_NAMES
from gis.labels import label, message
from gis.localtime import stamp
from gis.models import FACTORY_BUILDING, PARCEL_TERMS, Area, Factory, Parcel
from gis.vocabulary import Layer

FORMATS = ("geojson", "gpkg", "shp", "csv", "xlsx")
SUFFIXES = {"geojson": ".geojson", "gpkg": ".gpkg", "shp": ".zip", "csv": ".csv", "xlsx": ".xlsx"}
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EVERYTHING = 1_000_000_000
DECIMALS = 9  # of a degree in GeoJSON and WKT: about 0.1 mm

PARCEL_COLUMNS = (
    "code",
    "name",
    "land_use",
    "land_use_name",
    "stock_type",
    "ownership",
    *PARCEL_TERMS,
    "status",
    "status_since",
    "reserved_project_code",
    "idle_since",
    "park_code",
    "park_name",
    "town_code",
    "town_name",
    "area_m2",
    "area_mu",
    "cert_area_m2",
    "cert_area_mu",
    "contact",
    "contact_phone",
    "remarks",
    "updated_at",
    "updated_by",
    "version",
)
FACTORY_COLUMNS = (
    "code",
    "name",
    *FACTORY_BUILDING,
    "status",
    "status_since",
    "reserved_project_code",
    "suitable_industries",
    "parcel_code",
    "park_code",
    "park_name",
    "town_code",
    "town_name",
    "contact",
    "contact_phone",
    "remarks",
    "footprint_wkt",
    "updated_at",
    "updated_by",
    "version",
)
AREA_COLUMNS = (
    "code",
    "name",
    "kind",
    "parent_code",
    "leading_industries",
    "is_priority",
    "cadastral_code",
    "area_m2",
    "area_mu",
    "remarks",
    "updated_at",
    "version",
)

# Every fact of a project a file may set (gis/io/columns.py FIELDS["projects"]), the industry's
# name beside its code, then the bookkeeping the importer leaves alone
PROJECT_COLUMNS = (
    "code",
    *PROJECT_IDENTITY,
    "industry_name",
    *INVESTMENT_FIGURES,
    *NEED_FIGURES,
    "nuisance_class",
    "needs_waterfront",
    "preferred_areas",
    "agreed_start_on",
    "source_unit",
    "platform",
    "leader",
    "officer",
    "stage",
    "stage_since",
    "signed_on",
    "started_on",
    "contact",
    "remarks",
    "updated_at",
    "updated_by",
    "version",
)
PROJECT_FORMATS = ("csv", "xlsx")
Progress = Callable[[int], None]


def parcels_frame(
    session: Session, query: ParcelQuery, reservations_in: frozenset[int] | None = None
) -> gpd.GeoDataFrame:
    """Every parcel matching `query` (paging ignored), as a GeoDataFrame in EPSG:4490; the
    projects of reservations outside the areas `reservations_in` (when given) left blank."""
    _, statement = inventory.parcel_page_statement(
        session, dataclasses.replace(query, limit=EVERYTHING, offset=0)
    )
    statement = statement.add_columns(func.ST_AsBinary(Parcel.geom).label("wkb"))
    # Core rows straight into columns: the ORM's row handling and a dict per row took about a
    # quarter of a 100,000-parcel export
    result = session.connection().execute(statement)
    table = pd.DataFrame(result.all(), columns=list(result.keys()))
    table["area_mu"] = table["area_m2"] / M2_PER_MU
    certified = table["cert_area_m2"]
    table["cert_area_mu"] = certified.where(certified != 0) / M2_PER_MU
    if reservations_in is not None:
        inside = table["park_id"].isin(list(reservations_in)) | table["town_id"].isin(list(reservations_in))
        table["reserved_project_code"] = table["reserved_project_code"].where(inside, None)
    return _geoframe(table[list(PARCEL_COLUMNS)], table["wkb"])


def factories_frame(
    session: Session, query: FactoryQuery, reservations_in: frozenset[int] | None = None
) -> gpd.GeoDataFrame:
    """Every factory matching `query`, at its location, footprint as WKT (reservations as for
    `parcels_frame`), in code order."""
    statement = (
        inventory.factory_select(session.get_bind().dialect.name)
        .add_columns(func.ST_AsBinary(Factory.footprint).label("footprint_wkb"))
        .where(*inventory.factory_conditions(session, query))
        .order_by(Factory.code)
    )
    rows: list[dict[str, Any]] = [dict(r) for r in session.execute(statement).mappings()]
    footprints = _from_wkb([r["footprint_wkb"] for r in rows])
    for row, footprint in zip(rows, footprints, strict=True):
        if reservations_in is not None and not {row["park_id"], row["town_id"]} & reservations_in:
            row["reserved_project_code"] = None
        row["footprint_wkt"] = None if footprint is None else _wkt_of(np.array([footprint]))[0]
        row["suitable_industries"] = ";".join(row.get("suitable_industries") or [])
    points = shapely.points([(r["lon"], r["lat"]) for r in rows]) if rows else np.array([], dtype=object)
    frame = pd.DataFrame.from_records(rows, columns=list(FACTORY_COLUMNS))
    return _geoframe(frame, geometry=points)


def areas_frame(session: Session) -> gpd.GeoDataFrame:
    """Every park, zone and town with its outline, in code order."""
    rows: list[dict[str, Any]] = [dict(r) for r in inventory.list_areas(session)]
    for row in rows:
        row["area_mu"] = row["area_m2"] / M2_PER_MU
        row["leading_industries"] = ";".join(row["leading_industries"] or [])
        row["kind"] = str(row["kind"])
    binary = {code: wkb for code, wkb in session.execute(select(Area.code, func.ST_AsBinary(Area.geom)))}
    districts = dict(session.execute(select(Area.code, Area.cadastral_code)).all())
    for row in rows:
        row["cadastral_code"] = districts[row["code"]]
    frame = pd.DataFrame.from_records(rows, columns=list(AREA_COLUMNS))
    return _geoframe(frame, pd.Series([binary[r["code"]] for r in rows], dtype=object))


def _from_wkb(binary: list[Any]) -> np.ndarray:
    """Shapes from WKB as the database gave it (None stays None)."""
    if not binary:
        return np.array([], dtype=object)
    return shapely.from_wkb([None if b is None else bytes(b) for b in binary])


def _geoframe(
    frame: pd.DataFrame, wkb: pd.Series | None = None, *, geometry: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    """`frame` with its shapes (from WKB, or given) in EPSG:4490, times as text."""
    shapes = geometry if geometry is not None else _from_wkb(list(wkb if wkb is not None else []))
    frame = frame.reset_index(drop=True)
    frame["updated_at"] = frame["updated_at"].map(lambda t: stamp(pd.Timestamp(t).to_pydatetime()))
    return gpd.GeoDataFrame(frame, geometry=shapes, crs=CGCS2000)


def frame_for(
    session: Session,
    layer: Layer,
    parcel_query: ParcelQuery | None = None,
    factory_query: FactoryQuery | None = None,
    reservations_in: frozenset[int] | None = None,
) -> gpd.GeoDataFrame:
    """The records of `layer` matching the list filters (areas: every one; the list filters are
    the parcels' and factories')."""
    if layer == Layer.PARCELS:
        return parcels_frame(session, parcel_query or ParcelQuery(), reservations_in)
    if layer == Layer.FACTORIES:
        return factories_frame(session, factory_query or FactoryQuery(), reservations_in)
    return areas_frame(session)


def write(
    session: Session,
    layer: Layer,
    fmt: str,
    target: Path,
    *,
    lang: str = "zh",
    parcel_query: ParcelQuery | None = None,
    factory_query: FactoryQuery | None = None,
    reservations_in: frozenset[int] | None = None,
    projects_visible: ColumnElement[bool] | None = None,
) -> int:
    """Write the matching records of `layer` to `target` in `fmt`; return how many. With
    `reservations_in` (gis.access.reservation_areas), reservations outside those areas carry no
    project; projects are the `projects_visible` ones (gis.access.readable_projects) when given."""
    if layer == Layer.PROJECTS:
        return write_projects(session, fmt, target, lang=lang, visible=projects_visible)
    if layer == Layer.RECEPTORS:
        raise InvalidInput("export.receptors")
    if fmt not in FORMATS:
        raise InvalidInput("export.unknown_format", format=fmt, formats=", ".join(FORMATS))
    frame = frame_for(session, layer, parcel_query, factory_query, reservations_in)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    if fmt == "geojson":
        pyogrio.write_dataframe(
            _for_ogr(frame),
            target,
            driver="GeoJSON",
            layer=str(layer),  # the driver takes a plain str, not a StrEnum
            use_arrow=True,
            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(DECIMALS), "WRITE_NAME": "NO"},
        )
    elif fmt == "gpkg":
        pyogrio.write_dataframe(
            _for_ogr(frame),
            target,
            driver="GPKG",
            layer=str(layer),
            use_arrow=True,
            geometry_type=_geometry_type(layer),
        )
    elif fmt == "shp":
        _write_shapefile(frame, layer, target)
    elif fmt == "csv":
        _write_csv(frame, target)
    else:
        _write_xlsx(frame, layer, target, lang)
    return len(frame)


DATE_COLUMNS = ("status_since", "idle_since")


def _for_ogr(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame as pyogrio's Arrow path (a third of the time of its row-by-row one) should get
    it: dates as ISO text, as the row-by-row path wrote them, where Arrow would make date fields."""
    return frame.assign(
        **{
            name: frame[name].map(dt.date.isoformat, na_action="ignore")
            for name in DATE_COLUMNS
            if name in frame
        }
    )


def _geometry_type(layer: Layer) -> str:
    return "Point" if layer == Layer.FACTORIES else "MultiPolygon"


def _write_shapefile(frame: gpd.GeoDataFrame, layer: Layer, target: Path) -> None:
    """A zip of one Shapefile (.shp .shx .dbf .prj .cpg) with fields renamed to 10 characters."""
    renamed = _for_ogr(frame).rename(columns=SHAPEFILE_NAMES[layer])
    with tempfile.TemporaryDirectory(prefix="landstock-export-") as tmp:
        shp = Path(tmp) / f"{layer}.shp"
        pyogrio.write_dataframe(
            renamed,
            shp,
            driver="ESRI Shapefile",
            encoding="UTF-8",
            use_arrow=True,
            geometry_type=_geometry_type(layer),
        )
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                archive.write(part, part.name)


def _write_csv(frame: gpd.GeoDataFrame, target: Path) -> None:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese), geometry as a `wkt` column;
    text that a spreadsheet would take for a formula is quoted (gis/io/cells.py). Lines end in CRLF
    (RFC 4180), so that a field holding a lone CR is quoted rather than breaking its row."""
    table = cells.escape_frame(pd.DataFrame(frame.drop(columns="geometry")))
    table["wkt"] = _wkt(frame)
    table.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _wkt(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The geometries as WKT to 9 decimals (well under a millimetre in degrees)."""
    return _wkt_of(np.asarray(frame.geometry.array))


def _wkt_of(shapes: np.ndarray) -> np.ndarray:
    return shapely.to_wkt(shapes, rounding_precision=DECIMALS, trim=True)


def header_of(column: str, lang: str) -> str:
    """A column's header in `lang`, as the importer recognises it."""
    if column in ("reserved_project_code",):
        return message("field.reserved_for", lang)
    if column in ("park_code", "town_code", "parcel_code", "parent_code"):
        return message(f"field.{column.removesuffix('_code')}", lang)
    if column in ("park_name", "town_name", "industry_name"):
        if column == "industry_name":
            return message("field.industry_code", lang) + message("field.name", lang)
        return message(f"field.{column.removesuffix('_name')}", lang) + message("field.name", lang)
    if column == "footprint_wkt":
        return message("export.footprint_wkt", lang)
    if column.startswith("ready_") or column == "net_land":
        return message(f"ready.{column.removeprefix('ready_')}", lang)
    return message(f"field.{column}", lang)


SHEETS = {
    "parcels": "kind.parcel",
    "factories": "kind.factory",
    "areas": "export.sheet.areas",
    "projects": "kind.project",
    "receptors": "export.sheet.receptors",
}
LABELLED = {
    "stock_type": "stock_type",
    "building_type": "building_type",
    "kind": "area_kind",
    "stage": "project_stage",
    "project_type": "project_type",
    "investor_category": "investor_category",
}


def cell_of(column: str, value: Any, layer: Layer, lang: str) -> Any:
    """A value as the 台账 shows it: statuses and types as labels, yes/no as words."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if column == "status":
        return label("parcel_status" if layer == Layer.PARCELS else "factory_status", value, lang)
    if column in LABELLED:
        return label(LABELLED[column], value, lang)
    if isinstance(value, bool | np.bool_):
        return message("export.yes" if value else "export.no", lang)
    return value


def _measured(column: str) -> bool:
    """An area or a size: stored whole, shown to 2 decimals."""
    return column.endswith(("_m2", "_mu"))


def _sheet_rows(frame: gpd.GeoDataFrame, layer: Layer, lang: str) -> list[list[Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    wkt = _wkt(frame)
    header = [header_of(c, lang) for c in columns]
    if layer != Layer.FACTORIES:
        header.append(message("export.geometry_wkt", lang))
    else:
        header += [message("export.lon", lang), message("export.lat", lang)]
    rows = [header]
    records = frame[columns].to_dict("records")
    for k, record in enumerate(records):
        row = [cell_of(c, record[c], layer, lang) for c in columns]
        if layer != Layer.FACTORIES:
            fits = len(wkt[k]) <= cells.XLSX_MAX_CHARS
            row.append(wkt[k] if fits else message("export.wkt_too_long", lang))
        else:
            point = frame.geometry.array[k]
            row += [round(point.x, DECIMALS), round(point.y, DECIMALS)]
        rows.append(row)
    return rows


def _write_xlsx(frame: gpd.GeoDataFrame, layer: Layer, target: Path, lang: str) -> None:
    """The 台账: the layer's sheet, then the summary by park and status; every text cell plain
    text (gis/io/cells.py)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(message(SHEETS[layer], lang))
    measured = [k for k, c in enumerate(c for c in frame.columns if c != "geometry") if _measured(c)]
    for row in _sheet_rows(frame, layer, lang):
        for k in measured:
            if isinstance(row[k], float):
                row[k] = WriteOnlyCell(sheet, row[k])
                row[k].number_format = "0.00"
        sheet.append(cells.row(row))
    summary = workbook.create_sheet(message("export.sheet.summary", lang))
    for row in _summary_rows(frame, layer, lang):
        summary.append(cells.row(row))
    workbook.save(target)


def _summary_rows(frame: gpd.GeoDataFrame, layer: Layer, lang: str) -> list[list[Any]]:
    """Count and size by park and status (亩 for parcels, vacant m² for factories), or, for the
    areas, by kind (亩)."""
    if layer == Layer.AREAS:
        first, second = frame["kind"].map(lambda k: label("area_kind", k, lang)), pd.Series("", frame.index)
        headers, measure = ["field.kind", ""], "area_mu"
    else:
        group = "parcel_status" if layer == Layer.PARCELS else "factory_status"
        first, second = frame["park_name"].fillna("—"), frame["status"].map(lambda s: label(group, s, lang))
        headers = ["field.park", "field.status"]
        measure = "area_mu" if layer == Layer.PARCELS else "vacant_area_m2"
    table = pd.DataFrame({"first": first, "second": second, "measure": frame[measure].astype(float)})
    grouped = table.groupby(["first", "second"], sort=True)["measure"].agg(["count", "sum"]).reset_index()
    rows: list[list[Any]] = [
        [message(k, lang) if k else "" for k in (*headers, "field.count", f"field.{measure}")],
        *([a, b, int(n), round(float(total), 2)] for a, b, n, total in grouped.itertuples(index=False)),
        [
            message("cli.stats.total", lang),
            "",
            int(grouped["count"].sum()),
            round(float(grouped["sum"].sum()), 2),
        ],
    ]
    return rows


def project_rows(session: Session, visible: ColumnElement[bool] | None = None) -> list[list[Any]]:
    """Every project (the `visible` ones when given) in code order, one value per column."""
    out = []
    for row in projects.every_project(session, visible=visible):
        record: dict[str, Any] = dict(row)
        record["preferred_areas"] = ";".join(record.get("preferred_areas") or [])
        record["updated_at"] = stamp(record["updated_at"])
        out.append([record.get(c) for c in PROJECT_COLUMNS])
    return out


def write_projects(
    session: Session, fmt: str, target: Path, *, lang: str = "zh", visible: ColumnElement[bool] | None = None
) -> int:
    """Write the projects to `target` as CSV or XLSX with the headers and words of the 台账, which
    import back unchanged; return how many."""
    if fmt not in PROJECT_FORMATS:
        raise InvalidInput("export.unknown_format", format=fmt, formats=", ".join(PROJECT_FORMATS))
    found = project_rows(session, visible)
    target.parent.mkdir(parents=True, exist_ok=True)
    header = [header_of(c, lang) for c in PROJECT_COLUMNS]
    rows = [
        [cell_of(c, v, Layer.PROJECTS, lang) for c, v in zip(PROJECT_COLUMNS, row, strict=True)]
        for row in found
    ]
    if fmt == "csv":
        table = cells.escape_frame(pd.DataFrame(rows, columns=header, dtype=object))
        table.to_csv(target, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(message(SHEETS[Layer.PROJECTS], lang))
        sheet.append(cells.row(header))
        for row in rows:
            sheet.append(cells.row(row))
        workbook.save(target)
    return len(found)

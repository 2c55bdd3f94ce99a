"""Read survey files as they arrive: one table of attributes and one array of geometries.

GIS formats go through pyogrio (GDAL) with Arrow; spreadsheets through pandas. Nothing here
parses a format by hand: a bare JSON array of features is wrapped into a FeatureCollection, a
Shapefile's DBF without `.cpg` is given the encoding its bytes decode in, and a GeoJSON file's
CRS counts as declared only when the file has a `crs` member (GDAL reports EPSG:4326 for every
GeoJSON file). Coordinate columns of spreadsheets are found later, in gis/io/tables.py.
"""

from __future__ import annotations

import csv
import json
import re
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from pyproj import CRS
from pyproj.exceptions import CRSError

from gis.errors import InvalidInput, TooLarge, UnreadableFile, UnsupportedFormat
from gis.io import cells
from gis.io.archives import check_zip, extract_zip
from gis.io.limits import ImportLimits, megabytes
from gis.labels import Text

VECTOR = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".topojson": "TopoJSON",
    ".kml": "KML",
    ".kmz": "KML",
}
TABLE = {".csv": "CSV", ".txt": "CSV", ".xlsx": "XLSX"}
FORMATS = ", ".join(sorted({*VECTOR, *TABLE, ".zip"}))
MAX_NAME_BYTES = 255


@dataclass
class Source:
    """What a file holds: attributes, geometries (None for a plain table), declared CRS."""

    frame: pd.DataFrame
    geoms: np.ndarray | None
    crs: CRS | None
    format: str
    layer: str | None = None
    first_row: int = 1
    notes: list[Text] = field(default_factory=list)
    row_notes: dict[int, list[Text]] = field(default_factory=dict)
    row_errors: dict[int, Text] = field(default_factory=dict)


def upload_name(filename: str | None) -> str:
    """The name an uploaded file is saved under: its base name (a browser may send a whole path,
    with / or \\), without control characters; refused when nothing usable is left or when it
    is longer than file systems allow (255 bytes)."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    if name.strip(".") == "":
        raise InvalidInput("import.bad_file_name", name=name)
    length = len(name.encode("utf-8"))
    if length > MAX_NAME_BYTES:
        raise InvalidInput("import.file_name_too_long", length=length, limit=MAX_NAME_BYTES)
    return name


def _size_check(path: Path, limits: ImportLimits) -> None:
    size = (
        path.stat().st_size
        if path.is_file()
        else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    )
    if size > limits.max_bytes:
        raise TooLarge(size=megabytes(size), limit=megabytes(limits.max_bytes))
    if size == 0:
        raise UnreadableFile("import.empty", name=path.name)


@contextmanager
def opened(path: Path, limits: ImportLimits, *, layer: str | None = None) -> Iterator[Source]:
    """Read `path` (a file, a folder or a zip); temporary files live as long as the context."""
    if not path.exists():
        raise UnreadableFile("import.missing", name=str(path))
    _size_check(path, limits)
    with tempfile.TemporaryDirectory(prefix="landstock-import-") as tmp:
        if path.suffix.lower() == ".zip":
            path = extract_zip(path, Path(tmp) / "zip", limits)
        others: list[str] = []
        if path.is_dir():
            path, others = _dataset_in(path)
        source = read(path, limits, layer=layer)
        if others:
            source.notes.append(Text("import.zip_chosen", {"name": path.name, "others": "、".join(others)}))
        yield source


def _dataset_in(folder: Path) -> tuple[Path, list[str]]:
    """The one dataset in a folder (Shapefiles there may be several layers of one dataset), and
    the names of the other data files left unread (a Shapefile is read before any other file)."""
    files = [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith((".", "__MACOSX")) and "__MACOSX" not in p.parts
    ]
    shapefiles = [p for p in files if p.suffix.lower() == ".shp"]
    data = [p for p in files if p.suffix.lower() in VECTOR.keys() | TABLE.keys()]
    if shapefiles:
        chosen = (
            shapefiles[0].parent
            if len({p.parent for p in shapefiles}) == 1 and len(shapefiles) > 1
            else shapefiles[0]
        )
        layers = {p for p in shapefiles if p == chosen or p.parent == chosen}
        return chosen, [p.name for p in data if p not in layers]
    if len(data) == 1:
        return data[0], []
    if not data:
        raise UnsupportedFormat("import.no_dataset", formats=FORMATS)
    raise InvalidInput("import.many_datasets", names=", ".join(p.name for p in data))


def read(path: Path, limits: ImportLimits, *, layer: str | None = None) -> Source:
    """Read one file or a folder of Shapefiles."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".shp":
        return _read_shapefile(path, limits, layer)
    if suffix in (".json", ".geojson", ".topojson"):
        return _read_json(path, limits, layer)
    if suffix in (".gpkg", ".kml", ".kmz"):
        if suffix == ".kmz":
            with zipfile.ZipFile(path) if zipfile.is_zipfile(path) else _not_zip(path) as kmz:
                check_zip(kmz, limits)
        return _read_vector(str(path), VECTOR[suffix], limits, layer, declared=True)
    if suffix in TABLE:
        return _read_table(path, suffix, limits)
    if suffix == ".xls":
        raise UnsupportedFormat("import.xls")
    raise UnsupportedFormat(name=path.name, formats=FORMATS)


def _not_zip(path: Path) -> zipfile.ZipFile:
    raise UnreadableFile("import.zip_broken", reason=path.name)


def _choose_layer(source: str | bytes, layer: str | None) -> str | None:
    layers = [str(name) for name, _ in pyogrio.list_layers(source)]
    if layer is not None:
        if layer not in layers:
            raise InvalidInput("import.no_such_layer", layer=layer, layers=", ".join(layers))
        return layer
    if len(layers) > 1:
        raise InvalidInput("import.choose_layer", layers=", ".join(layers))
    return None  # the only layer (in-memory sources get a new layer name on every open)


def _read_vector(
    source: str | bytes,
    fmt: str,
    limits: ImportLimits,
    layer: str | None,
    *,
    declared: bool,
    encoding: str | None = None,
) -> Source:
    try:
        chosen = _choose_layer(source, layer)
        info = pyogrio.read_info(source, layer=chosen, encoding=encoding, force_feature_count=True)
        if info["features"] == 0:
            raise UnreadableFile("import.no_features")
        if info["features"] > limits.max_features:
            raise TooLarge("import.too_many_features", count=info["features"], limit=limits.max_features)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes; we report per row
            meta, table = pyogrio.read_arrow(source, layer=chosen, encoding=encoding)
    except (DataSourceError, DataLayerError, FieldError, GeometryError, ValueError, RuntimeError) as exc:
        raise UnreadableFile(reason=_first_line(exc)) from None
    column = meta.get("geometry_name") or "wkb_geometry"
    geoms: np.ndarray | None = None
    row_notes: dict[int, list[Text]] = {}
    row_errors: dict[int, Text] = {}
    if column in table.column_names:
        geoms, row_notes, row_errors = parse_geometries(
            table[column].to_numpy(zero_copy_only=False), shapely.from_wkb, _bad_geometry
        )
        table = table.drop_columns([column])
    crs = CRS.from_user_input(meta["crs"]) if declared and meta.get("crs") else None
    source_ = Source(table.to_pandas(), geoms, crs, fmt, chosen or info.get("layer_name"))
    source_.row_notes, source_.row_errors = row_notes, row_errors
    return source_


def parse_geometries(
    raw: np.ndarray,
    parse: Callable[..., Any],
    refusal: Callable[[Any], Text],
) -> tuple[np.ndarray, dict[int, list[Text]], dict[int, Text]]:
    """Geometries from WKB or WKT (`parse`: shapely.from_wkb or from_wkt), with the notes and errors
    of the rows: unclosed or short rings are closed where GEOS can, and said; `refusal(value)` is
    the reason for the others."""
    with np.errstate(invalid="ignore"):  # NaN coordinates are refused row by row later
        geoms = parse(raw, on_invalid="ignore")
    broken = np.flatnonzero(np.array([r is not None for r in raw], dtype=bool) & shapely.is_missing(geoms))
    notes: dict[int, list[Text]] = {}
    errors: dict[int, Text] = {}
    for i in broken.tolist():
        try:
            fixed = parse(raw[i], on_invalid="fix")
        except shapely.errors.GEOSException:
            fixed = None
        if fixed is None or fixed.is_empty:
            errors[i] = refusal(raw[i])
        else:
            geoms[i], notes[i] = fixed, [Text("repair.closed_ring")]
    return geoms, notes, errors


def _bad_geometry(_: Any) -> Text:
    return Text("import.bad_geometry")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _read_json(path: Path, limits: ImportLimits, layer: str | None) -> Source:
    """GeoJSON (collection, bare array of features, one feature) or TopoJSON."""
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile(reason=f"JSON: {_first_line(exc)}") from None
    except RecursionError:  # coordinates nested thousands deep: a hostile file, not a survey
        raise UnreadableFile(reason=Text("import.too_deep")) from None
    if isinstance(document, list):
        document = {"type": "FeatureCollection", "features": document}
    if not isinstance(document, dict) or "type" not in document:
        raise UnreadableFile(reason=Text("import.not_geojson"))
    if document["type"] == "Topology":
        topology = _read_vector(str(path), "TopoJSON", limits, layer, declared=False)
        topology.crs = _named_crs(document.get("crs"))  # GDAL's driver reads no "crs" member
        return topology
    declared = "crs" in document
    try:
        encoded = json.dumps(document).encode()
    except RecursionError:  # as deep as json.loads could just manage: no deeper encoder headroom
        raise UnreadableFile(reason=Text("import.too_deep")) from None
    source = _read_vector(encoded, "GeoJSON", limits, layer, declared=declared)
    source.layer = None
    if not declared:
        source.notes.append(Text("crs.geojson_undeclared"))
    source.row_errors.update(_nul_cells(document))
    return source


def _named_crs(member: Any) -> CRS | None:
    """The CRS a JSON document names in a GeoJSON-2008-style `crs` member, as tools writing
    TopoJSON do ({"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}})."""
    name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    if not isinstance(name, str):
        return None
    try:
        return CRS.from_user_input(name)
    except CRSError:
        raise InvalidInput("crs.unknown", value=name[:80]) from None


def _nul_cells(document: dict[str, Any]) -> dict[int, Text]:
    """Rows with a NUL character in a property: GDAL would cut the text there without a word, so
    the row is refused, naming the field (other hidden characters reach the field rules)."""
    found: dict[int, Text] = {}
    features = document.get("features")
    for i, item in enumerate(features if isinstance(features, list) else []):
        properties = item.get("properties") if isinstance(item, dict) else None
        for name, value in properties.items() if isinstance(properties, dict) else ():
            if isinstance(value, str) and "\x00" in value:
                found[i] = Text(
                    "fields.hidden_character",
                    {"field": name, "char": "U+0000", "position": value.index("\x00") + 1},
                )
                break
    return found


def dbf_encoding(shp: Path) -> tuple[str | None, bool]:
    """Encoding of a Shapefile's DBF: its `.cpg` when present, else UTF-8 if the records decode
    as UTF-8, else GB18030 (a superset of GBK, what Chinese desktop GIS writes). Also: guessed?"""
    dbf = _sidecar(shp, ".dbf")
    if _sidecar(shp, ".cpg") or dbf is None:
        return None, False
    data = dbf.read_bytes()
    header = int.from_bytes(data[8:10], "little") if len(data) >= 10 else 0
    try:
        data[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030", True
    return "UTF-8", False


def _sidecar(shp: Path, suffix: str) -> Path | None:
    """The file beside a Shapefile with `suffix`, in lower or upper case, when there is one."""
    return next((p for p in (shp.with_suffix(suffix), shp.with_suffix(suffix.upper())) if p.exists()), None)


def _read_shapefile(path: Path, limits: ImportLimits, layer: str | None) -> Source:
    shp = _shapefile_in(path, layer) if path.is_dir() else path
    encoding, guessed = dbf_encoding(shp)
    has_prj = _sidecar(shp, ".prj") is not None
    source = _read_vector(str(shp), "ESRI Shapefile", limits, None, declared=has_prj, encoding=encoding)
    source.layer = shp.stem
    if guessed:
        source.notes.append(Text("import.dbf_gbk"))
    elif encoding is not None:
        source.notes.append(Text("import.dbf_utf8"))
    if not has_prj:
        source.notes.append(Text("crs.no_prj"))
    return source


def _shapefile_in(folder: Path, layer: str | None) -> Path:
    """The Shapefile `layer` of a folder, else its only one (several are refused, naming them)."""
    found = sorted(folder.glob("*.shp"))
    names = ", ".join(p.stem for p in found)
    if layer is not None:
        if not (folder / f"{layer}.shp").exists():
            raise InvalidInput("import.no_such_layer", layer=layer, layers=names)
        return folder / f"{layer}.shp"
    if len(found) > 1:
        raise InvalidInput("import.choose_layer", layers=names)
    return next(iter(found + sorted(folder.glob("*.SHP"))))


def _read_table(path: Path, suffix: str, limits: ImportLimits) -> Source:
    """A CSV (UTF-8, UTF-8 with BOM, or GBK) or the first sheet of an XLSX workbook, as text;
    a text cell of a single quote and a formula leader loses the quote (gis/io/cells.py)."""
    try:
        if suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
            fmt = "XLSX"
        else:
            frame = _read_csv(path)
            fmt = "CSV"
    except (
        ValueError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        zipfile.BadZipFile,
        KeyError,
        OSError,
    ) as exc:
        raise UnreadableFile(reason=_first_line(exc)) from None
    if len(frame.columns) < 2:
        raise UnreadableFile("import.not_a_table", name=path.name)
    if frame.empty:  # headers alone: an untouched template, most often
        raise UnreadableFile("import.no_rows", name=path.name)
    if len(frame) > limits.max_features:
        raise TooLarge("import.too_many_features", count=len(frame), limit=limits.max_features)
    frame.columns = [str(c) for c in frame.columns]
    # Landstock's own CSV and XLSX exports quote text that would be a formula; take it off again
    return Source(cells.unescape_frame(frame), None, None, fmt, None, first_row=2)


def _read_csv(path: Path) -> pd.DataFrame:
    head = path.read_bytes()[:4096]
    if b"\x00" in head:
        raise UnreadableFile("import.not_a_table", name=path.name)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            frame = pd.read_csv(
                path, dtype=str, encoding=encoding, skipinitialspace=True, keep_default_na=False
            )
            if len(frame.columns) == 1:  # not comma-separated: let the sniffer find the delimiter
                frame = pd.read_csv(
                    path,
                    dtype=str,
                    encoding=encoding,
                    sep=None,
                    engine="python",
                    skipinitialspace=True,
                    keep_default_na=False,
                )
            return frame
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise UnreadableFile(reason=_first_line(exc)) from None
    raise UnreadableFile("import.not_a_table", name=path.name)

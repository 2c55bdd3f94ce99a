"""/api/imports: upload a survey file; the answer is the row-by-row report of gis/io/importer.py.

The file is streamed to a temporary folder under the upload limit, then imported in one
transaction: a refused import answers 422 with the report and leaves the database as it was.
`dry_run` checks and reports without writing, and answers as the import would (422 when
refused). The report carries what an upload page shows:
counts by outcome, notes about the file (CRS, columns), and a line per row. Only roles allowed
to import may upload (401 without a user, 403 for others): for the projects layer, the roles
that may enter projects; a park manager's rows must lie in their own parks and towns, and status
events carry the uploader's name.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from gis.access import Action, authorize
from gis.errors import TooLarge
from gis.io import exporter
from gis.io.columns import Mapping, load_mapping
from gis.io.importer import ImportOptions, import_file
from gis.io.limits import ImportLimits
from gis.io.readers import upload_name
from gis.io.template import write_template
from gis.vocabulary import Layer
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language, SettingsDep

FORMATS = "GeoJSON, TopoJSON, Shapefile (.zip), GeoPackage, KML, CSV or XLSX"
router = APIRouter(prefix="/api/imports", tags=["imports 导入"])
CHUNK = 1 << 20


@router.get(
    "/template",
    summary="Import template 导入模板",
    response_class=FileResponse,
    responses={200: {"content": {exporter.MEDIA_TYPES["xlsx"]: {}}, "description": "XLSX"}},
)
def template(
    db: DatabaseDep,
    _user: CurrentUser,
    lang: Language,
    layer: Annotated[Layer, Query(description="parcels, factories, areas or projects 图层")] = Layer.PARCELS,
) -> FileResponse:
    """The layer's import template to fill in: Chinese headers with units, drop-down lists for
    statuses, land uses, types, stages and industries, and a guide sheet with an example row."""
    folder = Path(tempfile.mkdtemp(prefix="landstock-template-"))
    target = folder / f"{layer}-template.xlsx"
    with db.read() as session:
        write_template(session, layer, target, lang)
    return FileResponse(
        target,
        media_type=exporter.MEDIA_TYPES["xlsx"],
        filename=target.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


def _size_text(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _save(upload: UploadFile, folder: Path, limits: ImportLimits) -> Path:
    """Copy the upload under its own base name, refusing it as soon as it passes the limit."""
    target = folder / upload_name(upload.filename)
    written = 0
    with target.open("wb") as out:
        while block := upload.file.read(CHUNK):
            written += len(block)
            if written > limits.max_bytes:
                raise TooLarge(size=f"> {_size_text(limits.max_bytes)}", limit=_size_text(limits.max_bytes))
            out.write(block)
    return target


def _too_large(request: Request, limits: ImportLimits) -> None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes + CHUNK:
        raise TooLarge(size=_size_text(int(declared)), limit=_size_text(limits.max_bytes))


@router.post(
    "",
    summary="Import a file 导入文件",
    responses={
        413: {"description": "File too large"},
        415: {"description": "Unsupported format"},
        422: {"description": "Refused: problem+json with the row-by-row `report`"},
    },
)
def upload(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    user: CurrentUser,
    lang: Language,
    file: Annotated[UploadFile, File(description=FORMATS)],
    layer: Annotated[Layer, Form(description="图层")],
    crs: Annotated[str | None, Form(description="坐标系: EPSG code (4549) or gcj02", max_length=60)] = None,
    dry_run: Annotated[bool, Form(description="试运行: check and report only")] = False,
    replace: Annotated[bool, Form(description="删除文件中没有的记录")] = False,
    only_existing: Annotated[bool, Form(description="仅更新已有记录: skip and list unknown codes")] = False,
    accept_moves: Annotated[
        bool, Form(description="接受整体移动: write updates that move records alike")
    ] = False,
    gpkg_layer: Annotated[str | None, Form(description="源图层 (multi-layer files)", max_length=200)] = None,
    mapping: Annotated[UploadFile | None, File(description="字段映射 YAML or JSON")] = None,
) -> dict[str, Any]:
    """Check a survey file and, unless refused or a dry run, write it in one transaction."""
    authorize(user, Action.EDIT_PROJECT if layer == Layer.PROJECTS else Action.IMPORT)
    limits = settings.imports.limits()
    _too_large(request, limits)
    folder = Path(tempfile.mkdtemp(prefix="landstock-upload-"))
    try:
        path = _save(file, folder, limits)
        rules = Mapping()
        if mapping is not None:
            (folder / "mapping").mkdir()
            rules = load_mapping(_save(mapping, folder / "mapping", limits), layer)
        options = ImportOptions(
            layer,
            crs=crs or None,
            mapping=rules,
            dry_run=dry_run,
            replace=replace,
            only_existing=only_existing,
            accept_moves=accept_moves,
            source_layer=gpkg_layer or None,
            who=user,
            limits=limits,
        )
        answer: dict[str, Any] = {}
        # the answer is built before the commit: one that cannot be built undoes the import
        report = import_file(db, path, options, before_commit=lambda r: answer.update(r.to_dict(lang)))
        if not report.acceptable:  # a dry run of a refused file is refused as the import would be
            raise report.refusal()
        return answer
    finally:
        shutil.rmtree(folder, ignore_errors=True)

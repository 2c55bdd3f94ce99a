"""The `landstock` command: database, sample data, service and figures.

Every command reads the settings from the environment; a user error prints one readable line
and exits with status 1, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import click
import orjson
import typer
from pydantic import ValidationError
from rich.console import Console, JustifyMethod
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

# typer 0.29 parses with its own copy of click: a bad option value raises its errors, not click's
from typer._click.exceptions import ClickException as TyperUsageError

from gis import accounts, context, localtime, mapdata, migrate, search_area
from gis import backup as backups
from gis.access import Action, Principal, Role, authorize, operator
from gis.database import Database, make_engine, redact
from gis.errors import Forbidden, ImportRefused, InvalidInput, LandstockError
from gis.gateway import context as context_writes
from gis.gateway import projects as project_writes
from gis.inventory import FactoryQuery, ParcelQuery
from gis.io import exporter
from gis.io import values as io_values
from gis.io.columns import Mapping, load_mapping
from gis.io.importer import ImportOptions, import_file
from gis.io.report import ImportReport, RowReport
from gis.io.template import write_template
from gis.labels import Text, label, message
from gis.matching import proximity, reverse
from gis.matching.explain import candidate_dict, result_dict
from gis.matching.lead import parse as parse_lead
from gis.matching.lead_words import lead_dict
from gis.matching.need import Need
from gis.matching.run import match, need_of_project
from gis.models import Industry, User
from gis.pipeline.stages import FORWARD
from gis.reference import sync_reference
from gis.sample import create_demo_users, load_sample, parcel_count
from gis.spatial import parse_bbox
from gis.stats import supply
from gis.vocabulary import Layer, SiteKind
from service.match_report import labelled_table, print_fits, print_lead, print_match
from service.match_schemas import LEAD_MAX_CHARS, MatchIn
from service.settings import AppSettings, Settings, load_settings

if TYPE_CHECKING:
    from service.reports import Report

app = typer.Typer(
    help="Landstock 启东市存量土地与厂房数据库", no_args_is_help=True, pretty_exceptions_enable=False
)
db_app = typer.Typer(help="Database schema 数据库结构", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Accounts 用户", no_args_is_help=True)
app.add_typer(user_app, name="user")
project_app = typer.Typer(help="Investment projects 招商项目", no_args_is_help=True)
app.add_typer(project_app, name="project")
report_app = typer.Typer(
    help="The pipeline's reports 招商报表 (.xlsx or .pdf by the file's suffix)", no_args_is_help=True
)
app.add_typer(report_app, name="report")
context_app = typer.Typer(help="The map's context layer 地图底图要素", no_args_is_help=True)
app.add_typer(context_app, name="context")
console = Console()


class GroupBy(StrEnum):
    """How `stats` groups the parcels."""

    PARK = "park"
    TOWN = "town"


errors = Console(stderr=True)


def _open(settings: Settings, *, schema: bool = True) -> Database:
    """The configured database; unless `schema` is False, refused when it is not at the schema
    this code needs (never migrated, or an older revision), so that no command fails on a
    missing table."""
    db = Database(
        make_engine(
            settings.database.url,
            spatialite_library=settings.database.spatialite_library,
            busy_timeout_ms=settings.database.busy_timeout_ms,
        )
    )
    if schema:
        revision, head = migrate.current_revision(db.engine), migrate.head_revision()
        if revision != head:
            db.dispose()
            url = redact(settings.database.url)
            raise LandstockError(
                "cli.no_schema" if revision is None else "cli.old_schema",
                url=url,
                revision=revision,
                head=head,
            )
    return db


@contextmanager
def _opened(settings: Settings, *, schema: bool = True) -> Iterator[Database]:
    """`_open`'s database for the commands of a `with` block, disposed of however it ends."""
    db = _open(settings, schema=schema)
    try:
        yield db
    finally:
        db.dispose()


def upgrade_database(settings: Settings) -> tuple[Database, str]:
    """Migrate to the newest schema, sync the reference tables and measure the parcels' distances
    to the infrastructure when they are not of the current layer; return the database."""
    db = _open(settings, schema=False)
    revision = migrate.upgrade(db.engine)
    with db.write() as session:
        sync_reference(session, settings.reference_dir)
        proximity.refresh_if_stale(session)
    return db, revision


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema and load the reference tables 升级数据库."""
    settings = load_settings()
    db, revision = upgrade_database(settings)
    db.dispose()
    console.print(
        message(
            "cli.upgrade.done", settings.app.language, revision=revision, url=redact(settings.database.url)
        )
    )


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base'")]) -> None:
    """Take the schema down to REVISION ('base' drops every table) 回退数据库."""
    with _opened(load_settings(), schema=False) as db:
        migrate.downgrade(db.engine, revision)


@app.command()
def demo(
    sample: Annotated[Path | None, typer.Option(help="Sample folder (default: data/sample)")] = None,
) -> None:
    """Create or upgrade the database, load the Qidong sample and demo accounts when empty 载入示例数据.

    Refused in production: the sample is synthetic and the demo accounts share one password."""
    settings = load_settings()
    lang = settings.app.language
    if settings.app.environment == "production":
        raise InvalidInput("cli.demo.production")
    db, _ = upgrade_database(settings)
    demo_users: list[tuple[str, str, str]] = []
    with db.write() as session:
        existing = parcel_count(session)
        if existing:
            console.print(message("cli.demo.exists", lang, parcels=existing))
            demo_users = create_demo_users(session, _operator(None))
        else:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            ) as bar:
                task = bar.add_task(message("kind.parcel", lang), total=None)

                # the accounts once the areas are in: the sample's projects name their people
                def people(inner: Session) -> None:
                    demo_users.extend(create_demo_users(inner, _operator(None)))

                counts = load_sample(
                    session,
                    sample or settings.sample_dir,
                    progress=lambda n: bar.advance(task, n),
                    people=people,
                )
            console.print(message("cli.demo.loaded", lang, **counts))
    db.dispose()
    if demo_users:
        console.print(message("cli.demo.users", lang))
        for name, role, password in demo_users:
            console.print(f"  {name:<10} {label('role', role, lang):<12} {password}")


# a worker imports the whole domain before it answers the supervisor's first check: seconds on
# a busy machine, more than uvicorn's default 5
WORKER_START_S = 60


def _cores() -> int:
    """The cores this process may run on (a container's cpuset, not the host's count)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, envvar="LANDSTOCK_WORKERS", help="Server processes (default: one per core) 进程数"
        ),
    ] = None,
) -> None:
    """Serve the web pages and the API 启动服务.

    One process per core by default: the processes share the port, and the map tiles each draws
    (a folder of the server's own), so the county view is drawn once for all."""
    import uvicorn

    from service.main import create_app, refuse_known_passwords

    settings = load_settings()
    with _opened(settings) as db:  # a database never migrated, or behind the code, is refused
        if settings.app.environment == "production":
            refuse_known_passwords(db)
    host, port = host or settings.app.host, port or settings.app.port
    workers = workers or _cores()
    lang = settings.app.language
    console.print(message("cli.serve.start", lang, host=host, port=port, workers=workers))
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    # uvicorn's own supervisor starts the workers: each builds its app from the environment,
    # which names the folder they share. It runs as a child of this command (not in it: a worker
    # would import this command's module first), which forwards the signals that stop it.
    command = [sys.executable, "-m", "uvicorn", "service.main:create_app", "--factory"]
    command += ["--host", host, "--port", str(port), "--workers", str(workers)]
    command += ["--timeout-worker-healthcheck", str(WORKER_START_S)]
    with tempfile.TemporaryDirectory(prefix="landstock-tiles-") as shared:
        server = subprocess.Popen(command, env={**os.environ, "LANDSTOCK_TILE_SHARE_DIR": shared})
        for stop in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(stop, lambda number, _frame: server.send_signal(number))
        status = server.wait()
    if status:
        raise typer.Exit(status)


@app.command()
def stats(
    by: Annotated[GroupBy, typer.Option(help="Group by park or by town 按园区或按镇")] = GroupBy.PARK,
) -> None:
    """Parcels and 亩 by park (or town) and status 可供地块统计."""
    settings = load_settings()
    lang = settings.app.language
    with _opened(settings) as db, db.read() as session:
        rows = supply(session, by=by.value)
    columns: list[tuple[str, JustifyMethod]] = [(f"field.{by.value}", "left"), ("field.status", "left")]
    columns += [("field.count", "right"), ("field.area_mu", "right")]
    table = labelled_table(message("cli.stats.title", lang), lang, columns)
    for row in rows:
        table.add_row(
            row.name or "-", label("parcel_status", row.status, lang), str(row.count), f"{row.area_mu:,.1f}"
        )
    table.add_row(
        message("cli.stats.total", lang),
        "",
        str(sum(r.count for r in rows)),
        f"{sum(r.area_mu for r in rows):,.1f}",
        style="bold",
    )
    console.print(table)


class ExportFormat(StrEnum):
    """Formats of `export`."""

    GEOJSON = "geojson"
    GPKG = "gpkg"
    SHP = "shp"
    CSV = "csv"
    XLSX = "xlsx"


REPORT_STYLES = {"accepted": "green", "repaired": "yellow", "rejected": "red"}
EXAMPLES = 5


def _report_frame(report: ImportReport, lang: str, *headers: str) -> Table:
    """An empty report table: the file in the title, the columns headed by the labels `headers`."""
    about = {"source": report.source, "format": report.format, "layer": report.layer}
    table = Table(title=message("cli.import.title", lang, **about))
    for key in headers:
        table.add_column(message(key, lang), overflow="fold")
    return table


def _grouped_table(report: ImportReport, lang: str) -> Table:
    """The rows that are not simply accepted, grouped by reason: how many, the first few, and the
    first one's message (a file of 16,000 refused rows is read in a screen, not a scroll)."""
    groups: dict[tuple[str, str], list[tuple[RowReport, Text]]] = {}
    for row in report.rows:
        for text in row.rejection + row.repairs + row.messages:
            groups.setdefault((row.outcome, text.key), []).append((row, text))
    table = _report_frame(
        report, lang, "report.outcome", "report.count", "report.examples", "report.messages"
    )
    order = {"rejected": 0, "repaired": 1, "accepted": 2}
    for (outcome, _key), found in sorted(groups.items(), key=lambda g: (order[g[0][0]], -len(g[1]))):
        examples = "、".join(f"{row.row} {row.code or '-'}" for row, _ in found[:EXAMPLES])
        table.add_row(
            message(f"report.outcome.{outcome}", lang),
            str(len(found)),
            examples + ("…" if len(found) > EXAMPLES else ""),
            found[0][1].render(lang),
            style=REPORT_STYLES[outcome],
        )
    return table


def _report_table(report: ImportReport, lang: str, every_row: bool) -> Table:
    """Every row (`every_row`), or the rows that are not simply accepted grouped by reason."""
    if not every_row:
        return _grouped_table(report, lang)
    table = _report_frame(
        report, lang, "report.row", "report.code", "report.outcome", "report.action", "report.messages"
    )
    for row in report.rows:
        texts = [t.render(lang) for t in row.rejection + row.repairs + row.messages]
        table.add_row(
            str(row.row),
            row.code or "-",
            message(f"report.outcome.{row.outcome}", lang),
            message(f"report.action.{row.action}", lang) if row.action else "",
            "\n".join(texts),
            style=REPORT_STYLES[row.outcome],
        )
    return table


def _print_report(report: ImportReport, lang: str, every_row: bool) -> None:
    for note in report.notes:
        console.print(f"· {note.render(lang)}")
    console.print(_report_table(report, lang, every_row))
    for problem in report.problems:
        console.print(f"[red]✗ {problem.render(lang)}[/red]")
    if report.skipped:
        shown = "、".join(report.skipped[:20]) + ("…" if len(report.skipped) > 20 else "")
        console.print(message("cli.import.skipped", lang, count=len(report.skipped), codes=shown))
    console.print(message("cli.import.summary", lang, **report.counts()))


def _import_progress(lang: str) -> tuple[Progress, Callable[[str, int, int | None], None]]:
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=errors, transient=True
    )
    tasks: dict[str, Any] = {}

    def tick(phase: str, advance: int, total: int | None) -> None:
        if phase not in tasks:
            # One plain line per phase as well: logs and pipes see where the import is.
            errors.print(message(f"cli.import.phase.{phase}", lang) + " …")
            tasks[phase] = bar.add_task(message(f"cli.import.phase.{phase}", lang), total=total)
        bar.update(tasks[phase], advance=advance, total=total)

    return bar, tick


@app.command("import")
def import_(
    path: Annotated[Path | None, typer.Argument(help="File, folder or .zip to import 要导入的文件")] = None,
    layer: Annotated[Layer | None, typer.Option(help="What the file holds 图层")] = None,
    template: Annotated[
        Layer | None, typer.Option("--template", help="Write this layer's import template to -o 导入模板")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Template .xlsx 模板")] = None,
    crs: Annotated[str | None, typer.Option(help="Source CRS: EPSG code (4549) or gcj02 坐标系")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Column mapping, YAML or JSON 字段映射")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and report only 试运行")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Delete records the file lacks 替换")] = False,
    only_existing: Annotated[
        bool,
        typer.Option("--only-existing", help="Update records that exist; skip and list unknown codes 仅更新"),
    ] = False,
    accept_moves: Annotated[
        bool,
        typer.Option("--accept-moves", help="Write updates that move existing records alike 接受整体移动"),
    ] = False,
    gpkg_layer: Annotated[str | None, typer.Option(help="Layer of a multi-layer source 源图层")] = None,
    user: Annotated[
        str,
        typer.Option(
            help=(
                "Who imports: an account (its role and parks apply), or any other name for the operator "
                "at the shell (recorded in the history) 导入人"
            )
        ),
    ] = "import",
    every_row: Annotated[
        bool, typer.Option("--every-row", help="List every row, not the rows grouped by reason 逐行列出")
    ] = False,
    report_json: Annotated[Path | None, typer.Option("--report", help="Write the report as JSON too")] = None,
) -> None:
    """Import parcels, factories or areas from GIS and office files, or write a template 导入数据."""
    settings = load_settings()
    lang = settings.app.language
    if template is not None:
        _write_template(settings, template, output)
        return
    if path is None or layer is None:
        raise InvalidInput("cli.import.needs_file", file=path or "-", layer=layer or "-")
    rules = load_mapping(mapping, layer.value) if mapping else Mapping()
    bar, tick = _import_progress(lang)
    with _opened(settings) as db:
        try:
            with db.read() as session:
                needed = {Layer.PROJECTS: Action.EDIT_PROJECT, Layer.RECEPTORS: Action.EDIT_RECEPTORS}
                who = _acting(session, user, needed.get(layer, Action.IMPORT))
            options = ImportOptions(
                layer,
                crs=crs,
                mapping=rules,
                dry_run=dry_run,
                replace=replace,
                only_existing=only_existing,
                accept_moves=accept_moves,
                source_layer=gpkg_layer,
                who=who,
                limits=settings.imports.limits(),
            )
            with bar:
                report = import_file(db, path, options, progress=tick)
            if not report.acceptable and not dry_run:
                raise report.refusal()
        except ImportRefused as refused:
            _finish_import(refused.report, lang, every_row, report_json)
            raise
    _finish_import(report, lang, every_row, report_json)
    if dry_run:
        verdict = "cli.import.dry_run" if report.acceptable else "cli.import.dry_run_refused"
        console.print(message(verdict, lang))
        raise typer.Exit(0 if report.acceptable else 1)
    console.print(message("cli.import.written", lang))


def _write_template(settings: Settings, layer: Layer, output: Path | None) -> None:
    if output is None or output.suffix.lower() != ".xlsx":
        raise InvalidInput("cli.template.output", output=output or "-")
    with _opened(settings) as db, db.read() as session:
        write_template(session, layer, output, settings.app.language)
    console.print(message("cli.template.done", settings.app.language, path=output))


def _acting(session: Session, name: str, action: Action = Action.IMPORT) -> Principal:
    """Who a command acts as: the account `name` (its role and areas apply; it needs a role that
    may do `action`), or, when no account has that name, an operator at the shell under it."""
    found = session.scalar(select(User).where(User.name == name))
    if found is None:
        return operator(name)  # the shell already has the database's rights
    who = accounts.principal(found)
    if not found.active:
        raise Forbidden("error.account_disabled", name=name)
    authorize(who, action)
    return who


def _finish_import(report: ImportReport, lang: str, every_row: bool, report_json: Path | None) -> None:
    _print_report(report, lang, every_row)
    if report_json is not None:
        text = json.dumps(report.to_dict(lang), ensure_ascii=False, indent=1)
        report_json.write_text(text, encoding="utf-8")


@context_app.command("load")
def context_load(
    path: Annotated[Path, typer.Argument(help="GeoJSON, GeoPackage or Shapefile: kind, name, rank 要素文件")],
    user: Annotated[
        str,
        typer.Option(help="Who replaces it: an administrator's account, or the operator at the shell 操作人"),
    ] = "import",
) -> None:
    """Replace the map's context layer (coastline, county, roads, waterways) with a file 替换底图要素."""
    settings = load_settings()
    items = context.read_file(path, settings.imports.limits())
    with _opened(settings) as db, db.write() as session:
        count = context_writes.replace(session, items, who=_acting(session, user, Action.EDIT_CONTEXT))
    console.print(message("cli.context.loaded", settings.app.language, count=count))


@app.command("export")
def export(
    layer: Annotated[Layer, typer.Option(help="parcels, factories, areas or projects 图层")],
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format 格式")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write 输出文件")],
    park: Annotated[str | None, typer.Option(help="Park/zone code 园区编号")] = None,
    town: Annotated[str | None, typer.Option(help="Town code 镇编号")] = None,
    status: Annotated[list[str] | None, typer.Option(help="Status, repeatable 状态")] = None,
    land_use: Annotated[list[str] | None, typer.Option(help="Land-use code (parcels) 用地性质")] = None,
    min_mu: Annotated[float | None, typer.Option(help="Minimum area in 亩 (parcels)")] = None,
    max_mu: Annotated[float | None, typer.Option(help="Maximum area in 亩 (parcels)")] = None,
    bbox: Annotated[str | None, typer.Option(help="min_lon,min_lat,max_lon,max_lat")] = None,
    q: Annotated[str | None, typer.Option(help="Search in code and name 搜索")] = None,
) -> None:
    """Export parcels or factories with the list filters, or every park and town, or every
    project (CSV or XLSX) 导出数据."""
    settings = load_settings()
    lang = settings.app.language
    filters: dict[str, object] = {"--park": park, "--town": town, "--status": status, "--land-use": land_use}
    filters |= {"--min-mu": min_mu, "--max-mu": max_mu, "--bbox": bbox, "--q": q}
    given = [name for name, value in filters.items() if value not in (None, [])]
    if layer == Layer.AREAS and given:
        raise InvalidInput("export.areas_unfiltered", options=", ".join(given))
    if layer == Layer.PROJECTS and given:
        raise InvalidInput("export.projects_unfiltered", options=", ".join(given))
    window = parse_bbox(bbox) if bbox else None
    parcels = ParcelQuery(
        bbox=window,
        park=park,
        town=town,
        status=tuple(status or ()),
        land_use=tuple(land_use or ()),
        min_mu=min_mu,
        max_mu=max_mu,
        search=q,
    )
    factories = FactoryQuery(bbox=window, park=park, town=town, status=tuple(status or ()), search=q)
    reading = errors.status(message("cli.import.phase.read", lang))
    with _opened(settings) as db, reading, db.read() as session:
        count = exporter.write(
            session,
            layer,
            format.value,
            output,
            lang=lang,
            parcel_query=parcels,
            factory_query=factories,
        )
    console.print(message("cli.export.done", lang, count=count, path=output))


def _distances(values: list[str]) -> dict[str, float]:
    out = {}
    for value in values:
        target, _, km = value.partition("=")
        try:
            out[target.strip()] = float(km)
        except ValueError:
            raise InvalidInput(
                field="--max-km", value=value, reason="KIND_OR_CODE=KM, e.g. port=10"
            ) from None
    return out


def _request(project: str | None, options: dict[str, Any], session: Any) -> tuple[Need, dict[str, Any]]:
    flags = {k: options.pop(k) for k in ("include_reserved", "insist_on_preferred")}
    if project:
        return need_of_project(session, project, **flags), options
    if not options.get("industry_code"):
        raise InvalidInput(field="--industry", value="", reason="PROJECT, or --industry with the need")
    body = MatchIn(**{k: v for k, v in options.items() if v not in (None, [], {})}, **flags)
    return body.to_need(), {}


def _with_lead(
    session: Any, text: str, project: str | None, options: dict[str, Any], settings: Settings, out: Console
) -> dict[str, Any]:
    """The need a pasted lead states, shown in one block, with the options given over it."""
    if project:
        raise InvalidInput(field="--text", value=project, reason="PROJECT or --text")
    if len(text) > LEAD_MAX_CHARS:
        raise InvalidInput(field="--text", value=f"{len(text)}", reason=f"≤ {LEAD_MAX_CHARS}")
    industries = dict(mapdata.industry_choices(session))
    lead = parse_lead(text, industries, settings.lead.config())
    print_lead(out, lead_dict(lead, industries, settings.app.language), settings.app.language)
    given = {k: v for k, v in options.items() if v not in (None, [], {})}
    distances = {**lead.need.get("max_distance_km", {}), **options["max_distance_km"]}
    return {**lead.need, **given, "max_distance_km": distances}


@app.command("match")
def match_command(
    project: Annotated[str | None, typer.Argument(help="Saved project code 项目编号")] = None,
    text: Annotated[
        str | None,
        typer.Option(help="A lead as pasted, read into the need; other options override it 项目信息"),
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry code (GB/T 4754-2017) 行业")] = None,
    min_mu: Annotated[float | None, typer.Option(help="Land need from (亩)")] = None,
    max_mu: Annotated[float | None, typer.Option(help="Land need up to (亩)")] = None,
    investment: Annotated[float | None, typer.Option(help="Fixed-asset investment (万元)")] = None,
    floor_area: Annotated[float | None, typer.Option(help="Factory floor area needed (m²)")] = None,
    clear_height: Annotated[float | None, typer.Option(help="Clear height at least (m)")] = None,
    floor_load: Annotated[float | None, typer.Option(help="Floor load at least (kN/m²)")] = None,
    crane: Annotated[float | None, typer.Option(help="Crane at least (t)")] = None,
    power: Annotated[float | None, typer.Option(help="Power at least (kVA)")] = None,
    nuisance: Annotated[int | None, typer.Option(min=1, max=3, help="EIA class 1/2/3 工业类别")] = None,
    waterfront: Annotated[bool, typer.Option(help="Needs a waterfront 临水")] = False,
    prefer: Annotated[list[str] | None, typer.Option(help="Preferred park or town code (repeatable)")] = None,
    insist: Annotated[bool, typer.Option(help="Only inside the preferred areas")] = False,
    max_km: Annotated[list[str] | None, typer.Option(help="KIND_OR_CODE=KM, e.g. port=10")] = None,
    budget: Annotated[float | None, typer.Option(help="Land budget (万元)")] = None,
    include_reserved: Annotated[bool, typer.Option(help="Consider reserved sites too")] = False,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Sites per list")] = 10,
    near_misses: Annotated[int, typer.Option(min=0, max=50, help="Near misses per list")] = 5,
    near: Annotated[
        str | None, typer.Option(help="Only within --km of this place (name or code) 距某地")
    ] = None,
    km: Annotated[float | None, typer.Option(help="Kilometres from --near 公里")] = None,
    assemble: Annotated[bool, typer.Option(help="Consider assembled sites 拼地")] = True,
    parcel: Annotated[str | None, typer.Option(help="Reverse: projects that fit this parcel")] = None,
    factory: Annotated[str | None, typer.Option(help="Reverse: projects that fit this factory")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
) -> None:
    """Rank parcels, assembled sites and factories for a project, with reasons and near misses 项目匹配."""
    settings = load_settings()
    lang = settings.app.language
    with _opened(settings) as db, db.read() as session:
        if parcel or factory:
            kind, code = (SiteKind.PARCEL, str(parcel)) if parcel else (SiteKind.FACTORY, str(factory))
            rows = _fits(session, kind, code, settings, lang)
            _show(as_json, rows, lambda: print_fits(console, kind, code, rows, lang))
            return
        options = {
            "industry_code": industry,
            "land_min_mu": min_mu,
            "land_max_mu": max_mu,
            "fixed_investment_wan": investment,
            "floor_area_min_m2": floor_area,
            "clear_height_min_m": clear_height,
            "floor_load_min_kn_m2": floor_load,
            "crane_min_t": crane,
            "power_min_kva": power,
            "nuisance_class": nuisance,
            "needs_waterfront": waterfront or None,
            "preferred_areas": prefer or [],
            "max_distance_km": _distances(max_km or []),
            "budget_wan": budget,
            "include_reserved": include_reserved,
            "insist_on_preferred": insist,
        }
        if text is not None:
            options = _with_lead(session, text, project, options, settings, errors if as_json else console)
        need, _ = _request(project, options, session)
        area = search_area.resolve(
            session, search_area.SearchSpec(near=near, km=km, region=settings.imports.region)
        )
        found = match(
            session,
            replace(need, search_area=area),
            settings.match_config(),
            limit=limit,
            near_limit=near_misses,
            assemble=assemble,
        )
        result = result_dict(found, lang)
    _show(as_json, result, lambda: print_match(console, result, lang))


def _fits(session: Any, kind: SiteKind, code: str, settings: Settings, lang: str) -> list[dict[str, Any]]:
    fits = reverse.projects_for_site(session, kind, code, settings.match_config())
    return [
        {
            "project_code": f.project_code,
            "project_name": f.project_name,
            "score": f.candidate.score,
            "candidate": candidate_dict(f.candidate, lang, i + 1),
        }
        for i, f in enumerate(fits)
    ]


def _show(as_json: bool, data: Any, tables: Any) -> None:
    if as_json:
        options = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
        sys.stdout.write(orjson.dumps(data, option=options).decode() + "\n")
    else:
        tables()


Actor = Annotated[
    str | None,
    typer.Option(help="Who makes the change, recorded in the account's history (default: your OS user name)"),
]


def _operator(actor: str | None) -> Principal:
    """The shell user as an administrator: whoever runs the CLI already holds the database's rights."""
    if actor is None:
        try:
            actor = getpass.getuser()
        except (KeyError, OSError):  # no login name in a bare container
            actor = "operator"
    return operator(actor)


def _password(from_stdin: bool, lang: str) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(
        typer.prompt(message("cli.user.password_prompt", lang), hide_input=True, confirmation_prompt=True)
    )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    role: Annotated[Role, typer.Option(help="admin, investment, park_manager or leader")],
    area: Annotated[list[str] | None, typer.Option(help="Park/zone/town code a park manager manages")] = None,
    display_name: Annotated[str | None, typer.Option(help="Full name shown on the pages")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
    actor: Actor = None,
) -> None:
    """Create an account 新建用户."""
    settings = load_settings()
    password = _password(password_stdin, settings.app.language)
    with _opened(settings) as db, db.write() as session:
        accounts.create_user(
            session,
            _operator(actor),
            name,
            role.value,
            password,
            areas=area or [],
            display_name=display_name,
        )
    console.print(
        message(
            "cli.user.added",
            settings.app.language,
            name=name,
            role=label("role", role.value, settings.app.language),
        )
    )


@project_app.command("add")
def project_add(
    code: Annotated[str, typer.Option(help="Project code 项目编号")],
    name: Annotated[str, typer.Option(help="Project name 项目名称")],
    investor: Annotated[str | None, typer.Option(help="Investor 投资方")] = None,
    credit_code: Annotated[
        str | None, typer.Option(help="Unified social credit code 统一社会信用代码")
    ] = None,
    industry: Annotated[str | None, typer.Option(help="Industry code or name (GB/T 4754-2017) 行业")] = None,
    amount: Annotated[float | None, typer.Option(help="Planned investment (万元) 计划投资额")] = None,
    area_mu: Annotated[str | None, typer.Option(help="Land need in 亩: 50, 50-80 or ≥50 用地需求")] = None,
    stage: Annotated[
        str | None, typer.Option(help="Stage entered at: code or label (线索, 在谈 …) 阶段")
    ] = None,
    contact: Annotated[str | None, typer.Option(help="Contact 联系人")] = None,
    acting: Annotated[
        str | None,
        typer.Option(
            "--as",
            help=(
                "Who enters it: an account (its role must allow entering projects), or any other name "
                "for the operator at the shell (default: your OS user name) 录入人"
            ),
        ),
    ] = None,
) -> None:
    """Enter an investment project through the write gateway, as the API and the form do 新建项目."""
    settings = load_settings()
    lang = settings.app.language
    values: dict[str, Any] = {"code": code, "name": name, "investor": investor, "credit_code": credit_code}
    values |= {"investment_total_wan": amount, "contact": contact}
    try:
        if area_mu is not None:
            values["land_min_mu"], values["land_max_mu"] = io_values.span(area_mu)
        if stage is not None:
            values["stage"] = io_values.chooser(
                io_values.label_index({s.value: () for s in FORWARD}, ["project_stage"]), Text("field.stage")
            )(stage)
    except io_values.CellError as exc:
        raise InvalidInput(exc.text.key, **exc.text.params) from None
    with _opened(settings) as db, db.write() as session:
        who = _acting(session, acting, Action.EDIT_PROJECT) if acting else _operator(None)
        if industry is not None:
            named = session.scalar(select(Industry.code).where(Industry.name == industry.strip()))
            values["industry_code"] = named or industry.strip()
        row = project_writes.create(session, {k: v for k, v in values.items() if v is not None}, who=who)
    console.print(
        message(
            "cli.project.added",
            lang,
            code=row["code"],
            name=row["name"],
            stage=label("project_stage", row["stage"], lang),
        )
    )
    for other in row["possible_duplicates"]:
        console.print(message("import.possible_duplicate", lang, code=other["code"], name=other["name"]))


@user_app.command("list")
def user_list() -> None:
    """List accounts 用户列表."""
    settings = load_settings()
    lang = settings.app.language
    with _opened(settings) as db:
        table = Table()
        for key in ("field.name", "field.display_name", "field.role", "field.areas", "field.active"):
            table.add_column(message(key, lang))
        with db.read() as session:
            for user in accounts.list_users(session):
                table.add_row(
                    user.name,
                    user.display_name or "",
                    label("role", user.role, lang),
                    " ".join(sorted(a.code for a in user.areas)),
                    "✓" if user.active else "✗",
                )
    console.print(table)


def _update_user(name: str, actor: str | None, **changes: object) -> None:
    settings = load_settings()
    with _opened(settings) as db, db.write() as session:
        accounts.update_user(session, _operator(actor), name, **changes)  # type: ignore[arg-type]
    console.print(message("cli.user.updated", settings.app.language, name=name))


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Sign-in name")], actor: Actor = None) -> None:
    """Stop an account from signing in and end its sessions and tokens 停用用户."""
    _update_user(name, actor, active=False)


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Sign-in name")], actor: Actor = None) -> None:
    """Let a disabled account sign in again (its old sessions and tokens stay ended) 启用用户."""
    _update_user(name, actor, active=True)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
    actor: Actor = None,
) -> None:
    """Set a new password (ends the user's web sessions and API tokens) 修改密码."""
    _update_user(name, actor, password=_password(password_stdin, load_settings().app.language))


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    label_: Annotated[str, typer.Option("--label", help="What the token is for")] = "cli",
    days: Annotated[int, typer.Option(help="Lifetime in days", min=1, max=3650)] = 90,
    actor: Actor = None,
) -> None:
    """Issue an API token for scripts 签发 API 令牌."""
    settings = load_settings()
    with _opened(settings) as db, db.write() as session:
        token = accounts.issue_token(
            session, _operator(actor), accounts.get_user(session, name), label_, dt.timedelta(days=days)
        )
    console.print(message("cli.user.token", settings.app.language, name=name))
    print(token)


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB" if n >= 2**20 else f"{n / 2**10:,.1f} KiB"


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="File to write: an SQLite file, or pg_dump's custom format")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists")] = False,
) -> None:
    """Back up the whole database to PATH, safely while the service runs 备份数据库."""
    settings = load_settings()
    with _opened(settings, schema=False) as db:
        size = backups.backup(db, path, force=force)
    console.print(message("backup.done", settings.app.language, path=path, size=_size(size)))


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="Backup file made by `landstock backup`")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a database that holds data")] = False,
) -> None:
    """Replace the database with the backup at PATH, in one transaction 从备份恢复."""
    settings = load_settings()
    with _opened(settings, schema=False) as db:
        parcels, factories = backups.restore(db, path, replace=replace)
    console.print(
        message(
            "restore.done",
            settings.app.language,
            path=path,
            url=redact(settings.database.url),
            parcels=parcels,
            factories=factories,
        )
    )


R = TypeVar("R")
ReportFile = Annotated[Path, typer.Option("-o", "--output", help="File to write, .xlsx or .pdf 输出文件")]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="As the pipeline stood at the end of this day, YYYY-MM-DD (default today) 截至日期"
    ),
]


def _report_file(output: Path) -> str:
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise InvalidInput("report.suffix", path=output)
    return suffix


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return localtime.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field="--as-of", value=text, reason="YYYY-MM-DD") from None


def _write_report(output: Path, body: bytes, title: str, as_of: dt.date, lang: str) -> None:
    output.write_bytes(body)
    console.print(
        message("cli.report.done", lang, title=title, as_of=as_of.isoformat(), path=output), soft_wrap=True
    )


def _read_report(output: Path, as_of: str | None, build: Callable[..., R]) -> tuple[R, str, str, dt.date]:
    """The report `build(session, who, day, config)` makes, with the language, the file's suffix
    and the day it is as of (checked before the database is opened)."""
    settings = load_settings()
    lang, suffix, day = settings.app.language, _report_file(output), _as_of(as_of)
    with _opened(settings) as db, db.read() as session:
        report = build(session, operator("cli"), day, settings.pipeline.config())
    return report, lang, suffix, day


def _report(output: Path, as_of: str | None, report: Report, asked: str | None) -> None:
    """Write the report for the period asked for, as of `as_of`, to `output` (.xlsx or .pdf)."""
    from service import report_files

    built, lang, suffix, day = _read_report(
        output, as_of, lambda session, who, day, config: report.build(session, who, asked, day, config)
    )
    body = report_files.report_file(report, built, lang, suffix)
    _write_report(output, body, report.title(built, lang), day, lang)


@report_app.command("weekly")
def report_weekly(
    output: ReportFile,
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W48 (default: this week) 周")] = None,
    as_of: AsOf = None,
) -> None:
    """The weekly summary of the pipeline 周汇总, each figure beside the week before."""
    from service import reports  # the PDF and workbook writers load only when a report is asked for

    _report(output, as_of, reports.WEEKLY, week)


@report_app.command("scorecard")
def report_scorecard(
    output: ReportFile,
    period: Annotated[
        str | None,
        typer.Option(help="Quarter 2026-Q3, month 2026-07 or year 2026 (default: this quarter) 考核期"),
    ] = None,
    as_of: AsOf = None,
) -> None:
    """The parks' and towns' 落地开工 scorecard 考核, weighted by LANDSTOCK_PIPELINE_WEIGHT_*."""
    from service import reports

    _report(output, as_of, reports.SCORECARD, period)


def main() -> None:
    """Entry point: run the command, turning user errors into one line and exit status 1."""
    try:
        with localtime.reading_in(AppSettings().zone):  # every time printed or written: local
            status = app(standalone_mode=False)  # not standalone: click returns typer.Exit's status
    except LandstockError as exc:
        errors.print(f"[red]错误 / error:[/red] {exc.message(load_language())}", soft_wrap=True)
        sys.exit(1)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or exc.title}: {e['msg']}" for e in exc.errors())
        errors.print(f"[red]设置错误 / invalid setting:[/red] {problems}", soft_wrap=True)
        sys.exit(1)
    except (click.exceptions.Exit, typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except (click.ClickException, TyperUsageError) as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, typer.Abort):
        sys.exit(130)
    if isinstance(status, int) and status:
        sys.exit(status)


def load_language() -> str:
    """The configured language, or Chinese when the settings themselves are unreadable."""
    try:
        return load_settings().app.language
    except Exception:
        return "zh"


if __name__ == "__main__":
    main()

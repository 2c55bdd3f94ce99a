"""The `landstock` command: database, sample data, service and figures.

Every command reads the settings from the environment; a user error prints one readable line
and exits with status 1, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from gis import accounts, migrate
from gis import backup as backups
from gis.access import Role
from gis.database import Database, make_engine, redact
from gis.errors import LandstockError
from gis.labels import label, message
from gis.reference import sync_reference
from gis.sample import create_demo_users, load_sample, parcel_count
from gis.stats import supply
from service.settings import Settings, load_settings

app = typer.Typer(help="Landstock 启东市存量土地与厂房数据库", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema 数据库结构", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Accounts 用户", no_args_is_help=True)
app.add_typer(user_app, name="user")
console = Console()


class GroupBy(StrEnum):
    """How `stats` groups the parcels."""

    PARK = "park"
    TOWN = "town"


errors = Console(stderr=True)


def _open(settings: Settings) -> Database:
    return Database(make_engine(settings.database.url,
                                spatialite_library=settings.database.spatialite_library,
                                busy_timeout_ms=settings.database.busy_timeout_ms))


def upgrade_database(settings: Settings) -> tuple[Database, str]:
    """Migrate to the newest schema and sync the reference tables; return the database."""
    db = _open(settings)
    revision = migrate.upgrade(db.engine)
    with db.write() as session:
        sync_reference(session, settings.reference_dir)
    return db, revision


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema and load the reference tables 升级数据库."""
    settings = load_settings()
    db, revision = upgrade_database(settings)
    db.dispose()
    console.print(message("cli.upgrade.done", settings.app.language, revision=revision,
                          url=redact(settings.database.url)))


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="Target revision, or 'base'")]) -> None:
    """Take the schema down to REVISION ('base' drops every table) 回退数据库."""
    db = _open(load_settings())
    migrate.downgrade(db.engine, revision)
    db.dispose()


@app.command()
def demo(
    sample: Annotated[Path | None, typer.Option(help="Sample folder (default: data/sample)")] = None,
) -> None:
    """Create or upgrade the database, load the Qidong sample and demo accounts when empty 载入示例数据."""
    settings = load_settings()
    lang = settings.app.language
    db, _ = upgrade_database(settings)
    with db.write() as session:
        existing = parcel_count(session)
        if existing:
            console.print(message("cli.demo.exists", lang, parcels=existing))
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          console=console, transient=True) as bar:
                task = bar.add_task(message("kind.parcel", lang), total=None)
                counts = load_sample(session, sample or settings.sample_dir,
                                     progress=lambda n: bar.advance(task, n))
            console.print(message("cli.demo.loaded", lang, **counts))
        demo_users = [] if settings.app.environment == "production" else create_demo_users(session)
    db.dispose()
    if demo_users:
        console.print(message("cli.demo.users", lang))
        for name, role, password in demo_users:
            console.print(f"  {name:<10} {label('role', role, lang):<12} {password}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Serve the web pages and the API 启动服务."""
    import uvicorn

    from service.main import create_app

    settings = load_settings()
    host, port = host or settings.app.host, port or settings.app.port
    console.print(message("cli.serve.start", settings.app.language, host=host, port=port))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def stats(
    by: Annotated[GroupBy, typer.Option(help="Group by park or by town 按园区或按镇")] = GroupBy.PARK,
) -> None:
    """Parcels and 亩 by park (or town) and status 可供地块统计."""
    settings = load_settings()
    lang = settings.app.language
    db = _open(settings)
    with db.read() as session:
        rows = supply(session, by=by.value)
    db.dispose()
    table = Table(title=message("cli.stats.title", lang))
    for key, justify in ((f"field.{by.value}", "left"), ("field.status", "left"),
                         ("field.count", "right"), ("field.area_mu", "right")):
        table.add_column(message(key, lang), justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(row.name or "-", label("parcel_status", row.status, lang),
                      str(row.count), f"{row.area_mu:,.1f}")
    table.add_row(message("cli.stats.total", lang), "", str(sum(r.count for r in rows)),
                  f"{sum(r.area_mu for r in rows):,.1f}", style="bold")
    console.print(table)


def _password(from_stdin: bool, lang: str) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(message("cli.user.password_prompt", lang), hide_input=True,
                            confirmation_prompt=True))


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    role: Annotated[Role, typer.Option(help="admin, investment, park_manager or leader")],
    area: Annotated[list[str] | None, typer.Option(help="Park/zone/town code a park manager manages")] = None,
    display_name: Annotated[str | None, typer.Option(help="Full name shown on the pages")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
) -> None:
    """Create an account 新建用户."""
    settings = load_settings()
    password = _password(password_stdin, settings.app.language)
    db = _open(settings)
    with db.write() as session:
        accounts.create_user(session, name, role.value, password, areas=area or [], display_name=display_name)
    db.dispose()
    console.print(message("cli.user.added", settings.app.language, name=name,
                          role=label("role", role.value, settings.app.language)))


@user_app.command("list")
def user_list() -> None:
    """List accounts 用户列表."""
    settings = load_settings()
    lang = settings.app.language
    db = _open(settings)
    table = Table()
    for key in ("field.name", "field.display_name", "field.role", "field.areas", "field.active"):
        table.add_column(message(key, lang))
    with db.read() as session:
        for user in accounts.list_users(session):
            table.add_row(user.name, user.display_name or "", label("role", user.role, lang),
                          " ".join(sorted(a.code for a in user.areas)), "✓" if user.active else "✗")
    db.dispose()
    console.print(table)


def _update_user(name: str, **changes: object) -> None:
    settings = load_settings()
    db = _open(settings)
    with db.write() as session:
        accounts.update_user(session, name, **changes)  # type: ignore[arg-type]
    db.dispose()
    console.print(message("cli.user.updated", settings.app.language, name=name))


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Sign-in name")]) -> None:
    """Stop an account from signing in 停用用户."""
    _update_user(name, active=False)


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Sign-in name")]) -> None:
    """Let a disabled account sign in again 启用用户."""
    _update_user(name, active=True)


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input")] = False,
) -> None:
    """Set a new password (revokes the user's API tokens) 修改密码."""
    _update_user(name, password=_password(password_stdin, load_settings().app.language))


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="Sign-in name")],
    label_: Annotated[str, typer.Option("--label", help="What the token is for")] = "cli",
    days: Annotated[int, typer.Option(help="Lifetime in days", min=1, max=3650)] = 90,
) -> None:
    """Issue an API token for scripts 签发 API 令牌."""
    settings = load_settings()
    db = _open(settings)
    with db.write() as session:
        token = accounts.issue_token(session, accounts.get_user(session, name), label_,
                                     dt.timedelta(days=days))
    db.dispose()
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
    db = _open(settings)
    size = backups.backup(db, path, force=force)
    db.dispose()
    console.print(message("backup.done", settings.app.language, path=path, size=_size(size)))


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="Backup file made by `landstock backup`")],
    replace: Annotated[bool, typer.Option("--replace", help="Replace a database that holds data")] = False,
) -> None:
    """Replace the database with the backup at PATH, in one transaction 从备份恢复."""
    settings = load_settings()
    db = _open(settings)
    parcels, factories = backups.restore(db, path, replace=replace)
    db.dispose()
    console.print(message("restore.done", settings.app.language, path=path,
                          url=redact(settings.database.url), parcels=parcels, factories=factories))


def main() -> None:
    """Entry point: run the command, turning user errors into one line and exit status 1."""
    try:
        app(standalone_mode=False)
    except LandstockError as exc:
        errors.print(f"[red]错误 / error:[/red] {exc.message(load_language())}")
        sys.exit(1)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or exc.title}: {e['msg']}"
                             for e in exc.errors())
        errors.print(f"[red]设置错误 / invalid setting:[/red] {problems}")
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(130)


def load_language() -> str:
    """The configured language, or Chinese when the settings themselves are unreadable."""
    try:
        return load_settings().app.language
    except Exception:
        return "zh"


if __name__ == "__main__":
    main()

"""Backup and restore of the whole database, while the service keeps running.

SQLite: the online backup API copies every page in one step inside one read transaction, so
the copy is a consistent snapshot while writers go on (WAL). PostGIS: `pg_dump` reads in one
repeatable-read transaction, in its custom format; `pg_restore` puts it back in one transaction.
A backup is written beside PATH under a temporary name and renamed when complete, so PATH
never holds half a backup.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
from pathlib import Path

import sqlean
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import URL

from gis.database import Database, redact, unavailable_as_error
from gis.errors import BackupFailed
from gis.models import Factory, Parcel

SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_ATTEMPTS = 3  # pg_restore tries when a session that reconnected deadlocks with it


def pg_tool(name: str) -> str:
    """The newest `pg_dump`/`pg_restore`: a newer client reads older servers, never the reverse."""

    def version(tool: str) -> int:
        folder = Path(tool).parent.parent.name
        return int(folder) if folder.isdigit() else 0

    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    found = versioned[-1] if versioned else shutil.which(name)
    if not found:
        raise BackupFailed("backup.tool_missing", tool=name)
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # kept off the command line, which `ps` shows
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(tool: str, *args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run([pg_tool(tool), *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        # the tool's own "error:" line says why; the lines after it only quote the failed command
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        reason = next((line for line in lines if "error:" in line), lines[-1])
        raise BackupFailed(tool=tool, reason=reason[:300])


def _sqlite_file(url: URL) -> Path:
    return Path(url.database or "")


def _backup_sqlite(url: URL, partial: Path) -> None:
    database = _sqlite_file(url)
    if not database.is_file():
        raise BackupFailed("backup.no_database", path=database)
    with (
        unavailable_as_error(),
        contextlib.closing(sqlean.connect(database, timeout=30)) as source,
        contextlib.closing(sqlean.connect(partial)) as copy,
    ):
        source.backup(copy)
        # one self-contained file: the copy leaves WAL mode (the service turns it back on)
        copy.execute("PRAGMA journal_mode = DELETE")


def backup(db: Database, path: Path, *, force: bool = False) -> int:
    """Write a consistent backup of the database to `path`; return its size in bytes."""
    parsed, path = db.engine.url, Path(path)
    if path.exists() and not force:
        raise BackupFailed("backup.exists", path=path)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if parsed.get_backend_name() == "sqlite":
            _backup_sqlite(parsed, partial)
        else:
            dsn, env = _libpq(parsed)
            _run("pg_dump", "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={dsn}", env=env)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path.stat().st_size


def counts(db: Database) -> tuple[int, int]:
    """How many parcels and factories the database holds (0, 0 when it has no schema yet)."""
    with db.read() as session:
        if not inspect(session.connection()).has_table("parcels"):
            return 0, 0
        return (
            session.scalar(select(func.count()).select_from(Parcel)) or 0,
            session.scalar(select(func.count()).select_from(Factory)) or 0,
        )


def _check_sqlite_backup(path: Path) -> None:
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupFailed("backup.not_backup", path=path, reason="not an SQLite file")
    with contextlib.closing(sqlean.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if verdict != "ok" or not {"alembic_version", "parcels"} <= tables:
        raise BackupFailed(
            "backup.not_backup", path=path, reason=verdict if verdict != "ok" else "no Landstock tables"
        )


def _restore_sqlite(url: URL, path: Path) -> None:
    _check_sqlite_backup(path)
    target = _sqlite_file(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    # the backup API, not a file copy: it takes the database's lock, so open connections (a
    # running service) see the restored content instead of a file changed under their WAL
    with (
        unavailable_as_error(),
        contextlib.closing(sqlean.connect(target, timeout=30)) as live,
        contextlib.closing(sqlean.connect(f"file:{path}?mode=ro", uri=True)) as source,
    ):
        source.backup(live)


def restore(db: Database, path: Path, *, replace: bool = False) -> tuple[int, int]:
    """Replace the database by the backup at `path`; return its parcels and factories."""
    parsed, path = db.engine.url, Path(path)
    if not path.is_file():
        raise BackupFailed("backup.missing", path=path)
    parcels, _ = counts(db)
    db.dispose()
    if parcels and not replace:
        raise BackupFailed("restore.not_empty", url=redact(parsed), parcels=parcels)
    if parsed.get_backend_name() == "sqlite":
        _restore_sqlite(parsed, path)
    else:
        try:
            _run("pg_restore", "--list", str(path))
        except BackupFailed as exc:
            if exc.key != BackupFailed.key:
                raise
            raise BackupFailed("backup.not_backup", path=path, reason=exc.params.get("reason", "")) from None
        dsn, env = _libpq(parsed)
        for attempt in range(1, RESTORE_ATTEMPTS + 1):
            _end_other_sessions(db)
            try:
                _run(
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    f"--dbname={dsn}",
                    str(path),
                    env=env,
                )
                break
            except BackupFailed as exc:
                # a session that connected since (the service reconnects) can still deadlock
                # with the restore; the restore rolled back whole, so it is tried again
                deadlocked = "deadlock detected" in str(exc.params.get("reason", ""))
                if not deadlocked or attempt == RESTORE_ATTEMPTS:
                    raise
    return counts(db)


def _end_other_sessions(db: Database) -> None:
    """End this role's other sessions on the database before a PostGIS restore.

    `pg_restore --clean` drops and recreates every table in one transaction, so it needs each
    table's exclusive lock: a session inside a transaction (the running service's tile warmer,
    a long export) would make it wait, or deadlock with it and fail. Their requests fail once
    and the service's pool reconnects (pre-ping) to the restored database. Sessions of other
    roles are left alone: ending them needs more than the owner's rights."""
    with unavailable_as_error(), db.engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND usename = current_user"
            )
        )
        conn.commit()
    db.dispose()

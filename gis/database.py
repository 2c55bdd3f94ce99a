"""Engines and sessions for both databases: SQLite + SpatiaLite (embedded) and PostGIS.

SQLite is opened through `sqlean` (a DB-API module that can load extensions, which many
Python builds' own `sqlite3` cannot) with SpatiaLite loaded on every connection, WAL, foreign
keys and a busy timeout. SQLite transactions are begun explicitly: reads with a plain BEGIN,
writes with BEGIN IMMEDIATE so that concurrent writers queue on the busy timeout instead of
failing when one upgrades its read lock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# SQLite loads extensions with dlopen(RTLD_GLOBAL): once SpatiaLite is in, its system GEOS, PROJ
# and SQLite symbols would shadow the copies bundled in the shapely, pyproj and pyogrio wheels
# if those were loaded afterwards (wrong results, then a segfault). Loading them first keeps
# each library bound to its own copy. tests/db/test_engine.py guards this.
import psycopg
import pyogrio  # noqa: F401
import pyproj  # noqa: F401
import shapely  # noqa: F401
import sqlean
from sqlalchemy import Engine, create_engine, event, func, make_url, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from gis.errors import ConflictingWrite, DatabaseUnavailable, InvalidInput
from gis.replica import Replica, primary_position

SPATIALITE_PACKAGES = (
    "Debian/Ubuntu: apt-get install libsqlite3-mod-spatialite; "
    "Fedora: dnf install libspatialite; macOS: brew install libspatialite"
)
WRITE_OPTION = "landstock_write"
MMAP_BYTES = 1 << 30
CACHE_KIB = 32 * 1024
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite writer waits for the lock (PostgreSQL: a lock)


def _spatialite_connect(library: str, busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, see on_begin
        dbapi_conn.enable_load_extension(True)
        try:
            dbapi_conn.load_extension(library)
        except Exception as exc:
            raise DatabaseUnavailable(
                reason=f"cannot load SpatiaLite ({library}): {exc}; {SPATIALITE_PACKAGES}"
            ) from exc
        finally:
            dbapi_conn.enable_load_extension(False)
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        dbapi_conn.execute("PRAGMA journal_mode = WAL")
        dbapi_conn.execute("PRAGMA synchronous = NORMAL")
        dbapi_conn.execute("PRAGMA foreign_keys = ON")
        # Read through the OS page cache, shared by every connection, rather than each
        # connection's own 2 MB cache: a match reads thousands of rows of a file of tens of MB
        dbapi_conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        dbapi_conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    return on_connect


def _on_begin(conn: Any) -> None:
    mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN"
    conn.exec_driver_sql(mode)


def make_engine(
    url: str | URL,
    *,
    spatialite_library: str = "mod_spatialite",
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    connect_timeout_s: int = 10,
    echo: bool = False,
) -> Engine:
    """An engine for a `sqlite:///file` (SpatiaLite) or `postgresql+psycopg://` (PostGIS) URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            module=sqlean,
            echo=echo,
            pool_size=10,
            max_overflow=20,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        )
        event.listen(engine, "connect", _spatialite_connect(spatialite_library, busy_timeout_ms))
        event.listen(engine, "begin", _on_begin)
        return engine
    if backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # lock_timeout is PostgreSQL's busy timeout: a statement waiting longer for a lock fails
        # (and becomes a 503) instead of holding a request forever; 0 would mean "wait forever"
        lock_timeout = max(1, int(busy_timeout_ms))
        return create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            # statements go to the server as written, $1 … $n: psycopg's own cursor converts each
            # %s statement to that form, and does it again on every execution for the long ones
            # (over 4 kB or 50 parameters, as a match's pool, near misses and assembly are: about
            # 4 ms of CPU a match); the raw cursor takes SQLAlchemy's numbered form untouched
            paramstyle="numeric_dollar",
            connect_args={
                "connect_timeout": connect_timeout_s,
                "options": f"-c lock_timeout={lock_timeout}",
                "cursor_factory": psycopg.RawCursor,
            },
        )
    raise InvalidInput(
        field="LANDSTOCK_DATABASE_URL",
        value=parsed.render_as_string(),
        reason="use sqlite:///path/to/file.sqlite or postgresql+psycopg://user@host/db",
    )


class Database:
    """One engine and its session factories: `read()` for queries, `write()` for changes."""

    def __init__(self, engine: Engine, replica: Replica | None = None) -> None:
        self.engine, self.replica = engine, replica
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; rolled back at the end."""
        with unavailable_as_error(), self._read() as session:
            yield session

    @contextlib.contextmanager
    def read_replica(self, after: str | None = None) -> Iterator[Session]:
        """A session for queries that may be a moment old: on the read replica when there is one
        and it may answer (gis/replica.py; `after`: a write-ahead log position it must have
        replayed), on the primary otherwise."""
        with contextlib.ExitStack() as stack:
            session = stack.enter_context(self.replica.session(after)) if self.replica else None
            if session is None:
                session = stack.enter_context(self._read())
            with unavailable_as_error():
                yield session

    def written_position(self) -> str | None:
        """The primary's write-ahead log position, for a client that has just written to read
        from the replica only once it has replayed that far (None without a replica)."""
        return primary_position(self.engine) if self.replica else None

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back entirely on error."""
        with unavailable_as_error(), self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.replica:
            self.replica.dispose()


_UNAVAILABLE_HINTS = (
    "database is locked",
    "database is busy",
    "connection",
    "could not connect",
    "server closed",
    "terminating connection",
    "no route",
    "timeout",
)
# PostgreSQL gave up on a statement that may well succeed when tried again: deadlock_detected,
# serialization_failure, lock_not_available (lock_timeout), query_canceled (statement_timeout,
# or a restore ending the sessions in its way)
_RETRY_LATER_SQLSTATES = frozenset({"40P01", "40001", "55P03", "57014"})


@contextlib.contextmanager
def unavailable_as_error() -> Iterator[None]:
    """Turn driver errors a user can act on into domain errors: 'cannot reach / locked / try
    again' (by SQLSTATE on PostgreSQL: deadlocks, lock and statement timeouts) into
    `DatabaseUnavailable`, values the database refuses (NUL characters, out-of-range numbers)
    into `InvalidInput`, constraint violations into `ConflictingWrite`. Others propagate."""
    try:
        yield
    except IntegrityError as exc:
        raise ConflictingWrite(reason=_first_line(exc)) from exc
    except DataError as exc:
        raise InvalidInput("error.database_refused", reason=_first_line(exc)) from exc
    except (OperationalError, DBAPIError) as exc:
        text = _first_line(exc).lower()
        if (
            exc.connection_invalidated
            or _sqlstate(exc) in _RETRY_LATER_SQLSTATES
            or any(h in text for h in _UNAVAILABLE_HINTS)
        ):
            raise DatabaseUnavailable(reason=text) from exc
        raise


def _sqlstate(exc: DBAPIError) -> str | None:
    """PostgreSQL's error code (psycopg), None from SQLite."""
    return getattr(exc.orig, "sqlstate", None)


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0][:200]


def take_turns(session: Session, key: str) -> None:
    """Make the writers of `key` take turns until this transaction ends: a transaction-scoped
    advisory lock on PostgreSQL; SQLite's write transactions already do (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


def redact(url: str | URL) -> str:
    """The URL with any password hidden, fit for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)

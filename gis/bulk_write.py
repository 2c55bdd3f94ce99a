"""Many rows into one table at once, in the quickest way each database offers.

PostgreSQL takes a batch of COPY_MIN_ROWS or more through COPY (psycopg's `cursor.copy`),
geometries as hex EWKB that carries their SRID; fewer rows (a record created through the API)
take an ordinary INSERT. SQLite takes every batch through the driver's own executemany.

Either way each value is first converted by its column's type, as SQLAlchemy would convert it,
but a column at a time: SQLAlchemy's own per-row parameter handling took seconds of every
100,000 rows. Columns the rows leave out get their Python-side defaults; generated columns are
never written. Everything happens inside the session's transaction, and a value or rule the
database refuses raises the SQLAlchemy error an INSERT would (IntegrityError, DataError …).
After an import large for its table, PostgreSQL's planner statistics are refreshed at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import psycopg
import shapely
from psycopg import sql
from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Connection,
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gis.crs import CGCS2000
from gis.spatial import from_wkb

Progress = Callable[[int], None]
T = TypeVar("T")
CHUNK = 5_000
IN_LIST = 900  # values in one SQL IN (...) list: under SQLite's long-standing 999 bound-parameter limit
# From this many rows on, PostgreSQL gets a COPY (~40 % quicker at 100 rows and more); below
# it an INSERT costs a few milliseconds more at most, and a record created alone stays an INSERT
COPY_MIN_ROWS = 100
# PostgreSQL's planner learns what a large import brought when autovacuum analyzes the tables,
# a minute or so later; until then it plans as if the new rows were not there. After 100,000
# parcels into an empty database, list filters took 109 ms at the median instead of 36 ms, and
# ANALYZE of the three tables took 1 s. Autovacuum's own threshold is a tenth of the rows.
STATISTICS = {
    "parcels": text("ANALYZE parcels, status_events, record_changes"),
    "factories": text("ANALYZE factories, status_events, record_changes"),
}
STATISTICS_SHARE, STATISTICS_MIN_ROWS = 0.1, 1_000


def in_lists(values: Sequence[T]) -> Iterator[Sequence[T]]:
    """`values` in slices short enough for one IN (...) list each."""
    for start in range(0, len(values), IN_LIST):
        yield values[start : start + IN_LIST]


def among(session: Session, column: Any, values: Sequence[Any]) -> Iterator[ColumnElement[bool]]:
    """Conditions that `column` holds one of `values`, a query each: on PostgreSQL `= ANY(array)`
    of up to CHUNK values (one parameter; 112 IN lists of 900 took 0.7 s of an import of 10^5
    codes, and a chunk keeps the rows read at once few), on SQLite IN lists short enough for its
    bound-parameter limit (`in_lists`)."""
    if session.get_bind().dialect.name != "postgresql":
        yield from (column.in_(chunk) for chunk in in_lists(values))
        return
    for start in range(0, len(values), CHUNK):
        chunk = list(values[start : start + CHUNK])
        yield column == any_(bindparam(None, chunk, type_=ARRAY(column.type)))


def insert_rows(
    session: Session,
    into: Table | type[Any],
    rows: Sequence[dict[str, Any]],
    geometry: Sequence[str] = (),
    progress: Progress | None = None,
) -> None:
    """Insert `rows` (column values, the `geometry` columns as shapely geometries) into `into`: a
    table, or the table of a mapped class."""
    if not rows:
        return
    table: Table = into if isinstance(into, Table) else into.__table__
    connection = session.connection()
    copy = connection.dialect.name == "postgresql" and len(rows) >= COPY_MIN_ROWS
    columns = _columns(table, rows, connection, geometry, copy=copy)
    if copy:
        _copy(connection, table, columns, progress)
    else:
        _executemany(connection, table, columns, geometry, progress)


def new_ids(session: Session, model: Any, count: int) -> list[int]:
    """Ids for `count` new rows of `model`, taken before the rows are written, so that the rows
    naming them (status events, changes) need not read them back."""
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.nextval(func.pg_get_serial_sequence(table.name, "id"))
        return list(session.scalars(select(sequence).select_from(func.generate_series(1, count))))
    # SQLite gives a new row the largest id plus one. Writes hold the database's write lock
    # (BEGIN IMMEDIATE), and in WAL mode a transaction whose snapshot another writer has
    # outdated cannot write at all, so no one else can take these ids meanwhile.
    largest: int = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(largest + 1, largest + 1 + count))


def refresh_statistics(session: Session, table: str, changed: int) -> None:
    """On PostgreSQL, ANALYZE `table` and the history tables when `changed` rows are many and a
    tenth of what the planner knew of `table`; inside the transaction, so the statistics commit
    or roll back with the rows."""
    if (
        session.get_bind().dialect.name != "postgresql"
        or table not in STATISTICS
        or changed < STATISTICS_MIN_ROWS
    ):
        return
    known = (
        session.scalar(
            text("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": table},
        )
        or 0
    )
    if changed >= STATISTICS_SHARE * known:
        session.execute(STATISTICS[table])


def _columns(
    table: Table,
    rows: Sequence[dict[str, Any]],
    connection: Connection,
    geometry: Sequence[str],
    *,
    copy: bool,
) -> dict[str, list[Any]]:
    """Values column by column, ready for the driver: defaults filled, each converted by its type."""
    given = set().union(*rows)
    out: dict[str, list[Any]] = {}
    for column in table.columns:
        if column.name not in given and not _has_default(column):
            continue
        default = _default(column)
        values = [row.get(column.name, default) for row in rows]
        if column.name in geometry:
            out[column.name] = _encoded(values, copy=copy)
            continue
        convert = column.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
        out[column.name] = _converted(values, convert) if convert else values
    unknown = given - out.keys()
    if unknown:
        raise ValueError(f"{table.name} has no column {sorted(unknown)[0]}")
    return out


def _converted(values: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """Each value converted; a run of the very same object (the batch's timestamp, a default,
    True) only once: formatting one timestamp for SQLite 100,000 times took half a second."""
    out = []
    last, done = object(), None
    for value in values:
        if value is not last:
            last, done = value, convert(value)
        out.append(done)
    return out


def _has_default(column: Column[Any]) -> bool:
    default = column.default
    return default is not None and (default.is_scalar or default.is_callable)


def _default(column: Column[Any]) -> Any:
    """The column's Python-side default (called once: the rows of one batch share it), or None."""
    if not _has_default(column):
        return None
    default: Any = column.default
    return default.arg if default.is_scalar else default.arg(None)


def _encoded(geoms: list[Any], *, copy: bool) -> list[Any]:
    """WKB for ST_GeomFromWKB, or hex EWKB with the SRID, which COPY hands to PostGIS as text."""
    array = np.array(geoms, dtype=object)
    if copy:
        return list(shapely.to_wkb(shapely.set_srid(array, CGCS2000), hex=True, include_srid=True))
    return list(shapely.to_wkb(array))


def _chunks(columns: dict[str, list[Any]]) -> Iterator[list[tuple[Any, ...]]]:
    rows = list(zip(*columns.values(), strict=True))
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _executemany(
    connection: Connection,
    table: Table,
    columns: dict[str, list[Any]],
    geometry: Sequence[str],
    progress: Progress | None,
) -> None:
    """One executemany per chunk of the compiled INSERT, on values already converted."""
    parameters = {f"{name}_wkb" if name in geometry else name: name for name in columns}
    statement = insert(table).values({name: from_wkb(f"{name}_wkb") for name in geometry if name in columns})
    compiled = statement.compile(
        dialect=connection.dialect, column_keys=[name for name in columns if name not in geometry]
    )
    order = compiled.positiontup or list(parameters)
    names = [parameters[key] for key in order]
    for chunk in _chunks({name: columns[name] for name in names}):
        batch = chunk if compiled.positiontup else [dict(zip(order, row, strict=True)) for row in chunk]
        connection.exec_driver_sql(str(compiled), batch)
        if progress:
            progress(len(chunk))


def _copy(
    connection: Connection, table: Table, columns: dict[str, list[Any]], progress: Progress | None
) -> None:
    """COPY … FROM STDIN in text form; psycopg escapes tabs, newlines and backslashes."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver: Any = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for chunk in _chunks(columns):
                for row in chunk:
                    copy.write_row(row)
                if progress:
                    progress(len(chunk))
    except psycopg.Error as exc:
        raise DBAPIError.instance(
            statement.as_string(driver), None, exc, psycopg.Error, dialect=connection.dialect
        ) from exc

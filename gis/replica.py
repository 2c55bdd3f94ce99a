"""A PostgreSQL streaming replica for reads that may be a moment old: lists, maps, tiles, OGC
items and matches. Writes, and the reads of a client that has just written, stay on the primary.

Whether the replica may answer is asked of the replica itself, on the connection that will
answer, before every session:

- it is a standby (`pg_is_in_recovery()`) whose WAL receiver is streaming from the primary: a
  standby cut off from its primary falls behind by an unknown amount, so it answers nothing;
- it has replayed what it received, or the last transaction it replayed is no more than
  `max_lag_s` old: a standby replaying a long backlog is not read;
- it has replayed the write-ahead log up to `after`, when the request names such a position:
  the primary's position just after a client's own write (`primary_position`), so that the
  client never reads a state older than what it wrote.

A replica that cannot be reached is not asked again for `retry_s` seconds; meanwhile, and
whenever it may not answer, the primary does. A replica is never written: its sessions are
read-only transactions.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

MAX_LAG_S = 30.0
RETRY_S = 5.0
# A write-ahead log position as PostgreSQL prints it: two hexadecimal halves
POSITION = re.compile(r"^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$")

_STATE = text(
    """
    SELECT pg_is_in_recovery() AS standby,
           coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false) AS streaming,
           pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() AS replayed_all,
           coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) AS behind_s,
           CASE WHEN CAST(:after AS text) IS NULL THEN true
                ELSE pg_last_wal_replay_lsn() >= CAST(CAST(:after AS text) AS pg_lsn) END AS reached
    """
)


def is_position(value: str | None) -> bool:
    """Whether `value` is a write-ahead log position (`16/B374D848`)."""
    return value is not None and POSITION.fullmatch(value) is not None


def primary_position(primary: Engine) -> str | None:
    """The primary's write-ahead log position now (after a write has committed), or None when
    the primary is not PostgreSQL. The insert position, not the write position: with
    synchronous_commit off a commit returns before its record is written, and a write position
    taken then could lie before it."""
    if primary.dialect.name != "postgresql":
        return None
    with primary.connect() as conn:
        return str(conn.execute(text("SELECT CAST(pg_current_wal_insert_lsn() AS text)")).scalar_one())


@dataclass(frozen=True)
class ReplicaState:
    """What the replica said of itself before a session."""

    standby: bool
    streaming: bool
    replayed_all: bool
    behind_s: float
    reached: bool

    def may_answer(self, max_lag_s: float) -> bool:
        """Whether a read may be answered from this state."""
        current = self.replayed_all or self.behind_s <= max_lag_s
        return self.standby and self.streaming and current and self.reached


class Replica:
    """The read replica's engine and the rule for when it answers."""

    def __init__(self, engine: Engine, *, max_lag_s: float = MAX_LAG_S, retry_s: float = RETRY_S) -> None:
        self.engine, self.max_lag_s, self.retry_s = engine, max_lag_s, retry_s
        self._down_until = 0.0
        self._lock = threading.Lock()

    def state(self, conn: Connection, after: str | None = None) -> ReplicaState:
        """The replica's state as seen on `conn`; `after` must be a position (`is_position`)."""
        row = conn.execute(_STATE, {"after": after if is_position(after) else None}).one()
        return ReplicaState(
            standby=bool(row.standby),
            streaming=bool(row.streaming),
            replayed_all=bool(row.replayed_all),
            behind_s=float(row.behind_s),
            reached=bool(row.reached),
        )

    @property
    def resting(self) -> bool:
        """Whether the replica failed a moment ago and is not asked again yet."""
        return time.monotonic() < self._down_until

    @contextlib.contextmanager
    def session(self, after: str | None = None) -> Iterator[Session | None]:
        """A read-only session on the replica when it may answer (see the module), else None."""
        conn = None if self.resting else self._ready(after)
        if conn is None:  # the primary answers; no replica connection is held meanwhile
            yield None
            return
        with conn, Session(bind=conn, expire_on_commit=False) as session:
            yield session

    def _ready(self, after: str | None) -> Connection | None:
        """A connection to the replica in a read-only transaction, when it may answer."""
        try:
            conn = self.engine.connect()
        except DBAPIError:
            self._rest()
            return None
        try:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            if self.state(conn, after).may_answer(self.max_lag_s):
                return conn
        except DBAPIError:
            self._rest()
        conn.close()
        return None

    def _rest(self) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry_s

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

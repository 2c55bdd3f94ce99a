"""Times as people read them: in the local time zone of the service (LANDSTOCK_TIMEZONE, by
default Beijing time, Asia/Shanghai), while the database keeps UTC (gis/models.py `UTCDateTime`).

Every time written for a reader (a page, a PDF, a spreadsheet cell written as text, the CLI)
goes through `shown`; the zone is the one `reading_in` set for the request or command at hand.
Calendar days (status since, signed on, ...) are not times and are never converted. The API's
JSON keeps ISO 8601 with its offset, in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
MINUTES = "%Y-%m-%d %H:%M"

_zone: ContextVar[ZoneInfo | None] = ContextVar("landstock_timezone", default=None)


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (such as Asia/Shanghai); ValueError naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}: give an IANA name such as {DEFAULT_TIMEZONE}") from exc


def current() -> ZoneInfo:
    """The zone times are shown in now (Beijing time outside any request or command)."""
    return _zone.get() or ZoneInfo(DEFAULT_TIMEZONE)


@contextmanager
def reading_in(where: ZoneInfo) -> Iterator[None]:
    """Show times in `where` inside the block (a request, a CLI command)."""
    token = _zone.set(where)
    try:
        yield
    finally:
        _zone.reset(token)


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the current zone; a naive one is taken as UTC (as the database stores it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(current())


def shown(moment: dt.datetime | None, pattern: str = MINUTES) -> str:
    """`moment` as local text (`pattern` of strftime, by default to the minute), or nothing."""
    return "" if moment is None else local(moment).strftime(pattern)


def stamp(moment: dt.datetime | None) -> str:
    """`moment` as local ISO 8601 text with its offset, to the second (a spreadsheet's cell), or
    nothing."""
    return "" if moment is None else local(moment).isoformat(sep=" ", timespec="seconds")


def today() -> dt.date:
    """The calendar day it is now in the current zone (a status since, a default as-of day): on
    a server running in UTC, before 08:00 Beijing time the UTC day is still yesterday."""
    return dt.datetime.now(current()).date()


def now() -> dt.datetime:
    """The current time in the current zone, to the second."""
    return dt.datetime.now(current()).replace(microsecond=0)

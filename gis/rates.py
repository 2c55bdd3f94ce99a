"""Limits on how often an account may do something (a full-inventory export, say), counted in
`rate_events` within the writing transaction, so that concurrent requests cannot overshoot.

The count and the new event are one step: on PostgreSQL a transaction-scoped advisory lock on
the key makes the requests of one key take turns; SQLite's writers already do (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gis.database import take_turns
from gis.errors import TooManyAttempts
from gis.models import RateEvent, utcnow


def take(
    session: Session,
    key: str,
    limit: int,
    window: dt.timedelta,
    *,
    message: str,
    now: dt.datetime | None = None,
) -> None:
    """Count one event under `key` in the caller's write transaction; raise `TooManyAttempts`
    (with the seconds until the oldest counted event leaves `window`) when `limit` are counted."""
    now = now or utcnow()
    take_turns(session, key)
    since = now - window
    session.execute(delete(RateEvent).where(RateEvent.key == key, RateEvent.at <= since))
    times = list(
        session.scalars(
            select(RateEvent.at)
            .where(RateEvent.key == key, RateEvent.at > since)
            .order_by(RateEvent.at.desc())
            .limit(limit)
        )
    )
    if len(times) >= limit:
        wait = (times[-1] + window - now).total_seconds()
        raise TooManyAttempts(message, retry_after=max(1, math.ceil(wait)), limit=limit)
    session.add(RateEvent(key=key, at=now))
    session.flush()

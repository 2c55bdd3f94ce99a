"""Follow-ups of a project (跟踪记录), through the write gateway: dated entries by investment staff
and administrators, checked like every other value; a city leader's visit names the leader. An
entry is withdrawn, never erased, by its author or an administrator.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import localtime
from gis.access import Action, Principal, Role, authorize
from gis.errors import Forbidden, InvalidInput, NotFound
from gis.gateway import fields
from gis.gateway.stages import locked
from gis.labels import Text
from gis.models import FOLLOW_UP_KINDS, FollowUp, User, utcnow
from gis.vocabulary import FollowUpKind

FIELDS = ("day", "kind", "participants", "place", "outcome", "next_step", "next_on")


def _leader(session: Session, name: str | None, kind: str) -> int | None:
    if kind != FollowUpKind.LEADER_VISIT:
        return None
    user = session.scalar(select(User).where(User.name == (name or ""), User.active.is_(True)))
    if user is None or user.role != Role.LEADER.value:
        raise InvalidInput("pipeline.follow_up.leader", name=name or "-")
    return int(user.id)


def _check(values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - {*FIELDS, "leader"})
    if unknown:
        raise InvalidInput("error.read_only_field", field=unknown[0], reason=Text("error.read_only_reason"))
    if values.get("kind") not in FOLLOW_UP_KINDS:
        raise InvalidInput.not_a_choice("kind", str(values.get("kind")), "follow_up", FOLLOW_UP_KINDS)
    day = values.get("day")
    if not isinstance(day, dt.date) or day > localtime.today():
        raise InvalidInput("pipeline.follow_up.day", today=localtime.today().isoformat())
    fields.check("follow_up", {k: v for k, v in values.items() if k != "leader"})


def add(session: Session, code: str, values: dict[str, Any], *, who: Principal) -> FollowUp:
    """Add a dated follow-up to project `code`."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    _check(values)
    entry = FollowUp(
        project_id=project.id,
        actor=who.name,
        leader_id=_leader(session, values.get("leader"), values["kind"]),
        **{k: values.get(k) for k in FIELDS},
    )
    session.add(entry)
    session.flush()
    return entry


def withdraw(session: Session, code: str, entry_id: int, *, who: Principal) -> FollowUp:
    """Withdraw a follow-up (its author or an administrator); it stays, marked withdrawn."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    entry = session.scalar(
        select(FollowUp).where(
            FollowUp.id == entry_id, FollowUp.project_id == project.id, FollowUp.deleted_at.is_(None)
        )
    )
    if entry is None:
        raise NotFound(kind=Text("kind.follow_up"), code=str(entry_id))
    if entry.actor != who.name and who.role is not Role.ADMIN:
        raise Forbidden("pipeline.follow_up.not_yours", actor=entry.actor)
    entry.deleted_at = utcnow()
    session.flush()
    return entry

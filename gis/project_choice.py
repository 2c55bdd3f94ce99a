"""A project named by a person rather than by its exact code: matches of a few typed characters
among the projects a reader may read (the project picker), and the one project a typed code or
name names. A project the reader may not read is never offered, and naming it is answered as
naming none (gis/access.py readable_projects)."""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from gis.errors import InvalidInput
from gis.labels import Text
from gis.models import Project

MAX_CHOICES = 20


class ProjectChoice(TypedDict):
    """A project as the picker offers it."""

    code: str
    name: str


def choices(
    session: Session, text: str, visible: ColumnElement[bool], *, limit: int = MAX_CHOICES
) -> list[ProjectChoice]:
    """The readable projects whose code or name holds `text` (case-insensitively), codes that
    start with it first; the first ones when `text` is empty."""
    text = text.strip()
    where = [Project.deleted_at.is_(None), visible]
    if text:
        where.append(
            or_(Project.code.icontains(text, autoescape=True), Project.name.icontains(text, autoescape=True))
        )
    rows = session.execute(
        select(Project.code, Project.name).where(*where).order_by(Project.code).limit(max(limit * 5, 100))
    ).all()
    starts = text.upper()
    ranked = sorted(rows, key=lambda r: (not r.code.upper().startswith(starts), r.code))
    return [ProjectChoice(code=code, name=name) for code, name in ranked[:limit]]


def resolve(session: Session, typed: str | None, visible: ColumnElement[bool]) -> str | None:
    """The code of the readable project `typed` names: its exact code, its exact name, or the
    picker's "code name"; None when nothing is typed. Refused when it names none or several."""
    text = (typed or "").strip()
    if not text:
        return None
    alive = (Project.deleted_at.is_(None), visible)
    head = text.split(maxsplit=1)[0]
    for code in dict.fromkeys((text, head)):
        if session.scalar(select(Project.code).where(Project.code == code, *alive)) is not None:
            return code
    named = list(session.scalars(select(Project.code).where(Project.name == text, *alive).limit(10)))
    if len(named) == 1:
        return named[0]
    field = Text("web.status.project")
    if named:
        reason = Text("web.picker.ambiguous", {"codes": "、".join(named)})
        raise InvalidInput(field=field, value=text, reason=reason)
    raise InvalidInput(field=field, value=text, reason=Text("web.picker.unknown"))

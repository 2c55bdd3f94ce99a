"""Joint reviews (联合会审) as records: a project on a site, numbered 会审〔2026〕007号 (a serial per
year of the meeting), dated, with the indicators as they stood that day (a later change of the
project or of the thresholds leaves a past record be), the five departments' opinions, and the
outcome an administrator enters.

This module holds the vocabulary, the numbers and the reading; the writes go through the
gateway (gis/gateway/reviews.py). A review is read by those who may read its project
(gis/access.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from gis.errors import NotFound
from gis.labels import Text
from gis.matching.review import Planned, Sheet, sheet_from_data
from gis.models import Project, Review


class Outcome(StrEnum):
    """What the joint review decided; pending until an administrator enters it."""

    PENDING = "pending"
    PASSED = "passed"  # 通过
    CONDITIONAL = "conditional"  # 有条件通过
    FAILED = "failed"  # 不通过


APPROVED = frozenset({Outcome.PASSED, Outcome.CONDITIONAL})
NEEDS_NOTE = frozenset({Outcome.CONDITIONAL, Outcome.FAILED})  # the conditions, or why not


class Department(StrEnum):
    """The departments that give their opinion and sign, in the order of the sheet."""

    DEVELOPMENT_REFORM = "development_reform"  # 发改
    COMMERCE = "commerce"  # 商务
    NATURAL_RESOURCES = "natural_resources"  # 自然资源
    HOUSING_CONSTRUCTION = "housing_construction"  # 住建
    ADMINISTRATIVE_APPROVAL = "administrative_approval"  # 行政审批


PREFIX = "会审〔{year}〕"
# A number as printed (会审〔2026〕007号), or its slug (2026-007), with the brackets and zeros
# people type instead
REFERENCE = re.compile(r"(?:会审)?\s*[〔\[［(（]?\s*(\d{4})\s*[〕\]］)）]?\s*[-－_/]?\s*(\d{1,6})\s*号?")


@dataclass(frozen=True)
class Opinion:
    """One department's row: its opinion and who signed for it, when."""

    opinion: str | None = None
    signatory: str | None = None
    signed_on: dt.date | None = None


@dataclass(frozen=True)
class NewReview:
    """A review to hold: the project, the site (a parcel or factory code, or parcel codes joined
    with '+'), the design values stated for it, and the day it was held (today if not given)."""

    project_code: str
    site: str
    planned: Planned = field(default_factory=Planned)
    held_on: dt.date | None = None


@dataclass(frozen=True)
class Record:
    """A joint review as its readers see it."""

    number: str
    project_code: str
    site: str
    held_on: dt.date
    planned: Planned
    sheet: Sheet
    opinions: dict[Department, Opinion]
    outcome: Outcome
    outcome_note: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    created_by: str
    created_at: dt.datetime
    version: int

    @property
    def slug(self) -> str:
        """The number as a URL takes it: 2026-007."""
        return slug_of(*parse_reference(self.number))


# --- numbers (pure) ----------------------------------------------------------------------------


def number_of(year: int, serial: int) -> str:
    """The number as printed: 会审〔2026〕007号."""
    return f"{PREFIX.format(year=year)}{serial:03d}号"


def slug_of(year: int, serial: int) -> str:
    """The number as a URL takes it: 2026-007."""
    return f"{year}-{serial:03d}"


def parse_reference(text: str) -> tuple[int, int]:
    """The year and serial of a number or slug; `NotFound` for what is neither."""
    found = REFERENCE.fullmatch(text.strip())
    if found is None or int(found.group(2)) == 0:
        raise NotFound(kind=Text("kind.review"), code=text[:60])
    return int(found.group(1)), int(found.group(2))


def canonical(reference: str) -> str:
    """The number as stored, of a number or slug as people write it."""
    return number_of(*parse_reference(reference))


# --- reading ----------------------------------------------------------------------------------


def statement(project_code: str, visible: ColumnElement[bool] | None = None) -> Select[Review]:
    """The reviews of a project (not deleted, and `visible` to the reader when given)."""
    found = (
        select(Review)
        .join(Project, Project.id == Review.project_id)
        .where(Project.code == project_code, Project.deleted_at.is_(None))
    )
    return found if visible is None else found.where(visible)


def record_of(review: Review, project_code: str) -> Record:
    """A stored review as its readers see it."""
    opinions = {
        Department(d): Opinion(
            r.get("opinion"),
            r.get("signatory"),
            dt.date.fromisoformat(r["signed_on"]) if r.get("signed_on") else None,
        )
        for d, r in review.opinions.items()
    }
    return Record(
        review.number,
        project_code,
        review.site,
        review.held_on,
        Planned(**review.planned),
        sheet_from_data(review.sheet),
        opinions,
        Outcome(review.outcome),
        review.outcome_note,
        review.decided_by,
        review.decided_at,
        review.created_by,
        review.created_at,
        review.version,
    )


def get_review(
    session: Session, project_code: str, reference: str, *, visible: ColumnElement[bool] | None = None
) -> Record:
    """One review of a project by number or slug; `NotFound` also when the project is not
    `visible` to the reader, or the review is another project's."""
    review = session.scalar(statement(project_code, visible).where(Review.number == canonical(reference)))
    if review is None:
        raise NotFound(kind=Text("kind.review"), code=reference[:60])
    return record_of(review, project_code)


def reviews_of(
    session: Session, project_code: str, *, visible: ColumnElement[bool] | None = None
) -> list[Record]:
    """A project's reviews in the order they were held."""
    rows = session.scalars(statement(project_code, visible).order_by(Review.held_on, Review.id))
    return [record_of(review, project_code) for review in rows]


def held(session: Session, project_id: int) -> list[tuple[str, Outcome]]:
    """The number and outcome of each review of a project, in the order they were held."""
    rows = session.execute(
        select(Review.number, Review.outcome)
        .where(Review.project_id == project_id)
        .order_by(Review.held_on, Review.id)
    )
    return [(number, Outcome(outcome)) for number, outcome in rows]

"""Joint reviews (gis/pipeline/reviews.py) through the write gateway: investment staff and
administrators hold a review and enter the departments' opinions; administrators alone enter the
outcome, and alone touch a review once it is decided.

A review is numbered when it is created, from the year it was held: the creators of one year
take turns until they commit (an advisory lock on PostgreSQL, SQLite's single writer), so no two
share a number, and the unique number is the last guard. Its sheet is computed then and kept.
Every change is checked against the version the writer read, and kept in the project's history,
each field under `review.<number>.<field>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gis import localtime
from gis.access import ALLOWED, Action, Principal, authorize
from gis.database import take_turns
from gis.errors import Forbidden, InvalidInput, NotFound, VersionConflict
from gis.gateway import fields
from gis.gateway.stages import locked
from gis.labels import Text
from gis.matching.need import MatchConfig
from gis.matching.review import ReviewConfig, load_review, sheet_data
from gis.models import Project, RecordChange, Review, utcnow
from gis.pipeline.reviews import (
    NEEDS_NOTE,
    PREFIX,
    Department,
    NewReview,
    Outcome,
    Record,
    canonical,
    number_of,
    parse_reference,
    record_of,
    statement,
)

OPINION_FIELDS = ("opinion", "signatory", "signed_on")


def _next_serial(session: Session, year: int) -> int:
    """The next serial of `year`; creators take turns until they commit, so none share one."""
    take_turns(session, f"landstock.review-number:{year}")
    numbers = session.scalars(
        select(Review.number).where(Review.number.startswith(PREFIX.format(year=year), autoescape=True))
    )
    return 1 + max((parse_reference(n)[1] for n in numbers), default=0)


# --- values -----------------------------------------------------------------------------------


def _past(name: str, day: dt.date, today: dt.date) -> dt.date:
    """A real day: within the dates any record holds, and not after today."""
    fields.check_value("review", name, day)
    if day > today:
        raise InvalidInput(
            "review.error.future", field=Text(f"field.{name}"), on=day.isoformat(), today=today.isoformat()
        )
    return day


def _invalid(name: str, value: object, reason: str) -> InvalidInput:
    return InvalidInput(field=Text(f"field.{name}"), value=str(value)[:60], reason=Text(reason))


def _department(name: object) -> Department:
    try:
        return Department(str(name))
    except ValueError:
        raise InvalidInput.not_a_choice(
            "department", str(name)[:60], "review_department", Department
        ) from None


def _text(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid(name, value, "review.error.text")
    fields.check_text("review", name, value.strip())
    return value.strip() or None


def _signed_on(value: object, today: dt.date) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.date):
        raise _invalid("opinion_signed_on", value, "review.error.date")
    return _past("signed_on", value, today).isoformat()


def _opinion_row(current: dict[str, Any], given: object, today: dt.date) -> dict[str, Any]:
    """A department's row with the values given (null clears one); other values stay."""
    if not isinstance(given, Mapping):
        raise _invalid("opinions", given, "review.error.row")
    unknown = sorted(set(given) - set(OPINION_FIELDS))
    if unknown:
        raise InvalidInput("error.read_only_field", field=unknown[0], reason=Text("error.read_only_reason"))
    row = dict(current)
    for key, value in given.items():
        row[key] = _signed_on(value, today) if key == "signed_on" else _text(key, value)
    return {k: row[k] for k in OPINION_FIELDS if row.get(k) is not None}


def _opinions(stored: Mapping[str, Any], given: object, today: dt.date) -> dict[str, Any]:
    """The departments' rows with the changes given, in the sheet's order, empty rows left out."""
    if not isinstance(given, Mapping):
        raise _invalid("opinions", given, "review.error.row")
    rows = {name: dict(row) for name, row in stored.items()}
    for name, row in given.items():
        department = _department(name).value
        rows[department] = _opinion_row(rows.get(department, {}), row, today)
    return {d.value: rows[d.value] for d in Department if rows.get(d.value)}


def _outcome(value: object) -> Outcome:
    try:
        return Outcome(str(value))
    except ValueError:
        raise InvalidInput.not_a_choice("outcome", str(value)[:60], "review_outcome", Outcome) from None


# --- history ----------------------------------------------------------------------------------


def _flat(review: Review) -> dict[str, Any]:
    """The review's fields as its history lists them."""
    values: dict[str, Any] = {
        "site": review.site,
        "held_on": review.held_on.isoformat(),
        **review.planned,
        "overall": review.sheet.get("overall"),
        "outcome": review.outcome,
        "outcome_note": review.outcome_note,
    }
    for department, row in review.opinions.items():
        values.update({f"{department}.{k}": v for k, v in row.items()})
    return {k: v for k, v in values.items() if v is not None}


def _keep(session: Session, review: Review, before: dict[str, Any], who: Principal) -> None:
    """Add the fields that changed to the project's history, under `review.<number>.`."""
    after = _flat(review)
    names = [*after, *(k for k in before if k not in after)]
    changes = {
        f"review.{review.number}.{k}": [before.get(k), after.get(k)]
        for k in names
        if before.get(k) != after.get(k)
    }
    if not changes:
        return
    version = session.scalar(select(Project.version).where(Project.id == review.project_id))
    session.add(
        RecordChange(
            project_id=review.project_id,
            at=utcnow(),
            actor=who.name,
            action="update",
            changes=changes,
            version=version,
        )
    )
    session.flush()


def _last_change(session: Session, review: Review) -> tuple[str, str]:
    """Who changed the review last, and when (from the project's history)."""
    prefix = f"review.{review.number}."
    rows = session.scalars(
        select(RecordChange)
        .where(RecordChange.project_id == review.project_id)
        .order_by(RecordChange.at.desc(), RecordChange.id.desc())
    )
    for row in rows:
        if any(k.startswith(prefix) for k in row.changes):
            return row.actor, row.at.isoformat(timespec="seconds")
    return review.created_by, review.created_at.isoformat(timespec="seconds")


# --- writing ----------------------------------------------------------------------------------


def create(
    session: Session,
    new: NewReview,
    *,
    who: Principal,
    config: ReviewConfig,
    match: MatchConfig,
    today: dt.date | None = None,
) -> Record:
    """Number, date and keep a new review of a project on a site, its indicators as they stand."""
    authorize(who, Action.EDIT_PROJECT)
    today = today or localtime.today()
    held_on = _past("held_on", new.held_on or today, today)
    fields.check("review", {"site": new.site, **asdict(new.planned)})
    project = locked(session, new.project_code)
    sheet = load_review(session, project.code, new.site, new.planned, config, match)
    number = number_of(held_on.year, _next_serial(session, held_on.year))
    review = Review(
        number=number,
        project_id=project.id,
        site=sheet.site.code,
        held_on=held_on,
        planned=asdict(new.planned),
        sheet=sheet_data(sheet),
        opinions={},
        outcome=Outcome.PENDING.value,
        created_by=who.name,
        created_at=utcnow(),
    )
    session.add(review)
    session.flush()
    _keep(session, review, {}, who)
    return record_of(review, project.code)


def _locked(session: Session, project_code: str, reference: str) -> Review:
    review = session.scalar(
        statement(project_code).where(Review.number == canonical(reference)).with_for_update(of=Review)
    )
    if review is None:
        raise NotFound(kind=Text("kind.review"), code=reference[:60])
    return review


def _check_version(session: Session, review: Review, expected_version: int | None) -> None:
    if expected_version is not None and review.version != expected_version:
        by, at = _last_change(session, review)
        raise VersionConflict(by=by, at=at, current=review.version, given=expected_version)


def _save(
    session: Session, review: Review, before: dict[str, Any], project_code: str, who: Principal
) -> Record:
    try:
        session.flush()
    except StaleDataError:
        raise VersionConflict("error.version_conflict_concurrent") from None
    _keep(session, review, before, who)
    return record_of(review, project_code)


def record_opinions(
    session: Session,
    project_code: str,
    reference: str,
    opinions: object,
    *,
    who: Principal,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Record:
    """Enter departments' opinions ({department: {opinion, signatory, signed_on}}; the fields
    given change, null clears one); once the review is decided, administrators only."""
    authorize(who, Action.EDIT_PROJECT)
    review = _locked(session, project_code, reference)
    _check_version(session, review, expected_version)
    if review.outcome != Outcome.PENDING and Action.DECIDE_REVIEW not in ALLOWED[who.role]:
        raise Forbidden("review.error.decided", number=review.number)
    before = _flat(review)
    review.opinions = _opinions(review.opinions, opinions, today or localtime.today())
    return _save(session, review, before, project_code, who)


def decide(
    session: Session,
    project_code: str,
    reference: str,
    outcome: object,
    note: object,
    *,
    who: Principal,
    expected_version: int | None = None,
) -> Record:
    """Enter the outcome (administrators): 通过, 有条件通过 with the conditions, 不通过 with the
    reasons, or back to pending."""
    authorize(who, Action.DECIDE_REVIEW)
    review = _locked(session, project_code, reference)
    _check_version(session, review, expected_version)
    decided, text = _outcome(outcome), _text("outcome_note", note)
    if decided in NEEDS_NOTE and not text:
        raise InvalidInput("review.error.needs_note", outcome=Text(f"review_outcome.{decided.value}"))
    before = _flat(review)
    if (decided.value, text) != (review.outcome, review.outcome_note):
        pending = decided == Outcome.PENDING
        review.decided_by, review.decided_at = (None, None) if pending else (who.name, utcnow())
    review.outcome, review.outcome_note = decided.value, text
    return _save(session, review, before, project_code, who)

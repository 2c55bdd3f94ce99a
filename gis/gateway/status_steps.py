"""Many status steps at once (the workspace's bulk change, POST /api/status/batch): each record
taken through the one-record step (sites.change_status) in a transaction of its own, exactly as if
its writer had sent it alone: the same role, scope, workflow and version checks, one status event
and one history entry per record. A refused record is reported with why, nothing is written for
it, and it does not stop the others."""

from __future__ import annotations

from dataclasses import dataclass

from gis.access import Principal
from gis.database import Database
from gis.errors import InvalidInput, LandstockError
from gis.gateway import sites
from gis.status import parse_status
from gis.vocabulary import SiteKind

MAX_STEPS = 1000


@dataclass(frozen=True)
class Step:
    """One record to move, at the version its writer read (None: as it is now)."""

    kind: SiteKind
    code: str
    version: int | None


@dataclass(frozen=True)
class Outcome:
    """What became of one step: changed (from, to, the new version) or refused (why)."""

    step: Step
    from_status: str | None = None
    to_status: str | None = None
    version: int | None = None
    error: LandstockError | None = None

    @property
    def changed(self) -> bool:
        """True when the step was written."""
        return self.error is None


def check_size(steps: list[Step]) -> None:
    """Refuse an empty batch or one larger than MAX_STEPS before anything is read."""
    if not steps:
        raise InvalidInput("status.batch_empty")
    if len(steps) > MAX_STEPS:
        raise InvalidInput("status.batch_too_many", count=len(steps), limit=MAX_STEPS)


def change_many(
    db: Database,
    steps: list[Step],
    target: str,
    *,
    who: Principal,
    project: str | None = None,
    note: str | None = None,
) -> list[Outcome]:
    """Move each record of `steps` to `target` (a code or label of its kind's workflow), one
    transaction each, in the order given (a record named twice moves once)."""
    check_size(steps)
    outcomes = []
    for step in dict.fromkeys(steps):
        try:
            status = parse_status(step.kind, target).value
            with db.write() as session:
                event = sites.change_status(
                    session,
                    step.kind,
                    step.code,
                    status,
                    who=who,
                    project=project,
                    note=note,
                    expected_version=step.version,
                )
                record = sites.locked(session, step.kind, step.code)
                version = record.version if record is not None else None
            outcomes.append(Outcome(step, event.from_status, event.to_status, version))
        except LandstockError as error:
            outcomes.append(Outcome(step, error=error))
    return outcomes


def refusal_reason(outcome: Outcome, lang: str) -> str | None:
    """Why a step was refused, in `lang` (None for a changed one)."""
    return None if outcome.error is None else outcome.error.message(lang)

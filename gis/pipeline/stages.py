"""The stages of an investment project, as one table like the sites' statuses (gis/status.py).

线索 lead → 在谈 negotiating → 签约 signed → 注册 registered → 供地 supplied (land or factory) →
开工 started → 投产 producing, one step at a time; 终止 dropped (with a reason) and 暂缓 on hold from
any active stage; back from 暂缓 to the stage it was held at. Each step is dated with the day it
happened, which may be before today but not before the step before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from gis.errors import IllegalTransition, InvalidInput
from gis.labels import Text


class Stage(StrEnum):
    """Where a project stands."""

    LEAD = "lead"
    NEGOTIATING = "negotiating"
    SIGNED = "signed"
    REGISTERED = "registered"
    SUPPLIED = "supplied"
    STARTED = "started"
    PRODUCING = "producing"
    DROPPED = "dropped"
    ON_HOLD = "on_hold"


S = Stage
FORWARD = (S.LEAD, S.NEGOTIATING, S.SIGNED, S.REGISTERED, S.SUPPLIED, S.STARTED, S.PRODUCING)
ACTIVE = frozenset(FORWARD[:-1])  # a project in production has landed: nothing to drop or hold
# Stages of earlier releases, by the name they had
RENAMED = {"landed": S.SUPPLIED}


@dataclass(frozen=True)
class Step:
    """A proposed stage change of one project, with what the rules look at."""

    code: str
    current: Stage
    target: Stage
    on: dt.date
    last_on: dt.date | None = None
    held_at: Stage | None = None  # the stage an on-hold project was held at
    reason: str | None = None
    sites: bool = False  # sites named (or already linked) for the supply
    needs_site: bool = False  # the project needs land or a factory
    review_passed: bool = False  # an approved joint review (联合会审) on record
    review_required: bool = False  # the city requires one before a land project signs
    reviews_held: tuple[tuple[str, str], ...] = ()  # (number, outcome) of the reviews on record


def allowed(current: Stage, held_at: Stage | None = None) -> list[Stage]:
    """The stages a project at `current` may move to."""
    if current == S.ON_HOLD:
        return [held_at] if held_at is not None else []
    following = [FORWARD[FORWARD.index(current) + 1]] if current in ACTIVE else []
    return following + ([S.DROPPED, S.ON_HOLD] if current in ACTIVE else [])


def check_step(step: Step, today: dt.date) -> None:
    """Raise unless `step` is a legal move, dated and with what it needs."""
    possible = allowed(step.current, step.held_at)
    if step.target not in possible:
        raise IllegalTransition(
            "pipeline.stage.illegal",
            code=step.code,
            from_label=Text(f"project_stage.{step.current.value}"),
            to_label=Text(f"project_stage.{step.target.value}"),
            allowed=[Text(f"project_stage.{s.value}") for s in possible] or [Text("status.none_allowed")],
        )
    if step.on > today or (step.last_on is not None and step.on < step.last_on):
        raise InvalidInput(
            "pipeline.stage.date",
            on=step.on.isoformat(),
            today=today.isoformat(),
            last=step.last_on.isoformat() if step.last_on else "-",
        )
    if step.target == S.DROPPED and not (step.reason and step.reason.strip()):
        raise InvalidInput("pipeline.stage.needs_reason")
    if step.target == S.SUPPLIED and step.needs_site and not step.sites:
        raise InvalidInput("pipeline.stage.needs_site")
    if step.target == S.SIGNED and step.needs_site and step.review_required and not step.review_passed:
        raise InvalidInput("pipeline.stage.needs_review", code=step.code, held=_reviews_held(step))


def _reviews_held(step: Step) -> Text:
    """What the reviews on record are: none, or each with its outcome (none approved)."""
    if not step.reviews_held:
        return Text("pipeline.stage.no_review")
    return Text(
        "pipeline.stage.reviews_held",
        {
            "reviews": [
                Text("pipeline.stage.review_held", {"number": n, "outcome": Text(f"review_outcome.{o}")})
                for n, o in step.reviews_held
            ]
        },
    )


def stage_of(value: str) -> Stage:
    """A stored stage, under the name it had in earlier releases too."""
    return RENAMED.get(value) or Stage(value)

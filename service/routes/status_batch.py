"""POST /api/status/batch: many parcels and factories moved to one status, each as if alone
(gis/gateway/status_steps.py): the answer lists what changed and what was refused, and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from gis import project_choice
from gis.gateway import status_steps
from gis.gateway.status_steps import Outcome, Step
from gis.vocabulary import SiteKind
from service.auth import CurrentUser
from service.dependencies import DatabaseDep, Language
from service.paging import MAX_ROW_ID
from service.read_access import visible_projects

router = APIRouter(prefix="/api/status", tags=["status"])

Code = Annotated[str, Field(min_length=1, max_length=40)]


class RecordAt(BaseModel):
    """A record at the version its writer read (the ETag of its GET)."""

    model_config = ConfigDict(extra="forbid")

    kind: SiteKind
    code: Code
    version: int = Field(ge=1, le=MAX_ROW_ID)


class StatusBatch(BaseModel):
    """One target status for many records; the project to reserve for, a note to withdraw."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(max_length=30, examples=["reserved"], description="Target status (code or label)")
    project: str | None = Field(
        default=None,
        max_length=100,
        examples=["XM-2026-001"],
        description="The project to reserve for: its code or exact name, among those the writer may read",
    )
    note: str | None = Field(default=None, max_length=2000, description="Why (required for 暂不可供)")
    records: list[RecordAt] = Field(min_length=1, max_length=status_steps.MAX_STEPS)


class StepOut(BaseModel):
    """What became of one record."""

    kind: SiteKind
    code: str
    changed: bool
    from_status: str | None = None
    to_status: str | None = None
    version: int | None = Field(default=None, description="The record's version after the change")
    reason: str | None = Field(default=None, description="Why it was refused")


class BatchOut(BaseModel):
    """How many changed, how many were refused, and each record's outcome in the order sent."""

    changed: int
    refused: int
    results: list[StepOut]


def outcome_out(outcome: Outcome, lang: str) -> StepOut:
    """One record's outcome as the API and the workspace show it."""
    return StepOut(
        kind=outcome.step.kind,
        code=outcome.step.code,
        changed=outcome.changed,
        from_status=outcome.from_status,
        to_status=outcome.to_status,
        version=outcome.version,
        reason=status_steps.refusal_reason(outcome, lang),
    )


def batch_out(outcomes: list[Outcome], lang: str) -> BatchOut:
    """The answer to a batch."""
    done = sum(o.changed for o in outcomes)
    return BatchOut(
        changed=done, refused=len(outcomes) - done, results=[outcome_out(o, lang) for o in outcomes]
    )


@router.post(
    "/batch",
    summary="Change many statuses 批量变更状态",
    responses={401: {"description": "Sign-in required"}, 422: {"description": "Nothing could be tried"}},
)
def change_statuses(body: StatusBatch, db: DatabaseDep, user: CurrentUser, lang: Language) -> BatchOut:
    """Move every listed parcel and factory to `status`, each in a transaction of its own with
    the checks of a single change (role, park scope, workflow, the version sent): a record refused
    is listed with the reason and left as it was, and the others go on. A project named by a
    code or name the writer may not read is refused for the whole batch (422), nothing written."""
    with db.read() as session:
        project = project_choice.resolve(session, body.project, visible_projects(session, user))
    steps = [Step(r.kind, r.code, r.version) for r in body.records]
    outcomes = status_steps.change_many(db, steps, body.status, who=user, project=project, note=body.note)
    return batch_out(outcomes, lang)

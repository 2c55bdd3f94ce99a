"""/api/projects/{code}/proposals: a project's proposal pages (推介页) — publish one for an
investor (the link is answered once: only its digest is kept), list them with their openings,
revoke one at once, move its expiry. Listing is confidential like the project
(service/read_access.py); every change goes through gis/gateway/proposals.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from gis import proposals
from gis.access import Action, Principal
from gis.gateway import proposals as gateway
from gis.pipeline.timeline import project_id
from service.auth import requires
from service.dependencies import DatabaseDep, ReadSession
from service.read_access import ProjectReader, ReadableProject
from service.routes.projects import CHANGE_RESPONSES, READ_RESPONSES

router = APIRouter(prefix="/api/projects", tags=["projects 招商项目"])

CodePath = Annotated[str, Path(max_length=40, description="项目编号", examples=["XM-2026-001"])]
ProposalId = Annotated[int, Path(ge=1, description="推介页编号")]
ProjectEditor = Annotated[Principal, requires(Action.EDIT_PROJECT)]


class ProposalIn(BaseModel):
    """A proposal page to publish for one investor."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=gateway.TITLE_LENGTH, description="What the investor reads at the top")
    language: Literal["zh", "en"] = "zh"
    password: str | None = Field(None, max_length=200, description="Optional; at least 10 characters")
    days: int = Field(gateway.DEFAULT_DAYS, ge=1, le=gateway.MAX_DAYS, description="Days the link lives")
    sites: list[str] = Field(
        default_factory=list,
        max_length=gateway.MAX_SITES,
        description="Codes among the project's shortlist, in order; empty: the whole shortlist",
    )


class ExpiryIn(BaseModel):
    """A proposal's new expiry: so many days from now (0: now)."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(ge=0, le=gateway.MAX_DAYS)


class ProposalOut(BaseModel):
    """A proposal page as its project's readers see it (never its link: that is shown once)."""

    id: int
    title: str
    language: str
    state: proposals.State
    has_password: bool
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: str | None
    sites: list[str]
    opens: int = Field(description="How many times its page was shown")
    last_opened_at: dt.datetime | None


class PublishedOut(ProposalOut):
    """A proposal just published, with its link: shown this once."""

    url: str = Field(description="The link to send the investor (path on this server)")


def _rows(session: Session, code: str) -> list[ProposalOut]:
    return [ProposalOut(**vars(row)) for row in proposals.of_project(session, project_id(session, code))]


def _one(session: Session, code: str, proposal_id: int) -> ProposalOut:
    return next(row for row in _rows(session, code) if row.id == proposal_id)


@router.get("/{code}/proposals", summary="Proposal pages 推介页", responses=READ_RESPONSES)
def list_proposals(code: ReadableProject, session: ReadSession, who: ProjectReader) -> list[ProposalOut]:
    """The project's proposal pages, newest first: state, sites, how often and when last opened."""
    del who  # the reader was checked by ReadableProject
    return _rows(session, code)


@router.post(
    "/{code}/proposals",
    status_code=201,
    responses=CHANGE_RESPONSES,
    summary="Publish a proposal page 发布推介页",
)
def publish(
    request: Request, code: CodePath, body: ProposalIn, db: DatabaseDep, user: ProjectEditor
) -> PublishedOut:
    """Publish sites of the project's shortlist for one investor behind an unguessable link, with
    an optional password and an expiry. The answer carries the link; it cannot be shown again."""
    new = gateway.NewProposal(body.title, body.language, body.password or None, body.days, body.sites)
    with db.write() as session:
        proposal, token = gateway.publish(session, code, new, who=user)
        row = _one(session, code, proposal.id)
    return PublishedOut(**row.model_dump(), url=f"{request.base_url.path.rstrip('/')}/p/{token}")


@router.post(
    "/{code}/proposals/{proposal_id}/revoke",
    responses=CHANGE_RESPONSES,
    summary="Revoke a proposal page 撤回推介页",
)
def revoke(code: CodePath, proposal_id: ProposalId, db: DatabaseDep, user: ProjectEditor) -> ProposalOut:
    """End the link at once: from the next request on it answers as an unknown link does."""
    with db.write() as session:
        gateway.revoke(session, code, proposal_id, who=user)
        return _one(session, code, proposal_id)


@router.post(
    "/{code}/proposals/{proposal_id}/expiry",
    responses=CHANGE_RESPONSES,
    summary="Set a proposal page's expiry 推介页有效期",
)
def set_expiry(
    code: CodePath, proposal_id: ProposalId, body: ExpiryIn, db: DatabaseDep, user: ProjectEditor
) -> ProposalOut:
    """Let the link live so many days from now, or end it now (0)."""
    with db.write() as session:
        gateway.set_expiry(session, code, proposal_id, body.days, who=user)
        return _one(session, code, proposal_id)

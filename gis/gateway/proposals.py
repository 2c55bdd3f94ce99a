"""Proposal pages (推介页), through the write gateway: a project's shortlist published for one
investor behind an unguessable link, with an optional password and an expiry; revoked at once;
its expiry moved or brought forward. Investment staff and administrators only, like every change
of a project; each publication, revocation and new expiry is kept in the project's history
(without moving the project's own version: its facts did not change).

The link's token is returned once by `publish` and never stored: the database keeps its SHA-256,
the password its Argon2id hash (gis/accounts.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gis import accounts, localtime
from gis.access import Action, Principal, authorize
from gis.errors import InvalidInput, NotFound
from gis.gateway import fields
from gis.gateway.stages import locked
from gis.labels import Text
from gis.models import (
    PROPOSAL_LANGUAGES,
    Factory,
    Parcel,
    Project,
    ProjectSite,
    Proposal,
    ProposalSite,
    RecordChange,
    utcnow,
)
from gis.vocabulary import SiteRole

TITLE_LENGTH = 200
DEFAULT_DAYS = 30
MAX_DAYS = 365
MAX_SITES = 20
TOKEN_BYTES = 24  # 192 random bits: the link cannot be guessed


@dataclass(frozen=True)
class NewProposal:
    """What the publisher chooses: the title the investor reads, the page's language, an optional
    password, how many days the link lives, and which shortlisted sites it shows (all of them,
    in the shortlist's order, when none are named)."""

    title: str
    language: str = "zh"
    password: str | None = None
    days: int = DEFAULT_DAYS
    sites: Sequence[str] = ()


def digest(token: str) -> str:
    """What the database keeps of a link's token."""
    return accounts.digest(token)


def _days(days: int) -> dt.timedelta:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput("proposal.error.days", limit=MAX_DAYS)
    return dt.timedelta(days=days)


def _shortlist(session: Session, project: Project) -> list[tuple[str, int, str]]:
    """(kind, id, code) of the project's shortlisted sites that still exist, in the list's order."""
    rows = session.execute(
        select(ProjectSite.parcel_id, ProjectSite.factory_id, Parcel.code, Factory.code)
        .select_from(ProjectSite)
        .outerjoin(Parcel, (Parcel.id == ProjectSite.parcel_id) & Parcel.deleted_at.is_(None))
        .outerjoin(Factory, (Factory.id == ProjectSite.factory_id) & Factory.deleted_at.is_(None))
        .where(ProjectSite.project_id == project.id, ProjectSite.role == SiteRole.SHORTLIST)
        .order_by(ProjectSite.id)
    ).all()
    listed: list[tuple[str, int, str]] = []
    for parcel_id, factory_id, parcel_code, factory_code in rows:
        if parcel_id is not None and parcel_code is not None:
            listed.append(("parcel", int(parcel_id), parcel_code))
        elif factory_id is not None and factory_code is not None:
            listed.append(("factory", int(factory_id), factory_code))
    return listed


def _chosen(session: Session, project: Project, codes: Sequence[str]) -> list[tuple[str, int, str]]:
    listed = _shortlist(session, project)
    if codes:
        by_code = {code: (kind, site_id, code) for kind, site_id, code in listed}
        unknown = [c for c in codes if c not in by_code]
        if unknown:
            raise InvalidInput("proposal.error.not_shortlisted", code=unknown[0])
        listed = [by_code[c] for c in dict.fromkeys(codes)]
    if not listed:
        raise InvalidInput("proposal.error.no_sites")
    if len(listed) > MAX_SITES:
        raise InvalidInput("proposal.error.too_many", limit=MAX_SITES)
    return listed


def _check(new: NewProposal) -> tuple[str, str | None, dt.timedelta]:
    hidden = fields.HIDDEN.search(new.title)
    if hidden:
        raise InvalidInput(
            "fields.hidden_character",
            field=Text("web.proposals.title"),
            char=f"U+{ord(hidden.group()):04X}",
            position=hidden.start() + 1,
        )
    title = " ".join(new.title.split())
    if not title:
        raise InvalidInput("proposal.error.title")
    if len(title) > TITLE_LENGTH:
        raise InvalidInput("proposal.error.title_long", limit=TITLE_LENGTH)
    if new.language not in PROPOSAL_LANGUAGES:
        raise InvalidInput("proposal.error.language", value=new.language)
    lifetime = _days(new.days)
    password = accounts.hash_password(new.password) if new.password else None
    return title, password, lifetime


def _history(
    session: Session, project: Project, who: Principal, before: str | None, after: str | None
) -> None:
    """The project's history says which proposal page came, went or changed; the project's own
    fields and version stay."""
    session.add(
        RecordChange(
            at=utcnow(),
            actor=who.name,
            action="update",
            changes={"proposal": [before, after]},
            version=project.version,
            project_id=project.id,
        )
    )
    session.flush()


def described(proposal: Proposal) -> str:
    """A proposal as the project's history names it: its number, title, language and expiry."""
    state = (
        "revoked"
        if proposal.revoked_at is not None
        else f"→{localtime.shown(proposal.expires_at, '%Y-%m-%d')}"
    )
    return f"#{proposal.id} {proposal.title} ({proposal.language}, {state})"


def publish(session: Session, code: str, new: NewProposal, *, who: Principal) -> tuple[Proposal, str]:
    """Publish sites of project `code`'s shortlist for one investor; return the proposal and the
    link's token (shown once: only its digest is kept). Raise and write nothing when refused."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    title, password, lifetime = _check(new)
    sites = _chosen(session, project, new.sites)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    proposal = Proposal(
        project_id=project.id,
        token_hash=digest(token),
        title=title,
        language=new.language,
        password_hash=password,
        expires_at=now + lifetime,
        created_at=now,
        created_by=who.name,
    )
    session.add(proposal)
    session.flush()
    session.add_all(
        ProposalSite(proposal_id=proposal.id, position=n, **{f"{kind}_id": site_id})
        for n, (kind, site_id, _code) in enumerate(sites, start=1)
    )
    session.flush()
    _history(session, project, who, None, f"{described(proposal)}：{'、'.join(c for _k, _i, c in sites)}")
    return proposal, token


def _of(session: Session, project: Project, proposal_id: int) -> Proposal:
    found = session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id, Proposal.project_id == project.id)
        .with_for_update(of=Proposal)
    )
    if found is None:
        raise NotFound(kind=Text("kind.proposal"), code=str(proposal_id))
    return found


def revoke(session: Session, code: str, proposal_id: int, *, who: Principal) -> Proposal:
    """End a proposal's link at once (from the next request on, it answers as an unknown link)."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    proposal = _of(session, project, proposal_id)
    if proposal.revoked_at is not None:
        raise InvalidInput("proposal.error.revoked", id=proposal_id)
    before = described(proposal)
    proposal.revoked_at, proposal.revoked_by = utcnow(), who.name
    session.flush()
    _history(session, project, who, before, described(proposal))
    return proposal


def set_expiry(session: Session, code: str, proposal_id: int, days: int, *, who: Principal) -> Proposal:
    """Let a proposal's link live `days` from now (0: it expires now); a revoked one stays revoked."""
    authorize(who, Action.EDIT_PROJECT)
    project = locked(session, code)
    proposal = _of(session, project, proposal_id)
    if proposal.revoked_at is not None:
        raise InvalidInput("proposal.error.revoked", id=proposal_id)
    lifetime = dt.timedelta(0) if days == 0 else _days(days)
    before = described(proposal)
    proposal.expires_at = utcnow() + lifetime
    session.flush()
    _history(session, project, who, before, described(proposal))
    return proposal

"""Reading proposal pages (推介页): a link's proposal while it lives, its sites' public facts (what
an anonymous reader of the inventory may see, and less: no status, reservation, contact, owner,
remark, document or account), the photos it may show, the password check with its brake on
guessing, each opening, and a project's proposals as its page lists them.

Writing them (publish, revoke, a new expiry) is gis/gateway/proposals.py.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gis import accounts
from gis.area import M2_PER_MU
from gis.attachments import Served
from gis.database import take_turns
from gis.errors import NotFound, TooManyAttempts
from gis.labels import Text
from gis.models import (
    Area,
    Attachment,
    Factory,
    Industry,
    LandUseClass,
    Parcel,
    Project,
    Proposal,
    ProposalOpen,
    ProposalSite,
    RateEvent,
    utcnow,
)
from gis.spatial import as_geojson
from gis.vocabulary import SITE_WORKS, AttachmentKind, SiteKind

# Wrong passwords tolerated per proposal from one address, and from everywhere, in the window
PER_ADDRESS = 5
PER_PROPOSAL = 20
WINDOW = dt.timedelta(minutes=15)


class State(StrEnum):
    """Where a proposal's link stands."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_of(proposal: Proposal, now: dt.datetime | None = None) -> State:
    """Whether the proposal's link still opens."""
    if proposal.revoked_at is not None:
        return State.REVOKED
    return State.ACTIVE if proposal.expires_at > (now or utcnow()) else State.EXPIRED


def find(session: Session, token: str) -> Proposal | None:
    """The proposal a link's token opens: None for an unknown, revoked or expired one, or one of a
    project since deleted (the caller answers all of them alike)."""
    if not token or len(token) > 100:
        return None
    proposal = session.scalar(
        select(Proposal)
        .join(Project, Project.id == Proposal.project_id)
        .where(Proposal.token_hash == accounts.digest(token), Project.deleted_at.is_(None))
    )
    if proposal is None or state_of(proposal) is not State.ACTIVE:
        return None
    return proposal


@dataclass
class PublicSite:
    """One site of a proposal as its page shows it: public facts only. `status` is the one every
    offered site is drawn in (available, vacant), never its own."""

    kind: SiteKind
    code: str
    name: str | None
    geojson: str | None
    park: str | None
    leading_industries: list[str]
    facts: dict[str, Any]
    photos: list[int] = field(default_factory=list)
    status: str = field(init=False)

    def __post_init__(self) -> None:
        self.status = "available" if self.kind == SiteKind.PARCEL else "vacant"


def _industries(session: Session, codes: list[str]) -> list[str]:
    names = dict(session.execute(select(Industry.code, Industry.name).where(Industry.code.in_(codes))).all())
    return [f"{names[c]}" if c in names else c for c in codes]


def _km(metres: float | None) -> float | None:
    return None if metres is None or not math.isfinite(metres) else round(metres / 1000, 1)


def _parcel(session: Session, site_id: int) -> PublicSite | None:
    dialect = session.get_bind().dialect.name
    row = session.execute(
        select(
            Parcel.code,
            Parcel.name,
            Parcel.area_m2,
            Parcel.cert_area_m2,
            Parcel.land_use,
            LandUseClass.name.label("land_use_name"),
            Parcel.plot_ratio_min,
            Parcel.plot_ratio_max,
            Parcel.height_limit_m,
            Parcel.waterfront,
            Parcel.net_land,
            Parcel.price_wan_per_mu,
            Parcel.to_port_m,
            Parcel.to_highway_exit_m,
            Parcel.to_rail_station_m,
            *(getattr(Parcel, f"ready_{w.value}") for w in SITE_WORKS),
            Area.name.label("park"),
            Area.leading_industries,
            as_geojson(dialect, Parcel.geom).label("geojson"),
        )
        .outerjoin(LandUseClass, LandUseClass.code == Parcel.land_use)
        .outerjoin(Area, Area.id == Parcel.park_id)
        .where(Parcel.id == site_id, Parcel.deleted_at.is_(None))
    ).first()
    if row is None:
        return None
    area = row.cert_area_m2 or row.area_m2
    facts = {
        "area_mu": round(area / M2_PER_MU, 1),
        "area_m2": round(area),
        "land_use": f"{row.land_use} {row.land_use_name or ''}".strip(),
        "plot_ratio": (row.plot_ratio_min, row.plot_ratio_max),
        "height_limit_m": row.height_limit_m,
        "ready": [w.value for w in SITE_WORKS if getattr(row, f"ready_{w.value}")],
        "net_land": bool(row.net_land),
        "waterfront": bool(row.waterfront),
        "price_wan_per_mu": row.price_wan_per_mu,
        "to_port_km": _km(row.to_port_m),
        "to_highway_exit_km": _km(row.to_highway_exit_m),
        "to_rail_station_km": _km(row.to_rail_station_m),
    }
    return PublicSite(
        SiteKind.PARCEL,
        row.code,
        row.name,
        row.geojson,
        row.park,
        _industries(session, list(row.leading_industries or [])),
        facts,
    )


def _factory(session: Session, site_id: int) -> PublicSite | None:
    dialect = session.get_bind().dialect.name
    row = session.execute(
        select(
            Factory.code,
            Factory.name,
            Factory.building_type,
            Factory.floors,
            Factory.floor_area_m2,
            Factory.vacant_area_m2,
            Factory.clear_height_m,
            Factory.floor_load_kn_m2,
            Factory.crane_t,
            Factory.power_kva,
            Factory.year_built,
            Factory.rent_yuan_m2_month,
            Factory.sale_price_wan,
            Factory.suitable_industries,
            Parcel.to_port_m,
            Parcel.to_highway_exit_m,
            Parcel.to_rail_station_m,
            Area.name.label("park"),
            Area.leading_industries,
            as_geojson(dialect, func.coalesce(Factory.footprint, Factory.location)).label("geojson"),
        )
        .outerjoin(Parcel, (Parcel.id == Factory.parcel_id) & Parcel.deleted_at.is_(None))
        .outerjoin(Area, Area.id == Factory.park_id)
        .where(Factory.id == site_id, Factory.deleted_at.is_(None))
    ).first()
    if row is None:
        return None
    facts = {
        "building_type": row.building_type,
        "floors": row.floors,
        "floor_area_m2": round(row.floor_area_m2),
        "vacant_area_m2": round(row.vacant_area_m2),
        "clear_height_m": row.clear_height_m,
        "floor_load_kn_m2": row.floor_load_kn_m2,
        "crane_t": row.crane_t,
        "power_kva": row.power_kva,
        "year_built": row.year_built,
        "rent_yuan_m2_month": row.rent_yuan_m2_month,
        "sale_price_wan": row.sale_price_wan,
        "suitable_industries": _industries(session, list(row.suitable_industries or [])),
        "to_port_km": _km(row.to_port_m),
        "to_highway_exit_km": _km(row.to_highway_exit_m),
        "to_rail_station_km": _km(row.to_rail_station_m),
    }
    return PublicSite(
        SiteKind.FACTORY,
        row.code,
        row.name,
        row.geojson,
        row.park,
        _industries(session, list(row.leading_industries or [])),
        facts,
    )


def _photos(session: Session, kind: SiteKind, site_id: int) -> list[int]:
    column = Attachment.parcel_id if kind == SiteKind.PARCEL else Attachment.factory_id
    return list(
        session.scalars(
            select(Attachment.id)
            .where(
                column == site_id, Attachment.kind == AttachmentKind.PHOTO, Attachment.deleted_at.is_(None)
            )
            .order_by(Attachment.taken_at, Attachment.id)
        )
    )


def _entries(session: Session, proposal: Proposal) -> list[tuple[SiteKind, int]]:
    rows = session.execute(
        select(ProposalSite.parcel_id, ProposalSite.factory_id)
        .where(ProposalSite.proposal_id == proposal.id)
        .order_by(ProposalSite.position)
    ).all()
    entries = []
    for parcel_id, factory_id in rows:
        kind = SiteKind.PARCEL if parcel_id is not None else SiteKind.FACTORY
        entries.append((kind, int(parcel_id if parcel_id is not None else factory_id or 0)))
    return entries


def public_sites(session: Session, proposal: Proposal) -> list[PublicSite]:
    """The proposal's sites that still exist, in its order, with their public facts and photos."""
    shown = []
    for kind, site_id in _entries(session, proposal):
        site = _parcel(session, site_id) if kind == SiteKind.PARCEL else _factory(session, site_id)
        if site is not None:
            site.photos = _photos(session, kind, site_id)
            shown.append(site)
    return shown


def photo(session: Session, proposal: Proposal, attachment_id: int, *, thumbnail: bool) -> Served:
    """A photo (or its thumbnail) of one of the proposal's sites; NotFound for anything else
    (a document, another site's photo, one deleted, a site deleted)."""
    allowed = {(kind, site_id) for kind, site_id in _entries(session, proposal)}
    body = Attachment.thumbnail if thumbnail else Attachment.content
    row = session.execute(
        select(
            Attachment.parcel_id,
            Attachment.factory_id,
            Attachment.file_name,
            Attachment.media_type,
            Attachment.uploaded_at,
            body.label("data"),
        ).where(
            Attachment.id == attachment_id,
            Attachment.kind == AttachmentKind.PHOTO,
            Attachment.deleted_at.is_(None),
        )
    ).first()
    place = (
        None
        if row is None
        else (
            (SiteKind.PARCEL, row.parcel_id)
            if row.parcel_id is not None
            else (SiteKind.FACTORY, row.factory_id)
        )
    )
    if row is None or row.data is None or place not in allowed:
        raise NotFound(kind=Text("kind.attachment"), code=str(attachment_id))
    kind, site_id = place
    if (_parcel(session, site_id) if kind == SiteKind.PARCEL else _factory(session, site_id)) is None:
        raise NotFound(kind=Text("kind.attachment"), code=str(attachment_id))
    name = f"{PurePath(row.file_name).stem}-320.jpg" if thumbnail else row.file_name
    media_type = "image/jpeg" if thumbnail else row.media_type
    return Served(name, media_type, bytes(row.data), row.uploaded_at, AttachmentKind.PHOTO)


class Client(StrEnum):
    """The only thing an opening keeps of who opened it: the kind of client."""

    WECHAT = "wechat"
    PHONE = "phone"
    COMPUTER = "computer"
    OTHER = "other"


def client_of(user_agent: str | None) -> Client:
    """The kind of client a User-Agent header names (WeChat's own browser first: investors are
    mostly sent links there)."""
    agent = (user_agent or "").lower()
    if "micromessenger" in agent:
        return Client.WECHAT
    if any(word in agent for word in ("iphone", "android", "mobile", "ipad")):
        return Client.PHONE
    if any(word in agent for word in ("windows", "macintosh", "x11", "linux", "cros")):
        return Client.COMPUTER
    return Client.OTHER


def record_open(session: Session, proposal: Proposal, user_agent: str | None) -> ProposalOpen:
    """Keep that the proposal's page was shown now, and to what kind of client."""
    opened = ProposalOpen(proposal_id=proposal.id, opened_at=utcnow(), client=client_of(user_agent).value)
    session.add(opened)
    session.flush()
    return opened


def _failures(session: Session, key: str, since: dt.datetime) -> tuple[int, dt.datetime | None]:
    count, oldest = session.execute(
        select(func.count(), func.min(RateEvent.at)).where(RateEvent.key == key, RateEvent.at > since)
    ).one()
    return int(count), oldest


def check_password(session: Session, proposal: Proposal, password: str, address: str) -> bool:
    """Whether `password` opens the proposal; a wrong one is counted (per address and per
    proposal) in the caller's write transaction, which must be committed for it to count; past the
    limit `TooManyAttempts`, whatever the password."""
    keys = {f"proposal:{proposal.id}:{address[:64]}": PER_ADDRESS, f"proposal:{proposal.id}": PER_PROPOSAL}
    now = utcnow()
    since = now - WINDOW
    for key, limit in keys.items():
        take_turns(session, key)
        session.execute(delete(RateEvent).where(RateEvent.key == key, RateEvent.at <= since))
        count, oldest = _failures(session, key, since)
        if count >= limit and oldest is not None:
            wait = (oldest + WINDOW - now).total_seconds()
            raise TooManyAttempts("proposal.error.too_many_attempts", retry_after=max(1, math.ceil(wait)))
    if proposal.password_hash is not None and accounts.password_matches(proposal.password_hash, password):
        return True
    session.add_all(RateEvent(key=key, at=now) for key in keys)
    session.flush()
    return False


@dataclass(frozen=True)
class ProposalRow:
    """A proposal as its project's page and API list it."""

    id: int
    title: str
    language: str
    state: State
    has_password: bool
    created_at: dt.datetime
    created_by: str
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    revoked_by: str | None
    sites: list[str]
    opens: int
    last_opened_at: dt.datetime | None


def _site_codes(session: Session, proposal_ids: list[int]) -> dict[int, list[str]]:
    rows = session.execute(
        select(ProposalSite.proposal_id, Parcel.code, Factory.code)
        .outerjoin(Parcel, Parcel.id == ProposalSite.parcel_id)
        .outerjoin(Factory, Factory.id == ProposalSite.factory_id)
        .where(ProposalSite.proposal_id.in_(proposal_ids))
        .order_by(ProposalSite.proposal_id, ProposalSite.position)
    ).all()
    codes: dict[int, list[str]] = {}
    for proposal_id, parcel, factory in rows:
        codes.setdefault(proposal_id, []).append(parcel or factory)
    return codes


def of_project(session: Session, project_id: int) -> list[ProposalRow]:
    """The project's proposals, newest first, each with how often and when it was last opened."""
    opens = (
        select(
            ProposalOpen.proposal_id,
            func.count().label("opens"),
            func.max(ProposalOpen.opened_at).label("last"),
        )
        .group_by(ProposalOpen.proposal_id)
        .subquery()
    )
    rows = session.execute(
        select(Proposal, opens.c.opens, opens.c.last)
        .outerjoin(opens, opens.c.proposal_id == Proposal.id)
        .where(Proposal.project_id == project_id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    ).all()
    codes = _site_codes(session, [p.id for p, _o, _l in rows])
    now = utcnow()
    return [
        ProposalRow(
            id=p.id,
            title=p.title,
            language=p.language,
            state=state_of(p, now),
            has_password=p.password_hash is not None,
            created_at=p.created_at,
            created_by=p.created_by,
            expires_at=p.expires_at,
            revoked_at=p.revoked_at,
            revoked_by=p.revoked_by,
            sites=codes.get(p.id, []),
            opens=int(count or 0),
            last_opened_at=last,
        )
        for p, count, last in rows
    ]

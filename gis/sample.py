"""Load the generated Qidong sample (data/sample) into an empty database."""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gis import accounts, bulk, localtime
from gis.access import Principal, operator
from gis.bulk_write import Progress
from gis.context import ContextItem
from gis.errors import InsecureSetup, NotFound
from gis.gateway import context as context_writes
from gis.gateway import receptors as receptor_gateway
from gis.gateway import reviews
from gis.geometry import clean_polygons
from gis.labels import Text
from gis.matching.need import MatchConfig
from gis.matching.review import Planned, ReviewConfig
from gis.models import Parcel, User
from gis.pipeline.reviews import NewReview
from gis.vocabulary import ContextKind

SAMPLE_ACTOR = "示例数据"
DEMO_PASSWORD = "landstock-demo"
# Demo accounts, one per role (park managers per park): for trying Landstock, never production.
DEMO_USERS = (
    ("admin", "admin", "系统管理员", ()),
    ("zhaoshang", "investment", "招商局 张科长", ()),
    ("kfq", "park_manager", "经济开发区 陆主任", ("P01",)),
    ("gxq", "park_manager", "高新区 施主任", ("P02",)),
    ("smc", "park_manager", "生命健康科技城 顾主任", ("P03",)),
    ("lsg", "park_manager", "吕四港 沈主任", ("P04",)),
    ("zhen", "park_manager", "镇工业集中区 朱科长", ("Z01", "Z02", "Z03", "Z04", "Z05", "Z06")),
    ("lingdao", "leader", "分管领导", ()),
    # the sample's linked leaders (挂钩领导) and the bureau's lead officers, invented names
    ("zhouweidong", "leader", "周卫东 副市长", ()),
    ("luwenbin", "leader", "陆文斌 市委常委", ()),
    ("wangxiaoyan", "investment", "招商局 王晓燕", ()),
    ("shiyu", "investment", "招商局 施宇", ()),
)
# Who keeps each park's records verified: its demo park manager
KEEPERS = {area: name for name, role, _, areas in DEMO_USERS if role == "park_manager" for area in areas}
# Most sample records were verified within the last STALE_AFTER days; one in STALE_SHARE was not
RECENT_DAYS, STALE_SHARE, STALE_AFTER = 80, 8, 95
FILES = (
    "areas.geojson",
    "projects.json",
    "parcels.geojson",
    "factories.geojson",
    "infrastructure.geojson",
    "receptors.geojson",
    "context.geojson",
)


def _features(path: Path) -> tuple[list[dict[str, Any]], np.ndarray]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    geoms = np.array([shape(f["geometry"]) if f["geometry"] else None for f in features], dtype=object)
    return [f["properties"] for f in features], geoms


def _clean(geoms: np.ndarray) -> np.ndarray:
    result = clean_polygons(geoms)
    if not result.accepted.all():
        bad = int(np.flatnonzero(~result.accepted)[0])
        raise ValueError(f"sample feature {bad} has an invalid geometry: {result.rejections[bad]}")
    return result.geoms


def parcel_count(session: Session) -> int:
    """How many parcels the database holds."""
    return int(session.scalar(select(func.count()).select_from(Parcel)) or 0)


def load_areas(session: Session, directory: Path) -> int:
    """Insert the sample's towns, parks and zones (parents first); return how many."""
    areas, geoms = _features(directory / "areas.geojson")
    order = sorted(range(len(areas)), key=lambda i: areas[i]["parent"] is not None)
    bulk.insert_areas(session, [areas[i] for i in order], _clean(geoms[order]))
    return len(areas)


def load_sample(
    session: Session,
    directory: Path,
    progress: Progress | None = None,
    people: Callable[[Session], object] | None = None,
) -> dict[str, int]:
    """Insert every sample record; the caller owns the transaction. Return counts.

    The sample's projects name their officers and linked leaders (and the leaders of their
    follow-ups) by the demo accounts' names: `people`, called once the areas are in (the park
    managers' accounts name them) and before the projects, may create those accounts
    (`create_demo_users`); a name without an account is left unnamed."""
    missing = [name for name in FILES if not (directory / name).exists()]
    if missing:
        raise NotFound(kind=Text("kind.reference"), code=str(directory / missing[0]))
    areas = load_areas(session, directory)
    if people is not None:
        people(session)
    projects = json.loads((directory / "projects.json").read_text(encoding="utf-8"))
    bulk.insert_projects(session, projects, actor=SAMPLE_ACTOR)
    parcels, parcel_geoms = _features(directory / "parcels.geojson")
    verified(parcels, localtime.today())
    bulk.insert_parcels(session, parcels, _clean(parcel_geoms), actor=SAMPLE_ACTOR, progress=progress)
    factories, footprints = _features(directory / "factories.geojson")
    has_footprint = np.array([g is not None for g in footprints])
    footprints[has_footprint] = _clean(footprints[has_footprint])
    locations = shapely.points([f.pop("location") for f in factories])
    verified(factories, localtime.today())
    bulk.insert_factories(session, factories, footprints, locations, actor=SAMPLE_ACTOR)
    bulk.insert_project_sites(session, projects, actor=SAMPLE_ACTOR)
    hold_reviews(session, projects)
    infrastructure, infra_geoms = _features(directory / "infrastructure.geojson")
    bulk.insert_infrastructure(session, infrastructure, infra_geoms)
    receptors, receptor_geoms = _features(directory / "receptors.geojson")
    receptor_gateway.put(session, receptors, receptor_geoms, operator(SAMPLE_ACTOR))
    context_features = load_context(session, directory)
    return {
        "areas": areas,
        "projects": len(projects),
        "parcels": len(parcels),
        "factories": len(factories),
        "infrastructure": len(infrastructure),
        "receptors": len(receptors),
        "context": context_features,
    }


def load_context(session: Session, directory: Path) -> int:
    """Put the sample's map context (coastline, county, roads, waterways) in place; return how many."""
    records, geoms = _features(directory / "context.geojson")
    items = [
        ContextItem(ContextKind(r["kind"]), r.get("name"), int(r["rank"]), g)
        for r, g in zip(records, geoms, strict=True)
    ]
    return context_writes.replace(session, items, who=operator(SAMPLE_ACTOR))


def verified(records: list[dict[str, Any]], today: dt.date) -> None:
    """Give each record the day its park manager last verified it, counted back from `today` and
    drawn from its code (the same sample loaded on the same day is verified alike): mostly within
    RECENT_DAYS, one in STALE_SHARE more than STALE_AFTER days ago, never before its last status
    change (which was a verification too)."""
    for record in records:
        draw = zlib.crc32(record["code"].encode())
        stale = draw % STALE_SHARE == 0
        days = STALE_AFTER + draw // STALE_SHARE % 200 if stale else draw // STALE_SHARE % RECENT_DAYS
        day = today - dt.timedelta(days=days)
        since = dt.date.fromisoformat(record["status_since"]) if record.get("status_since") else None
        if since is not None and day < since <= today:
            day = since
        at = dt.datetime.combine(day, dt.time(10, draw % 60), tzinfo=localtime.current())
        record["verified_at"] = at.astimezone(dt.UTC)
        record["verified_by"] = KEEPERS.get(record.get("park") or "", SAMPLE_ACTOR)


def hold_reviews(session: Session, projects: list[dict[str, Any]]) -> int:
    """The joint reviews the sample's projects held (`review`), once their sites are in: each
    held, its departments' opinions entered and its outcome decided through the write gateway, so
    numbers, snapshots and histories are made as for any review. Return how many."""
    who = operator(SAMPLE_ACTOR)
    held = [(record["code"], record["review"]) for record in projects if record.get("review")]
    for code, review in held:
        new = NewReview(code, review["site"], Planned(), dt.date.fromisoformat(review["held_on"]))
        number = reviews.create(session, new, who=who, config=ReviewConfig(), match=MatchConfig()).number
        opinions = {
            department: {**given, "signed_on": dt.date.fromisoformat(given["signed_on"])}
            for department, given in review["opinions"].items()
        }
        reviews.record_opinions(session, code, number, opinions, who=who)
        reviews.decide(session, code, number, review["outcome"], review.get("outcome_note"), who=who)
    return len(held)


def create_demo_users(session: Session, who: Principal) -> list[tuple[str, str, str]]:
    """Add the demo accounts when there are no users yet; return (name, role, password) of each."""
    if session.scalar(select(func.count()).select_from(User)):
        return []
    for name, role, display, areas in DEMO_USERS:
        accounts.create_user(session, who, name, role, DEMO_PASSWORD, areas=list(areas), display_name=display)
    return [(name, role, DEMO_PASSWORD) for name, role, _, _ in DEMO_USERS]


def refuse_demo_passwords(session: Session) -> None:
    """Raise `InsecureSetup` naming the active accounts whose password is still the demo one."""
    names = accounts.active_users_with_password(session, DEMO_PASSWORD)
    if names:
        raise InsecureSetup(names=", ".join(names))

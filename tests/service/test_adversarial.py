"""The adversarial write suite, on both databases.

Every role tries, through every write path (the API, the web forms, an import uploaded over HTTP and
the CLI's import with --user), to reach outside its parks, skip workflow steps, undelete, move
outlines into another park, name a park by hand, write from a stale version and store values no
field may hold, beside the legitimate changes of each role. The attempts are generated from a
fixed seed. After every attempt the database must show:

- nothing out of scope: every change by a park manager touched a record of their areas, before
  and after;
- no illegal step: each record's status events chain and follow the workflow;
- a complete history: replaying the recorded changes over the rows as they were at the start
  gives the rows as they are, version by version;
- no acknowledged write lost: every change that was answered as done is in that history.

Legitimate attempts must succeed and hostile ones must be refused, so that a gateway refusing
everything cannot pass. Fifty writers racing each other and an import are checked the same way.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import shapely
from fastapi.testclient import TestClient
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping
from sqlalchemy import func, select
from typer.testing import CliRunner

from gis import accounts
from gis.errors import LandstockError
from gis.history import snapshot
from gis.models import Area, Factory, Parcel, Project, RecordChange
from gis.status import WORKFLOWS
from harness.live import serve
from service import cli
from service.main import create_app
from tests.conftest import OPERATOR, TEST_PASSWORD, settings_for
from tests.service.test_write_paths import assert_every_step_legal

SEED, ATTEMPTS = 20261205, 72
MODELS = {"parcel": Parcel, "factory": Factory, "area": Area, "project": Project}
PLURAL = {"parcel": "parcels", "factory": "factories", "area": "areas"}
PATHS = ("api", "web", "upload", "cli")
PROJECT = "XM-2026-001"
NEXT = {
    "parcel": {
        "available": ("reserved", "unavailable"),
        "reserved": ("available", "signed"),
        "signed": ("supplied",),
        "supplied": ("under_construction",),
        "under_construction": ("in_production",),
        "in_production": ("unavailable",),
        "unavailable": ("available",),
    },
    "factory": {
        "vacant": ("reserved",),
        "reserved": ("vacant", "leased", "sold"),
        "leased": ("vacant",),
        "sold": ("vacant",),
    },
}


@dataclass
class Actor:
    """A signed-in user: a bearer token for the API and uploads, a browser session for the forms."""

    name: str
    role: str
    areas: frozenset[int]
    headers: dict[str, str]
    browser: TestClient

    @property
    def scoped(self) -> bool:
        return self.role == "park_manager"


@dataclass
class Attempt:
    """One write: who, through which path, on what, and whether it must succeed."""

    actor: Actor
    path: str
    kind: str
    code: str
    expect: bool
    values: dict[str, Any] = field(default_factory=dict)
    geometry: Any = None
    status: str | None = None
    project: str | None = None
    note: str | None = None
    park: str | None = None
    create: bool = False
    restore: bool = False
    delete: bool = False
    stale: bool = False
    why: str = ""


class World:
    """A sample database, its actors, the rows as they were at the start, and what was acknowledged."""

    def __init__(self, sample_app: Any, tmp_path: Any) -> None:
        self.app, self.client, self.db, self.tmp = sample_app, sample_app.client, sample_app.db, tmp_path
        with self.db.read() as session:
            self.area_ids = dict(session.execute(select(Area.code, Area.id)).all())
            self.start_change = session.scalar(select(func.coalesce(func.max(RecordChange.id), 0)))
            self.start = {
                (kind, r.id): (r.version, snapshot(r))
                for kind, model in MODELS.items()
                for r in session.scalars(select(model))
            }
        self.actors = [
            self._actor("admin"),
            self._actor("investment"),
            self._actor("park_manager", "P01"),
            self._actor("park_manager", "Z01", "Z02", "Z03", "Z04", "Z05", "Z06"),
            self._actor("leader"),
        ]
        self.acknowledged: list[tuple[Attempt, dict[str, Any]]] = []
        self.serial = 0

    def _actor(self, role: str, *areas: str) -> Actor:
        name = self.app.user(role, *areas)
        with self.db.write() as session:
            token = accounts.issue_token(
                session, OPERATOR, accounts.get_user(session, name), "adversary", None
            )
        browser = TestClient(self.client.app)
        page = browser.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        browser.post(
            "/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": csrf, "next": "/"}
        )
        return Actor(
            name,
            role,
            frozenset(self.area_ids[a] for a in areas),
            {"Authorization": f"Bearer {token}"},
            browser,
        )

    def code(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial:03d}"

    def rows(self, kind: str) -> list[Any]:
        with self.db.read() as session:
            return list(session.scalars(select(MODELS[kind]).order_by(MODELS[kind].code)))

    def inside(self, area: str, point: bool = False) -> Any:
        with self.db.read() as session:
            outline = to_shape(session.scalar(select(Area.geom).where(Area.code == area)))
        centre = shapely.point_on_surface(outline)
        return (
            centre
            if point
            else shapely.box(centre.x - 3e-4, centre.y - 3e-4, centre.x + 3e-4, centre.y + 3e-4)
        )


def mine(actor: Actor, record: Any) -> bool:
    return not actor.scoped or bool({record.park_id, record.town_id} & actor.areas)


# --- generating attempts ----------------------------------------------------------------------------


def _target(rng: random.Random, world: World, actor: Actor, kind: str, own: bool) -> Any | None:
    candidates = [r for r in world.rows(kind) if r.deleted_at is None and mine(actor, r) == own]
    return rng.choice(candidates) if candidates else None


def _home(actor: Actor, world: World) -> str:
    codes = {v: k for k, v in world.area_ids.items()}
    return codes[min(actor.areas)] if actor.areas else "P01"


def _status_change(
    rng: random.Random,
    actor: Actor,
    kind: str,
    record: Any,
    status: str,
    expect: bool,
    why: str,
    note: str | None = None,
    paths: tuple[str, ...] = ("api", "web", "upload"),
) -> Attempt:
    """`actor` moves `record` to `status` (naming PROJECT) through one of `paths`."""
    path = rng.choice(paths)
    return Attempt(actor, path, kind, record.code, expect, status=status, project=PROJECT, note=note, why=why)


def _restore(
    rng: random.Random, actor: Actor, kind: str, gone: list[Any], expect: bool, why: str, **values: Any
) -> Attempt:
    """`actor` brings back one of the deleted records `gone`, through the API or an upload."""
    path = rng.choice(("api", "upload"))
    return Attempt(actor, path, kind, rng.choice(gone).code, expect, values, restore=True, why=why)


def _remark(
    actor: Actor, path: str, kind: str, record: Any, remark: str, expect: bool, why: str, stale: bool = False
) -> Attempt:
    """`actor` writes `remark` into the remarks of `record` (from a stale version if asked)."""
    return Attempt(actor, path, kind, record.code, expect, {"remarks": remark}, stale=stale, why=why)


def _create(
    rng: random.Random,
    actor: Actor,
    kind: str,
    code: str,
    expect: bool,
    geometry: Any,
    why: str,
    park: str | None = None,
    **values: Any,
) -> Attempt:
    """`actor` creates `code` at `geometry` (in `park` if named) through the API, an upload or the CLI."""
    path = rng.choice(("api", "upload", "cli"))
    return Attempt(
        actor, path, kind, code, expect, values, geometry=geometry, park=park, create=True, why=why
    )


OUT_OF_SCOPE = ("other", "outline", "create", "assign")


def _out_of_scope(
    rng: random.Random, world: World, actor: Actor, kind: str, path: str, move: str, own: Any
) -> Attempt | None:
    """A scoped writer reaching past their areas (one of `OUT_OF_SCOPE`)."""
    if move == "other" and actor.scoped:
        other = _target(rng, world, actor, kind, own=False)
        return other and _remark(actor, path, kind, other, "越权修改", False, "other's record")
    if move == "outline" and actor.scoped and own:
        far = world.inside("P04", point=kind == "factory")
        return Attempt(
            actor, path, kind, own.code, False, geometry=far, park=_home(actor, world), why="moved out"
        )
    if move == "create" and actor.scoped:
        far = world.inside("P04", point=kind == "factory")
        return _create(
            rng, actor, kind, world.code("EVIL"), False, far, "created elsewhere", park=_home(actor, world)
        )
    if move == "assign" and actor.scoped and own:
        return Attempt(
            actor, rng.choice(("api", "upload")), kind, own.code, False, park="P04", why="park by hand"
        )
    return None


def hostile(rng: random.Random, world: World, actor: Actor) -> Attempt | None:
    """An attempt the rules must refuse."""
    kind = rng.choice(("parcel", "factory"))
    path = rng.choice(PATHS)
    move = rng.choice(("other", "outline", "create", "step", "undelete", "stale", "hidden", "assign", "role"))
    if actor.role in ("leader", "investment") and move not in ("step", "stale", "hidden"):
        move = "role"
    own = _target(rng, world, actor, kind, own=True)
    if move in OUT_OF_SCOPE:
        return _out_of_scope(rng, world, actor, kind, path, move, own)
    if move == "step" and own:
        legal = NEXT[kind][own.status]
        illegal = [s for s in WORKFLOWS[kind][0] if s.value not in legal and s.value != own.status]
        return _status_change(rng, actor, kind, own, rng.choice(illegal).value, False, "illegal step", "跳步")
    if move == "undelete" and actor.role != "admin":
        gone = [r for r in world.rows(kind) if r.deleted_at is not None]
        return gone and _restore(rng, actor, kind, gone, False, "undelete", remarks="恢复")
    if move == "stale" and own:
        return _remark(
            actor, rng.choice(("api", "web")), kind, own, "旧版本", False, "stale version", stale=True
        )
    if move == "hidden" and own:
        return _remark(actor, path, kind, own, "隐藏\u202e字符", False, "hidden character")
    if move == "role" and actor.role in ("leader", "investment") and own:
        return _remark(actor, rng.choice(("api", "web", "upload")), kind, own, "无权", False, "role")
    return None


def legitimate(rng: random.Random, world: World, actor: Actor) -> Attempt | None:
    """An attempt the rules must let through."""
    kind = rng.choice(("parcel", "factory"))
    own = _target(rng, world, actor, kind, own=True)
    if actor.role == "leader" or own is None:
        return None
    if actor.role == "investment":
        if own.status in ("available", "vacant"):
            return _status_change(rng, actor, kind, own, "reserved", True, "reserve", paths=("api", "web"))
        return None
    move = rng.choice(("edit", "step", "create", "restore", "area"))
    if move == "step":
        return _status_change(
            rng, actor, kind, own, rng.choice(NEXT[kind][own.status]), True, "legal step", "正常推进"
        )
    if move == "create" and kind == "parcel":
        here = world.inside(_home(actor, world))
        return _create(rng, actor, kind, world.code("NEW"), True, here, "new in own park", land_use="100102")
    if move == "restore" and actor.role == "admin":
        gone = [r for r in world.rows(kind) if r.deleted_at is not None]
        if gone:
            return _restore(rng, actor, kind, gone, True, "admin restores")
    if move == "area" and actor.role in ("admin", "park_manager"):
        return Attempt(
            actor,
            "api",
            "area",
            _home(actor, world),
            True,
            {"remarks": f"园区说明{world.serial}"},
            why="own area",
        )
    return _remark(actor, rng.choice(PATHS), kind, own, f"核实{world.code('R')}", True, "own edit")


# --- carrying them out ------------------------------------------------------------------------------


def etag(world: World, kind: str, code: str, stale: bool) -> str:
    version = int(world.client.get(f"/api/{PLURAL[kind]}/{code}").headers["etag"].strip('"'))
    return f'"{version - 1 if stale else version}"'


def via_api(world: World, a: Attempt) -> bool:
    base, http = f"/api/{PLURAL[a.kind]}", world.client
    if a.create:
        props = {"code": a.code, **a.values, **({"park": a.park} if a.park else {})}
        if a.kind == "factory":
            props.update(floor_area_m2=1000.0, vacant_area_m2=1000.0)
        else:
            props.setdefault("land_use", "100102")
        answer = http.post(
            base,
            json={"type": "Feature", "geometry": mapping(a.geometry), "properties": props},
            headers=a.actor.headers,
        )
    elif a.restore:
        answer = http.post(f"{base}/{a.code}/restore", headers=a.actor.headers)
    elif a.kind == "area":
        answer = http.patch(
            f"{base}/{a.code}",
            json=a.values,
            headers={**a.actor.headers, "If-Match": etag(world, "area", a.code, a.stale)},
        )
    else:
        headers = {**a.actor.headers, "If-Match": etag(world, a.kind, a.code, a.stale)}
        if a.status:
            answer = http.post(
                f"{base}/{a.code}/status",
                headers=headers,
                json={"status": a.status, "project": a.project, "note": a.note},
            )
        else:
            body: dict[str, Any] = {"properties": {**a.values, **({"park": a.park} if a.park else {})}}
            if a.geometry is not None:
                body["geometry"] = mapping(a.geometry)
            answer = http.patch(f"{base}/{a.code}", json=body, headers=headers)
    assert answer.status_code < 500, answer.text
    return answer.status_code < 300


def via_form(world: World, a: Attempt) -> bool:
    if a.kind == "area" or a.create or a.restore:
        return via_api(world, a)
    browser, url = a.actor.browser, f"/{PLURAL[a.kind]}/{a.code}"
    page = browser.get(f"{url}/edit" if not a.status else url).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if csrf is None:
        return False  # the page offers no form to this user
    version = int(etag(world, a.kind, a.code, a.stale).strip('"'))
    if a.status:
        data = {
            "csrf_token": csrf.group(1),
            "version": str(version),
            "status": a.status,
            "project": a.project or "",
            "note": a.note or "",
        }
        answer = browser.post(f"{url}/status", data=data, follow_redirects=False)
    else:
        from tests.service.test_write_paths import form_of

        data = {**form_of(browser, a.kind, a.code), "version": str(version), **a.values}
        if a.geometry is not None:
            data["geometry"] = json.dumps(mapping(a.geometry))
        answer = browser.post(f"{url}/edit", data=data, follow_redirects=False)
    assert answer.status_code < 500, answer.text
    return answer.status_code == 303


def _file(world: World, a: Attempt) -> Any:
    props: dict[str, Any] = {"code": a.code, **a.values}
    for key, value in (
        ("status", a.status),
        ("reserved_project", a.project),
        ("note", a.note),
        ("park", a.park),
    ):
        if value:
            props[key] = value
    if a.create and a.kind == "factory":
        props.update(floor_area_m2=1000.0)
    elif a.create:
        props.setdefault("land_use", "100102")
    geometry = mapping(a.geometry) if a.geometry is not None else None
    path = world.tmp / f"{world.code('FILE')}.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": props, "geometry": geometry}],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return path


def via_upload(world: World, a: Attempt) -> bool:
    path = _file(world, a)
    answer = world.client.post(
        "/api/imports",
        data={"layer": PLURAL[a.kind]},
        headers=a.actor.headers,
        files={"file": (path.name, path.read_bytes())},
    )
    assert answer.status_code < 500, answer.text
    return answer.status_code == 200


def via_cli(world: World, a: Attempt) -> bool:
    path = _file(world, a)
    result = CliRunner().invoke(
        cli.app,
        ["import", str(path), "--layer", PLURAL[a.kind], "--user", a.actor.name],
        env={"LANDSTOCK_DATABASE_URL": world.app.url},
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit | LandstockError):
        raise result.exception
    return result.exit_code == 0 and result.exception is None


RUN = {"api": via_api, "web": via_form, "upload": via_upload, "cli": via_cli}


# --- what must hold after every attempt -------------------------------------------------------------


def audit(world: World) -> None:
    """Scope, legal steps, complete history, nothing acknowledged lost."""
    assert_every_step_legal(world.db)
    with world.db.read() as session:
        changes = list(
            session.scalars(
                select(RecordChange)
                .where(  # accounts keep a history of their own
                    RecordChange.id > world.start_change, RecordChange.user_id.is_(None)
                )
                .order_by(RecordChange.id)
            )
        )
        now = {
            (kind, r.id): (r.version, snapshot(r))
            for kind, model in MODELS.items()
            for r in session.scalars(select(model))
        }
    scoped = {a.name: a.areas for a in world.actors if a.scoped}
    replayed = {key: (version, dict(row)) for key, (version, row) in world.start.items()}
    for change in changes:
        kind = next(k for k in MODELS if getattr(change, f"{k}_id") is not None)
        key = (kind, getattr(change, f"{kind}_id"))
        version, row = replayed.get(key, (0, {}))
        for name, (before, after) in change.changes.items():
            assert row.get(name) == before, (key, change.action, name, row.get(name), before)
            row[name] = after
        assert change.version == version + 1, (key, change.action, version, change.version)
        replayed[key] = (change.version, row)
        if change.actor in scoped and kind != "area":
            places = {row.get("park_id"), row.get("town_id")}
            for name in ("park_id", "town_id"):
                if name in change.changes:
                    places.add(change.changes[name][0])
            assert places & scoped[change.actor], (key, change.actor, places)
    for key, (version, row) in now.items():
        if key in replayed:
            assert replayed[key][0] == version, (key, replayed[key][0], version)
            assert {k: replayed[key][1].get(k) for k in row} == row, key
    for attempt, effect in world.acknowledged:
        assert any(
            c.actor == attempt.actor.name
            and all(c.changes.get(k, [None, None])[1] == v for k, v in effect.items())
            for c in changes
        ), (attempt, effect)


def effect_of(a: Attempt) -> dict[str, Any]:
    effect = {k: v for k, v in a.values.items() if k == "remarks"}
    if a.status:
        effect["status"] = a.status
    return effect


def test_every_role_through_every_path_keeps_every_rule(sample_app, tmp_path):
    world = World(sample_app, tmp_path)
    rng = random.Random(SEED)
    admin = world.actors[0]
    for kind in ("parcel", "factory"):  # something for the undeletes to find
        doomed = world.rows(kind)[-1].code
        world.client.delete(
            f"/api/{PLURAL[kind]}/{doomed}",
            headers={**admin.headers, "If-Match": etag(world, kind, doomed, False)},
        )
    done = {"hostile": 0, "legitimate": 0, "paths": set()}

    while done["hostile"] + done["legitimate"] < ATTEMPTS:
        actor = rng.choice(world.actors)
        maker = hostile if rng.random() < 0.55 else legitimate
        attempt = maker(rng, world, actor)
        if not attempt:
            continue
        accepted = RUN[attempt.path](world, attempt)

        assert accepted == attempt.expect, attempt
        if accepted and effect_of(attempt):
            world.acknowledged.append((attempt, effect_of(attempt)))
        audit(world)
        done["hostile" if not attempt.expect else "legitimate"] += 1
        done["paths"].add(attempt.path)

    assert done["hostile"] > 25 and done["legitimate"] > 20 and done["paths"] == set(PATHS)


async def _race(base: str, world: World, rng: random.Random) -> list[tuple[Attempt, int]]:
    targets = [
        r.code for r in world.rows("parcel") if r.park_id == world.area_ids["P01"] and r.deleted_at is None
    ][:5]
    manager, admin = world.actors[2], world.actors[0]
    async with httpx.AsyncClient(base_url=base, timeout=180, limits=httpx.Limits(max_connections=60)) as http:
        etags = {c: (await http.get(f"/api/parcels/{c}")).headers["etag"] for c in targets}
        requests, attempts = [], []
        for i in range(50):
            code, actor = rng.choice(targets), rng.choice((manager, admin))
            attempt = Attempt(actor, "api", "parcel", code, False, {"remarks": f"并发{i}"})
            if i % 7 == 0:
                attempt.values, attempt.status, attempt.note = {}, "unavailable", "并发暂停"
                requests.append(
                    http.post(
                        f"/api/parcels/{code}/status",
                        json={"status": "unavailable", "note": "并发暂停"},
                        headers={**actor.headers, "If-Match": etags[code]},
                    )
                )
            else:
                requests.append(
                    http.patch(
                        f"/api/parcels/{code}",
                        json={"properties": attempt.values},
                        headers={**actor.headers, "If-Match": etags[code]},
                    )
                )
            attempts.append(attempt)
        upload = _file(
            world,
            Attempt(
                admin,
                "upload",
                "parcel",
                targets[0],
                True,
                {"remarks": "导入并发"},
                status="reserved",
                project=PROJECT,
            ),
        )
        requests.append(
            http.post(
                "/api/imports",
                data={"layer": "parcels"},
                headers=admin.headers,
                files={"file": (upload.name, upload.read_bytes())},
            )
        )
        answers = await asyncio.gather(*requests)
    return list(zip(attempts, [r.status_code for r in answers[:-1]], strict=True)) + [
        (None, answers[-1].status_code)
    ]


def test_fifty_writers_and_an_import_racing_each_other_lose_nothing(sample_app, tmp_path):
    world = World(sample_app, tmp_path)

    with serve(create_app(settings_for(sample_app.url))) as base:
        results = asyncio.run(_race(base, world, random.Random(SEED)))

    statuses = [status for _, status in results]
    assert set(statuses) <= {200, 409, 412, 422} and statuses.count(200) >= 1
    for attempt, status in results:
        if attempt is not None and status == 200:
            world.acknowledged.append((attempt, effect_of(attempt)))
    audit(world)

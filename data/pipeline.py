"""The sample's investment pipeline (招商项目库): the pipeline's fields and dated courses of the
projects the inventory already has, new leads (data/leads.py) and follow-ups (data/follow_ups.py).

The example projects in talks and the projects that landed on signed parcels gain a lead unit, a
platform, an officer (a linked leader for the large ones), a type, an investor category, most a
credit code, and a course that follows the stage table (gis/pipeline/stages.py) from 线索: a
landed project's steps are the days its parcel moved (意向, 签约, 供地, 开工, 投产), with the lead
and talks before the reservation and the registration of its company between signing and supply;
an example project's talks began before the first site was reserved for it.

Everything here is drawn from a generator of its own (PIPELINE_SEED), after the inventory, so
that the parcels, factories and their histories stay exactly as they were.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from data import names, phrases
from data.draw import choose, days, one_of
from data.projects import FLOOR_ONLY
from gis.gateway.projects import InvestorCategory, ProjectType
from gis.pipeline.identity import CREDIT_CHARSET, credit_check_character, name_key
from gis.pipeline.stages import Stage
from gis.sample import DEMO_USERS

PIPELINE_SEED = 20261130
UNITS_FILE = Path(__file__).resolve().parent / "reference" / "units.csv"
KEY_WAN, MAJOR_WAN = 10_000, 100_000  # 亿元以上, 重特大: the defaults of gis/pipeline/config.py
USD_WAN = 7.1  # 万元 per 万美元, for the foreign investment of foreign investors

LEADERS = tuple(name for name, role, _, _ in DEMO_USERS if role == "leader")
OFFICERS = tuple(name for name, role, _, _ in DEMO_USERS if role == "investment")
DISPLAY_NAMES = {name: display for name, _, display, _ in DEMO_USERS}

PLATFORMS_BY_SECTOR = {
    "生物医药": (("P03", 8), ("P01", 2)),
    "电子信息": (("P02", 7), ("P01", 3)),
    "海工船舶": (("P04", 8), ("T06", 2)),
    "新材料": (("P04", 5), ("P01", 3), ("T07", 2)),
    "物流": (("P04", 7), ("P01", 3)),
    "高端装备": (("P01", 6), ("T03", 2), ("T04", 2)),
}
ORIGINS = ("上海", "上海", "苏州", "南通", "江苏", "无锡", "深圳市", "杭州", "北京", "宁波", "广州", "天津")
OUTSIDE_WEIGHTS = {"office": 3.0, "agency": 1.0}  # how often an office or agency brings a lead
CATEGORIES = tuple(
    (c.value, w)
    for c, w in (
        (InvestorCategory.GLOBAL_500, 4),
        (InvestorCategory.CHINA_500, 6),
        (InvestorCategory.PRIVATE_500, 8),
        (InvestorCategory.LISTED, 20),
        (InvestorCategory.LEADER, 12),
        (InvestorCategory.CHAMPION, 8),
        (InvestorCategory.OTHER, 42),
    )
)
LOCAL_CATEGORIES = tuple(
    (c.value, w)
    for c, w in (
        (InvestorCategory.LISTED, 8),
        (InvestorCategory.LEADER, 8),
        (InvestorCategory.CHAMPION, 6),
        (InvestorCategory.OTHER, 78),
    )
)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997, the organisation code's check
LANDED_STAGES = (Stage.SUPPLIED, Stage.STARTED, Stage.PRODUCING)
# The land projects that signed in this year carry the joint review held before they signed
REVIEW_YEAR = 2024
REVIEW_LEAD_DAYS = 21


@dataclass(frozen=True)
class Investor:
    """An invented investor: full name, the short name people use, the city of its head office
    (None: a company of Qidong or nearby, met at its site), where it is registered (None: no
    company in China yet, so no credit code)."""

    name: str
    short: str
    city: str | None
    region: str | None


@dataclass
class Drafted:
    """A project being drawn: its record for projects.json and what its follow-ups talk about."""

    record: dict[str, Any]
    investor: Investor
    what: str
    has_code: bool = True
    same_code_as: Drafted | None = None  # a lead entered again under another name
    quiet: bool = False  # no follow-up for months: one the weekly summary flags
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Places:
    """The areas and lead units the pipeline refers to."""

    area_names: dict[str, str]
    zones_of_town: dict[str, str]  # town code -> its industrial zone
    town_of_zone: dict[str, str]
    unit_kinds: dict[str, str]
    unit_areas: dict[str, str]
    outside_units: tuple[tuple[str, float], ...]  # offices and agencies, weighted


def load_places(areas: list[dict[str, Any]]) -> Places:
    """The sample's areas (code, name, kind, parent) and the lead units of the reference table."""
    with UNITS_FILE.open(encoding="utf-8", newline="") as handle:
        units = list(csv.DictReader(handle))
    zones = {a["parent"]: a["code"] for a in areas if a["kind"] == "zone"}
    outside = tuple((u["code"], OUTSIDE_WEIGHTS[u["kind"]]) for u in units if u["kind"] in OUTSIDE_WEIGHTS)
    return Places(
        {a["code"]: a["name"] for a in areas},
        zones,
        {z: t for t, z in zones.items()},
        {u["code"]: u["kind"] for u in units},
        {u["code"]: u["area_code"] for u in units},
        outside,
    )


# --- credit codes ------------------------------------------------------------------------------


def organization_check(body: str) -> str:
    """The GB 11714-1997 check character of an eight-character organisation code."""
    value = 11 - sum(int(c, 36) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def credit_code(rng: np.random.Generator, region: str) -> str:
    """A well-formed unified social credit code (GB 32100-2015) of a company registered in
    `region`: 91 (a company), the region, the organisation code and the check character."""
    if rng.random() < 0.4:  # organisation codes issued before 2015: eight digits
        body = "".join(str(int(d)) for d in rng.integers(0, 10, 8))
    else:  # issued since: MA and six characters
        body = "MA" + "".join(CREDIT_CHARSET[int(i)] for i in rng.integers(0, len(CREDIT_CHARSET), 6))
    first17 = "91" + region + body + organization_check(body)
    return first17 + credit_check_character(first17)


def assign_codes(rng: np.random.Generator, drafted: list[Drafted]) -> None:
    """One credit code per investor name (a name twice is one company); a lead entered again
    under another name by another unit carries the code of the first."""
    known: dict[str, str] = {}
    for d in drafted:
        region = d.investor.region
        if d.same_code_as is not None:
            d.record["credit_code"] = d.same_code_as.record["credit_code"]
        elif region is None or not d.has_code:
            d.record["credit_code"] = None
        else:
            d.record["credit_code"] = known.setdefault(d.investor.name, credit_code(rng, region))


# --- people and fields -------------------------------------------------------------------------


def short_of(investor: str) -> str:
    """The short name people use for a company: its trade name."""
    return name_key(investor)[:2] or investor[:2]


def contact(rng: np.random.Generator, short: str) -> str:
    """The investor's person the bureau talks to, such as 澜海 陈总."""
    return f"{short} {one_of(rng, names.SURNAMES)}{one_of(rng, names.INVESTOR_TITLES)}"


def people(rng: np.random.Generator, total: float) -> dict[str, str | None]:
    """The bureau's lead officer, and a linked leader (挂钩领导) for the large projects."""
    linked = total >= MAJOR_WAN or (total >= KEY_WAN and rng.random() < 0.4)
    return {"leader": one_of(rng, LEADERS) if linked else None, "officer": one_of(rng, OFFICERS)}


def project_type(industry: str) -> str:
    """Manufacturing, or producer services for logistics, software and R&D."""
    services = industry in FLOOR_ONLY or industry == "59"
    return (ProjectType.PRODUCER_SERVICES if services else ProjectType.MANUFACTURING).value


def preferred(places: Places, platform: str) -> list[str]:
    """The areas a project prefers: its park, or the industrial zone of its town."""
    if platform.startswith("P"):
        return [platform]
    zone = places.zones_of_town.get(platform)
    return [zone] if zone else []


def noted(rng: np.random.Generator, steps: list[list[Any]]) -> list[list[Any]]:
    """Steps [day, stage] with the note an officer would write: [day, stage, note]."""
    return [
        [day, stage, one_of(rng, phrases.STAGE_NOTES[stage]) if stage in phrases.STAGE_NOTES else None]
        for day, stage, *_ in steps
    ]


def dated(record: dict[str, Any]) -> dict[str, Any]:
    """The fields a project's course sets: its stage and since when, where it was held, the days
    it signed and started."""
    stages = record["stages"]
    reached = {stage: day for day, stage, *_ in stages}
    last_day, last = stages[-1][0], stages[-1][1]
    return {
        "stage": last,
        "stage_since": last_day,
        "held_at": stages[-2][1] if last == Stage.ON_HOLD.value else None,
        "signed_on": reached.get(Stage.SIGNED.value),
        "started_on": reached.get(Stage.STARTED.value),
    }


def pipeline_fields(
    rng: np.random.Generator,
    record: dict[str, Any],
    unit: str,
    platform: str,
    categories: tuple[tuple[str, float], ...],
) -> dict[str, Any]:
    """The pipeline's fields of a project already in the sample."""
    return {
        "source_unit": unit,
        "platform": platform,
        **people(rng, record["investment_total_wan"]),
        "project_type": project_type(record["industry_code"]),
        "investor_category": choose(rng, categories),
        "credit_code": None,
        "foreign_investment_wusd": None,
        "contact": contact(rng, short_of(record["investor"])),
    }


# --- the example and landed projects -----------------------------------------------------------


def reservations(parcels: list[dict[str, Any]], factories: list[dict[str, Any]]) -> dict[str, str]:
    """The first day a site was reserved (意向) for each project."""
    first: dict[str, str] = {}
    for site in [*parcels, *factories]:
        for day, _, target, project, _ in site["history"]:
            if target == "reserved" and project and (project not in first or day < first[project]):
                first[project] = day
    return first


def example(
    rng: np.random.Generator, places: Places, record: dict[str, Any], reserved_on: str | None
) -> Drafted:
    """An example project in talks, brought by its park or by an office; when a site was
    reserved for it, its lead and talks came before."""
    platform = record["preferred_areas"][0]
    unit = platform if rng.random() < 0.6 else choose(rng, places.outside_units)
    origin = one_of(rng, ORIGINS)
    investor = Investor(
        record["investor"],
        short_of(record["investor"]),
        origin.removesuffix("市"),
        one_of(rng, dict(names.INVESTOR_PLACES)[origin]),
    )
    steps = record["stages"]
    if reserved_on is not None:
        reserved = dt.date.fromisoformat(reserved_on)
        talks = reserved - days(rng, 0, 30)
        steps = [[(talks - days(rng, 20, 120)).isoformat(), "lead"], [talks.isoformat(), "negotiating"]]
    fields = pipeline_fields(rng, record, unit, platform, CATEGORIES)
    drafted = {**record, **fields, "stages": noted(rng, steps)}
    drafted.update(dated(drafted))
    return Drafted(drafted, investor, record["name"], has_code=bool(rng.random() < 0.85))


def landed_course(rng: np.random.Generator, history: list[list[Any]], today: dt.date) -> list[list[Any]]:
    """A landed project's steps from its parcel's history: talks before the reservation, and the
    registration of its company after signing (before supply; one just signed may still be
    registering)."""
    moved = {target: dt.date.fromisoformat(day) for day, _, target, _, _ in history}
    reserved, signed = moved["reserved"], moved["signed"]
    talks = reserved - days(rng, 0, 40)
    lead = talks - days(rng, 15, 150)
    supplied = moved.get("supplied")
    steps = [[lead, "lead"], [talks, "negotiating"], [signed, "signed"]]
    room = ((supplied or today) - signed).days
    if supplied is not None or (room > 30 and rng.random() < 0.6):
        steps.append(
            [signed + dt.timedelta(days=int(rng.integers(0, max(1, min(room, 60)) + 1))), "registered"]
        )
    for status, stage in (
        ("supplied", "supplied"),
        ("under_construction", "started"),
        ("in_production", "producing"),
    ):
        if status in moved:
            steps.append([moved[status], stage])
    return [[day.isoformat(), stage] for day, stage in steps]


def local_investor(name: str) -> Investor:
    """A landed project's investor: a company registered in Qidong, Nantong or Jiangsu."""
    region = {"南通": "320612", "江苏": "320000"}.get(name[:2], names.QIDONG_REGION)
    return Investor(name, short_of(name), None, region)


def review_before_signing(record: dict[str, Any]) -> dict[str, Any] | None:
    """The joint review (联合会审) a land project signed in REVIEW_YEAR held on its parcel three
    weeks before it signed, every department agreeing; about one in five passed with conditions.
    Drawn from the record alone (no random draw), so the rest of the pipeline stays as it was."""
    signed = next((day for day, stage, _ in record["stages"] if stage == Stage.SIGNED), None)
    if not record.get("sites") or signed is None or not signed.startswith(str(REVIEW_YEAR)):
        return None
    held_on = (dt.date.fromisoformat(signed) - dt.timedelta(days=REVIEW_LEAD_DAYS)).isoformat()
    conditional = sum(map(ord, record["code"])) % 5 == 0
    return {
        "held_on": held_on,
        "site": record["sites"][0],
        "opinions": {
            department: {"opinion": opinion, "signed_on": held_on}
            for department, opinion in phrases.REVIEW_OPINIONS.items()
        },
        "outcome": "conditional" if conditional else "passed",
        "outcome_note": phrases.REVIEW_CONDITIONS if conditional else None,
    }


def landed_project_course(
    rng: np.random.Generator, places: Places, record: dict[str, Any], parcel: dict[str, Any], today: dt.date
) -> Drafted:
    """A project that landed on a parcel: its platform is where the parcel lies, and from 供地
    on the parcel is its supplied site."""
    park = parcel["park"]
    platform = park if park.startswith("P") else places.town_of_zone[park]
    unit = platform if rng.random() < 0.75 else choose(rng, places.outside_units)
    drafted = {
        **record,
        **pipeline_fields(rng, record, unit, platform, LOCAL_CATEGORIES),
        "stages": noted(rng, landed_course(rng, parcel["history"], today)),
    }
    drafted.update(dated(drafted))
    drafted["sites"] = [parcel["code"]] if Stage(drafted["stage"]) in LANDED_STAGES else []
    return Drafted(
        drafted,
        local_investor(record["investor"]),
        record["name"],
        has_code=bool(rng.random() < 0.9),
        extra={"parcel": parcel},
    )

"""The sample's new leads: about eighty projects the units brought in the eighteen months before
the sample's today, at every stage of the stage table, and a few leads entered twice.

Each lead comes from a unit (a park or town, an investment office in another city, the agency the
city commissions), is handed to a platform (the park or town responsible), and moves along the
stage table (gis/pipeline/stages.py) one dated step at a time: some are still leads or in talks,
some signed and registered their company, a few that rent offices reached 供地 and 开工 (the
projects that need land reached them on the inventory's parcels, data/pipeline.py), some were
dropped with a reason, some are on hold and some resumed. A few investors were brought again by
another unit under a variant of their name (a place in brackets, （中国）, 股份有限公司, full-width
letters, one with the same credit code): the pairs the duplicate check marks.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from data import names, phrases
from data.draw import choose, days, one_of, random_date
from data.pipeline import (
    CATEGORIES,
    PLATFORMS_BY_SECTOR,
    USD_WAN,
    Drafted,
    Investor,
    Places,
    contact,
    dated,
    people,
    preferred,
    project_type,
)
from data.projects import FLOOR_ONLY, LEAD_TEMPLATES
from gis.pipeline.stages import FORWARD, Stage

WINDOW_DAYS = 540  # the eighteen months the leads came in
SERIAL = 301  # lead codes XM-<year>-301 on, clear of the example (0xx) and landed (1xx) projects
# How each lead ends up: the stage it stands at (resumed: held, then taken up again)
FINALS = (
    ("lead", 12),
    ("negotiating", 18),
    ("signed", 7),
    ("registered", 6),
    ("supplied", 3),
    ("started", 2),
    ("dropped", 12),
    ("on_hold", 8),
    ("resumed", 8),
)
OFFICE_STAGES = ("supplied", "started")  # reached by leads that rent offices, needing no site
SECTORS = (("生物医药", 5), ("电子信息", 5), ("海工船舶", 3), ("新材料", 4), ("物流", 2), ("高端装备", 4))
GAPS = {
    "negotiating": (10, 90),
    "signed": (40, 200),
    "registered": (7, 60),
    "supplied": (20, 120),
    "started": (20, 90),
    "dropped": (15, 150),
    "on_hold": (20, 120),
    "back": (40, 150),
}
FOREIGN_SHARE = 0.15
CREDIT_SHARE = 0.85
QUIET_SHARE = 0.12
# The ways a second unit wrote an investor it brought again
VARIANTS = ("place_in_brackets", "china", "joint_stock", "same_code", "full_width")
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(ord("A"), ord("Z") + 1)})


def course(rng: np.random.Generator, final: str, today: dt.date, office: bool = False) -> list[list[Any]]:
    """Dated steps [day, stage, note] from 线索 to `final`, each on or after the one before and
    none after `today`; an `office` project's 供地 and 开工 are the offices it rents."""
    forward = [s.value for s in FORWARD]
    if final == "dropped":
        reach = forward[int(choose(rng, (("0", 3), ("1", 5), ("2", 1), ("3", 1))))]
        path = forward[: forward.index(reach) + 1] + ["dropped"]
    elif final == "on_hold":
        reach = forward[int(choose(rng, (("0", 2), ("1", 5), ("2", 2))))]
        path = forward[: forward.index(reach) + 1] + ["on_hold"]
    elif final == "resumed":
        held = forward[int(choose(rng, (("0", 1), ("1", 3))))]
        at = forward.index(held)
        path = [*forward[: at + 1], "on_hold", "back", *forward[at + 1 : at + 1 + int(rng.integers(0, 2))]]
    else:
        path = forward[: forward.index(final) + 1]
    gaps = [int(days(rng, *GAPS[step]).days) for step in path[1:]]
    latest = today - dt.timedelta(days=sum(gaps) + 3)
    earliest = today - dt.timedelta(days=WINDOW_DAYS)
    first = random_date(rng, earliest, max(earliest, latest))
    room = (today - first).days - 1
    if sum(gaps) > room:
        gaps = [math.floor(g * room / sum(gaps)) for g in gaps]
    steps, day, held_at = [[first.isoformat(), "lead", None]], first, "lead"
    for step, gap in zip(path[1:], gaps, strict=True):
        day += dt.timedelta(days=gap)
        if step == "on_hold":
            held_at = steps[-1][1]
            steps.append([day.isoformat(), step, one_of(rng, phrases.STAGE_NOTES["on_hold"])])
        elif step == "back":
            steps.append([day.isoformat(), held_at, one_of(rng, phrases.STAGE_NOTES["back"])])
        elif step == "dropped":
            steps.append([day.isoformat(), step, one_of(rng, phrases.DROP_REASONS)])
        else:
            notes = phrases.OFFICE_NOTES if office and step in phrases.OFFICE_NOTES else phrases.STAGE_NOTES
            steps.append([day.isoformat(), step, one_of(rng, notes[step]) if step in notes else None])
    return steps


def domestic(rng: np.random.Generator, word: str, trade: str, variant: str | None) -> Investor:
    """A Chinese investor named by its place, trade name, trade and legal form."""
    place = {"place_in_brackets": "上海", "same_code": "江苏", "full_width": "苏州"}.get(
        variant or "", one_of(rng, tuple(p for p, _ in names.INVESTOR_PLACES))
    )
    regions = dict(names.INVESTOR_PLACES)[place]
    form = "有限公司" if variant else choose(rng, names.LEGAL_FORMS)
    name = f"{word}{trade}（{place}）{form}" if variant == "full_width" else f"{place}{word}{trade}{form}"
    return Investor(name, word, place.removesuffix("市") if place != "江苏" else "南京", one_of(rng, regions))


def foreign(rng: np.random.Generator, country: str, brand: str, trade: str, variant: str | None) -> Investor:
    """A foreign investor: through its holding company in China, or not yet in China at all."""
    if variant == "china" or rng.random() < 0.7:
        return Investor(f"{brand}{trade}（中国）有限公司", brand, "上海", names.SHANGHAI_REGION)
    return Investor(f"{country}{brand}{trade}集团", brand, country, None)


def twin_name(original: str, variant: str) -> str:
    """The investor's name as a second unit wrote it."""
    if variant == "place_in_brackets":  # 上海澜海… → 澜海…（上海）有限公司
        body = original.removeprefix("上海").removesuffix("有限公司")
        return f"{body}（上海）有限公司"
    if variant == "china":
        return original.replace("（中国）", "")
    if variant == "joint_stock":
        return original.removesuffix("有限公司") + "股份有限公司"
    if variant == "same_code":
        return original.removeprefix("江苏")
    return original.split("（")[0].translate(FULL_WIDTH) + "有限公司"  # full-width letters


def figures(rng: np.random.Generator, industry: str, foreign_investor: bool) -> dict[str, Any]:
    """Investment (万元, and 万美元 for a foreign investor), land or floors, output and tax."""
    total = round(math.exp(float(rng.uniform(math.log(3000), math.log(300_000)))), -2)
    fixed = round(total * float(rng.uniform(0.6, 0.85)), -2)
    foreign_wusd = round(total / USD_WAN * float(rng.uniform(0.6, 1.0)), -1) if foreign_investor else None
    out: dict[str, Any] = {
        "investment_total_wan": total,
        "fixed_investment_wan": fixed,
        "foreign_investment_wusd": foreign_wusd,
        "annual_output_wan": round(fixed * float(rng.uniform(1.0, 2.2)), -2),
    }
    out["annual_tax_wan"] = round(out["annual_output_wan"] * float(rng.uniform(0.04, 0.08)), -1)
    if industry in FLOOR_ONLY:
        out["remarks"] = "租用研发楼办公，暂无用地需求"
        return out
    mu = max(10.0, fixed / float(rng.uniform(280, 600)))
    out.update(land_min_mu=round(mu * 0.85), land_max_mu=round(mu * 1.15))
    return out


def unit_and_platform(rng: np.random.Generator, places: Places, sector: str) -> tuple[str, str]:
    """The unit that brought the lead and the platform responsible for it."""
    draw = rng.random()
    if draw < 0.4:  # a park or town of the chain found it itself
        platform = choose(rng, PLATFORMS_BY_SECTOR[sector])
        return platform, platform
    if draw < 0.5:  # a town's own lead, kept by the town
        town = one_of(rng, sorted(u for u, kind in places.unit_kinds.items() if kind == "town"))
        return town, places.unit_areas[town]
    return choose(rng, places.outside_units), choose(rng, PLATFORMS_BY_SECTOR[sector])


def lead(
    rng: np.random.Generator,
    places: Places,
    serial: int,
    final: str,
    word: str,
    brand: tuple[str, str] | None,
    variant: str | None,
    today: dt.date,
) -> Drafted:
    """One new lead standing at `final`."""
    sectors = SECTORS if final not in OFFICE_STAGES else (("生物医药", 1), ("电子信息", 1))
    sector = choose(rng, sectors)
    templates = [t for t in LEAD_TEMPLATES[sector] if final not in OFFICE_STAGES or t[0] in FLOOR_ONLY]
    industry, what, trade = one_of(rng, templates)
    investor = foreign(rng, *brand, trade, variant) if brand else domestic(rng, word, trade, variant)
    unit, platform = unit_and_platform(rng, places, sector)
    steps = course(rng, final, today, office=industry in FLOOR_ONLY)
    amounts = figures(rng, industry, brand is not None)
    record: dict[str, Any] = {
        "code": f"XM-{steps[0][0][:4]}-{serial:03d}",
        "name": f"{investor.short}{what}",
        "investor": investor.name,
        "industry_code": industry,
        **amounts,
        "preferred_areas": preferred(places, platform),
        "source_unit": unit,
        "platform": platform,
        **people(rng, amounts["investment_total_wan"]),
        "project_type": project_type(industry),
        "investor_category": choose(rng, CATEGORIES),
        "contact": contact(rng, investor.short),
        "stages": steps,
    }
    record.update(dated(record))
    if record["signed_on"]:
        signed = dt.date.fromisoformat(record["signed_on"])
        record["agreed_start_on"] = (signed + days(rng, 120, 270)).isoformat()
    active = Stage(record["stage"]) not in (Stage.DROPPED, Stage.PRODUCING)
    has_code = bool(rng.random() < CREDIT_SHARE) or variant == "same_code"
    return Drafted(
        record,
        investor,
        what,
        has_code=has_code,
        quiet=active and variant is None and bool(rng.random() < QUIET_SHARE),
        extra={"variant": variant},
    )


def twin(rng: np.random.Generator, places: Places, original: Drafted, serial: int, today: dt.date) -> Drafted:
    """The same investor brought again by another unit, under a variant of its name."""
    variant = original.extra["variant"]
    first = original.record["stages"][0][0]
    start = dt.date.fromisoformat(first) + days(rng, 10, 90)
    start = min(start, today - dt.timedelta(days=2))
    steps = [[start.isoformat(), "lead", None]]
    if rng.random() < 0.5:
        talks = start + days(rng, 0, 1)
        steps.append([talks.isoformat(), "negotiating", phrases.STAGE_NOTES["negotiating"][0]])
    units = [u for u, _ in places.outside_units] + [original.record["platform"]]
    unit = one_of(rng, [u for u in units if u != original.record["source_unit"]])
    name = twin_name(original.investor.name, variant)
    investor = Investor(name, original.investor.short, original.investor.city, original.investor.region)
    record = {
        **original.record,
        "code": f"XM-{start.year}-{serial:03d}",
        "investor": name,
        "source_unit": unit,
        **people(rng, original.record["investment_total_wan"]),
        "contact": contact(rng, investor.short),
        "stages": steps,
        "agreed_start_on": None,
        "duplicate_of": original.record["code"],
    }
    record.update(dated(record))
    return Drafted(
        record,
        investor,
        original.what,
        has_code=False,
        same_code_as=original if variant == "same_code" else None,
        extra={"variant": variant},
    )


def leads(rng: np.random.Generator, places: Places, today: dt.date) -> list[Drafted]:
    """The new leads and, after them, the leads brought twice."""
    finals = [final for final, count in FINALS for _ in range(count)]
    finals = [finals[int(i)] for i in rng.permutation(len(finals))]
    words = [names.INVESTOR_WORDS[int(i)] for i in rng.permutation(len(names.INVESTOR_WORDS))]
    brands = [names.FOREIGN_BRANDS[int(i)] for i in rng.permutation(len(names.FOREIGN_BRANDS))]
    variants = iter(VARIANTS)
    out: list[Drafted] = []
    for n, final in enumerate(finals):
        variant = next(variants, None) if final in ("lead", "negotiating") else None
        foreign_lead = variant == "china" or (variant is None and brands and rng.random() < FOREIGN_SHARE)
        brand = brands.pop() if foreign_lead else None
        word = names.LATIN_TRADE_NAME if variant == "full_width" else words[n]
        out.append(lead(rng, places, SERIAL + n, final, word, brand, variant, today))
    originals = [d for d in out if d.extra["variant"]]
    return out + [twin(rng, places, d, SERIAL + len(out) + k, today) for k, d in enumerate(originals)]

"""The sample's follow-ups (跟踪记录): what the lead officer of each project wrote after a visit, a
call, an inspection of sites (考察), a city leader's visit (naming the leader) or a meeting, with
who took part, where, the outcome and the next step, in the plausible Chinese of data/phrases.py.

Follow-ups run from a project's first step to today (to its drop, or until it went into
production), in the last eighteen months only; what is said depends on the stage the project
stood at that day. Some active leads went quiet months ago: the ones the bureau is told about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from data import phrases
from data.draw import choose, days, one_of
from data.pipeline import DISPLAY_NAMES, Drafted, Places
from data.projects import FLOOR_ONLY

WINDOW_DAYS = 540
LANDED_MOST = 6  # a landed project's follow-ups, at most: the officer then hands it to the park
KINDS = {
    "lead": (("call", 4), ("visit", 4), ("meeting", 1)),
    "negotiating": (("visit", 3), ("inspection", 3), ("meeting", 3), ("call", 2), ("leader_visit", 1.5)),
    "signed": (("meeting", 3), ("visit", 2), ("call", 2), ("leader_visit", 0.5)),
    "registered": (("meeting", 3), ("visit", 2), ("call", 2)),
    "supplied": (("visit", 4), ("meeting", 2), ("call", 1)),
    "started": (("visit", 4), ("meeting", 2), ("call", 1), ("leader_visit", 0.5)),
    "on_hold": (("call", 4), ("visit", 1)),
}
GAPS = {"lead": (20, 60), "negotiating": (12, 40), "on_hold": (60, 100)}
OTHER_GAP = (20, 50)
ENDS = ("dropped", "producing")


def stage_on(steps: list[list[Any]], day: dt.date) -> str:
    """The stage a project stood at on `day`."""
    stage = steps[0][1]
    for when, reached, *_ in steps:
        if dt.date.fromisoformat(when) <= day:
            stage = reached
    return str(stage)


def participants(kind: str, officer: str, leader: str | None, contact: str, platform: str) -> str:
    """Who took part, as an officer lists them."""
    people = [DISPLAY_NAMES[officer], contact]
    if kind == "leader_visit" and leader:
        people.insert(0, DISPLAY_NAMES[leader])
    if kind in ("inspection", "meeting"):
        people.append(f"{platform}招商局")
    return "、".join(people)


def entry(rng: np.random.Generator, d: Drafted, places: Places, day: dt.date, stage: str) -> dict[str, Any]:
    """One follow-up on `day`, when the project stood at `stage`."""
    record = d.record
    leader = record.get("leader")
    kinds = tuple((k, w) for k, w in KINDS[stage] if k != "leader_visit" or leader)
    kind = choose(rng, kinds)
    platform = places.area_names[record["platform"]]
    words = {
        "investor": d.investor.short,
        "platform": platform,
        "what": d.what,
        "mu": round(record.get("land_max_mu") or 0) or "若干",
        "city": d.investor.city or "",
        "leader": DISPLAY_NAMES[leader] if leader else "",
        "progress": int(rng.integers(3, 9)) * 10,
    }
    office = stage in phrases.OFFICE_NOTES and record["industry_code"] in FLOOR_ONLY
    outcomes = phrases.OFFICE_OUTCOMES if office else phrases.FOLLOW_UP_OUTCOMES[stage]
    outcome = one_of(rng, phrases.KIND_OUTCOMES.get(kind) or outcomes)
    next_steps = phrases.OFFICE_NEXT_STEPS if office else phrases.FOLLOW_UP_NEXT_STEPS[stage]
    places_of = (
        phrases.FOLLOW_UP_PLACES["site"]
        if kind in ("visit", "leader_visit") and (d.investor.city is None or stage in ("supplied", "started"))
        else phrases.FOLLOW_UP_PLACES[kind]
    )
    return {
        "day": day.isoformat(),
        "kind": kind,
        "leader": leader if kind == "leader_visit" else None,
        "participants": participants(kind, record["officer"], leader, record["contact"], platform),
        "place": one_of(rng, places_of).format(**words),
        "outcome": outcome.format(**words),
        "next_step": one_of(rng, next_steps),
        "next_on": (day + days(rng, 14, 40)).isoformat(),
        "actor": record["officer"],
    }


def follow_ups(
    rng: np.random.Generator, d: Drafted, places: Places, today: dt.date, most: int | None = None
) -> list[dict[str, Any]]:
    """A project's follow-ups, oldest first."""
    steps = d.record["stages"]
    first = dt.date.fromisoformat(steps[0][0])
    end = today
    if d.quiet:
        end = today - days(rng, 100, 200)
    day = max(first, today - dt.timedelta(days=WINDOW_DAYS)) + days(rng, 2, 20)
    out: list[dict[str, Any]] = []
    while day <= end and (most is None or len(out) < most):
        stage = stage_on(steps, day)
        if stage in ENDS:
            break
        out.append(entry(rng, d, places, day, stage))
        day += days(rng, *GAPS.get(stage, OTHER_GAP))
    return out

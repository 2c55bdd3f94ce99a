"""The 落地开工 scorecard of the parks and towns for a month, quarter or year: what each brought in,
signed, registered, supplied and started, weighted so that a start counts above a supply and a
supply above a signing, and ranked. Pure: it reads a `Ledger` (gis/pipeline/ledger.py).

A project counts for its platform (the park or town responsible for it; a town's industrial zone
counts for the town), or, when it has none yet, for the park or town of the unit that brought it.
Per park and town, for the period:

- new 亿元以上 leads: projects first entered in it whose total investment reaches the tier;
- signed, registered, supplied, started: projects that first reached the stage in it, with the
  investment they carry (the investment started is that of the started ones);
- landed: projects signed, supplied or started in it (each once), the base of the two shares:
  the share in the city's key industries (GB/T 4754 prefixes) and the share landing on a key
  platform (重点平台).

The weights, the 亿元以上 tier, the key industries and the key platforms are the city's rules
(`PipelineConfig`, LANDSTOCK_PIPELINE_*).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields

from gis.pipeline.config import PipelineConfig
from gis.pipeline.figures import Figure, of_projects
from gis.pipeline.ledger import AreaRow, Ledger, ProjectRow, Timeline
from gis.pipeline.periods import Period, cut_at
from gis.pipeline.stages import Stage

WAN_PER_YI = 10_000  # 1 亿元 = 10000 万元
COUNTED = (Stage.SIGNED, Stage.REGISTERED, Stage.SUPPLIED, Stage.STARTED)
LANDING = (Stage.SIGNED, Stage.SUPPLIED, Stage.STARTED)
# A row's figures, each the projects behind it
FIGURES = ("major_leads", *(s.value for s in COUNTED), "landed", "key_industry", "key_platform")


CRITERIA = (
    "major_leads",
    "signed",
    "registered",
    "supplied",
    "started",
    "investment_started",
    "key_industry_share",
    "key_platform_share",
)


@dataclass(frozen=True)
class ScoreRow:
    """One park's or town's figures, points and rank (`area` None: projects of no park or town)."""

    area: str | None
    name: str | None
    kind: str | None
    is_key_platform: bool
    major_leads: Figure
    signed: Figure
    registered: Figure
    supplied: Figure
    started: Figure
    landed: Figure
    key_industry: Figure
    key_platform: Figure
    key_industry_share: float | None
    key_platform_share: float | None
    points: dict[str, float]
    score: float
    rank: int | None = None


@dataclass(frozen=True)
class Scorecard:
    """The parks and towns ranked for one period, as of a day."""

    period: str
    first: dt.date
    last: dt.date
    as_of: dt.date
    cut: dt.date
    config: PipelineConfig
    rows: tuple[ScoreRow, ...]
    unattributed: ScoreRow
    total: ScoreRow
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Tally:
    """The projects behind each figure of one row, before they become figures."""

    lists: dict[str, list[ProjectRow]] = field(default_factory=lambda: defaultdict(list))

    def merge(self, other: _Tally) -> None:
        for name, rows in other.lists.items():
            self.lists[name].extend(rows)


@dataclass(frozen=True)
class _Places:
    """Where projects count: areas by id, zones rolled up to their town, each row's key industries."""

    areas: dict[int, AreaRow]
    by_code: dict[str, AreaRow]
    unit_areas: dict[str, str | None]
    config: PipelineConfig

    def landing(self, project: ProjectRow) -> AreaRow | None:
        """The platform, or the unit's park or town."""
        if project.platform_id is not None and project.platform_id in self.areas:
            return self.areas[project.platform_id]
        code = self.unit_areas.get(project.source_unit or "")
        return self.by_code.get(code) if code else None

    def row_of(self, area: AreaRow) -> AreaRow:
        """The park or town a zone belongs to (a zone with no parent stands for itself)."""
        parent = self.areas.get(area.parent_id) if area.kind == "zone" and area.parent_id else None
        return parent or area

    def is_key_platform(self, area: AreaRow) -> bool:
        """Whether `area` is a key platform: named in the settings, or (none named) marked 重点平台."""
        if self.config.key_platforms:
            return area.code in self.config.key_platforms
        return area.is_priority

    def is_key_industry(self, project: ProjectRow) -> bool:
        """Whether `project`'s industry is one of the city's key industries."""
        industry = project.industry_code or ""
        return bool(industry) and any(industry.startswith(c) for c in self.config.key_industries)


def _places(ledger: Ledger, config: PipelineConfig) -> _Places:
    areas = {a.id: a for a in ledger.areas}
    return _Places(
        areas, {a.code: a for a in ledger.areas}, {u.code: u.area_code for u in ledger.units}, config
    )


def _tally(line: Timeline, period: Period, cut: dt.date, places: _Places, tally: _Tally) -> None:
    project = line.project
    entered = line.entered
    if (
        entered is not None
        and period.first <= entered <= cut
        and places.config.is_large(project.investment_wan, project.foreign_wusd)
    ):
        tally.lists["major_leads"].append(project)
    reached = {s for s in COUNTED if (day := line.reached(s)) is not None and period.first <= day <= cut}
    for stage in reached:
        tally.lists[stage.value].append(project)
    if not reached & set(LANDING):
        return
    tally.lists["landed"].append(project)
    if places.is_key_industry(project):
        tally.lists["key_industry"].append(project)
    landing = places.landing(project)
    on_key = landing is not None and any(places.is_key_platform(a) for a in (landing, places.row_of(landing)))
    if on_key:
        tally.lists["key_platform"].append(project)


def _share(part: Figure, whole: Figure) -> float | None:
    return round(part.count / whole.count, 4) if whole.count else None


def _row(area: AreaRow | None, tally: _Tally, places: _Places) -> ScoreRow:
    f = {name: of_projects(tally.lists.get(name, [])) for name in FIGURES}
    key_share, platform_share = _share(f["key_industry"], f["landed"]), _share(f["key_platform"], f["landed"])
    values = {name: float(f[name].count) for name in ("major_leads", *(s.value for s in COUNTED))}
    values.update(
        investment_started=f["started"].investment_wan / WAN_PER_YI,
        key_industry_share=key_share or 0.0,
        key_platform_share=platform_share or 0.0,
    )
    points = {name: round(places.config.weight(name) * values[name], 2) for name in CRITERIA}
    return ScoreRow(
        area=area.code if area else None,
        name=area.name if area else None,
        kind=area.kind if area else None,
        is_key_platform=bool(area and places.is_key_platform(area)),
        **f,
        key_industry_share=key_share,
        key_platform_share=platform_share,
        points=points,
        score=round(sum(points.values()), 2),
        rank=None,  # given when the rows are ranked
    )


def _ranked(rows: list[ScoreRow]) -> tuple[ScoreRow, ...]:
    """Highest score first; equal scores share a rank (1, 2, 2, 4)."""
    kinds = {"park": 0, "zone": 1, "town": 2}
    ordered = sorted(rows, key=lambda r: (-r.score, kinds.get(r.kind or "", 3), r.area or ""))
    return tuple(_with_rank(r, 1 + sum(o.score > r.score for o in rows)) for r in ordered)


def _with_rank(row: ScoreRow, rank: int) -> ScoreRow:
    return ScoreRow(**{**{f.name: getattr(row, f.name) for f in fields(row)}, "rank": rank})


def scorecard(ledger: Ledger, period: Period, config: PipelineConfig) -> Scorecard:
    """The parks and towns for `period` as of the ledger's day, ranked by weighted score (a
    town's industrial zones count for the town)."""
    cut = cut_at(period, ledger.as_of)
    places, tallies = _places(ledger, config), defaultdict[int | None, _Tally](_Tally)
    for line in ledger.timelines():
        landing = places.landing(line.project)
        _tally(line, period, cut, places, tallies[places.row_of(landing).id if landing else None])
    areas = [a for a in ledger.areas if a.kind in ("park", "town") or places.row_of(a) is a]
    total = _Tally()
    for tally in tallies.values():
        total.merge(tally)
    return Scorecard(
        period=period.label,
        first=period.first,
        last=period.last,
        as_of=ledger.as_of,
        cut=cut,
        config=config,
        rows=_ranked([_row(a, tallies[a.id], places) for a in areas]),
        unattributed=_row(None, tallies[None], places),
        total=_row(None, total, places),
        names={p.code: p.name for rows in total.lists.values() for p in rows},
    )

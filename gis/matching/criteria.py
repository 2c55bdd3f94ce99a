"""Every score criterion, declared once: its default weight, the kinds of site it applies to, its
numpy form, its SQL form, the fact behind its points and that fact in words; and the weighting.

A criterion's numpy form normalises each site to 0–1 on a fixed scale (gis/matching/scoring.py),
so a site's score never depends on which other sites exist. Its SQL form is the same value for a
parcel, computed by the database for every passing parcel so that it can rank them
(gis/matching/prescore.py; tests/db/test_matching.py checks that both agree). A criterion read
from the parcel's row is exact in SQL; one measured to the infrastructure (`infra`) is estimated
from the centre of the parcel's box, within a known error (gis/matching/shape.py). The numbers an
SQL form reads are named parameters that its `binds` gives for each request. The weights, scaled
to sum to 100 over the criteria that apply, make the score. Adding a criterion is one entry of
`CRITERIA`, its words in gis/labels.yaml, and its test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
from sqlalchemy import Date, Float, Integer, case, cast, func, literal

from gis.labels import message
from gis.matching import scoring
from gis.matching.constraints import LandClass, ready_column, site_class
from gis.matching.kinds import PARCEL, MatchKind
from gis.matching.need import READY_ITEMS, MatchConfig, Resolved
from gis.matching.proximity import column as distance_column
from gis.matching.sql import greatest, least, param, param_list, squared_metres
from gis.models import Parcel
from gis.vocabulary import SiteKind

if TYPE_CHECKING:
    from gis.matching.context import Context, ParkFacts
    from gis.matching.shape import Shape


@dataclass(frozen=True)
class Sites:
    """The sites one query returned, as the criteria read them: their columns (lists or arrays)
    and distances to the infrastructure (km), with the request they are scored for."""

    kind: MatchKind
    cols: dict[str, Any]
    dist: dict[str, np.ndarray]
    need: Resolved
    ctx: Context
    config: MatchConfig


@dataclass(frozen=True)
class Place:
    """What an SQL form reads of a parcel besides its own columns: the official area (SQL), or the
    centre of its box (for a distance)."""

    area: Any = None
    lon: Any = None
    lat: Any = None


Value = Callable[[Sites], np.ndarray]
Fact = Callable[[Sites, int], Any]
Words = Callable[[Any, MatchKind, str], str | None]
Sql = Callable[["Shape", Place], Any]
Binds = Callable[["Shape", Resolved, "Context", MatchConfig], dict[str, Any]]
EVERY_KIND = frozenset(SiteKind)


def _nothing(_shape: Shape, _need: Resolved, _ctx: Context, _config: MatchConfig) -> dict[str, Any]:
    return {}


def _always(_need: Resolved) -> bool:
    return True


@dataclass(frozen=True)
class Criterion:
    """One criterion of the score, said once."""

    name: str
    weight: float  # the default weight (LANDSTOCK_MATCH_WEIGHTS sets the city's own)
    value: Value  # normalised 0–1, one per site
    fact: Fact  # the fact behind site i's points, as the API gives it
    words: Words  # that fact in the reader's language
    sql: Sql | None  # the same 0–1 value of a parcel in SQL (None: the pool is never ranked by it)
    binds: Binds = _nothing  # the numbers `sql` reads, by parameter name
    kinds: frozenset[SiteKind] = EVERY_KIND
    infra: str | None = None  # measured to this kind of infrastructure, from the site's centre
    when: Callable[[Resolved], bool] = _always  # whether it applies to a need at all


def figure(value: float) -> str:
    """A number as the explanations write it: one decimal, none when it is whole, thousands apart."""
    return f"{value:,.1f}".removesuffix(".0")


def _unknown(lang: str) -> str:
    return message("match.fact.unknown", lang)


def _yes_no(yes: str, no: str) -> Words:
    def words(raw: Any, _kind: MatchKind, lang: str) -> str:
        return message(yes if raw else no, lang)

    return words


def _amount(key: Callable[[MatchKind], str], param_name: str, missing: str = "match.fact.unknown") -> Words:
    """A number in words under the key that `key` picks for the kind (`missing` when there is none)."""

    def words(raw: Any, kind: MatchKind, lang: str) -> str:
        if raw is None:
            return message(missing, lang)
        return message(key(kind), lang, **{param_name: figure(raw)})

    return words


def _fixed(key: str) -> Callable[[MatchKind], str]:
    return lambda _kind: key


def _industry_words(raw: Any, _kind: MatchKind, lang: str) -> str:
    if raw is None:
        return _unknown(lang)
    leading = message("match.fact.leading" if raw["leading"] else "match.fact.not_leading", lang)
    return message("match.fact.industry", lang, leading=leading, firms=raw["chain_firms"])


def _readiness_words(raw: Any, _kind: MatchKind, lang: str) -> str:
    if raw is None:
        return _unknown(lang)
    return message("match.fact.ready", lang, count=figure(raw), total=len(READY_ITEMS))


def _as_is(raw: Any, _kind: MatchKind, _lang: str) -> str | None:
    name: str | None = raw  # a land-use class's own name
    return name


@dataclass(frozen=True)
class Lookup:
    """Where a criterion's value is a property of the site's park or of its land-use class: worked
    out once per park or class, looked up for each site, and bound per park or class in SQL."""

    column: str  # the sites' column naming the park or the class
    keys: Callable[[Shape], tuple[Any, ...]]  # the parks or classes a statement of this shape knows
    table: Callable[[Context], Mapping[Any, Any]]  # the parks' or classes' facts the context read


BY_PARK = Lookup("park_id", attrgetter("parks"), attrgetter("parks"))
BY_CLASS = Lookup("land_use", attrgetter("classes"), attrgetter("classes"))
PerKey = Callable[[Any, Resolved, MatchConfig], float]  # the fit of one park or class (None: none)


def _looked_up(on: Lookup, name: str, fit: PerKey) -> tuple[Value, Sql, Binds]:
    """The numpy form, SQL form and binds of a criterion whose value `fit` gives per park or class."""

    def value(s: Sites) -> np.ndarray:
        table, keys = on.table(s.ctx), s.cols[on.column]
        fits = {key: fit(table.get(key), s.need, s.config) for key in set(keys)}
        return np.array([fits[key] for key in keys], dtype=float)

    def sql(shape: Shape, _place: Place) -> Any:
        keys = on.keys(shape)
        if not keys:
            return cast(0.0, Float)
        return case(
            {key: param(f"{name}_{i}") for i, key in enumerate(keys)},
            value=getattr(Parcel, on.column),
            else_=0.0,
        )

    def binds(shape: Shape, need: Resolved, ctx: Context, config: MatchConfig) -> dict[str, Any]:
        table = on.table(ctx)
        return {f"{name}_{i}": fit(table[key], need, config) for i, key in enumerate(on.keys(shape))}

    return value, sql, binds


def leads(industry: str, leading: tuple[str, ...]) -> bool:
    """Whether the industry is among a park's leading ones (a division covers its groups)."""
    return any(industry.startswith(c) or c.startswith(industry) for c in leading)


def _industry(park: ParkFacts | None, need: Resolved, config: MatchConfig) -> float:
    leading = park is not None and leads(need.industry.code, park.leading)
    return float(scoring.industry_fit(leading, park.chain_firms if park else 0, config.chain_full_firms))


def _industry_fact(s: Sites, i: int) -> dict[str, Any]:
    park = s.ctx.parks.get(s.cols["park_id"][i])
    return {
        "leading": bool(park and leads(s.need.industry.code, park.leading)),
        "chain_firms": park.chain_firms if park else 0,
    }


def _priority(park: ParkFacts | None, _need: Resolved, _config: MatchConfig) -> float:
    return float(bool(park and park.priority))


def _priority_fact(s: Sites, i: int) -> bool:
    park = s.ctx.parks.get(s.cols["park_id"][i])
    return bool(park and park.priority)


def _class(cls: LandClass | None, need: Resolved, config: MatchConfig) -> float:
    if need.sea_use:
        return 1.0  # 工业用海: every admitted class fits
    level = site_class(cls, config) if cls is not None else 3
    return float(scoring.class_fit(level, need.nuisance_class))


def _class_fact(s: Sites, i: int) -> str:
    code = s.cols["land_use"][i]
    cls = s.ctx.classes.get(code)
    return cls.name if cls else code


def _years_since(since: list[dt.date | None], today: dt.date) -> np.ndarray:
    return np.array([(today - d).days / 365.25 if d else np.nan for d in since], dtype=float)


def _idle_value(s: Sites) -> np.ndarray:
    return scoring.idle_fit(_years_since(s.cols["since"], s.need.today), s.config.idle_full_years)


def _idle_fact(s: Sites, i: int) -> float | None:
    since = s.cols["since"][i]
    return round((s.need.today - since).days / 365.25, 1) if since else None


def _idle_sql(shape: Shape, _place: Place) -> Any:
    if shape.dialect == "sqlite":
        days = param("today") - func.julianday(Parcel.idle_since)
    else:
        days = cast(param("today", Date) - Parcel.idle_since, Float)
    years, full = days / 365.25, param("idle_full")
    return case(
        (Parcel.idle_since.is_(None), 0.0), (years <= 0, 0.0), (years >= full, 1.0), else_=years / full
    )


def _idle_binds(shape: Shape, need: Resolved, _ctx: Context, config: MatchConfig) -> dict[str, Any]:
    # SQLite counts days as Julian day numbers; PostgreSQL subtracts dates
    today = need.today.toordinal() + 1721424.5 if shape.dialect == "sqlite" else need.today
    return {"idle_full": config.idle_full_years, "today": today}


def _preferred_value(s: Sites) -> np.ndarray:
    ids = s.ctx.preferred_ids
    return np.array(
        [p in ids or t in ids for p, t in zip(s.cols["park_id"], s.cols["town_id"], strict=True)], dtype=float
    )


def _preferred_fact(s: Sites, i: int) -> bool:
    return bool({s.cols["park_id"][i], s.cols["town_id"][i]} & s.ctx.preferred_ids)


def _preferred_sql(_shape: Shape, _place: Place) -> Any:
    ids = param_list("preferred_ids")
    return case((Parcel.park_id.in_(ids) | Parcel.town_id.in_(ids), 1.0), else_=0.0)


def _wants_preferred(need: Resolved) -> bool:
    return bool(need.need.preferred_areas)


def _area_value(s: Sites) -> np.ndarray:
    return scoring.area_fit(s.cols[s.kind.area], s.kind.need_area(s.need) or 0.0)


def _area_fact(s: Sites, i: int) -> Any:
    area, digits = s.cols[s.kind.area][i], s.kind.area_digits
    return area if digits is None or area is None else round(float(area), digits)


def _area_sql(_shape: Shape, place: Place) -> Any:
    low = param("area_low")  # the need's minimum in m², bound for the area window as well
    return case((low <= 0, 1.0), (place.area <= low, 1.0), else_=low / place.area)


def _readiness_value(s: Sites) -> np.ndarray:
    return scoring.readiness_fit(
        np.column_stack([np.asarray(s.cols[ready_column(i)], dtype=float) for i in READY_ITEMS])
    )


def _readiness_fact(s: Sites, i: int) -> float:
    # an assembly's items are area-weighted shares of its members'
    return round(sum(float(s.cols[ready_column(k)][i]) for k in READY_ITEMS), 1)


def _readiness_sql(shape: Shape, _place: Place) -> Any:
    flags = [getattr(Parcel, ready_column(i)) for i in READY_ITEMS]
    # SQLite keeps booleans as 0/1 already; PostgreSQL needs them cast to add them up
    ready = sum((f if shape.dialect == "sqlite" else cast(f, Integer) for f in flags), literal(0))
    return ready / float(len(READY_ITEMS))


def _price_value(s: Sites) -> np.ndarray:
    return scoring.price_fit(np.asarray(s.cols["price"], dtype=float), *s.kind.price_scale(s.config))


def _price_fact(s: Sites, i: int) -> float | None:
    price = s.cols["price"][i]
    return None if price is None or np.isnan(price) else round(float(price), 1)


def _price_sql(_shape: Shape, _place: Place) -> Any:
    low, high, price = param("price_low"), param("price_high"), Parcel.price_wan_per_mu
    return case(
        (price.is_(None), 0.5), (price <= low, 1.0), (price >= high, 0.0), else_=(high - price) / (high - low)
    )


def _price_binds(_shape: Shape, _need: Resolved, _ctx: Context, config: MatchConfig) -> dict[str, Any]:
    low, high = PARCEL.price_scale(config)  # the SQL form ranks parcels only
    return {"price_low": low, "price_high": high}


def _km(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


def _distance_binds(_shape: Shape, _need: Resolved, _ctx: Context, config: MatchConfig) -> dict[str, Any]:
    return {"distance_scale_m": config.distance_scale_km * 1000.0}


def _distance(kind: str, weight: float) -> Criterion:
    """The distance to the nearest infrastructure of `kind`: 1 at the door, 0 at the scale."""

    def value(s: Sites) -> np.ndarray:
        return scoring.distance_fit(s.dist[kind], s.config.distance_scale_km)

    def fact(s: Sites, i: int) -> float | None:
        return _km(s.dist[kind][i])

    def sql(shape: Shape, place: Place) -> Any:
        # the parcel's stored distance when the layer is the one measured (the Gauss-Krüger
        # distance itself), else from the box centre to the nearest point of the kind on the
        # point's tangent plane (within 0.3 % of it); both databases evaluate a coalesce lazily
        points = dict(shape.scored_points)[kind]
        nearest = func.sqrt(least(shape.dialect, [squared_metres(p, place.lon, place.lat) for p in points]))
        if shape.stored_distances:
            nearest = func.coalesce(getattr(Parcel, distance_column(kind)), nearest)
        return greatest(shape.dialect, 1.0 - nearest / param("distance_scale_m"), 0.0)

    return Criterion(
        kind, weight, value, fact, _amount(_fixed("match.fact.km"), "km"), sql, _distance_binds, infra=kind
    )


def _by(
    on: Lookup,
    name: str,
    weight: float,
    fit: PerKey,
    fact: Fact,
    words: Words,
    kinds: frozenset[SiteKind] = EVERY_KIND,
) -> Criterion:
    value, sql, binds = _looked_up(on, name, fit)
    return Criterion(name, weight, value, fact, words, sql, binds, kinds)


# In the order the explanations list them.
CRITERIA: tuple[Criterion, ...] = (
    _by(BY_PARK, "industry_fit", 15, _industry, _industry_fact, _industry_words),
    _by(
        BY_PARK,
        "priority",
        5,
        _priority,
        _priority_fact,
        _yes_no("match.fact.priority", "match.fact.not_priority"),
    ),
    Criterion(
        "idle",
        5,
        _idle_value,
        _idle_fact,
        _amount(_fixed("match.fact.idle"), "years"),
        _idle_sql,
        _idle_binds,
    ),
    _distance("port", 8),
    _distance("highway_exit", 6),
    _distance("rail_station", 4),
    Criterion(
        "preferred",
        7,
        _preferred_value,
        _preferred_fact,
        _yes_no("match.fact.preferred", "match.fact.not_preferred"),
        _preferred_sql,
        when=_wants_preferred,
    ),
    Criterion("area_fit", 20, _area_value, _area_fact, _amount(attrgetter("area_words"), "value"), _area_sql),
    _by(BY_CLASS, "class_fit", 10, _class, _class_fact, _as_is, kinds=frozenset({SiteKind.PARCEL})),
    Criterion(
        "readiness",
        12,
        _readiness_value,
        _readiness_fact,
        _readiness_words,
        _readiness_sql,
        kinds=frozenset({SiteKind.PARCEL}),
    ),
    Criterion(
        "price",
        8,
        _price_value,
        _price_fact,
        _amount(attrgetter("price_words"), "value", "match.fact.no_price"),
        _price_sql,
        _price_binds,
    ),
)
CRITERION = {c.name: c for c in CRITERIA}
# Weights given with one request, as the API documents them: area fit counts more, price not at all
EXAMPLE_WEIGHTS: dict[str, float] = {"area_fit": 30, "price": 0}
MEASURED = tuple(c for c in CRITERIA if c.infra)


class Weights(Mapping[str, float]):
    """Every criterion's weight: the one given by name, else its declared default."""

    def __init__(self, **given: float) -> None:
        unknown = sorted(set(given) - set(CRITERION))
        if unknown:
            raise ValueError(f"unknown criteria {unknown}; known: {', '.join(CRITERION)}")
        self._weights = {c.name: given.get(c.name, c.weight) for c in CRITERIA}

    def __getitem__(self, name: str) -> float:
        return self._weights[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._weights)

    def __len__(self) -> int:
        return len(self._weights)

    def __repr__(self) -> str:
        return f"Weights({self._weights})"


def weight(config: MatchConfig, name: str) -> float:
    """The weight of a criterion under `config` (its declared default unless the config sets it)."""
    return config.weights.get(name, CRITERION[name].weight)


def applying(kind: SiteKind, need: Resolved) -> list[Criterion]:
    """The criteria a site of `kind` is scored on for this need, in order."""
    return [c for c in CRITERIA if kind in c.kinds and c.when(need)]


def normalised_weights(names: list[str], config: MatchConfig, kind: SiteKind) -> dict[str, float]:
    """Weights of the criteria that apply to `kind` and weigh something, scaled to sum to 100."""
    kept = [n for n in names if kind in CRITERION[n].kinds and weight(config, n) > 0]
    total_weight = sum(weight(config, n) for n in kept)
    return {n: 100.0 * weight(config, n) / total_weight for n in kept}


def weights_for(kind: SiteKind, need: Resolved, config: MatchConfig) -> dict[str, float]:
    """The scaled weights a site of `kind` is scored with for this need."""
    return normalised_weights([c.name for c in applying(kind, need)], config, kind)


@dataclass(frozen=True)
class Scores:
    """Per-site totals and each criterion's normalised value and contribution (points)."""

    total: np.ndarray
    values: dict[str, np.ndarray]
    contributions: dict[str, np.ndarray]
    weights: dict[str, float]


def fits(sites: Sites) -> dict[str, np.ndarray]:
    """Each criterion that applies to the sites, normalised (arrays)."""
    return {c.name: c.value(sites) for c in applying(sites.kind.name, sites.need)}


def weighted(values: Mapping[str, np.ndarray], config: MatchConfig, kind: SiteKind) -> Scores:
    """Weight the criteria that apply to `kind` and have values, normalised to sum to 100."""
    weights = normalised_weights(list(values), config, kind)
    names = list(weights)
    contributions = {n: weights[n] * np.asarray(values[n], dtype=float) for n in names}
    size = len(np.atleast_1d(next(iter(values.values())))) if values else 0
    total = np.sum([np.atleast_1d(c) for c in contributions.values()], axis=0) if names else np.zeros(size)
    return Scores(
        np.atleast_1d(total),
        {n: np.atleast_1d(values[n]) for n in names},
        {n: np.atleast_1d(c) for n, c in contributions.items()},
        weights,
    )


class CriterionRow(TypedDict):
    """One criterion of a candidate: its weight, normalised value, points, and the fact behind
    them (a distance, a year, a count, ...: what the criterion's words read)."""

    name: str
    weight: float
    value: float
    points: float
    raw: Any


def criteria_rows(sites: Sites, scores: Scores, i: int, **facts: Any) -> list[CriterionRow]:
    """Each criterion of site `i`: weight, normalised value, points and the fact behind them
    (`facts` given stand for the sites' own)."""
    return [
        {
            "name": n,
            "weight": round(w, 2),
            "value": round(float(scores.values[n][i]), 4),
            "points": round(float(scores.contributions[n][i]), 2),
            "raw": facts[n] if n in facts else CRITERION[n].fact(sites, i),
        }
        for n, w in scores.weights.items()
    ]

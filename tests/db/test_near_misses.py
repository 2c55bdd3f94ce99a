"""Near misses on the hand-built inventory of tests/db/test_matching.py and on the Qidong sample,
on both databases: a site failing only one constraint, whichever, is listed with its gap when it
is among the best excluded, however many sites failing that constraint and another crowd it."""

import datetime as dt

import numpy as np
import pytest
from shapely.geometry import Point

from gis import bulk
from gis.area import M2_PER_MU
from gis.matching import candidates, context, parcels
from gis.matching.constraints import failures, official_mu
from gis.matching.kinds import PARCEL
from gis.matching.need import MatchConfig, Need
from gis.matching.run import match
from gis.models import Parcel
from tests.db.test_matching import READY, SIMPLE, build, pharma, strip, to_geo

CHEAP = {**READY, "price_wan_per_mu": 15.0}


@pytest.fixture
def inventory(db):
    with db.write() as session:
        build(session)
    return db


def add(db, rows):
    """Parcels of 二类 land in park PA, available, plot ratio 2.0, each (code, x, y, 亩, changes)."""
    records = [
        {
            "code": code,
            "land_use": "100102",
            "park": "PA",
            "status": "available",
            "plot_ratio_max": 2.0,
            "cert_area_m2": mu * M2_PER_MU,
            **changes,
        }
        for code, _, _, mu, changes in rows
    ]
    geoms = [to_geo(strip(x, mu, y)) for _, x, y, mu, _ in rows]
    with db.write() as session:
        bulk.insert_parcels(session, records, np.array(geoms, dtype=object), actor="test")


def crowd(failing, mus, y=1000.0):
    """Parcels failing what `failing` says and their plot ratio too (two failures each), in a row
    at `y`, one of each size in 亩."""
    x, rows = 0.0, []
    for j, mu in enumerate(mus):
        rows.append((f"C{j:02d}", x, y, mu, {"plot_ratio_max": 1.0, **failing}))
        x += mu * M2_PER_MU / 200 + 20
    return rows


# the constraint, the need that asks for it, the parcel failing only it, the crowd failing it and
# the plot ratio too (sizes in 亩, nearer the need's edge than the parcel), the gap in words
SINGLE = [
    (
        "status",
        pharma(),
        (60, {**CHEAP, "status": "reserved"}),
        ({"status": "reserved"}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "status is “Reserved”, “Available” needed",
    ),
    (
        "area",
        pharma(),
        (45, CHEAP),
        ({}, [46, 46.5, 47, 47.5, 48, 48.5, 49]),
        "45.0 mu < 50 mu needed",
    ),
    (
        "area",
        pharma(),
        (100, CHEAP),  # beyond 70 亩 + 30 %, yet land can be divided
        ({}, []),
        "100.0 mu > 70 mu at most",
    ),
    (
        "land_use",
        pharma(),
        (60, {**CHEAP, "land_use": "100101"}),
        ({"land_use": "100101"}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "一类工业用地 does not admit Class 2",
    ),
    (
        "plot_ratio",
        pharma(needs_waterfront=True),
        (60, {**CHEAP, "plot_ratio_max": 1.0, "waterfront": True}),
        ({}, [50.5, 51, 51.5, 52, 52.5, 53]),  # not on the water either
        "planning plot ratio max 1.0 < 1.2 required",
    ),
    (
        "readiness",
        pharma(required_readiness=("net_land",)),
        (60, {**CHEAP, "net_land": False}),
        ({}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "missing: Clear title (net land)",
    ),
    (
        "waterfront",
        pharma(needs_waterfront=True),
        (60, CHEAP),
        ({}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "not on the waterfront, which the project needs",
    ),
    (
        "preferred_area",
        pharma(preferred_areas=("PB",), insist_on_preferred=True),
        (60, CHEAP),
        ({}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "outside the required areas (PB)",
    ),
    (
        "budget",
        pharma(budget_wan=1000.0),
        (60, {**READY, "price_wan_per_mu": 20.0}),
        ({"price_wan_per_mu": 30.0}, [50.5, 51, 51.5, 52, 52.5, 53]),
        "land price 1200.0 (10k CNY) > budget 1000.0",
    ),
    (
        "distance.port",
        pharma(max_distance_km=(("port", 10.5),)),  # the row at y = -1000 is 11 km from the port
        (60, CHEAP),
        ({}, []),
        "10.9 km to port > 10.5 km",
    ),
]


@pytest.mark.parametrize(("name", "need", "single", "others", "gap"), SINGLE, ids=[s[0] for s in SINGLE])
def test_a_parcel_failing_one_constraint_alone_is_listed_with_its_gap(
    inventory, name, need, single, others, gap
):
    mu, changes = single
    failing, sizes = others
    add(inventory, [("ONE", 0.0, -1000.0, mu, changes), *crowd(failing, sizes)])
    with inventory.read() as session:
        result = match(session, need, SIMPLE, near_limit=5)

    near = {c.code: c for c in result.near_parcels}
    assert "ONE" in near, [(c.code, [k.name for k in c.checks if k.failed]) for c in result.near_parcels]
    failed = [k for k in near["ONE"].checks if k.failed]
    assert [k.name for k in failed] == [name]
    assert failed[0].gap.render("en") == gap
    # first, or after single failures that score more only: 100 亩 scores less for its area than
    # X1, X2 and X3 of the inventory, each failing one check
    before = result.near_parcels[: list(near).index("ONE")]
    assert all(len(failures(c.checks)) == 1 and c.score >= near["ONE"].score for c in before)
    assert [c.code for c in before] == (["X1", "X2", "X3"] if mu == 100 else [])


TODAY = dt.date(2026, 11, 1)
SAMPLE_NEEDS = {
    "waterfront, few fit": Need(
        industry_code="27", land_min_mu=20, land_max_mu=60, needs_waterfront=True, today=TODAY
    ),
    "waterfront and net land": Need(
        industry_code="27",
        land_min_mu=20,
        land_max_mu=60,
        needs_waterfront=True,
        required_readiness=("net_land",),
        today=TODAY,
    ),
    "near a port": Need(
        industry_code="27", land_min_mu=20, land_max_mu=60, max_distance_km=(("port", 10.0),), today=TODAY
    ),
    "in a park": Need(
        industry_code="27",
        land_min_mu=20,
        land_max_mu=60,
        preferred_areas=("P04",),
        insist_on_preferred=True,
        today=TODAY,
    ),
    "small": Need(industry_code="39", land_min_mu=10, land_max_mu=20, today=TODAY),
    "logistics by the water, on a budget": Need(
        industry_code="59",
        land_min_mu=15,
        land_max_mu=40,
        needs_waterfront=True,
        budget_wan=1000.0,
        today=TODAY,
    ),
}


def every_single_failure(db, need, config):
    """Every parcel failing one check alone, best first (code, score, check): available or
    reserved, from the slack under the need to the slack above it, on admitted land or on the
    other classes of its kind (industrial and 工业用海, or logistics: a plant on 物流仓储用地 needs its
    land use changed, not a near miss)."""
    with db.read() as session:
        resolved, ctx = context.prepare(session, need, config)
        shape, values = parcels.shaped(session, resolved, ctx, config)
        every = candidates.score(
            session, PARCEL, parcels.parcel_base().where(Parcel.deleted_at.is_(None)), resolved, ctx, config
        )
    slack = config.near_miss_slack
    low, high = resolved.land_min_mu * (1 - slack), resolved.land_max_mu * (1 + slack)
    dist = {k: v.tolist() for k, v in every.dist.items()}
    out = []
    for i in every.order:
        site = candidates.site_row(every.cols, i, dist)
        failed = failures(PARCEL.checks(site, resolved, ctx.classes, config))
        near = (
            site["status"] in ("available", "reserved")
            and low - 1e-9 <= official_mu(site) <= high + 1e-9
            and site["land_use"] in values["admitted_and_others"]
        )
        if len(failed) == 1 and near:
            out.append((site["code"], round(float(every.scores.total[i]), 1), failed[0].name))
    return out


@pytest.mark.parametrize("need", SAMPLE_NEEDS.values(), ids=SAMPLE_NEEDS)
def test_the_near_misses_are_the_best_single_failures_first(sample_db, need):
    # Failing the status, land use, plot ratio, readiness, waterfront or budget alone: exactly the
    # best, in order. Failing the area, the preferred area or a distance alone: the nearest in
    # area of each class (cheap slices of the index), so not always the best by score.
    config = MatchConfig()
    singles = every_single_failure(sample_db, need, config)
    with sample_db.read() as session:
        listed = match(session, need, config, near_limit=10).near_parcels

    shown = [(c.code, c.score, failures(c.checks)[0].name) for c in listed if len(failures(c.checks)) == 1]
    assert listed[: len(shown)] == [c for c in listed if len(failures(c.checks)) == 1]  # singles first
    assert len(shown) >= min(10, len(singles))
    nearest = ("area", "preferred_area") + tuple(f"distance.{t}" for t, _ in need.max_distance_km)
    other = [s for s in singles if s[2] not in nearest]
    shown_other = [s for s in shown if s[2] not in nearest]
    assert shown_other == other[: len(shown_other)]
    worst = shown[-1][1]
    assert all(s in shown_other for s in other if s[1] > worst)


def add_factories(db, rows):
    """Standard factories in park PA, each (code, vacant m², changes): clear height 8 m, rent 20."""
    records = [
        {
            "code": code,
            "park": "PA",
            "building_type": "standard",
            "floors": 1,
            "floor_area_m2": max(vacant, 1.0),
            "vacant_area_m2": vacant,
            "status": "vacant",
            "clear_height_m": 8.0,
            "floor_load_kn_m2": 10.0,
            "power_kva": 800.0,
            "rent_yuan_m2_month": 20.0,
            **changes,
        }
        for code, vacant, changes in rows
    ]
    points = [to_geo(Point(100 + 30 * j, 1300)) for j in range(len(rows))]
    with db.write() as session:
        bulk.insert_factories(
            session,
            records,
            np.array([None] * len(rows), dtype=object),
            np.array(points, dtype=object),
            actor="test",
        )


LAB = Need(
    industry_code="27",
    floor_area_min_m2=4000,
    floor_area_max_m2=8000,
    clear_height_min_m=6,
    max_rent_yuan_m2_month=25,
)


@pytest.mark.parametrize(
    ("vacant", "changes", "name", "gap"),
    [
        (20000, {}, "floor_area", "vacant 20000 m² > 8000 m² at most"),
        (7900, {"clear_height_m": 5.0}, "clear_height", "Clear height (m) 5.0 < 6 needed"),
        (7900, {"rent_yuan_m2_month": 30.0}, "budget", "rent 30.0 CNY/m²/month > 25 at most"),
    ],
    ids=["floor_area", "clear_height", "rent"],
)
def test_a_factory_failing_one_constraint_alone_is_listed_with_its_gap(inventory, vacant, changes, name, gap):
    # fifty factories nearer the need's floor area failing the clear height and the rent crowd it
    crowd = [
        (f"F{j:02d}", 4000 + 10 * j, {"clear_height_m": 5.0, "rent_yuan_m2_month": 30.0}) for j in range(50)
    ]
    add_factories(inventory, [("ONE", vacant, changes), *crowd])
    with inventory.read() as session:
        result = match(session, LAB, SIMPLE, near_limit=3)

    near = {c.code: c for c in result.near_factories}
    assert "ONE" in near, [(c.code, [k.name for k in c.checks if k.failed]) for c in result.near_factories]
    failed = failures(near["ONE"].checks)
    assert [k.name for k in failed] == [name] and failed[0].gap.render("en") == gap
    assert all(len(failures(c.checks)) == 1 for c in result.near_factories[: list(near).index("ONE")])

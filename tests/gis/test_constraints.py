"""Hard constraints and the needs they check, without a database."""

import pytest
import shapely
from shapely.geometry import box

from gis import localtime
from gis.area import M2_PER_MU
from gis.errors import InvalidInput
from gis.matching import assembly
from gis.matching.constraints import (
    COLLECTIVE,
    FAIL,
    PASS,
    LandClass,
    admitted_codes,
    check_area,
    check_land_use,
    check_plot_ratio,
    factory_checks,
    parcel_checks,
)
from gis.matching.need import Industry, MatchConfig, Need, resolve

CONFIG = MatchConfig()
PHARMA = Industry("27", "医药制造业", 2, 0.7, False, "生物医药")
CHEMICALS = Industry("26", "化学原料和化学制品制造业", 3, 0.6, True, "新材料")
ELECTRONICS = Industry("39", "计算机、通信和其他电子设备制造业", 1, 1.0, False, "电子信息")
LOGISTICS = Industry("59", "装卸搬运和仓储业", None, None, False, "物流")
SHIPS = Industry("373", "船舶及相关装置制造", 3, 0.7, False, "海工船舶")
CLASSES = {
    c.code: c
    for c in (
        LandClass("1001", "工业用地", "industrial", None),
        LandClass("100101", "一类工业用地", "industrial", 1),
        LandClass("100102", "二类工业用地", "industrial", 2),
        LandClass("100103", "三类工业用地", "industrial", 3),
        LandClass("110101", "一类物流仓储用地", "logistics", 1),
        LandClass("110102", "二类物流仓储用地", "logistics", 2),
        LandClass("1901", "工业用海", "sea", None),
        LandClass("1204", "港口码头用地", "port", None),
    )
}


def site(**values):
    base = {
        "code": "S-1",
        "status": "available",
        "area_m2": 60 * M2_PER_MU,
        "cert_area_m2": None,
        "land_use": "100102",
        "plot_ratio_max": 2.0,
        "waterfront": False,
        "park_code": "P01",
        "town_code": "T01",
    }
    return {**base, **values}


def need(industry=PHARMA, **values):
    return resolve(
        Need(industry_code=industry.code, **{"land_min_mu": 50, "land_max_mu": 70, **values}),
        industry,
        CONFIG,
    )


def test_admission_class_k_on_class_k_or_higher_logistics_and_sea():
    assert admitted_codes(CLASSES, need(ELECTRONICS), CONFIG) == ["1001", "100101", "100102", "100103"]
    assert admitted_codes(CLASSES, need(PHARMA), CONFIG) == ["1001", "100102", "100103"]
    assert admitted_codes(CLASSES, need(PHARMA, nuisance_class=3), CONFIG) == ["100103"]
    assert admitted_codes(CLASSES, need(LOGISTICS), CONFIG) == ["110101", "110102"]
    assert admitted_codes(CLASSES, need(SHIPS), CONFIG) == ["100103", "1901"]


def test_area_gap_uses_the_certificate_area_when_known():
    small = check_area(site(area_m2=50 * M2_PER_MU, cert_area_m2=44.2 * M2_PER_MU), need())
    large = check_area(site(area_m2=80 * M2_PER_MU), need())

    assert small.status == FAIL and small.site == 44.2 and small.required == [50, 70]
    assert small.gap.render("en") == "44.2 mu < 50 mu needed"
    assert small.gap.render("zh") == "44.2 亩 < 需要的 50 亩"
    assert large.gap.render("en") == "80.0 mu > 70 mu at most"
    assert check_area(site(), need()).status == PASS


def test_area_is_compared_unrounded_as_the_forward_match_compares_it():
    # 29.99 亩 would show as 30.0: it still misses a need of 30 亩, as the SQL window says
    short = check_area(site(cert_area_m2=29.9887 * M2_PER_MU), need(land_min_mu=30, land_max_mu=45))
    over = check_area(site(area_m2=45.04 * M2_PER_MU), need(land_min_mu=30, land_max_mu=45))
    exact = check_area(site(area_m2=30 * M2_PER_MU), need(land_min_mu=30, land_max_mu=45))

    assert short.status == FAIL and short.gap.render("en") == "29.99 mu < 30 mu needed"
    assert over.status == FAIL and over.site == 45.04
    assert exact.status == PASS and exact.site == 30.0


def test_land_use_gap_names_the_class_that_does_not_admit():
    check = check_land_use(site(land_use="100101"), need(), CLASSES, CONFIG)

    assert check.status == FAIL
    assert check.gap.render("en") == "一类工业用地 does not admit Class 2"
    assert check.gap.render("zh") == "一类工业用地不允许二类工业"


def test_plot_ratio_floor_and_the_collective_decision_industries():
    assert need().plot_ratio_min == 1.2  # national 0.7 < Jiangsu 苏中 1.2
    assert (
        check_plot_ratio(site(plot_ratio_max=1.0), need()).gap.render("en")
        == "planning plot ratio max 1.0 < 1.2 required"
    )
    chem = check_plot_ratio(site(plot_ratio_max=1.0), need(CHEMICALS))
    assert chem.status == COLLECTIVE and not chem.failed
    assert check_plot_ratio(site(plot_ratio_max=0.5), need(CHEMICALS)).status == FAIL  # below national 0.6
    assert check_plot_ratio(site(), need(LOGISTICS)) is None


def test_every_parcel_check_is_named_in_order_with_site_and_required_values():
    n = need(
        needs_waterfront=True,
        required_readiness=("power", "net_land"),
        preferred_areas=("P02",),
        insist_on_preferred=True,
        budget_wan=1000,
        max_distance_km=(("port", 5.0),),
    )
    checks = parcel_checks(
        {**site(price_wan_per_mu=30, ready_power=True, net_land=False), "distances_km": {"port": 7.5}},
        n,
        CLASSES,
        CONFIG,
    )

    assert [c.name for c in checks] == [
        "status",
        "area",
        "land_use",
        "plot_ratio",
        "readiness",
        "waterfront",
        "preferred_area",
        "budget",
        "distance.port",
    ]
    failed = {c.name: c.gap.render("en") for c in checks if c.failed}
    assert failed == {
        "readiness": "missing: Clear title (net land)",
        "waterfront": "not on the waterfront, which the project needs",
        "preferred_area": "outside the required areas (P02)",
        "budget": "land price 1800.0 (10k CNY) > budget 1000",
        "distance.port": "7.5 km to port > 5.0 km",
    }


def test_factory_specs_and_partly_vacant_leases():
    n = resolve(
        Need(industry_code="27", floor_area_min_m2=3000, clear_height_min_m=6, crane_min_t=5), PHARMA, CONFIG
    )
    factory = {
        "code": "F",
        "status": "leased",
        "vacant_area_m2": 2500,
        "clear_height_m": 8.0,
        "crane_t": None,
        "land_use": None,
    }

    failed = {c.name: c.gap.render("en") for c in factory_checks(factory, n, CLASSES, CONFIG) if c.failed}

    assert failed == {"floor_area": "vacant 2500 m² < 3000 m² needed", "crane": "Crane (t) — < 5 needed"}
    assert not [
        c
        for c in factory_checks({**factory, "status": "leased", "vacant_area_m2": 0}, n, CLASSES, CONFIG)
        if c.name == "status" and not c.failed
    ]


def test_land_need_derived_from_investment_and_the_small_project_rule():
    derived = resolve(Need(industry_code="27", fixed_investment_wan=18000), PHARMA, CONFIG)
    small = resolve(Need(industry_code="39", land_min_mu=10, land_max_mu=15), ELECTRONICS, CONFIG)
    chemistry = resolve(Need(industry_code="26", land_min_mu=10, land_max_mu=15), CHEMICALS, CONFIG)

    assert (derived.land_min_mu, derived.land_max_mu, derived.land_derived) == (48.0, 60.0, True)
    assert small.steer_to_factories and small.floor_area_min_m2 == 8000  # 10 亩 × 666.67 × 1.2
    assert not chemistry.steer_to_factories  # 三类 and collective-decision: not for standard factories
    assert derived.today == localtime.today()


@pytest.mark.parametrize(
    "values", [{"land_min_mu": 70, "land_max_mu": 50}, {}, {"nuisance_class": 4, "land_min_mu": 5}]
)
def test_impossible_needs_are_refused(values):
    with pytest.raises(InvalidInput):
        resolve(Need(industry_code="27", **values), PHARMA, CONFIG)


def test_assembly_joins_touching_and_road_separated_parcels_of_one_park_only():
    # metres: A|B touch, B and C are 12 m apart (a road), D is 40 m away, E touches C in another park
    geoms = shapely.from_wkt(
        [
            box(0, 0, 100, 200).wkt,
            box(100, 0, 180, 200).wkt,
            box(192, 0, 260, 200).wkt,
            box(300, 0, 400, 200).wkt,
            box(260, 0, 290, 200).wkt,
        ]
    )
    areas, codes, parks = [30, 24, 20, 30, 9], ["A", "B", "C", "D", "E"], [1, 1, 1, 1, 2]

    adjacent = assembly.neighbours(geoms, parks, 15)
    found = assembly.assemble([0, 3], adjacent, areas, codes, 50, 60, 4)

    assert adjacent == [{1}, {0, 2}, {1}, set(), set()]
    assert [(a.members, a.area_mu) for a in found] == [((0, 1), 54)]
    assert [(a.members, a.area_mu) for a in assembly.assemble([0], adjacent, areas, codes, 70, 80, 4)] == [
        ((0, 1, 2), 74)
    ]
    assert assembly.assemble([0], adjacent, areas, codes, 70, 80, 2) == []

"""Every score criterion is declared once, in gis/matching/criteria.py, and completely: a default
weight, the kinds of site it applies to, its numpy form, its SQL form where the pool ranks parcels
by it (with the numbers it reads), the fact behind its points and that fact in both languages."""

import ast
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from sqlalchemy import BindParameter
from sqlalchemy.sql import visitors

from gis.area import M2_PER_MU
from gis.labels import EN, ZH
from gis.matching import criteria
from gis.matching.constraints import LandClass, ready_column
from gis.matching.context import Context, ParkFacts
from gis.matching.criteria import CRITERIA, CRITERION, Place, Sites, Weights
from gis.matching.kinds import FACTORY, PARCEL
from gis.matching.need import INFRA_KINDS, READY_ITEMS, Industry, MatchConfig, Need, resolve
from gis.matching.parcels import official_m2
from gis.matching.shape import Shape, binds
from gis.models import Parcel
from service.settings import MatchSettings

ROOT = Path(__file__).resolve().parents[2]
CONFIG = MatchConfig()
TODAY = dt.date(2026, 11, 1)
NEED = resolve(
    Need(
        industry_code="27",
        land_min_mu=50,
        land_max_mu=80,
        floor_area_min_m2=3000,
        preferred_areas=("P01",),
        today=TODAY,
    ),
    Industry("27", "医药制造业", 2, 1.0, False, "pharma"),
    CONFIG,
)
CTX = Context(
    classes={"100102": LandClass("100102", "二类工业用地", "industrial", 2)},
    parks={1: ParkFacts("P01", ("27",), True, 3)},
    layer=None,
    preferred_ids=frozenset({1}),
)
DIST = {
    "port": np.array([6.31, np.nan]),
    "highway_exit": np.array([12.0, np.nan]),
    "rail_station": np.array([40.0, np.nan]),
}


def sites(kind):
    """Two sites of `kind`: one that states everything, one that states nothing it may leave out."""
    cols = {
        "park_id": [1, None],
        "town_id": [None, None],
        "code": ["S1", "S2"],
        "land_use": ["100102", "X"],
        "cert_area_m2": [None, None],
        "area_m2": [60 * M2_PER_MU, 40 * M2_PER_MU],
        "price_wan_per_mu": [20.0, None],
        "idle_since": [dt.date(2019, 11, 1), None],
        "vacant_area_m2": [3500.0, 800.0],
        "rent_yuan_m2_month": [12.5, None],
        "status_since": [None, None],
        **{ready_column(i): [True, False] for i in READY_ITEMS},
    }
    return Sites(kind, kind.columns(cols), DIST, NEED, CTX, CONFIG)


def named_parameters(expression):
    return {b.key for b in visitors.iterate(expression) if isinstance(b, BindParameter) and not b.unique}


def test_every_criterion_is_declared_completely():
    for c in CRITERIA:
        assert c.weight > 0 and c.kinds and c.kinds <= {"parcel", "factory"}, c.name
        assert callable(c.value) and callable(c.fact) and callable(c.words), c.name
        assert f"match.criterion.{c.name}" in ZH and f"match.criterion.{c.name}" in EN, c.name
        if "parcel" in c.kinds:  # the pool ranks parcels by every criterion that applies to them
            assert c.sql is not None, c.name


@pytest.mark.parametrize("kind", [PARCEL, FACTORY], ids=lambda k: k.name)
def test_each_criterion_values_every_site_and_says_its_fact_in_both_languages(kind, monkeypatch):
    asked = []

    def message(key, lang="zh", /, **params):
        asked.append(key)
        return real(key, lang, **params)

    real = criteria.message
    monkeypatch.setattr(criteria, "message", message)
    scored = sites(kind)

    fits = criteria.fits(scored)
    for name, value in fits.items():
        assert value.shape == (2,) and ((value >= 0) & (value <= 1)).all(), name
        for i in range(2):
            fact = CRITERION[name].fact(scored, i)
            words = {lang: CRITERION[name].words(fact, kind, lang) for lang in ("zh", "en")}
            assert all(isinstance(w, str) and w for w in words.values()), (name, fact, words)

    assert list(fits) == [c.name for c in CRITERIA if kind.name in c.kinds]
    assert asked and all(key in ZH and key in EN for key in asked), sorted(set(asked) - ZH.keys() - EN.keys())


def test_each_sql_form_reads_only_numbers_the_request_binds():
    # a parameter an SQL form reads but no one binds would fail only when a statement runs
    parcel_criteria = tuple(c.name for c in CRITERIA if "parcel" in c.kinds and not c.infra)
    shape = Shape(
        "sqlite",
        ("available",),
        (1,),
        ("100102",),
        True,
        False,
        False,
        (),
        False,
        False,
        parcel_criteria,
        tuple((kind, ((121.8, 31.7),)) for kind in INFRA_KINDS),
        (),
        (),
        True,
    )
    place = Place(area=official_m2(), lon=Parcel.centre_lon, lat=Parcel.centre_lat)

    bound = binds(shape, NEED, CTX, CONFIG)

    for c in CRITERIA:
        if c.sql is not None:
            assert named_parameters(c.sql(shape, place)) <= bound.keys(), c.name
            assert f"w_{c.name}" in bound, c.name


def test_the_criteria_are_listed_in_one_place_only():
    assert dict(Weights()) == {c.name: c.weight for c in CRITERIA} and MatchConfig().weights == {}
    assert (
        [c.name for c in CRITERIA if c.infra] == list(INFRA_KINDS) == [c.infra for c in CRITERIA if c.infra]
    )
    labelled = {k.removeprefix("match.criterion.") for k in ZH if k.startswith("match.criterion.")}
    assert labelled == set(CRITERION) | {"assembly"}  # the assembly penalty is shown as a criterion
    assert MatchSettings(weights=dict.fromkeys(CRITERION, 1.0)).weights
    with pytest.raises(ValidationError, match="unknown criteria"):
        MatchSettings(weights={"nearness": 1.0})
    assert listings_of_criteria() == []


def listings_of_criteria():
    """Literals (tuples, lists, sets, dict keys) that name two or more criteria, in any module but
    criteria.py (a list of infrastructure kinds is the vocabulary of the distance criteria)."""
    names = set(CRITERION) - set(INFRA_KINDS)
    found = []
    for path in [*ROOT.glob("gis/**/*.py"), *ROOT.glob("service/**/*.py"), *ROOT.glob("maps/**/*.py")]:
        if path.name == "criteria.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", [])
            named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in names}
            if isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and len(named) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {sorted(named)}")
    return found

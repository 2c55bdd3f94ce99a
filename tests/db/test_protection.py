"""Protection distances (卫生防护距离) in the match, on the hand-built inventory of
tests/db/test_matching.py with a village and a school beside it and a hospital among its
factories, on both databases: a site nearer a receptor than its industry's distance fails a named
check with the nearest receptor and the distance (worked out here with shapely, in metres), a
site farther passes, the near miss says how far short it falls, and an industry without a
distance is unaffected."""

import numpy as np
import pytest
import shapely.affinity
from shapely.geometry import Point, box
from sqlalchemy import func, select

from gis.access import Principal, Role, operator
from gis.errors import Forbidden, InvalidInput
from gis.gateway import receptors, sites
from gis.matching.need import Need
from gis.matching.protection import Rule, requirement
from gis.matching.run import match
from gis.models import ProtectionDistance, Receptor
from tests.db.test_matching import PARCELS, SIMPLE, TODAY, build, pharma, strip, to_geo

# metres east/north of the test origin, as the parcels of tests/db/test_matching.py
VILLAGE = box(0, -450, 200, -350)  # 350 m south of A1
SCHOOL = Point(4260, -300)  # 300 m south of B1
HOSPITAL = Point(300, 1450)  # among the factories (FA at x 100, FB at x 300, y 1200)
RECEPTORS = [
    ({"code": "V1", "name": "新河村", "kind": "village"}, VILLAGE),
    ({"code": "S1", "name": "测试小学", "kind": "school"}, SCHOOL),
    ({"code": "H1", "name": "测试卫生院", "kind": "hospital"}, HOSPITAL),
]


def outline(code):
    """A parcel's outline in metres, as build() lays it out."""
    _, x, mu, *_rest, extra = next(p for p in PARCELS if p[0] == code)
    return strip(x, mu, extra.get("_y", 0.0))


def nearest(shape):
    """(name, metres) of the receptor nearest `shape`, measured here."""
    return min(((p["name"], shape.distance(g)) for p, g in RECEPTORS), key=lambda pair: pair[1])


@pytest.fixture
def inventory(db):
    with db.write() as session:
        build(session)
        receptors.put(
            session,
            [p for p, _ in RECEPTORS],
            np.array([to_geo(g) for _, g in RECEPTORS], dtype=object),
            operator("test"),
        )
    return db


def check(candidate, name="protection"):
    return next((c for c in candidate.checks if c.name == name), None)


def test_sites_nearer_than_the_distance_fail_with_the_nearest_receptor(inventory):
    with inventory.read() as session:
        result = match(session, pharma(), SIMPLE)

    passed = [c.code for c in result.parcels]
    near = {c.code: c for c in result.near_parcels}
    # A1, A2 (near the village) and B1 (near the school) leave the ranking for the near misses
    assert passed == ["A3", "S3+S4", "S1+S2"]
    for code in ("A1", "A2", "B1"):
        name, metres = nearest(outline(code))
        failed = check(near[code])
        assert failed.status == "fail" and failed.required == 500
        assert failed.site == pytest.approx(metres, abs=1)
        receptor = near[code].facts["protection"]["receptor"]
        assert receptor["name"] == name and receptor["distance_m"] == pytest.approx(metres, abs=0.5)
        assert [c.name for c in near[code].checks if c.failed] == ["protection"]
    assert nearest(outline("A1")) == ("新河村", pytest.approx(350))
    assert (
        check(near["A1"]).gap.render("zh") == "卫生防护距离不足：距新河村（村庄）350 m，需 ≥ 500 m，差 150 m"
    )
    assert check(near["B1"]).gap.render("en") == (
        "protection distance too short: 300 m to 测试小学 (school), needs ≥ 500 m, 200 m short"
    )
    # a site farther than the distance passes, and the match says what it required and why
    assert nearest(outline("A3"))[1] > 500 and check(result.parcels[0]).status == "pass"
    assert any("≥ 500 m" in note.render("zh") for note in result.notes)


def test_the_near_miss_says_how_far_short_it_falls(inventory):
    with inventory.read() as session:
        result = match(session, pharma(), SIMPLE)

    a2 = next(c for c in result.near_parcels if c.code == "A2")
    metres = nearest(outline("A2"))[1]  # the village's corner: √(200² + 350²)
    assert metres == pytest.approx(403.1, abs=0.1)
    assert f"差 {500 - round(metres)} m" in check(a2).gap.render("zh")


def test_factories_near_a_receptor_fail_too(inventory):
    need = Need(industry_code="27", floor_area_min_m2=2500, today=TODAY)
    with inventory.read() as session:
        result = match(session, need, SIMPLE)

    assert result.factories == []
    near = {c.code: check(c) for c in result.near_factories}
    assert near["FB"].status == "fail" and near["FB"].site == 250
    assert near["FA"].site == round(Point(100, 1200).distance(HOSPITAL))


def test_an_industry_without_a_distance_is_unaffected(inventory):
    electronics = Need(industry_code="39", land_min_mu=50, land_max_mu=70, today=TODAY)
    with inventory.read() as session:
        result = match(session, electronics, SIMPLE)

    assert "A1" in [c.code for c in result.parcels] and "B1" in [c.code for c in result.parcels]
    assert all(check(c) is None for c in result.parcels + result.near_parcels)


def test_without_receptors_nothing_is_checked(db):
    with db.write() as session:
        build(session)
    with db.read() as session:
        result = match(session, pharma(), SIMPLE)

    assert [c.code for c in result.parcels][:2] == ["A1", "A2"]
    assert all(check(c) is None for c in result.parcels)


def test_the_most_specific_rule_applies():
    rules = [
        Rule("M3", None, 3, 300.0, "默认"),
        Rule("C26", "26", None, 1000.0, "默认"),
        Rule("C27", "27", None, 500.0, "默认"),
        Rule("C271-3", "271", 3, 800.0, "默认"),
    ]

    assert requirement(rules, "27", 2).distance_m == 500
    assert requirement(rules, "271", 3).code == "C271-3"
    assert requirement(rules, "2710", 2).code == "C27"
    assert requirement(rules, "19", 3).code == "M3"
    assert requirement(rules, "26", 3).code == "C26"
    assert requirement(rules, "39", 1) is None


def test_the_reference_table_holds_the_distances_with_their_sources(db):
    with db.read() as session:
        rows = {r.code: r for r in session.scalars(select(ProtectionDistance))}

    assert rows["C27"].distance_m == 500 and rows["C27"].industry_code == "27"
    assert "GB 18075-2000" in rows["C36"].source
    assert all(r.source for r in rows.values())


def test_only_administrators_write_receptors_and_a_bad_row_writes_nothing(db):
    park_manager = Principal(id=1, name="pm", role=Role.PARK_MANAGER)
    good = {"code": "G1", "name": "好村", "kind": "village"}
    with pytest.raises(Forbidden), db.write() as session:
        receptors.put(session, [good], np.array([Point(121.7, 31.8)]), park_manager)
    with pytest.raises(InvalidInput), db.write() as session:
        receptors.put(
            session,
            [good, {"code": "B1", "name": "坏", "kind": "factory"}],
            np.array([Point(121.7, 31.8), Point(121.71, 31.8)]),
            operator("test"),
        )
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Receptor)) == 0


def test_the_next_match_sees_a_moved_receptor_and_a_moved_site(inventory):
    """The sites too near are kept between matches (gis/matching/protection.py); a change to a
    receptor or a site's outline is seen by the very next match."""
    with inventory.read() as session:
        before = match(session, pharma(), SIMPLE)
    assert "A1" not in [c.code for c in before.parcels] and "A3" in [c.code for c in before.parcels]

    moved = [(p, shapely.affinity.translate(g, 0, -5000) if p["code"] == "V1" else g) for p, g in RECEPTORS]
    with inventory.write() as session:  # the village leaves: A1 and A2 are far enough now
        receptors.put(
            session,
            [p for p, _ in moved],
            np.array([to_geo(g) for _, g in moved], dtype=object),
            operator("test"),
        )
    with inventory.read() as session:
        after = match(session, pharma(), SIMPLE)
    assert {"A1", "A2"} <= {c.code for c in after.parcels}

    # A3 moves beside the school: its next match finds it too near
    a3 = to_geo(strip(4200, 10, -250))
    with inventory.write() as session:
        sites.update(session, "parcel", "A3", {"geometry": a3}, who=operator("test"), expected_version=None)
    with inventory.read() as session:
        last = match(session, pharma(), SIMPLE)
    assert "A3" not in [c.code for c in last.parcels]
    assert check(next(c for c in last.near_parcels if c.code == "A3")).status == "fail"

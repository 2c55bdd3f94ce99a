"""Data quality per park, on both databases: records planted with each defect are found, each under
its park and once; clean records are not listed; a park manager reads only their own parks."""

import numpy as np
import pytest
import shapely
from sqlalchemy import select

from gis import quality
from gis.access import operator
from gis.area import ellipsoidal_area_m2
from gis.gateway import sites
from gis.models import Area, Parcel
from gis.sample import load_areas
from gis.vocabulary import SiteKind
from harness.paths import SAMPLE
from tests.db.test_gateway import inside, manager

ADMIN = operator("管理员")
STEP = 0.0015  # degrees between the planted squares (~140 m), each 0.001 wide (~100 m)
COMPLETE = {
    "land_use": "100102",
    "plot_ratio_min": 1.2,
    "plot_ratio_max": 2.0,
    "ready_road": True,
    "ready_power": True,
    "price_wan_per_mu": 30.0,
}
FACTORY = {
    "floor_area_m2": 2000.0,
    "vacant_area_m2": 2000.0,
    "clear_height_m": 8.0,
    "floor_load_kn_m2": 30.0,
    "power_kva": 500.0,
    "rent_yuan_m2_month": 18.0,
}


def square(origin, k, shift=0.0, size=0.001):
    x, y = origin.x + k * STEP + shift, origin.y
    return shapely.box(x, y, x + size, y + size)


def m2(shape):
    return float(ellipsoidal_area_m2(np.array([shape], dtype=object))[0])


def add(session, code, shape, **values):
    return sites.create(session, SiteKind.PARCEL, {"code": code, **COMPLETE, **values}, shape, who=ADMIN)


@pytest.fixture
def planted(db):
    """The sample's parks and towns, and records in P01: clean ones and one per defect."""
    with db.write() as session:
        load_areas(session, SAMPLE)
        origin = shapely.Point(inside(session, "P01", size=0.02).bounds[:2])
        clean = square(origin, 0)
        add(session, "Q-CLEAN", clean, cert_area_m2=m2(clean) * 1.03)
        add(session, "Q-TOUCH", square(origin, 0, shift=0.001))  # shares an edge only
        add(session, "Q-OVER-A", square(origin, 2))
        add(session, "Q-OVER-B", square(origin, 2, shift=0.0005))  # half of A
        add(session, "Q-CERT", square(origin, 4), cert_area_m2=m2(square(origin, 4)) * 1.2)
        add(session, "Q-GAPS", square(origin, 6), plot_ratio_max=None, plot_ratio_min=None,
            ready_road=False, ready_power=False, price_wan_per_mu=None)  # fmt: skip
        add(session, "Q-PARK", square(origin, 8), park="P02")  # an administrator named the wrong park
        own_town = session.scalar(select(Parcel.town_id).where(Parcel.code == "Q-CLEAN"))
        other = session.scalar(select(Area.code).where(Area.kind == "town", Area.id != own_town).limit(1))
        add(session, "Q-TOWN", square(origin, 10), town=other)
        inner = clean.centroid
        sites.create(session, SiteKind.FACTORY, {"code": "CF-Q-CLEAN", "parcel": "Q-CLEAN", **FACTORY},
                     inner, who=ADMIN)  # fmt: skip
        sites.create(session, SiteKind.FACTORY, {"code": "CF-Q-AWAY", "parcel": "Q-CLEAN", **FACTORY},
                     square(origin, 12).centroid, who=ADMIN)  # fmt: skip
        sites.create(session, SiteKind.FACTORY, {"code": "CF-Q-GAPS", **FACTORY, "power_kva": None,
                     "rent_yuan_m2_month": None}, square(origin, 14).centroid, who=ADMIN)  # fmt: skip
    return db


def found(db, who=ADMIN):
    with db.read() as session:
        return {(f.check.value, f.code): f for a in quality.by_area(session, who) for f in a.findings}


def test_each_planted_defect_is_found_once_and_clean_records_are_not(planted):
    findings = found(planted)
    assert sorted(findings) == [
        ("cert_area", "Q-CERT"),
        ("factory_outside_parcel", "CF-Q-AWAY"),
        ("missing", "CF-Q-GAPS"),
        ("missing", "Q-GAPS"),
        ("outside_park", "Q-PARK"),
        ("outside_town", "Q-TOWN"),
        ("overlap", "Q-OVER-A"),
    ]
    overlap = findings["overlap", "Q-OVER-A"]
    assert overlap.other == "Q-OVER-B" and 4000 < overlap.value < 6000  # half of ~1 hectare
    assert findings["cert_area", "Q-CERT"].value == pytest.approx(0.2, abs=0.01)
    assert findings["outside_park", "Q-PARK"].value > 0.99
    assert findings["factory_outside_parcel", "CF-Q-AWAY"].other == "Q-CLEAN"
    assert findings["missing", "Q-GAPS"].missing == ("plot_ratio_max", "ready", "price_wan_per_mu")
    assert findings["missing", "CF-Q-GAPS"].missing == ("power_kva", "price")
    assert findings["overlap", "Q-OVER-A"].url == "/parcels/Q-OVER-A"


def test_findings_are_listed_under_the_park_of_the_record(planted):
    with planted.read() as session:
        areas = {a.code: [f.code for f in a.findings] for a in quality.by_area(session, ADMIN)}
    assert "Q-PARK" in areas["P02"] and "Q-OVER-A" in areas["P01"]
    assert all(f.startswith(("Q-", "CF-Q-")) for codes in areas.values() for f in codes)


def test_a_park_manager_reads_only_their_own_parks(planted):
    with planted.read() as session:
        kfq, gxq = manager(session, "P01"), manager(session, "P02")
        assert {a.code for a in quality.by_area(session, gxq)} == {"P02"}
        assert "Q-PARK" not in {f.code for a in quality.by_area(session, kfq) for f in a.findings}
        assert quality.counts(session, gxq)[quality.Check.OUTSIDE_PARK] == 1


def test_a_deleted_record_is_not_listed(planted):
    with planted.write() as session:
        sites.delete(session, SiteKind.PARCEL, "Q-OVER-B", who=ADMIN, expected_version=None)
    assert ("overlap", "Q-OVER-A") not in found(planted)

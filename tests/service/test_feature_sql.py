"""The pages PostgreSQL writes itself (service/feature_sql.py) hold exactly the Features Python
writes from the rows (service/geojson.py): every parcel and factory of the sample, for an
anonymous reader and each role (a park manager in and out of a site's park), in both languages,
in the order of each sort. On SpatiaLite the pages are Python's, which is checked too."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest
from sqlalchemy import select, text

from gis.access import Principal, Role
from gis.area import shown_mu
from gis.inventory import FactoryQuery, ParcelQuery
from gis.models import Area, Parcel
from service import feature_sql
from service.geojson import feature
from service.kinds import FACTORY, PARCEL
from service.read_access import shown

KINDS = {"parcels": (PARCEL, ParcelQuery(limit=1000)), "factories": (FACTORY, FactoryQuery(limit=1000))}


def readers(session):
    """Anonymous, each unscoped role, and park managers of the park with the most reservations
    and of a park with none of them."""
    reserved = session.execute(
        select(Parcel.park_id).where(Parcel.reserved_project_id.is_not(None), Parcel.park_id.is_not(None))
    ).scalars()
    park_ids = list(reserved)
    busiest = max(set(park_ids), key=park_ids.count)
    other = session.scalar(select(Area.id).where(Area.kind == "park", Area.id.not_in(park_ids)))
    found = {"anonymous": None}
    for role in (Role.ADMIN, Role.INVESTMENT, Role.LEADER):
        found[role.value] = Principal(id=1, name=role.value, role=role)
    found["manager_in"] = Principal(id=2, name="in", role=Role.PARK_MANAGER, area_ids=frozenset({busiest}))
    found["manager_out"] = Principal(id=3, name="out", role=Role.PARK_MANAGER, area_ids=frozenset({other}))
    return found


def differences(served, expected):
    """The first features and properties that differ, to say what went wrong."""
    found = []
    for ours, theirs in zip(served, expected, strict=False):
        if ours != theirs:
            keys = set(ours["properties"]) | set(theirs["properties"])
            found.append(
                (
                    ours["id"],
                    theirs["id"],
                    {
                        k: (ours["properties"].get(k), theirs["properties"].get(k))
                        for k in keys
                        if ours["properties"].get(k) != theirs["properties"].get(k)
                    },
                    ours["geometry"] == theirs["geometry"],
                )
            )
    return found[:3]


def python_page(session, kind, q, who, lang):
    rows = kind.list(session, q).rows
    return orjson.loads(orjson.dumps([feature(r, kind.properties(shown(r, who), lang)) for r in rows]))


def served_page(session, kind, q, who, lang):
    page, features = feature_sql.site_features(session, kind, q, who, lang)
    parsed = orjson.loads(orjson.dumps(features.features))
    assert features.returned == len(parsed)
    return parsed, page.matched


@pytest.mark.parametrize("layer", KINDS)
def test_every_feature_is_the_one_python_writes_for_every_reader(sample_db, backend, layer):
    kind, q = KINDS[layer]
    with sample_db.read() as session:
        assert feature_sql.supported(session) == (backend == "postgis")
        for name, who in readers(session).items():
            for lang in ("zh", "en"):
                served, matched = served_page(session, kind, q, who, lang)
                expected = python_page(session, kind, q, who, lang)

                assert len(served) == matched > 100, (name, lang)
                assert served == expected, (name, lang, differences(served, expected))


def test_the_readers_see_different_things_so_the_comparison_means_something(sample_db):
    with sample_db.read() as session:
        seen = {}
        for name, who in readers(session).items():
            served, _ = served_page(session, PARCEL, ParcelQuery(limit=1000), who, "zh")
            props = [f["properties"] for f in served]
            seen[name] = (
                sum(p["remarks"] is not None for p in props),
                sum(p["reserved_project_code"] is not None for p in props),
            )

    remarks, reservations = seen["admin"]
    assert remarks > 0 and reservations > 0
    assert seen["anonymous"] == (0, 0)
    assert seen["manager_out"] == (remarks, 0)
    assert 0 < seen["manager_in"][1] < reservations
    assert seen["investment"] == seen["leader"] == seen["admin"]


@pytest.mark.parametrize("sort", ["code", "-area", "updated_at", "-price"])
def test_a_page_keeps_its_order_and_offset(sample_db, sort):
    admin = Principal(id=1, name="admin", role=Role.ADMIN)
    q = ParcelQuery(sort=sort, limit=37, offset=50, status=("available", "reserved"))
    with sample_db.read() as session:
        served, matched = served_page(session, PARCEL, q, admin, "en")
        expected = python_page(session, PARCEL, q, admin, "en")
        everything = python_page(session, PARCEL, replace(q, limit=1000, offset=0), admin, "en")

    assert [f["id"] for f in served] == [f["id"] for f in expected]
    assert served == expected and len(served) == 37, differences(served, expected)
    assert matched == len(everything)


def test_an_empty_page_is_an_empty_list(sample_db):
    with sample_db.read() as session:
        served, matched = served_page(
            session, PARCEL, ParcelQuery(bbox=(100.0, 10.0, 100.1, 10.1)), None, "zh"
        )

    assert served == [] and matched == 0


@pytest.mark.parametrize(
    ("m2", "mu"),
    [(20010.0, 30.02), (20003.0, 30.0), (1000.0, 1.5), (66666.67, 100.0), (3.3333, 0.0), (3.3334, 0.01)],
)
def test_mu_rounds_half_up_from_the_area_as_the_database_does(sample_db, backend, m2, mu):
    """20010 m² is 30.015 亩 exactly: half up, as PostgreSQL's numeric rounds it, not to even."""
    with sample_db.read() as session:
        if backend == "postgis":
            assert session.scalar(select(feature_sql._mu(m2))) == mu  # noqa: SLF001 (the SQL twin)

    assert shown_mu(m2) == mu


def test_times_are_written_as_python_writes_them_with_or_without_microseconds(sample_db):
    """orjson writes 12:00:05.120000 in six digits and 12:00:05 with none; PostgreSQL's JSON
    would write 12:00:05.12: the written page formats them itself."""
    with sample_db.write() as session:
        codes = list(session.scalars(select(Parcel.code).order_by(Parcel.code).limit(3)))
        for code, moment in zip(
            codes,
            ("2026-01-02 03:04:05.12+00", "2026-01-02 03:04:05+00", "2026-01-02 03:04:05.000001+00"),
            strict=True,
        ):
            session.execute(
                text("UPDATE parcels SET updated_at = :t WHERE code = :c"), {"t": moment, "c": code}
            )
    q = ParcelQuery(search=None, limit=3)
    with sample_db.read() as session:
        served, _ = served_page(session, PARCEL, q, None, "zh")
        expected = python_page(session, PARCEL, q, None, "zh")

    assert [f["properties"]["updated_at"] for f in served] == [
        "2026-01-02T03:04:05.120000+00:00",
        "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:04:05.000001+00:00",
    ]
    assert served == expected

"""Stored distances to the infrastructure (gis/matching/proximity.py), on both databases: measured as the
exact score measures them, emptied by the database when a geometry changes, ignored once the
layer changes, and never able to change what a match answers."""

import numpy as np
import pytest
import shapely
from geoalchemy2.shape import from_shape
from shapely.geometry import Point, box
from sqlalchemy import select, text, update

from gis import bulk
from gis.access import Principal, Role
from gis.crs import CGCS2000
from gis.gateway import sites
from gis.matching import context, parcels, prescore, proximity
from gis.matching.context import distances_km, load_layer
from gis.matching.need import INFRA_KINDS, MatchConfig, Need
from gis.matching.run import match
from gis.models import Infrastructure, Parcel

COLUMNS = [proximity.column(k) for k in INFRA_KINDS]
NEED = Need(industry_code="39", land_min_mu=5, land_max_mu=300, nuisance_class=1)


def stored(session):
    """code -> (centre, stored metres per kind)."""
    rows = session.execute(
        select(Parcel.code, Parcel.centre_lon, Parcel.centre_lat, *[getattr(Parcel, c) for c in COLUMNS])
    )
    return {r[0]: ((r[1], r[2]), tuple(r[3:])) for r in rows}


def answer(session, need=NEED):
    """What a match answers, to compare: ranked codes with scores, passing count, near misses."""
    result = match(session, need, MatchConfig(), limit=20)
    return (
        [(c.code, c.score) for c in result.parcels],
        result.counts,
        [(c.code, c.score) for c in result.near_parcels],
    )


def test_the_sample_stores_every_parcels_distance_as_the_exact_score_measures_it(sample_db):
    with sample_db.read() as session:
        layer = load_layer(session.connection())
        rows = stored(session)

    assert layer.stored and len(rows) > 50
    lon, lat = (np.array([centre[i] for centre, _ in rows.values()]) for i in (0, 1))
    km = distances_km(layer, lon, lat)
    for j, kind in enumerate(INFRA_KINDS):
        assert [values[j] for _, values in rows.values()] == pytest.approx(list(km[kind] * 1000.0), rel=1e-9)


def test_a_changed_geometry_loses_its_distances_and_a_new_parcel_is_measured(sample_db):
    with sample_db.write() as session:
        code = session.scalar(select(Parcel.code).where(Parcel.status == "available").order_by(Parcel.code))
        sites.update(
            session,
            "parcel",
            code,
            {"geometry": box(121.74, 31.80, 121.746, 31.801)},
            who=Principal(id=1, name="管理员", role=Role.ADMIN),
            expected_version=None,
        )
        bulk.insert_parcels(
            session,
            [{"code": "NEW-1", "land_use": "100102", "status": "available"}],
            np.array([shapely.MultiPolygon([box(121.73, 31.79, 121.731, 31.7905)])]),
            actor="test",
        )
    with sample_db.read() as session:
        rows = stored(session)
        layer = load_layer(session.connection())

    assert rows[code][1] == (None, None, None)
    (lon, lat), values = rows["NEW-1"]
    km = distances_km(layer, np.array([lon]), np.array([lat]))
    assert values == pytest.approx(tuple(km[k][0] * 1000.0 for k in INFRA_KINDS), rel=1e-9)


def test_a_plain_sql_change_of_geometry_empties_the_distances_too(sample_db):
    with sample_db.write() as session:
        parcel_id = session.scalar(select(Parcel.id).order_by(Parcel.id))
        session.execute(
            text("UPDATE parcels SET geom = ST_Translate(geom, 0.001, 0, 0) WHERE id = :id")
            if sample_db.dialect == "sqlite"
            else text("UPDATE parcels SET geom = ST_Translate(geom, 0.001, 0) WHERE id = :id"),
            {"id": parcel_id},
        )
        left = session.execute(
            select(*[getattr(Parcel, c) for c in COLUMNS]).where(Parcel.id == parcel_id)
        ).one()

    assert tuple(left) == (None, None, None)


@pytest.mark.parametrize(
    "need",
    [
        NEED,
        Need(industry_code="39", land_min_mu=5, land_max_mu=300, max_distance_km=(("port", 12.0),)),
        Need(
            industry_code="34", land_min_mu=5, max_distance_km=(("rail_station", 20.0), ("highway_exit", 6.0))
        ),
    ],
)
def test_the_stored_distances_never_change_a_match(sample_db, need):
    with sample_db.read() as session:
        measured = answer(session, need)
        everything = answer(session, Need(**{**need.__dict__, "max_distance_km": ()}))
    with sample_db.write() as session:  # every stored distance emptied: the match measures them all
        session.execute(update(Parcel).values(dict.fromkeys(COLUMNS)))
    with sample_db.read() as session:
        unmeasured = answer(session, need)

    assert measured[0] and measured == unmeasured
    if need.max_distance_km:  # the limits bite: some parcels in the need are too far
        assert measured[1]["parcels"] < everything[1]["parcels"]


def test_distances_to_an_old_layer_are_never_read_and_an_upgrade_measures_them_again(sample_db):
    with sample_db.read() as session:
        before = answer(session)
    with sample_db.write() as session:  # a port written straight into the table: nothing measured
        session.execute(
            Infrastructure.__table__.insert().values(
                code="PORT-NEW",
                name="新港",
                kind="port",
                geom=from_shape(Point(121.76, 31.78), srid=CGCS2000),
            )
        )
    with sample_db.read() as session:
        layer = load_layer(session.connection())
        after = answer(session)
    with sample_db.write() as session:
        parcels = len(stored(session))
        assert proximity.refresh_if_stale(session) == parcels
        assert proximity.refresh_if_stale(session) is None
    with sample_db.read() as session:
        refreshed_layer = load_layer(session.connection())
        refreshed = answer(session)

    assert not layer.stored and refreshed_layer.stored
    assert after != before  # the new port counts at once, though no distance to it was stored
    assert refreshed == after


def test_the_estimate_reads_the_stored_distance(sample_db):
    config = MatchConfig()
    with sample_db.write() as session:
        resolved, ctx = context.prepare(session, NEED, config)
        shape, values = parcels.shaped(session, resolved, ctx, config)
        partial = prescore.parcel_partial(shape, parcels.official_m2())
        estimate = prescore.parcel_estimate(shape, partial, Parcel.centre_lon, Parcel.centre_lat)
        where = parcels.parcel_where(shape)
        parcel_id = session.scalar(select(Parcel.id).where(*where).order_by(Parcel.id), values)
        distance_points = select(estimate - partial).where(Parcel.id == parcel_id)
        measured = session.scalar(distance_points, values)
        session.execute(update(Parcel).where(Parcel.id == parcel_id).values(dict.fromkeys(COLUMNS, 0.0)))
        at_the_door = session.scalar(distance_points, values)

    assert shape.stored_distances
    weights = sum(values[f"w_{kind}"] for kind, _ in shape.scored_points)
    assert measured < weights - 0.1 and at_the_door == pytest.approx(weights)


def test_the_layer_kept_between_matches_follows_a_port_moved_in_place(sample_db):
    with sample_db.read() as session:
        first, again = load_layer(session.connection()), load_layer(session.connection())
        port = first.codes[list(first.kinds).index("port")]
    with sample_db.write() as session:  # same codes and count: only the geometry differs
        session.execute(
            update(Infrastructure)
            .where(Infrastructure.code == port)
            .values(geom=from_shape(Point(121.9, 31.9), srid=CGCS2000))
        )
    with sample_db.read() as session:
        moved = load_layer(session.connection())

    assert again is first  # an unchanged layer is not parsed and measured again
    assert moved.fingerprint != first.fingerprint and not moved.stored
    assert shapely.get_x(moved.geo[moved.codes.index(port)]) == pytest.approx(121.9)

"""An import that moves existing outlines alike (a false declared CRS, GCJ-02 taken for WGS84)
is refused unless the moves are accepted, naming the shift and its direction; accepted moves are
in the history, areas included (both databases)."""

import json

import shapely
from shapely import affinity
from sqlalchemy import func, select

from gis.io.importer import ImportOptions, import_file
from gis.models import Area, Parcel, RecordChange
from gis.vocabulary import Layer
from tests.corpus import write_json

EAST_15_KM = 0.159  # degrees of longitude at 31.8°N


def outlines(db, model, codes=None):
    with db.read() as session:
        statement = select(model.code, func.ST_AsBinary(model.geom))
        if codes is not None:
            statement = statement.where(model.code.in_(codes))
        return {code: shapely.from_wkb(bytes(wkb)) for code, wkb in session.execute(statement)}


def topology(shapes, crs_name):
    """A TopoJSON of `shapes` (code -> polygon or multipolygon), one arc per ring, declaring
    `crs_name` the way tools that write TopoJSON do."""
    arcs, geometries = [], []
    for code, shape in shapes.items():
        polygons = []
        for polygon in getattr(shape, "geoms", [shape]):
            rings = []
            for ring in (polygon.exterior, *polygon.interiors):
                arcs.append([list(xy) for xy in ring.coords])
                rings.append([len(arcs) - 1])
            polygons.append(rings)
        geometries.append({"type": "MultiPolygon", "arcs": polygons, "properties": {"code": code}})
    return {
        "type": "Topology",
        "crs": {"type": "name", "properties": {"name": crs_name}},
        "objects": {"areas": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def test_a_topojson_of_outlines_moved_15_km_is_refused_then_accepted_with_history(
    databases, backend, tmp_path
):
    db = databases.open(backend, sample=True)
    before = outlines(db, Area)
    moved = {code: affinity.translate(shape, xoff=EAST_15_KM) for code, shape in before.items()}
    path = write_json(tmp_path / "boundary.topojson", topology(moved, "urn:ogc:def:crs:OGC:1.3:CRS84"))

    refused = import_file(db, path, ImportOptions(Layer.AREAS))

    assert not refused.written and outlines(db, Area) == before
    assert any(n.key == "crs.declared" for n in refused.notes)  # the declared CRS is honoured
    problem = " ".join(p.render("zh") for p in refused.problems)
    assert "15,0" in problem and "向东" in problem and "--accept-moves" in problem, problem
    with db.read() as session:
        history = session.scalar(
            select(func.count()).select_from(RecordChange).where(RecordChange.area_id.is_not(None))
        )

    accepted = import_file(db, path, ImportOptions(Layer.AREAS, accept_moves=True))

    assert accepted.written and any(n.key == "import.moves_accepted" for n in accepted.notes)
    after = outlines(db, Area)
    assert all(after[code].centroid.x > before[code].centroid.x + 0.15 for code in before)
    with db.read() as session:
        entries = session.scalar(
            select(func.count()).select_from(RecordChange).where(RecordChange.area_id.is_not(None))
        )
    assert entries == history + len(before)  # every moved area has its history entry


def test_parcels_offset_as_gcj02_is_from_wgs84_are_refused_naming_the_direction(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        codes = session.scalars(select(Parcel.code).order_by(Parcel.code).limit(40)).all()
    before = outlines(db, Parcel, codes)
    features = [
        {
            "type": "Feature",
            "properties": {"code": code},
            "geometry": json.loads(shapely.to_geojson(affinity.translate(shape, xoff=0.0046, yoff=-0.0019))),
        }
        for code, shape in before.items()
    ]
    path = write_json(tmp_path / "gcj.geojson", {"type": "FeatureCollection", "features": features})

    report = import_file(db, path, ImportOptions(Layer.PARCELS))

    problem = " ".join(p.render("en") for p in report.problems)
    assert not report.written and "south-east" in problem and "--accept-moves" in problem, problem
    assert outlines(db, Parcel, codes) == before


def test_a_few_redrawn_outlines_among_unchanged_ones_are_not_a_move(databases, backend, tmp_path):
    db = databases.open(backend, sample=True)
    with db.read() as session:
        codes = session.scalars(select(Parcel.code).order_by(Parcel.code).limit(20)).all()
    before = outlines(db, Parcel, codes)
    shapes = dict(before)
    for code in codes[:3]:  # three parcels surveyed again, 80 m off their old outline
        shapes[code] = affinity.translate(before[code], xoff=0.0008)
    features = [
        {"type": "Feature", "properties": {"code": c}, "geometry": json.loads(shapely.to_geojson(s))}
        for c, s in shapes.items()
    ]
    path = write_json(tmp_path / "resurvey.geojson", {"type": "FeatureCollection", "features": features})

    report = import_file(db, path, ImportOptions(Layer.PARCELS))

    assert report.written and report.counts()["updated"] == 3, report.to_dict("en")["problems"]

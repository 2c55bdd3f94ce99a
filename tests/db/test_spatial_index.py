"""Window queries go through the spatial index on both databases (query plans)."""

from sqlalchemy import text

from gis import inventory
from gis.inventory import ParcelQuery


def plan(session, statement) -> str:
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    rows = session.execute(text(prefix + sql)).all()
    return "\n".join(str(r[-1]) for r in rows)


def test_bbox_queries_use_the_spatial_index(sample_db):
    query = ParcelQuery(bbox=(121.70, 31.77, 121.72, 31.79), limit=500)
    with sample_db.read() as session:
        if sample_db.dialect == "postgresql":
            # 556 rows fit a page or two: make the planner show that it *can* use the index.
            session.execute(text("SET LOCAL enable_seqscan = off"))
        count, page = inventory.parcel_page_statement(session, query)
        plans = [plan(session, count), plan(session, page)]

    for text_plan in plans:
        if sample_db.dialect == "sqlite":
            # the R-tree virtual table answers the window; no full scan of its rows
            assert "SCAN idx_parcels_geom VIRTUAL TABLE INDEX" in text_plan, text_plan
            assert "SEARCH parcels USING INTEGER PRIMARY KEY" in text_plan, text_plan
        else:
            assert "idx_parcels_geom" in text_plan, text_plan

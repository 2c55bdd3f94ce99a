from sqlalchemy import inspect, text

from gis import migrate
from gis.database import Database

TABLES = {"areas", "parcels", "factories", "projects", "status_events", "users", "user_areas",
          "industries", "land_use_classes", "infrastructure"}
GEOMETRY_COLUMNS = {("areas", "geom"), ("parcels", "geom"), ("factories", "footprint"),
                    ("factories", "location"), ("infrastructure", "geom")}


def spatial_indexes(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            rows = conn.execute(text("SELECT f_table_name, f_geometry_column FROM geometry_columns "
                                     "WHERE spatial_index_enabled = 1"))
        else:
            rows = conn.execute(text(
                "SELECT t.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_am am ON am.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid "
                "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
                "WHERE am.amname = 'gist'"))
        return {(table, column) for table, column in rows}


def test_upgrade_creates_every_table_with_a_spatial_index_on_every_geometry(db):
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    assert spatial_indexes(db) == GEOMETRY_COLUMNS


def test_downgrade_to_base_and_upgrade_again(db):
    migrate.downgrade(db.engine, "base")

    assert migrate.current_revision(db.engine) is None
    assert not TABLES & set(inspect(db.engine).get_table_names())
    assert spatial_indexes(db) == set()

    assert migrate.upgrade(db.engine) == migrate.head_revision()
    assert spatial_indexes(db) == GEOMETRY_COLUMNS


def test_upgrade_is_idempotent(db):
    assert migrate.upgrade(db.engine) == migrate.head_revision()

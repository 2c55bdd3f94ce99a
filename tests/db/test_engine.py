import subprocess
import sys
import textwrap

import psycopg
import pytest
from sqlalchemy import func, literal_column, select, text
from sqlalchemy.exc import DBAPIError

from gis.database import make_engine
from gis.errors import DatabaseUnavailable, InvalidInput
from tests.conftest import BACKENDS


def test_spatialite_connections_use_wal_foreign_keys_and_a_busy_timeout(databases):
    engine = make_engine(databases.url("spatialite"))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert conn.execute(text("SELECT spatialite_version()")).scalar().startswith("5.")
    engine.dispose()


def test_geometry_libraries_keep_their_own_copies_after_spatialite_loads(tmp_path):
    # SpatiaLite is loaded RTLD_GLOBAL; if shapely/pyproj were imported after it, they would bind
    # to the system GEOS/PROJ and crash at exit. gis.database imports them first.
    script = textwrap.dedent(f"""
        from sqlalchemy import text
        from gis.database import make_engine
        engine = make_engine("sqlite:///{tmp_path / "x.sqlite"}")
        with engine.connect() as conn:
            conn.execute(text("SELECT InitSpatialMetaData(1)"))
        import shapely, pyproj
        bow_tie = shapely.from_wkt("POLYGON((0 0, 1 1, 1 0, 0 1, 0 0))")
        print(shapely.make_valid(bow_tie).wkt)
        print(pyproj.Transformer.from_crs(4490, 4550, always_xy=True).transform(121.7, 31.8))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("MULTIPOLYGON")


def test_a_missing_spatialite_library_is_named_with_the_package_to_install(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}", spatialite_library="mod_nonexistent")

    with pytest.raises(DatabaseUnavailable) as caught, engine.connect():
        pass

    assert "libsqlite3-mod-spatialite" in caught.value.message("en")


def test_an_unsupported_database_url_is_refused_with_the_accepted_forms():
    with pytest.raises(InvalidInput) as caught:
        make_engine("mysql://localhost/landstock")

    assert "postgresql+psycopg://" in caught.value.message("en")


@pytest.mark.parametrize("sqlstate", ["40P01", "40001", "55P03", "57014"])
@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
def test_postgresql_errors_worth_retrying_are_unavailable_by_their_sqlstate(db, sqlstate):
    # A message without any word of a connection problem: only the SQLSTATE says "try again"
    raise_it = text(f"DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = '{sqlstate}'; END $$")

    with pytest.raises(DatabaseUnavailable), db.read() as session:
        session.execute(raise_it)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
def test_other_postgresql_errors_are_not_taken_for_unavailability(db):
    with pytest.raises(DBAPIError) as caught, db.read() as session:
        session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'P0001'; END $$"))

    assert caught.value.orig.sqlstate == "P0001"


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b == "postgis"])
def test_postgresql_statements_are_sent_numbered_as_written(db):
    # psycopg's raw cursor takes SQLAlchemy's $1 … $n as they are (no %s to convert on each run):
    # a percent sign is plain text, and a long list of parameters binds in order
    many = list(range(120))
    with db.read() as session:
        raw = session.connection().connection.driver_connection
        percent = session.execute(text("SELECT '5%' || :tail"), {"tail": " off"}).scalar()
        found = session.execute(
            select(func.count())
            .select_from(func.generate_series(0, 200).alias("n"))
            .where(literal_column("n").in_(many))
        ).scalar()

    assert raw.cursor_factory is psycopg.RawCursor
    assert percent == "5% off"
    assert found == len(many)

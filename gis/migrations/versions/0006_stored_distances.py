"""Stored distances: each parcel's metres to the nearest port, highway exit and rail station.

A match scores every passing parcel in SQL, and measuring the distance from its box centre to
every point of the infrastructure layer was most of that work (on SQLite nearly two thirds of
it). The distances are now kept with the parcel and read from the match index. They are worked
out in Python (gis/matching/proximity.py) for the layer whose fingerprint `proximity` holds; a match reads
them only while the layer still has that fingerprint, and measures in SQL any parcel whose
distances are empty. The database empties them itself whenever an UPDATE sets a parcel's
geometry (a trigger on each database), so a stored distance is never one of an old outline.

The match index gains the three columns, and the parcel code becomes its fourth key: each slice
a match reads by area (near misses, assembly seeds) then comes off the index in its final
order, ties in code order, and stops at its first rows, whatever plan PostgreSQL caches for it.

The columns start empty: `landstock db upgrade` and `landstock demo` measure them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DISTANCES = ["to_port_m", "to_highway_exit_m", "to_rail_station_m"]
KEY_0005 = ["status", "land_use", sa.text("coalesce(cert_area_m2, area_m2)")]
KEY = [*KEY_0005, "code"]  # ties of area in code order: a slice by area reads its first rows, sorts none
# as gis/models.py had them when this revision was written (a migration does not follow the models)
INCLUDE_0005 = [
    "deleted_at",
    "plot_ratio_max",
    "park_id",
    "town_id",
    "waterfront",
    "ready_road",
    "ready_power",
    "ready_water",
    "ready_drainage",
    "ready_telecom",
    "ready_gas",
    "ready_heat",
    "ready_leveled",
    "net_land",
    "price_wan_per_mu",
    "idle_since",
    "cert_area_m2",
    "area_m2",
    "code",
    "centre_lon",
    "centre_lat",
    "id",
]
INCLUDE = [*[c for c in INCLUDE_0005[:-1] if c != "code"], *DISTANCES, "id"]
EMPTIED = ", ".join(f"{c} = NULL" for c in DISTANCES)


def _match_index(key: list, include: list[str], postgres: bool) -> None:
    if postgres:
        op.create_index("ix_parcels_match", "parcels", key, postgresql_include=include)
    else:
        op.create_index("ix_parcels_match", "parcels", [*key, *include[:-1]])  # rowid is id


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in DISTANCES:
        op.add_column("parcels", sa.Column(name, sa.Float))
    op.create_table(
        "proximity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_index("ix_parcels_match", table_name="parcels")
    _match_index(KEY, INCLUDE, postgres)
    if postgres:
        op.execute(
            "CREATE FUNCTION parcels_distances_emptied() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN " + "".join(f"NEW.{c} := NULL; " for c in DISTANCES) + "RETURN NEW; END $$"
        )
        # whenever an UPDATE sets the geometry, as on SQLite: a condition comparing the old and new
        # geometry would name PostGIS's = operator, which pg_restore (empty search_path) cannot find
        op.execute(
            "CREATE TRIGGER parcels_distances_on_geometry BEFORE UPDATE OF geom ON parcels "
            "FOR EACH ROW EXECUTE FUNCTION parcels_distances_emptied()"
        )
    else:
        op.execute(
            "CREATE TRIGGER parcels_distances_on_geometry AFTER UPDATE OF geom ON parcels "
            f"BEGIN UPDATE parcels SET {EMPTIED} WHERE id = NEW.id; END"
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER parcels_distances_on_geometry" + (" ON parcels" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION parcels_distances_emptied()")
    op.drop_index("ix_parcels_match", table_name="parcels")
    _match_index(KEY_0005, INCLUDE_0005, postgres)
    op.drop_table("proximity")
    for name in DISTANCES:
        op.drop_column("parcels", name)

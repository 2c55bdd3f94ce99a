"""The match index: a parcel's box centre as generated columns, and an index a match reads alone.

A match used to read each passing parcel's row (and its geometry, for the centre of its box)
from the table: thousands of scattered rows at 10^5 parcels, tens of thousands at 10^6. The
centre is now kept with the row, and one index holds every column the match's first pass reads,
so both databases answer it from the index alone. It replaces the status, land-use and
official-area index of 0004, which is its prefix.

On PostgreSQL the centre is a stored generated column. SQLite cannot add a stored one, and a
virtual one in an index would make every tool that opens the file without SpatiaLite fail on
the parcels table (an integrity check, a plain UPDATE of a remark), because SQLite recomputes
indexed expressions: there, plain columns kept by two triggers that fire only when a parcel is
inserted or its geometry changes, which already needs SpatiaLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from gis.spatial import BoxCentreX, BoxCentreY

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEY = ["status", "land_use", sa.text("coalesce(cert_area_m2, area_m2)")]
# as gis/models.py had them when this revision was written (a migration does not follow the models)
INCLUDE = [
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


CENTRES = {"centre_lon": BoxCentreX, "centre_lat": BoxCentreY}
TRIGGERS = {"parcels_centre_on_insert": "INSERT", "parcels_centre_on_geometry": "UPDATE OF geom"}


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    for name, centre in CENTRES.items():
        generated = sa.Computed(centre(sa.column("geom")), persisted=True) if postgres else None
        op.add_column("parcels", sa.Column(name, sa.Float, generated))
    if not postgres:
        centres = ", ".join(
            f"{name} = {centre(sa.column('geom')).compile(dialect=bind.dialect)}"
            for name, centre in CENTRES.items()
        )
        op.execute(f"UPDATE parcels SET {centres}")
        for trigger, event in TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {trigger} AFTER {event} ON parcels "
                f"BEGIN UPDATE parcels SET {centres} WHERE id = NEW.id; END"
            )
    op.drop_index("ix_parcels_status_land_use_official_area", table_name="parcels")
    if postgres:
        op.create_index("ix_parcels_match", "parcels", KEY, postgresql_include=INCLUDE)
    else:
        op.create_index("ix_parcels_match", "parcels", [*KEY, *INCLUDE[:-1]])  # rowid is id


def downgrade() -> None:
    op.drop_index("ix_parcels_match", table_name="parcels")
    op.create_index("ix_parcels_status_land_use_official_area", "parcels", KEY)
    if op.get_bind().dialect.name != "postgresql":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger}")
    op.drop_column("parcels", "centre_lat")
    op.drop_column("parcels", "centre_lon")

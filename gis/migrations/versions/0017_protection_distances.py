"""Protection distances (卫生防护距离): the reference table of the distances industries must keep
from sensitive receptors, and the layer of receptors (villages, schools, hospitals, ...) a match
measures them to.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

KINDS = ("residential", "school", "hospital", "village", "elderly_care")  # gis/vocabulary.py ReceptorKind


def upgrade() -> None:
    op.create_table(
        "protection_distances",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("industry_code", sa.String(8)),
        sa.Column("nuisance_class", sa.Integer()),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_protection_distances")),
    )
    op.create_geospatial_table(
        "receptors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                srid=4490, dimension=2, spatial_index=False, from_text="ST_GeomFromEWKT", name="geometry"
            ),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receptors")),
        sa.UniqueConstraint("code", name=op.f("uq_receptors_code")),
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name=op.f("ck_receptors_kind")
        ),
    )
    op.create_geospatial_index(
        "idx_receptors_geom", "receptors", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index(op.f("ix_receptors_kind"), "receptors", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_receptors_kind"), table_name="receptors")
    op.drop_geospatial_index(
        "idx_receptors_geom", table_name="receptors", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("receptors")
    op.drop_table("protection_distances")

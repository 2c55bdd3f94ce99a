"""The context a map draws when no basemap package is configured (coastline, county outline,
roads, waterways), from Landstock's own data: the sample's, or a file an administrator loads.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_geospatial_table(
        "context_features",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_context_features")),
    )
    op.create_geospatial_index(
        "idx_context_features_geom",
        "context_features",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_context_features_kind"), "context_features", ["kind"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_context_features_kind"), table_name="context_features")
    op.drop_geospatial_index(
        "idx_context_features_geom",
        table_name="context_features",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("context_features")

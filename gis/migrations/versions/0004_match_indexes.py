"""Indexes for matching: parcels by status, land use and official area; parcels by project.

The match checks a need against the official area (certificate area when known, else the
measured one), so the area index is on that expression; both databases use it when a query
states the same expression. Counting the firms of a chain in each park joins parcels to their
projects, which needs the foreign key indexed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_parcels_status_land_use_official_area",
        "parcels",
        ["status", "land_use", sa.text("coalesce(cert_area_m2, area_m2)")],
    )
    op.create_index("ix_parcels_reserved_project_id", "parcels", ["reserved_project_id"])


def downgrade() -> None:
    op.drop_index("ix_parcels_reserved_project_id", table_name="parcels")
    op.drop_index("ix_parcels_status_land_use_official_area", table_name="parcels")

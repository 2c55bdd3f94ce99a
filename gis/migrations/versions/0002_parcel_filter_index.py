"""Index for the commonest list filter: status, land-use class range and area.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_parcels_status_land_use_area", "parcels", ["status", "land_use", "area_m2"])


def downgrade() -> None:
    op.drop_index("ix_parcels_status_land_use_area", table_name="parcels")

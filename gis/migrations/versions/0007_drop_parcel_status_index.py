"""Drop the parcels' index on status alone.

Three other indexes of the parcels lead with status (status and area, status, land use and
area, and the match index), so any of them answers what this one did. It cost every insert,
status change and geometry edit a fourth status index to keep, and on a small inventory
PostgreSQL's planner chose it for a match over the match index, then read each passing parcel's
row for the columns that index holds.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_parcels_status", table_name="parcels")


def downgrade() -> None:
    op.create_index("ix_parcels_status", "parcels", ["status"])

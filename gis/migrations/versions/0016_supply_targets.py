"""Yearly supply targets (年度目标) per park or town, set by an administrator and shown on the
leaders' trends page against what was supplied: one value in 亩 per area, year and measure.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supply_targets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "area_id",
            sa.Integer(),
            sa.ForeignKey("areas.id", name=op.f("fk_supply_targets_area_id_areas")),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(30), nullable=False),
        sa.Column("value_mu", sa.Float(), nullable=False),
        sa.Column("set_by", sa.String(60), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value_mu >= 0", name=op.f("ck_supply_targets_value_not_negative")),
        sa.UniqueConstraint(
            "area_id", "year", "measure", name=op.f("uq_supply_targets_area_id_year_measure")
        ),
    )


def downgrade() -> None:
    op.drop_table("supply_targets")

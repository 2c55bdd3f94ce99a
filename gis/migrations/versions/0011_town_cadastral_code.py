"""Towns gain their 地籍区 code (cadastral_code, three digits, optional): an import keyed by
宗地代码 compares digits 7-9 of each code with the town the row lies in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("areas", sa.Column("cadastral_code", sa.String(3), nullable=True))


def downgrade() -> None:
    op.drop_column("areas", "cadastral_code")  # SQLite drops a plain column in place (3.35 and newer)

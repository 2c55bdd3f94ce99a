"""Parcels and factories remember when they were last verified on site (核实) and by whom, and
the history gains the action that says so ('verify', 核实无变化).

A park manager who finds a record as it is recorded says so with one tap; a status change, an
edit by a person and a survey import count as verification too. Existing records were last
looked at when they were last updated: they start verified then, by whoever updated them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

import contextlib
import warnings
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ("parcels", "factories")
ACTIONS = ("create", "update", "status", "delete", "restore")
COLUMNS = ("updated_at", "updated_by", "verified_at", "verified_by")


def _actions(words: tuple[str, ...]) -> sa.TextClause:
    return sa.text(f"action IN ({', '.join(repr(w) for w in words)})")


@contextlib.contextmanager
def _batch() -> Iterator[BatchOperations]:
    """record_changes in batch mode: SQLite cannot change a CHECK constraint in place."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("record_changes") as batch:
            yield batch


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("verified_by", sa.String(60), nullable=True))
        rows = sa.table(table, *(sa.column(name) for name in COLUMNS))
        op.execute(rows.update().values(verified_at=rows.c.updated_at, verified_by=rows.c.updated_by))
        op.create_index(op.f(f"ix_{table}_verified_at"), table, ["verified_at"])
    with _batch() as batch:
        batch.drop_constraint(op.f("ck_record_changes_action"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_action"), _actions((*ACTIONS, "verify")))


def downgrade() -> None:
    op.execute("DELETE FROM record_changes WHERE action = 'verify'")
    with _batch() as batch:
        batch.drop_constraint(op.f("ck_record_changes_action"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_action"), _actions(ACTIONS))
    for table in TABLES:
        op.drop_index(op.f(f"ix_{table}_verified_at"), table_name=table)
        op.drop_column(table, "verified_by")
        op.drop_column(table, "verified_at")

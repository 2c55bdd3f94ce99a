"""Projects keep their history too: every create and change, each field before and after.

Investment staff change a project's need, stage and dates as talks go on; until now a change
overwrote what was there. Record changes gain a third subject, the project, and each row still
names exactly one subject.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import contextlib
import warnings
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ONE_OF_TWO = "(parcel_id IS NULL) <> (factory_id IS NULL)"
ONE_OF_THREE = " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END"
                         for c in ("parcel_id", "factory_id", "project_id")) + " = 1"


@contextlib.contextmanager
def _batch() -> Iterator[BatchOperations]:
    """The table in batch mode (SQLite cannot change a CHECK constraint in place: batch mode
    copies the table), quiet about the parcels' expression index, which reflecting the foreign
    keys meets and which the copy does not touch."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("record_changes") as batch:
            yield batch


def upgrade() -> None:
    with _batch() as batch:
        batch.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_record_changes_project_id_projects"), "projects",
                                 ["project_id"], ["id"])
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_THREE))
        batch.create_index(op.f("ix_record_changes_project_id"), ["project_id"])


def downgrade() -> None:
    op.execute("DELETE FROM record_changes WHERE project_id IS NOT NULL")
    with _batch() as batch:
        batch.drop_index(op.f("ix_record_changes_project_id"))
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_TWO))
        batch.drop_constraint(op.f("fk_record_changes_project_id_projects"), type_="foreignkey")
        batch.drop_column("project_id")

"""Projects and areas keep their history too: every change, each field before and after.

Investment staff change a project's need, stage and dates as talks go on, and park managers an
area's name, leading industries, remarks and outline; until now a change overwrote what was
there. Record changes gain two subjects, the project and the area, and each row still names
exactly one subject. Areas gain a version, counting their changes, for the history to cite.

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
ONE_OF_FOUR = (
    " + ".join(
        f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END"
        for c in ("parcel_id", "factory_id", "project_id", "area_id")
    )
    + " = 1"
)
SUBJECTS = (("project_id", "projects"), ("area_id", "areas"))


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
    op.add_column("areas", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with _batch() as batch:
        for column, table in SUBJECTS:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(op.f(f"fk_record_changes_{column}_{table}"), table, [column], ["id"])
            batch.create_index(op.f(f"ix_record_changes_{column}"), [column])
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_FOUR))


def downgrade() -> None:
    op.execute("DELETE FROM record_changes WHERE project_id IS NOT NULL OR area_id IS NOT NULL")
    with _batch() as batch:
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_TWO))
        for column, table in SUBJECTS:
            batch.drop_index(op.f(f"ix_record_changes_{column}"))
            batch.drop_constraint(op.f(f"fk_record_changes_{column}_{table}"), type_="foreignkey")
            batch.drop_column(column)
    op.drop_column("areas", "version")  # SQLite drops a plain column in place (3.35 and newer)

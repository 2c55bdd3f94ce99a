"""Server-side sign-in sessions, trusted devices in the sign-in brake, account history and a
per-account rate limit.

Until now a web session lived only in its signed cookie: signing out ended nothing on the server,
and re-enabling an account brought its old cookies back. Sessions become rows that signing out,
disabling an account or changing its password revoke. A failed sign-in remembers the device
cookie it came with, so that one address's failures no longer lock out every person behind it.
Changes to accounts join the record history (one more subject), and rate events count what an
account did recently (full-inventory exports).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import contextlib
import warnings
from collections.abc import Iterator

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SUBJECTS = ("parcel_id", "factory_id", "project_id", "area_id", "user_id")
ONE_OF_FIVE = " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in SUBJECTS) + " = 1"
ONE_OF_FOUR = " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in SUBJECTS[:4]) + " = 1"


@contextlib.contextmanager
def _batch() -> Iterator[BatchOperations]:
    """record_changes in batch mode: SQLite cannot change a CHECK constraint in place."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("record_changes") as batch:
            yield batch


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"])
    op.add_column("login_failures", sa.Column("device", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_login_failures_device"), "login_failures", ["device"])
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    op.create_index(op.f("ix_rate_events_key_at"), "rate_events", ["key", "at"])
    with _batch() as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_record_changes_user_id_users"), "users", ["user_id"], ["id"])
        batch.create_index(op.f("ix_record_changes_user_id"), ["user_id"])
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_FIVE))


def downgrade() -> None:
    op.execute("DELETE FROM record_changes WHERE user_id IS NOT NULL")
    with _batch() as batch:
        batch.drop_constraint(op.f("ck_record_changes_one_subject"), type_="check")
        batch.create_check_constraint(op.f("ck_record_changes_one_subject"), sa.text(ONE_OF_FOUR))
        batch.drop_index(op.f("ix_record_changes_user_id"))
        batch.drop_constraint(op.f("fk_record_changes_user_id_users"), type_="foreignkey")
        batch.drop_column("user_id")
    op.drop_table("rate_events")
    op.drop_index(op.f("ix_login_failures_device"), table_name="login_failures")
    op.drop_column("login_failures", "device")
    op.drop_table("web_sessions")

"""Photos and documents of parcels and factories (the field checks, 全面摸排): their bytes in the
database, beside the record they belong to, so that a record and its files are written in one
transaction, carried by every backup and restore, and read alike by every server process.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "parcel_id",
            sa.Integer(),
            sa.ForeignKey("parcels.id", name=op.f("fk_attachments_parcel_id_parcels")),
        ),
        sa.Column(
            "factory_id",
            sa.Integer(),
            sa.ForeignKey("factories.id", name=op.f("fk_attachments_factory_id_factories")),
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary()),
        sa.Column("width", sa.Integer()),
        sa.Column("height", sa.Integer()),
        sa.Column("taken_at", UTC),
        sa.Column("lon", sa.Float()),
        sa.Column("lat", sa.Float()),
        sa.Column("uploaded_by", sa.String(60), nullable=False),
        sa.Column("uploaded_at", UTC, nullable=False),
        sa.Column("deleted_at", UTC),
        sa.CheckConstraint(
            "(parcel_id IS NULL) <> (factory_id IS NULL)", name=op.f("ck_attachments_one_site")
        ),
        sa.CheckConstraint("kind IN ('photo', 'document')", name=op.f("ck_attachments_kind")),
        sa.CheckConstraint(
            "media_type IN ('image/jpeg', 'image/png', 'application/pdf')",
            name=op.f("ck_attachments_media_type"),
        ),
    )
    op.create_index(op.f("ix_attachments_parcel_id"), "attachments", ["parcel_id"])
    op.create_index(op.f("ix_attachments_factory_id"), "attachments", ["factory_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_attachments_factory_id"), table_name="attachments")
    op.drop_index(op.f("ix_attachments_parcel_id"), table_name="attachments")
    op.drop_table("attachments")

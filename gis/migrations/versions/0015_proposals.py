"""Proposal pages (推介页): a project's shortlist published for one investor behind an
unguessable link (only the token's SHA-256 is kept), with an optional password (Argon2id), an
expiry and a revocation; the sites in their order; and each time the page was opened.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_proposals_project_id_projects")),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("revoked_at", UTC),
        sa.Column("revoked_by", sa.String(60)),
        sa.UniqueConstraint("token_hash", name=op.f("uq_proposals_token_hash")),
        sa.CheckConstraint("language IN ('zh', 'en')", name=op.f("ck_proposals_language")),
    )
    op.create_index(op.f("ix_proposals_project_id"), "proposals", ["project_id"])
    op.create_table(
        "proposal_sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "proposal_id",
            sa.Integer(),
            sa.ForeignKey("proposals.id", name=op.f("fk_proposal_sites_proposal_id_proposals")),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "parcel_id",
            sa.Integer(),
            sa.ForeignKey("parcels.id", name=op.f("fk_proposal_sites_parcel_id_parcels")),
        ),
        sa.Column(
            "factory_id",
            sa.Integer(),
            sa.ForeignKey("factories.id", name=op.f("fk_proposal_sites_factory_id_factories")),
        ),
        sa.CheckConstraint(
            "(parcel_id IS NULL) <> (factory_id IS NULL)", name=op.f("ck_proposal_sites_one_site")
        ),
    )
    op.create_index(op.f("ix_proposal_sites_proposal_id"), "proposal_sites", ["proposal_id"])
    op.create_table(
        "proposal_opens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "proposal_id",
            sa.Integer(),
            sa.ForeignKey("proposals.id", name=op.f("fk_proposal_opens_proposal_id_proposals")),
            nullable=False,
        ),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("client", sa.String(20), nullable=False),
    )
    op.create_index(op.f("ix_proposal_opens_proposal_id"), "proposal_opens", ["proposal_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_proposal_opens_proposal_id"), table_name="proposal_opens")
    op.drop_table("proposal_opens")
    op.drop_index(op.f("ix_proposal_sites_proposal_id"), table_name="proposal_sites")
    op.drop_table("proposal_sites")
    op.drop_index(op.f("ix_proposals_project_id"), table_name="proposals")
    op.drop_table("proposals")

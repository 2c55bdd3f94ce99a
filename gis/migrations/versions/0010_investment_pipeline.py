"""The investment pipeline: a project's steps as dated events, follow-ups, the units that bring
leads, the sites tied to a project (shortlist, supply), joint reviews as records and possible
duplicate leads; projects gain the fields the bureau's report names.

Existing projects keep their stage ('landed' is now 'supplied') and gain the events their
dates tell: signed on `signed_on`, started on `started_on`, and their present stage since
`stage_since` (or the day they were entered), so that reports rebuilt from events count them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)
MIGRATED_BY = "迁移"
PLAIN = (
    ("investor_key", sa.String(200)),
    ("credit_code", sa.String(18)),
    ("investor_category", sa.String(30)),
    ("project_type", sa.String(30)),
    ("foreign_investment_wusd", sa.Float()),
    ("held_at", sa.String(20)),
)
LINKED = (
    ("source_unit", sa.String(40), "units", "code"),
    ("platform_id", sa.Integer(), "areas", "id"),
    ("leader_id", sa.Integer(), "users", "id"),
    ("officer_id", sa.Integer(), "users", "id"),
    ("merged_into_id", sa.Integer(), "projects", "id"),
)
ORDER = ("negotiating", "signed", "registered", "supplied", "started", "producing")


def _tables() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("area_code", sa.String(40)),
        sa.CheckConstraint("kind IN ('park', 'town', 'office', 'agency')", name=op.f("ck_units_kind")),
    )
    op.create_table(
        "project_stage_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_project_stage_events_project_id_projects")),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("from_stage", sa.String(20)),
        sa.Column("to_stage", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_follow_ups_project_id_projects")),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "leader_id", sa.Integer(), sa.ForeignKey("users.id", name=op.f("fk_follow_ups_leader_id_users"))
        ),
        sa.Column("participants", sa.String(200)),
        sa.Column("place", sa.String(200)),
        sa.Column("outcome", sa.Text()),
        sa.Column("next_step", sa.Text()),
        sa.Column("next_on", sa.Date()),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("deleted_at", UTC),
        sa.CheckConstraint(
            "kind IN ('visit', 'call', 'inspection', 'leader_visit', 'meeting')",
            name=op.f("ck_follow_ups_kind"),
        ),
    )
    op.create_table(
        "project_sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_project_sites_project_id_projects")),
            nullable=False,
        ),
        sa.Column(
            "parcel_id",
            sa.Integer(),
            sa.ForeignKey("parcels.id", name=op.f("fk_project_sites_parcel_id_parcels")),
        ),
        sa.Column(
            "factory_id",
            sa.Integer(),
            sa.ForeignKey("factories.id", name=op.f("fk_project_sites_factory_id_factories")),
        ),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("saved_at", UTC, nullable=False),
        sa.Column("saved_by", sa.String(60), nullable=False),
        sa.CheckConstraint(
            "(parcel_id IS NULL) <> (factory_id IS NULL)", name=op.f("ck_project_sites_one_site")
        ),
        sa.CheckConstraint("role IN ('shortlist', 'supplied')", name=op.f("ck_project_sites_role")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_reviews_project_id_projects")),
            nullable=False,
        ),
        sa.Column("site", sa.String(400), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("planned", sa.JSON(), nullable=False),
        sa.Column("sheet", sa.JSON(), nullable=False),
        sa.Column("opinions", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("outcome_note", sa.Text()),
        sa.Column("decided_by", sa.String(60)),
        sa.Column("decided_at", UTC),
        sa.Column("created_by", sa.String(60), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("number", name=op.f("uq_reviews_number")),
        sa.CheckConstraint(
            "outcome IN ('pending', 'passed', 'conditional', 'failed')", name=op.f("ck_reviews_outcome")
        ),
    )
    op.create_table(
        "project_duplicates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_project_duplicates_project_id_projects")),
            nullable=False,
        ),
        sa.Column(
            "other_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", name=op.f("fk_project_duplicates_other_id_projects")),
            nullable=False,
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("marked_by", sa.String(60), nullable=False),
        sa.Column("marked_at", UTC, nullable=False),
        sa.Column("resolved_by", sa.String(60)),
        sa.Column("resolved_at", UTC),
        sa.CheckConstraint(
            "status IN ('open', 'distinct', 'merged')", name=op.f("ck_project_duplicates_status")
        ),
        sa.CheckConstraint("project_id < other_id", name=op.f("ck_project_duplicates_ordered")),
    )
    for table, column in (
        ("project_stage_events", "project_id"),
        ("project_stage_events", "day"),
        ("follow_ups", "project_id"),
        ("follow_ups", "day"),
        ("project_sites", "project_id"),
        ("project_sites", "parcel_id"),
        ("project_sites", "factory_id"),
        ("reviews", "project_id"),
        ("project_duplicates", "project_id"),
        ("project_duplicates", "other_id"),
    ):
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def _project_columns() -> None:
    bind = op.get_bind()
    for name, kind in PLAIN:
        op.add_column("projects", sa.Column(name, kind))
    for name, kind, table, key in LINKED:
        if bind.dialect.name == "sqlite":
            # SQLite takes a reference only with its column (no ALTER of constraints), and copying
            # the table in batch mode would trip the foreign keys that point at projects
            op.execute(
                f"ALTER TABLE projects ADD COLUMN {name} {kind.compile(dialect=bind.dialect)} "
                f"REFERENCES {table} ({key})"
            )
        else:
            op.add_column("projects", sa.Column(name, kind))
            op.create_foreign_key(op.f(f"fk_projects_{name}_{table}"), "projects", table, [name], [key])
    for name in ("investor_key", "credit_code", "platform_id"):
        op.create_index(op.f(f"ix_projects_{name}"), "projects", [name])


def _events_of_existing_projects() -> None:
    projects = sa.table(
        "projects",
        sa.column("id"),
        sa.column("stage"),
        sa.column("stage_since", sa.Date()),
        sa.column("signed_on", sa.Date()),
        sa.column("started_on", sa.Date()),
        sa.column("created_at", UTC),
    )
    events = sa.table(
        "project_stage_events",
        sa.column("project_id"),
        sa.column("day", sa.Date()),
        sa.column("at", UTC),
        sa.column("actor"),
        sa.column("from_stage"),
        sa.column("to_stage"),
        sa.column("note"),
    )
    bind = op.get_bind()
    bind.execute(projects.update().where(projects.c.stage == "landed").values(stage="supplied"))
    now = dt.datetime.now(dt.UTC)
    rows = []
    for pid, stage, since, signed, started, created in bind.execute(sa.select(*projects.c)).all():
        rows += _chain(pid, stage, since, signed, started, _day(created), now)
    if rows:
        bind.execute(events.insert(), rows)


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10]) if value else dt.date.today()


def _chain(
    pid: int,
    stage: str,
    since: dt.date | None,
    signed: dt.date | None,
    started: dt.date | None,
    created: dt.date,
    now: dt.datetime,
) -> list[dict[str, object]]:
    """The steps a project's dates tell, in order, ending at its stage."""
    known = [("signed", signed), ("started", started)]
    steps, last, previous = [], None, None
    for target, day in known:
        if day is not None and stage in ORDER and ORDER.index(target) < ORDER.index(stage):
            steps.append((target, day))
    steps.append((stage, since or (steps[-1][1] if steps else created)))
    rows = []
    for target, day in steps:
        day = max(day, last) if last else day
        rows.append(
            {
                "project_id": pid,
                "day": day,
                "at": now,
                "actor": MIGRATED_BY,
                "from_stage": previous,
                "to_stage": target,
                "note": None,
            }
        )
        last, previous = day, target
    return rows


def upgrade() -> None:
    _tables()
    _project_columns()
    _events_of_existing_projects()


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name in ("platform_id", "credit_code", "investor_key"):
        op.drop_index(op.f(f"ix_projects_{name}"), table_name="projects")
    for name, _kind, table, _key in reversed(LINKED):
        if not sqlite:
            op.drop_constraint(op.f(f"fk_projects_{name}_{table}"), "projects", type_="foreignkey")
    with op.batch_alter_table("projects") as batch:
        for name, *_rest in (*LINKED, *PLAIN):
            batch.drop_column(name)
    op.execute("UPDATE projects SET stage = 'landed' WHERE stage = 'supplied'")
    op.execute("UPDATE projects SET stage = 'negotiating' WHERE stage IN ('lead', 'dropped', 'on_hold')")
    for table in (
        "project_duplicates",
        "reviews",
        "project_sites",
        "follow_ups",
        "project_stage_events",
        "units",
    ):
        op.drop_table(table)

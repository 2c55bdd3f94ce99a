"""Core inventory schema: areas, parcels, factories, projects, status events, users,
reference tables and infrastructure.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _enable_spatial() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    elif bind.exec_driver_sql("SELECT CheckSpatialMetaData()").scalar() < 1:
        # Inside Alembic's transaction; loads every EPSG definition (4490 and the
        # Gauss-Krüger zones among them).
        bind.exec_driver_sql("SELECT InitSpatialMetaData()")


def _check_spatialite_columns(expected: int) -> None:
    """SpatiaLite reports failures on stderr and returns 0: check that the columns exist."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    indexed = bind.exec_driver_sql(
        "SELECT count(*) FROM geometry_columns WHERE spatial_index_enabled = 1"
    ).scalar()
    if indexed != expected:
        raise RuntimeError(f"SpatiaLite registered {indexed} indexed geometry columns, expected {expected}")


def upgrade() -> None:
    _enable_spatial()
    op.create_geospatial_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("leading_industries", sa.JSON(), nullable=False),
        sa.Column("is_priority", sa.Boolean(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('park', 'town', 'zone')", name=op.f("ck_areas_kind")),
        sa.ForeignKeyConstraint(["parent_id"], ["areas.id"], name=op.f("fk_areas_parent_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("code", name=op.f("uq_areas_code")),
    )
    op.create_geospatial_index(
        "idx_areas_geom", "areas", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index(op.f("ix_areas_kind"), "areas", ["kind"], unique=False)
    op.create_table(
        "industries",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("code_2002", sa.String(length=16), nullable=True),
        sa.Column("plot_ratio_min", sa.Float(), nullable=True),
        sa.Column("nuisance_class", sa.Integer(), nullable=True),
        sa.Column("collective_decision", sa.Boolean(), nullable=False),
        sa.Column("sector", sa.String(length=40), nullable=True),
        sa.Column("edition", sa.String(length=40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_industries")),
    )
    op.create_geospatial_table(
        "infrastructure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infrastructure")),
        sa.UniqueConstraint("code", name=op.f("uq_infrastructure_code")),
    )
    op.create_geospatial_index(
        "idx_infrastructure_geom",
        "infrastructure",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_infrastructure_kind"), "infrastructure", ["kind"], unique=False)
    op.create_table(
        "land_use_classes",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("parent_code", sa.String(length=8), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("max_nuisance", sa.Integer(), nullable=True),
        sa.Column("legacy_codes", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_land_use_classes")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'investment', 'park_manager', 'leader')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("investor", sa.String(length=200), nullable=True),
        sa.Column("industry_code", sa.String(length=8), nullable=True),
        sa.Column("investment_total_wan", sa.Float(), nullable=True),
        sa.Column("fixed_investment_wan", sa.Float(), nullable=True),
        sa.Column("land_min_mu", sa.Float(), nullable=True),
        sa.Column("land_max_mu", sa.Float(), nullable=True),
        sa.Column("floor_area_min_m2", sa.Float(), nullable=True),
        sa.Column("clear_height_min_m", sa.Float(), nullable=True),
        sa.Column("floor_load_min_kn_m2", sa.Float(), nullable=True),
        sa.Column("crane_min_t", sa.Float(), nullable=True),
        sa.Column("power_min_kva", sa.Float(), nullable=True),
        sa.Column("nuisance_class", sa.Integer(), nullable=True),
        sa.Column("needs_waterfront", sa.Boolean(), nullable=False),
        sa.Column("preferred_areas", sa.JSON(), nullable=False),
        sa.Column("annual_output_wan", sa.Float(), nullable=True),
        sa.Column("annual_tax_wan", sa.Float(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_since", sa.Date(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("agreed_start_on", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(length=100), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "nuisance_class IS NULL OR nuisance_class BETWEEN 1 AND 3", name=op.f("ck_projects_nuisance")
        ),
        sa.ForeignKeyConstraint(
            ["industry_code"], ["industries.code"], name=op.f("fk_projects_industry_code_industries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_projects_code")),
    )
    op.create_table(
        "user_areas",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_user_areas_area_id_areas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_areas_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "area_id", name=op.f("pk_user_areas")),
    )
    op.create_geospatial_table(
        "parcels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("cert_area_m2", sa.Float(), nullable=True),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("land_use", sa.String(length=8), nullable=False),
        sa.Column("stock_type", sa.String(length=30), nullable=False),
        sa.Column("ownership", sa.String(length=200), nullable=True),
        sa.Column("plot_ratio_min", sa.Float(), nullable=True),
        sa.Column("plot_ratio_max", sa.Float(), nullable=True),
        sa.Column("building_density_min", sa.Float(), nullable=True),
        sa.Column("height_limit_m", sa.Float(), nullable=True),
        sa.Column("green_ratio_max", sa.Float(), nullable=True),
        sa.Column("waterfront", sa.Boolean(), nullable=False),
        sa.Column("ready_road", sa.Boolean(), nullable=False),
        sa.Column("ready_power", sa.Boolean(), nullable=False),
        sa.Column("ready_water", sa.Boolean(), nullable=False),
        sa.Column("ready_drainage", sa.Boolean(), nullable=False),
        sa.Column("ready_telecom", sa.Boolean(), nullable=False),
        sa.Column("ready_gas", sa.Boolean(), nullable=False),
        sa.Column("ready_heat", sa.Boolean(), nullable=False),
        sa.Column("ready_leveled", sa.Boolean(), nullable=False),
        sa.Column("net_land", sa.Boolean(), nullable=False),
        sa.Column("price_wan_per_mu", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=True),
        sa.Column("reserved_project_id", sa.Integer(), nullable=True),
        sa.Column("idle_since", sa.Date(), nullable=True),
        sa.Column("contact", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('available', 'reserved', 'signed', 'supplied', "
            "'under_construction', 'in_production', 'unavailable')",
            name=op.f("ck_parcels_status"),
        ),
        sa.CheckConstraint("area_m2 > 0", name=op.f("ck_parcels_area_positive")),
        sa.CheckConstraint(
            "plot_ratio_min IS NULL OR plot_ratio_max IS NULL OR plot_ratio_min <= plot_ratio_max",
            name=op.f("ck_parcels_plot_ratio_range"),
        ),
        sa.ForeignKeyConstraint(
            ["land_use"], ["land_use_classes.code"], name=op.f("fk_parcels_land_use_land_use_classes")
        ),
        sa.ForeignKeyConstraint(["park_id"], ["areas.id"], name=op.f("fk_parcels_park_id_areas")),
        sa.ForeignKeyConstraint(
            ["reserved_project_id"], ["projects.id"], name=op.f("fk_parcels_reserved_project_id_projects")
        ),
        sa.ForeignKeyConstraint(["town_id"], ["areas.id"], name=op.f("fk_parcels_town_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parcels")),
        sa.UniqueConstraint("code", name=op.f("uq_parcels_code")),
    )
    op.create_geospatial_index(
        "idx_parcels_geom", "parcels", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index(op.f("ix_parcels_area_m2"), "parcels", ["area_m2"], unique=False)
    op.create_index(op.f("ix_parcels_land_use"), "parcels", ["land_use"], unique=False)
    op.create_index(op.f("ix_parcels_park_id"), "parcels", ["park_id"], unique=False)
    op.create_index(op.f("ix_parcels_status"), "parcels", ["status"], unique=False)
    op.create_index("ix_parcels_status_area", "parcels", ["status", "area_m2"], unique=False)
    op.create_index(op.f("ix_parcels_town_id"), "parcels", ["town_id"], unique=False)
    op.create_geospatial_table(
        "factories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column(
            "footprint",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4490,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("park_id", sa.Integer(), nullable=True),
        sa.Column("town_id", sa.Integer(), nullable=True),
        sa.Column("parcel_id", sa.Integer(), nullable=True),
        sa.Column("building_type", sa.String(length=20), nullable=False),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column("floor_area_m2", sa.Float(), nullable=False),
        sa.Column("vacant_area_m2", sa.Float(), nullable=False),
        sa.Column("clear_height_m", sa.Float(), nullable=True),
        sa.Column("floor_load_kn_m2", sa.Float(), nullable=True),
        sa.Column("crane_t", sa.Float(), nullable=True),
        sa.Column("power_kva", sa.Float(), nullable=True),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("rent_yuan_m2_month", sa.Float(), nullable=True),
        sa.Column("sale_price_wan", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_since", sa.Date(), nullable=True),
        sa.Column("reserved_project_id", sa.Integer(), nullable=True),
        sa.Column("suitable_industries", sa.JSON(), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=60), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('vacant', 'reserved', 'leased', 'sold')", name=op.f("ck_factories_status")
        ),
        sa.CheckConstraint("floor_area_m2 > 0", name=op.f("ck_factories_floor_area_positive")),
        sa.CheckConstraint(
            "vacant_area_m2 >= 0 AND vacant_area_m2 <= floor_area_m2",
            name=op.f("ck_factories_vacant_within_floor_area"),
        ),
        sa.ForeignKeyConstraint(["parcel_id"], ["parcels.id"], name=op.f("fk_factories_parcel_id_parcels")),
        sa.ForeignKeyConstraint(["park_id"], ["areas.id"], name=op.f("fk_factories_park_id_areas")),
        sa.ForeignKeyConstraint(
            ["reserved_project_id"], ["projects.id"], name=op.f("fk_factories_reserved_project_id_projects")
        ),
        sa.ForeignKeyConstraint(["town_id"], ["areas.id"], name=op.f("fk_factories_town_id_areas")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factories")),
        sa.UniqueConstraint("code", name=op.f("uq_factories_code")),
    )
    op.create_geospatial_index(
        "idx_factories_footprint",
        "factories",
        ["footprint"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_index(
        "idx_factories_location",
        "factories",
        ["location"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(op.f("ix_factories_park_id"), "factories", ["park_id"], unique=False)
    op.create_index(op.f("ix_factories_status"), "factories", ["status"], unique=False)
    op.create_index(op.f("ix_factories_town_id"), "factories", ["town_id"], unique=False)
    op.create_index(op.f("ix_factories_vacant_area_m2"), "factories", ["vacant_area_m2"], unique=False)
    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parcel_id", sa.Integer(), nullable=True),
        sa.Column("factory_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(parcel_id IS NULL) <> (factory_id IS NULL)", name=op.f("ck_status_events_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["factory_id"], ["factories.id"], name=op.f("fk_status_events_factory_id_factories")
        ),
        sa.ForeignKeyConstraint(
            ["parcel_id"], ["parcels.id"], name=op.f("fk_status_events_parcel_id_parcels")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_status_events_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
    )
    op.create_index(op.f("ix_status_events_at"), "status_events", ["at"], unique=False)
    op.create_index(op.f("ix_status_events_factory_id"), "status_events", ["factory_id"], unique=False)
    op.create_index(op.f("ix_status_events_parcel_id"), "status_events", ["parcel_id"], unique=False)
    _check_spatialite_columns(5)


def downgrade() -> None:
    op.drop_index(op.f("ix_status_events_parcel_id"), table_name="status_events")
    op.drop_index(op.f("ix_status_events_factory_id"), table_name="status_events")
    op.drop_index(op.f("ix_status_events_at"), table_name="status_events")
    op.drop_table("status_events")
    op.drop_index(op.f("ix_factories_vacant_area_m2"), table_name="factories")
    op.drop_index(op.f("ix_factories_town_id"), table_name="factories")
    op.drop_index(op.f("ix_factories_status"), table_name="factories")
    op.drop_index(op.f("ix_factories_park_id"), table_name="factories")
    op.drop_geospatial_index(
        "idx_factories_location", table_name="factories", postgresql_using="gist", column_name="location"
    )
    op.drop_geospatial_index(
        "idx_factories_footprint", table_name="factories", postgresql_using="gist", column_name="footprint"
    )
    op.drop_geospatial_table("factories")
    op.drop_index(op.f("ix_parcels_town_id"), table_name="parcels")
    op.drop_index("ix_parcels_status_area", table_name="parcels")
    op.drop_index(op.f("ix_parcels_status"), table_name="parcels")
    op.drop_index(op.f("ix_parcels_park_id"), table_name="parcels")
    op.drop_index(op.f("ix_parcels_land_use"), table_name="parcels")
    op.drop_index(op.f("ix_parcels_area_m2"), table_name="parcels")
    op.drop_geospatial_index(
        "idx_parcels_geom", table_name="parcels", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("parcels")
    op.drop_table("user_areas")
    op.drop_table("projects")
    op.drop_table("users")
    op.drop_table("land_use_classes")
    op.drop_index(op.f("ix_infrastructure_kind"), table_name="infrastructure")
    op.drop_geospatial_index(
        "idx_infrastructure_geom", table_name="infrastructure", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("infrastructure")
    op.drop_table("industries")
    op.drop_index(op.f("ix_areas_kind"), table_name="areas")
    op.drop_geospatial_index(
        "idx_areas_geom", table_name="areas", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("areas")

"""Builds the Landstock app: settings, database lifespan, error handlers, routers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import inspect
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from gis.database import Database, make_engine
from gis.models import User
from gis.replica import Replica
from gis.sample import refuse_demo_passwords
from service import errors, openapi, read_access
from service.attempts import secure_cookies
from service.body_limit import MB, BodyLimit
from service.head import HeadAsGet
from service.local_zone import LocalZone
from service.replica_routing import ReadYourWrites
from service.routes import (
    alerts,
    areas,
    attachments,
    auth,
    basemap,
    brochure,
    docs,
    exports,
    health,
    imports,
    matching,
    ogc,
    pipeline,
    project_choices,
    projects,
    proposals,
    reviews,
    shortlist,
    sites,
    stats,
    status_batch,
    trends,
    users,
)
from service.routes import compare as compare_routes
from service.routes import gazetteer as gazetteer_routes
from service.routes import nearby as nearby_routes
from service.routes import quality as quality_routes
from service.routes import reports as report_routes
from service.settings import Settings, load_settings
from service.web import attachments as attachment_forms
from service.web import compare as compare_pages
from service.web import (
    fits,
    match,
    new_project,
    pages,
    project_forms,
    project_page,
    proposal_forms,
    proposal_page,
    quality,
    reports,
    static,
    status_form,
    supply,
    tiles,
    todo,
    verify_form,
    workspace,
)
from service.web import projects as project_pages
from service.web import trends as trend_pages

DESCRIPTION = """
启东市存量土地与存量厂房数据库 — the idle-land and vacant-factory inventory of Qidong.

Geometry is CGCS2000 (EPSG:4490) longitude/latitude; areas are measured on the ellipsoid and
given in m² and 亩 (1 亩 = 10000/15 m²). Errors are `application/problem+json`; add `?lang=en`
(or `Accept-Language: en`) for English messages.
"""


# Anything but an upload is a JSON document or a form; 20 MB holds the largest plausible outline.
JSON_BODY_LIMIT = 20 * MB


def body_limits(settings: Settings) -> Callable[[str], int]:
    """The largest request body each path takes: imports and attachments their files, the rest JSON."""
    imports, files = int(settings.imports.max_upload_mb * MB), settings.attachments.body_bytes()

    def limit_for(path: str) -> int:
        if path.startswith("/api/imports"):
            return imports
        return files if path.endswith("/attachments") else JSON_BODY_LIMIT

    return limit_for


def refuse_known_passwords(db: Database) -> None:
    """Refuse to serve in production while an active account still has the demo password."""
    if not inspect(db.engine).has_table(User.__tablename__):
        return  # never migrated: there is no account yet
    with db.read() as session:
        refuse_demo_passwords(session)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The FastAPI application for `settings` (read from the environment when omitted)."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database.url,
            spatialite_library=settings.database.spatialite_library,
            busy_timeout_ms=settings.database.busy_timeout_ms,
        )
        read_url = settings.database.read_url
        replica = (
            Replica(make_engine(read_url, connect_timeout_s=2), max_lag_s=settings.database.read_max_lag_s)
            if read_url
            else None
        )
        app.state.db = Database(engine, replica)
        if settings.app.environment == "production":
            try:
                await run_in_threadpool(refuse_known_passwords, app.state.db)
            except Exception:
                app.state.db.dispose()
                raise
        warmer = tiles.TileWarmer(app) if settings.app.warm_tiles else None
        if warmer:
            warmer.start()
        app.state.tile_refresher = tiles.Refresher(app)
        try:
            yield
        finally:
            if warmer:
                warmer.stop()
            app.state.tile_refresher.stop()
            app.state.tile_refresher = None
            app.state.db.dispose()

    # /openapi.json, /docs and /redoc come from routes.docs, readable as the inventory is
    app = FastAPI(
        title="Landstock 存量资源",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.basemap = settings.map.package()  # the local tile package, read once
    errors.install(app)
    read_access.install(app)
    openapi.install(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.app.secret_key.get_secret_value(),
        session_cookie="landstock_session",
        max_age=settings.auth.session_hours * 3600,
        same_site="lax",
        https_only=secure_cookies(settings),
    )
    app.add_middleware(BodyLimit, limit_for=body_limits(settings))
    if settings.app.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.app.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location"],
        )
    if settings.database.read_url:
        app.add_middleware(
            ReadYourWrites, seconds=settings.database.read_after_write_s, secure=secure_cookies(settings)
        )
    app.add_middleware(LocalZone, zone=settings.app.zone)  # times shown in LANDSTOCK_TIMEZONE
    app.add_middleware(HeadAsGet)  # outermost: everything inside sees a GET
    # exports before parcels and factories: /api/parcels/export is not a parcel code
    # pipeline before projects: POST /api/projects/duplicates is not a project's code, nor is
    # GET /api/projects/choices (project_choices)
    # new_project before a project's page: /projects/new is not a project's code; project pages
    # before the workspace: /projects/{code}/edit is not a parcel's or factory's
    for module in (
        docs,
        health,
        auth,
        users,
        exports,
        imports,
        sites,
        attachments,
        areas,
        stats,
        basemap,
        ogc,
        matching,
        compare_routes,
        pipeline,
        shortlist,
        proposals,
        project_choices,
        status_batch,
        projects,
        reviews,
        report_routes,
        alerts,
        quality_routes,
        nearby_routes,
        gazetteer_routes,
        brochure,
        trends,
        new_project,
        project_pages,
        proposal_page,
        tiles,
        pages,
        fits,
        supply,
        trend_pages,
        reports,
        todo,
        quality,
        match,
        compare_pages,
        project_page,
        project_forms,
        proposal_forms,
        status_form,
        verify_form,
        attachment_forms,
        workspace,
    ):
        app.include_router(module.router)
    static.install(app, settings)
    return app

"""/healthz: is the service up and its database reachable."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from gis.migrate import current_revision
from service.dependencies import DatabaseDep
from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Health check")
def healthz(db: DatabaseDep) -> Health:
    """200 when the database answers; 503 (problem+json) when it does not."""
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return Health(status="ok", database=db.dialect, revision=current_revision(db.engine))  # type: ignore[arg-type]

"""Typed dependencies shared by the routes: the database session and the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from gis.database import Database
from service.i18n import request_language
from service.replica_routing import SAFE_METHODS, only_reads, written_position
from service.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The database opened by the app's lifespan."""
    database: Database = request.app.state.db
    return database


def read_session(request: Request, db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session for queries. Changes open `db.write()` in the route instead, so that they are
    committed before the response leaves. A GET or HEAD may be answered by the read replica when
    there is one (service/replica_routing.py); a write's own reads are on the primary."""
    if request.method in SAFE_METHODS:
        with db.read_replica(after=written_position(request)) as session:
            yield session
    else:
        with db.read() as session:
            yield session


def answer_session(request: Request, db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session for a POST that only reads (a match, a parsed lead): the read replica may answer
    it as it answers a GET, and the answer hands the client no write position."""
    only_reads(request)
    with db.read_replica(after=written_position(request)) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ReadSession = Annotated[Session, Depends(read_session)]
AnswerSession = Annotated[Session, Depends(answer_session)]
Language = Annotated[str, Depends(request_language)]

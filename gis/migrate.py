"""Schema migrations on either database, driven from code (the CLI, tests, the Docker image)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from gis.database import unavailable_as_error

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(connection: object) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the schema up to `revision`; return the revision reached."""
    with unavailable_as_error(), engine.begin() as connection:
        command.upgrade(_config(connection), revision)
    return current_revision(engine) or "base"


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to `revision` (`base` drops every table)."""
    with unavailable_as_error(), engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with unavailable_as_error(), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this code."""
    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts in {MIGRATIONS}")
    return head

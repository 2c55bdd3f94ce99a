"""Settings from the environment (prefix LANDSTOCK_) and a `.env` file, one class per concern.

Read when the app or a CLI command starts, never at import; validated then, so a bad value stops
start-up with a message instead of failing later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEV_SECRET = "landstock-development-secret-do-not-use-in-production"


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", env_file_encoding="utf-8",
                              extra="ignore")


class DatabaseSettings(BaseSettings):
    """Where the inventory lives."""

    model_config = _config("LANDSTOCK_DATABASE_")

    url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'landstock.sqlite'}",
        description="sqlite:///path/file.sqlite (SpatiaLite) or postgresql+psycopg://user:pass@host/db",
    )
    spatialite_library: str = Field(default="mod_spatialite",
                                    description="SpatiaLite extension to load (name or path)")
    busy_timeout_ms: int = Field(default=30_000, ge=0,
                                 description="How long a SQLite writer waits for the lock")


class AppSettings(BaseSettings):
    """How the service runs."""

    model_config = _config("LANDSTOCK_")

    environment: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = Field(default=SecretStr(DEV_SECRET),
                                  description="Signs sessions; must be set in production")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    data_dir: Path = Field(default=DEFAULT_DATA_DIR,
                           description="Folder of reference tables (reference/) and sample (sample/)")
    language: Literal["zh", "en"] = Field(default="zh", description="Default interface language")
    max_page_size: int = Field(default=1000, ge=1, le=10_000)
    cors_origins: list[str] = Field(default_factory=list,
                                    description="Origins allowed by CORS; empty turns CORS off")
    tianditu_key: SecretStr | None = Field(default=None, description="天地图 key (tk) for basemaps")

    @field_validator("tianditu_key", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> AppSettings:
        if self.environment == "production" and self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError("LANDSTOCK_SECRET_KEY must be set to a secret of your own in production")
        return self


class MapSettings(BaseSettings):
    """How the web pages draw maps and where their browser assets come from."""

    model_config = _config("LANDSTOCK_MAP_")

    assets: Literal["local", "cdn"] = Field(
        default="local", description="local: JS/CSS served by Landstock (intranet); cdn: public CDN")
    assets_dir: Path = Field(default=PROJECT_ROOT / "node_modules",
                             description="Where `npm ci` installed the browser assets")
    basemap: Literal["none", "osm", "tianditu_vec", "tianditu_img"] = Field(
        default="none", description="Basemap shown first; none works with no internet")


class AuthSettings(BaseSettings):
    """Sign-in, sessions and tokens."""

    model_config = _config("LANDSTOCK_AUTH_")

    cookie_secure: bool | None = Field(default=None,
                                       description="Send the session cookie over HTTPS only "
                                                   "(default: yes in production)")
    session_hours: int = Field(default=12, ge=1, le=24 * 30, description="Web session lifetime")
    token_days: int = Field(default=90, ge=1, le=3650, description="Lifetime of API tokens")
    max_failures_per_name: int = Field(default=5, ge=1, description="Failed sign-ins tolerated per user")
    max_failures_per_address: int = Field(default=20, ge=1, description="… and per client address")
    failure_window_minutes: int = Field(default=15, ge=1, description="How long failures count")


@dataclass(frozen=True)
class Settings:
    """All settings of one running Landstock."""

    database: DatabaseSettings
    app: AppSettings
    auth: AuthSettings = field(default_factory=AuthSettings)
    map: MapSettings = field(default_factory=MapSettings)

    @property
    def reference_dir(self) -> Path:
        """The reference tables' folder."""
        return self.app.data_dir / "reference"

    @property
    def sample_dir(self) -> Path:
        """The generated sample's folder."""
        return self.app.data_dir / "sample"


def load_settings(**database: object) -> Settings:
    """Read every settings class from the environment; keyword arguments override the database."""
    return Settings(database=DatabaseSettings(**database), app=AppSettings(),  # type: ignore[arg-type]
                    auth=AuthSettings())

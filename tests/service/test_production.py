"""Production refuses weak settings: a short or blank secret, and accounts that still have the
demo password (the app's lifespan and `landstock serve` alike)."""

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from gis import accounts
from gis.database import Database, make_engine
from gis.errors import InsecureSetup
from gis.sample import DEMO_USERS, create_demo_users
from harness.live import free_port
from service.main import create_app
from service.settings import DEV_SECRET, AppSettings, DatabaseSettings, Settings
from tests.conftest import OPERATOR
from tests.service.test_cli import landstock

SECRET = "s" * 40


@pytest.mark.parametrize("secret", ["", " " * 40, "x" * 31, "密" * 10, DEV_SECRET])
def test_production_refuses_a_weak_secret_and_says_how_to_make_one(secret):
    with pytest.raises(ValidationError) as refused:
        AppSettings(environment="production", secret_key=secret)

    assert "LANDSTOCK_SECRET_KEY" in str(refused.value)
    assert "secrets.token_urlsafe(48)" in str(refused.value)


@pytest.mark.parametrize("secret", ["x" * 32, "密" * 11])
def test_production_accepts_a_secret_of_32_bytes(secret):
    assert AppSettings(environment="production", secret_key=secret).secret_key.get_secret_value() == secret


def test_development_keeps_its_default_secret():
    assert AppSettings(environment="development").secret_key.get_secret_value() == DEV_SECRET


def test_a_blank_secret_stops_the_cli_in_one_line():
    done = landstock(
        "db",
        "upgrade",
        url="sqlite:////tmp/landstock-test.sqlite",
        LANDSTOCK_ENVIRONMENT="production",
        LANDSTOCK_SECRET_KEY="   ",
    )

    assert done.returncode == 1 and "LANDSTOCK_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


def production(url: str) -> Settings:
    return Settings(
        database=DatabaseSettings(url=url), app=AppSettings(environment="production", secret_key=SECRET)
    )


def serve_in_production(url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "LANDSTOCK_DATABASE_URL": url,
        "LANDSTOCK_ENVIRONMENT": "production",
        "LANDSTOCK_SECRET_KEY": SECRET,
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(free_port())],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_production_will_not_serve_while_accounts_have_the_demo_password(databases, backend):
    url = databases.url(backend, sample=True)
    db = Database(make_engine(url))
    with db.write() as session:
        create_demo_users(session, OPERATOR)

    with pytest.raises(InsecureSetup) as refused, TestClient(create_app(production(url))):
        pass
    served = serve_in_production(url)

    message = refused.value.message("en")
    assert all(name in message for name, *_ in DEMO_USERS)
    assert "landstock user passwd NAME" in message and "landstock user disable NAME" in message
    assert served.returncode == 1 and "Traceback" not in served.stderr
    assert "lingdao" in served.stderr and "landstock user passwd" in served.stderr
    db.dispose()


def test_production_serves_once_no_active_account_has_the_demo_password(databases, backend):
    url = databases.url(backend, sample=True)
    db = Database(make_engine(url))
    with db.write() as session:
        create_demo_users(session, OPERATOR)
        for name, *_ in DEMO_USERS[1:]:
            accounts.update_user(session, OPERATOR, name, active=False)
    db.dispose()

    changed = landstock(
        "user",
        "passwd",
        "admin",
        "--password-stdin",
        url=url,
        input_="a-real-password\n",
        LANDSTOCK_ENVIRONMENT="production",
        LANDSTOCK_SECRET_KEY=SECRET,
    )
    with TestClient(create_app(production(url))) as client:
        health = client.get("/healthz")

    assert changed.returncode == 0, changed.stderr
    assert health.status_code == 200

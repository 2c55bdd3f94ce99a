"""Sign-in under real concurrency, against a real server, on both databases: the brake on
guessing counts and checks in one atomic step, and a sign-in waiting for a lock does not stop
the server from answering others."""

import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlean
from argon2 import PasswordHasher
from sqlalchemy import event, func, select

from gis import accounts
from gis.database import Database, make_engine
from gis.models import LoginFailure
from gis.signin import lock_id
from harness.live import serve
from service.main import create_app
from service.settings import AppSettings, DatabaseSettings, Settings
from tests.conftest import TEST_PASSWORD, settings_for

GUESSES = 40


class CountingHasher(PasswordHasher):
    """Landstock's Argon2 parameters, counting how many passwords reach verification."""

    def __init__(self) -> None:
        super().__init__(time_cost=2, memory_cost=19_456, parallelism=1)
        self.calls = 0
        self._lock = threading.Lock()

    def verify(self, hash, password) -> bool:  # noqa: A002 - argon2's own parameter name
        with self._lock:
            self.calls += 1
        return super().verify(hash, password)


def failures_of(url: str, name: str) -> int:
    db = Database(make_engine(url))
    with db.read() as session:
        count = session.scalar(
            select(func.count()).select_from(LoginFailure).where(LoginFailure.name == name)
        )
    db.dispose()
    return int(count or 0)


def test_forty_concurrent_wrong_passwords_check_exactly_five(sample_app, monkeypatch):
    name = sample_app.user("leader")
    hasher = CountingHasher()
    monkeypatch.setattr(accounts, "HASHER", hasher)
    start = threading.Barrier(GUESSES)

    def guess(i: int) -> httpx.Response:
        start.wait()
        return httpx.post(
            f"{base}/api/auth/token", json={"name": name, "password": f"wrong-guess-{i}"}, timeout=120
        )

    with serve(create_app(settings_for(sample_app.url))) as base, ThreadPoolExecutor(GUESSES) as pool:
        responses = list(pool.map(guess, range(GUESSES)))

    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [401] * 5 + [429] * (GUESSES - 5)
    assert hasher.calls == 5
    assert all(int(r.headers["retry-after"]) > 0 for r in responses if r.status_code == 429)
    assert failures_of(sample_app.url, name) == 5


@contextlib.contextmanager
def lock_held(url: str, backend: str, name: str):
    """Hold, from another connection, the lock a sign-in for `name` must wait for."""
    if backend == "spatialite":
        connection = sqlean.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    db = Database(make_engine(url))
    with db.engine.connect() as connection:
        connection.execute(select(func.pg_advisory_xact_lock(lock_id(f"name:{name}"))))
        try:
            yield
        finally:
            connection.rollback()
    db.dispose()


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_healthz_answers_while_a_sign_in_waits_for_a_lock(sample_app, backend):
    name = sample_app.user("leader")
    app = create_app(
        Settings(
            database=DatabaseSettings(url=sample_app.url, busy_timeout_ms=300_000),
            app=AppSettings(environment="test"),
        )
    )
    waiting = threading.Event()
    answer: dict[str, httpx.Response] = {}

    def spot(_conn, _cursor, statement, *_args) -> None:
        if "BEGIN IMMEDIATE" in statement or "pg_advisory_xact_lock" in statement:
            waiting.set()

    def sign_in(base: str) -> None:
        with httpx.Client(base_url=base, timeout=300) as client:
            token = csrf_of(client.get("/login").text)
            answer["login"] = client.post(
                "/login", data={"name": name, "password": TEST_PASSWORD, "csrf_token": token}
            )

    with serve(app) as base:
        event.listen(app.state.db.engine, "before_cursor_execute", spot)
        with lock_held(sample_app.url, backend, name):
            thread = threading.Thread(target=sign_in, args=(base,))
            thread.start()
            assert waiting.wait(120), "the sign-in never reached the database"
            health = httpx.get(f"{base}/healthz", timeout=15)
            still_waiting = thread.is_alive()
        thread.join(300)

    assert health.status_code == 200
    assert still_waiting
    assert answer["login"].status_code == 303

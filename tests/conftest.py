"""Fixtures: every database test runs on SpatiaLite and on PostGIS, each from a fresh copy.

A template per backend is migrated (and, for `sample_db`, loaded with the Qidong sample) once
per run; each test gets a copy (a file copy for SpatiaLite, CREATE DATABASE ... TEMPLATE for
PostGIS). Under pytest-xdist the workers share one PostGIS cluster and the templates, in a folder
the controller makes and removes (`pytest_configure`, `pytest_unconfigure`): whichever worker
first needs one builds it while the others wait on its lock. When PostGIS cannot start the PostGIS tests fail, they are not skipped; set
LANDSTOCK_TEST_DATABASES=spatialite to run only the embedded database on purpose.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gis import accounts, migrate
from gis.access import operator
from gis.database import Database, make_engine
from gis.reference import sync_reference
from gis.sample import load_sample
from harness.live import settings_for as harness_settings
from harness.paths import REFERENCE, SAMPLE
from harness.postgis import (
    PostgisUnavailable,
    admin_execute,
    database_url,
    locked,
    memory_folder,
    remove_shared_cluster,
    server_version,
    shared_cluster,
    throwaway_cluster,
)
from service.main import create_app
from service.settings import Settings

BACKENDS = [b for b in os.environ.get("LANDSTOCK_TEST_DATABASES", "spatialite,postgis").split(",") if b]
_serial = itertools.count()
RUN_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """As pytest-xdist's controller, make the folder the workers share (cluster and templates)."""
    if not hasattr(config, "workerinput") and getattr(config.option, "numprocesses", None):
        config.stash[RUN_FOLDER] = Path(tempfile.mkdtemp(prefix="landstock-run-", dir=memory_folder()))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Tell each pytest-xdist worker where the shared folder is."""
    node.workerinput["landstock_run"] = str(node.config.stash[RUN_FOLDER])


def pytest_unconfigure(config: pytest.Config) -> None:
    """As the controller, stop the shared cluster and delete the shared folder."""
    folder = config.stash.get(RUN_FOLDER, None)
    if folder is not None:
        remove_shared_cluster(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _run_folder(config: pytest.Config) -> Path | None:
    """The folder this worker shares with the run's other workers (None outside pytest-xdist)."""
    shared = getattr(config, "workerinput", {}).get("landstock_run")
    return Path(shared) if shared else None


def _prepare(url: str, *, sample: bool) -> None:
    db = Database(make_engine(url))
    migrate.upgrade(db.engine)
    with db.write() as session:
        sync_reference(session, REFERENCE)
        if sample:
            load_sample(session, SAMPLE)
    db.dispose()


class Databases:
    """Makes fresh databases of either backend from migrated templates."""

    def __init__(self, request: pytest.FixtureRequest, workdir: Path) -> None:
        self.request, self.workdir = request, workdir
        self.shared = _run_folder(request.config)
        self._strategy: str | None = None
        self.templates: dict[tuple[str, bool], str] = {}
        self.created: list[Database] = []
        self.made: list[str] = []  # URLs of the databases made by `url` and `blank_url`

    def _admin(self) -> str:
        return str(self.request.getfixturevalue("postgres_admin_url"))

    def _template(self, backend: str, sample: bool) -> str:
        key = (backend, sample)
        if key not in self.templates:
            name = f"template_{'sample' if sample else 'empty'}"
            if self.shared is None:
                self.templates[key] = self._build(backend, name, self.workdir, sample=sample)
            else:  # built once per run, by the first worker that needs it
                with locked(self.shared / f"{backend}_{name}.lock"):
                    built = self.shared / f"{backend}_{name}.url"
                    if not built.exists():
                        built.write_text(self._build(backend, name, self.shared, sample=sample))
                    self.templates[key] = built.read_text()
        return self.templates[key]

    def _build(self, backend: str, name: str, folder: Path, *, sample: bool) -> str:
        if backend == "spatialite":
            url = f"sqlite:///{folder / (name + '.sqlite')}"
        else:
            admin_execute(self._admin(), f"CREATE DATABASE {name}")
            url = database_url(self._admin(), name)
        _prepare(url, sample=sample)
        return url

    def url(self, backend: str, *, sample: bool = False) -> str:
        """The URL of a new database copied from the template."""
        template = self._template(backend, sample)
        name = f"test_{os.getpid()}_{next(_serial)}"
        if backend == "spatialite":
            target = self.workdir / f"{name}.sqlite"
            shutil.copyfile(template.removeprefix("sqlite:///"), target)
            return self._made(f"sqlite:///{target}")
        template_name = template.rsplit("/", 1)[1]
        admin_execute(
            self._admin(), f"CREATE DATABASE {name} TEMPLATE {template_name}{self._copy_strategy()}"
        )
        return self._made(database_url(self._admin(), name))

    def _copy_strategy(self) -> str:
        """FILE_COPY on our own cluster (in memory, PostgreSQL 15 or newer): copying the template's
        files took about two thirds of the time of writing each of its pages to the WAL (the
        default), and the checkpoint it needs costs little without fsync. A given server keeps
        its default."""
        if self._strategy is None:
            ours = not os.environ.get("LANDSTOCK_TEST_POSTGRES_URL")
            self._strategy = " STRATEGY FILE_COPY" if ours and server_version(self._admin()) >= 150000 else ""
        return self._strategy

    def blank_url(self, backend: str) -> str:
        """The URL of a new database that has never been migrated."""
        name = f"blank_{os.getpid()}_{next(_serial)}"
        if backend == "spatialite":
            return self._made(f"sqlite:///{self.workdir / (name + '.sqlite')}")
        admin_execute(self._admin(), f"CREATE DATABASE {name}")
        return self._made(database_url(self._admin(), name))

    def _made(self, url: str) -> str:
        self.made.append(url)
        return url

    def drop(self, since: int) -> None:
        """Delete the databases made since the `since`-th (a test's own, once it has ended): a run
        makes a thousand copies of the sample, some 20 MB each, and keeping them all wrote gigabytes
        and took minutes to delete at the end of the session."""
        for url in self.made[since:]:
            if url.startswith("sqlite:///"):
                path = url.removeprefix("sqlite:///")
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(path + suffix).unlink(missing_ok=True)
            else:  # FORCE: a connection the test left open (a thread's, a subprocess') is ended
                admin_execute(self._admin(), f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
        del self.made[since:]

    def open(self, backend: str, *, sample: bool = False) -> Database:
        """A new database, opened."""
        return self.open_url(self.url(backend, sample=sample))

    def open_url(self, url: str) -> Database:
        """The database at `url`, opened (and disposed at the end of the session)."""
        db = Database(make_engine(url))
        self.created.append(db)
        return db

    def close(self, since: int = 0) -> None:
        """Dispose every engine opened by `open` (since the `since`-th)."""
        for db in self.created[since:]:
            db.dispose()
        del self.created[since:]


@pytest.fixture(scope="session")
def postgres_admin_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An admin URL of a PostGIS server: the given one, or a throwaway cluster (the run's, under
    pytest-xdist)."""
    given = os.environ.get("LANDSTOCK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    shared = _run_folder(request.config)
    try:
        if shared is not None:
            yield shared_cluster(shared)
            return
        with throwaway_cluster(in_memory=True) as url:
            yield url
    except PostgisUnavailable as exc:
        pytest.fail(f"PostGIS is required for the PostGIS tests: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    """The session's database factory. Its SpatiaLite files are kept in memory where there is a
    tmpfs, as the PostGIS cluster is: a test's copy of the sample is written and deleted in a
    moment, and on a shared disk that waited on other processes' writes."""
    memory = memory_folder()
    workdir = Path(tempfile.mkdtemp(prefix="landstock-tests-", dir=memory)) if memory else None
    factory = Databases(request, workdir or tmp_path_factory.mktemp("databases"))
    yield factory
    factory.close()
    if workdir:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """`spatialite` or `postgis`."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _close_what_the_test_opened(request: pytest.FixtureRequest) -> Iterator[None]:
    """Dispose the databases a test opened when it ends, not at the end of the session: a worker
    runs hundreds of tests, and their idle pooled connections would fill PostgreSQL's limit. Then
    delete the databases the test made. Module and session fixtures are set up before this one
    (higher scopes first), so what they made is not counted here and lives as long as they do."""
    if "databases" not in request.fixturenames:
        yield
        return
    factory: Databases = request.getfixturevalue("databases")
    opened_before, made_before = len(factory.created), len(factory.made)
    yield
    factory.close(since=opened_before)
    factory.drop(since=made_before)


@pytest.fixture
def db(databases: Databases, backend: str) -> Database:
    """A fresh, migrated database with the reference tables and nothing else."""
    return databases.open(backend)


@pytest.fixture
def sample_db(databases: Databases, backend: str) -> Database:
    """A fresh database holding the Qidong sample."""
    return databases.open(backend, sample=True)


def settings_for(url: str, *, warm_tiles: bool = False) -> Settings:
    """Settings of a test app on `url`. The tile warmer is off unless asked for: it draws the
    county view's tiles (some 0.5 s of CPU) behind every app the tests start, hundreds of them, and
    what it does is tested on its own (tests/service/test_tile_cache.py)."""
    return harness_settings(url, warm_tiles=warm_tiles)


@pytest.fixture(scope="module", params=BACKENDS)
def sample_client(request: pytest.FixtureRequest, databases: Databases) -> Iterator[TestClient]:
    """An HTTP client of an app on a sample database, shared by a module's read-only tests."""
    url = databases.url(str(request.param), sample=True)
    with TestClient(create_app(settings_for(url))) as client:
        yield client


class SampleApp:
    """A fresh app on its own sample database, with helpers to sign users in."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = Database(make_engine(url))
        self.client = TestClient(create_app(settings_for(url)))
        self._users = itertools.count()

    def user(self, role: str, *areas: str, name: str | None = None) -> str:
        """Create a user with this role (and areas); return their name."""
        name = name or f"{role}_{next(self._users)}"
        with self.db.write() as session:
            accounts.create_user(session, OPERATOR, name, role, TEST_PASSWORD, areas=list(areas))
        return name

    def headers(self, role: str, *areas: str) -> dict[str, str]:
        """Bearer headers of a new user with this role (and areas)."""
        name = self.user(role, *areas)
        with self.db.write() as session:
            token = accounts.issue_token(session, OPERATOR, accounts.get_user(session, name), "test", None)
        return {"Authorization": f"Bearer {token}"}

    def close(self) -> None:
        """Stop the app and close the database."""
        self.client.__exit__(None, None, None)
        self.db.dispose()


TEST_PASSWORD = "correct-horse-battery"
# Tests set up accounts as the person at the shell does: an administrator outside the service
OPERATOR = operator("tests")


@pytest.fixture
def sample_app(databases: Databases, backend: str) -> Iterator[SampleApp]:
    """A fresh app on a fresh sample database, for tests that change data."""
    app = SampleApp(databases.url(backend, sample=True))
    app.client.__enter__()
    yield app
    app.close()


def bearer(client: TestClient, role: str, *areas: str) -> dict[str, str]:
    """Bearer headers of a new account with this role (and areas) on a running test app's database."""
    name = f"{role}_{os.getpid()}_{next(_serial)}"
    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.write() as session:
        accounts.create_user(session, OPERATOR, name, role, TEST_PASSWORD, areas=list(areas))
        token = accounts.issue_token(session, OPERATOR, accounts.get_user(session, name), "test", None)
    return {"Authorization": f"Bearer {token}"}

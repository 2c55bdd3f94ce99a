"""A throwaway PostgreSQL + PostGIS cluster for the tests and the benchmarks.

Started as the `postgres` user when we are root (PostgreSQL refuses to run as root), on a free
port, in a temporary folder that is removed afterwards. The tests' cluster lives in memory
(`in_memory`: a tmpfs such as /dev/shm when there is one): it copies a database from a template for
every test, and on a disk each copy waits for its files to be written and checkpointed.
`LANDSTOCK_TEST_POSTGRES_URL` points the tests at an existing server instead (its user must be
allowed to create databases).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg


class PostgisUnavailable(RuntimeError):
    """PostgreSQL or PostGIS cannot be started here; the message says what is missing."""


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb") or (candidates[0] if candidates else None)
    if not found:
        raise PostgisUnavailable(
            "initdb not found: install postgresql and postgresql-*-postgis-3 "
            "(make test does this with apt-get)"
        )
    return Path(found).resolve().parent  # the real bin folder, beside pg_basebackup and pg_dump


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


MEMORY_NEEDED = 3 * 1024**3  # a run's cluster and SpatiaLite copies at their peak, with room to spare


def memory_folder() -> str | None:
    """A folder in memory (tmpfs) we may write to with room for a test run, or None (tempfile's
    default then): a container's /dev/shm is often 64 MB."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        return None
    return str(shm) if shutil.disk_usage(shm).free >= MEMORY_NEEDED else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


class Cluster:
    """A cluster of our own in a temporary folder (or in `root`): its admin URL, and stop/start for
    outage tests."""

    def __init__(self, *, in_memory: bool = False, root: Path | None = None) -> None:
        self.bindir = _bindir()
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="landstock-pg-", dir=memory_folder() if in_memory else None))
        root.mkdir(exist_ok=True)
        self.root = root
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self.data, self.port = self.root / "data", _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            text=True,
        )

    def init(self) -> None:
        """Create the cluster's files."""
        subprocess.run(
            _as_postgres(
                [
                    str(self.bindir / "initdb"),
                    "-D",
                    str(self.data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            # 300 connections: the workers of a test run share one cluster, each with its apps' pools
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        )
        self._pg_ctl("-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast` ends every session, as an administrator or a crash would)."""
        self._pg_ctl("-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete its files."""
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def streaming_replica(primary: Cluster, *, in_memory: bool = False) -> Iterator[Cluster]:
    """A hot standby of `primary`, copied with pg_basebackup and streaming its write-ahead log
    (`-R` writes the standby signal and the connection to the primary); removed afterwards."""
    replica = Cluster(in_memory=in_memory)
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(replica.bindir / "pg_basebackup"),
                    *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
                    *("-D", str(replica.data), "-R", "-X", "stream", "-c", "fast"),
                ]
            ),
            check=True,
            capture_output=True,
            text=True,
        )
        replica.start()
    except subprocess.CalledProcessError as exc:
        replica.remove()
        raise PostgisUnavailable(f"cannot start a streaming replica: {exc.stderr.strip() or exc}") from exc
    try:
        yield replica
    finally:
        replica.remove()


@contextlib.contextmanager
def running_cluster(*, in_memory: bool = False) -> Iterator[Cluster]:
    """Start a cluster with PostGIS available; yield it; remove it afterwards."""
    cluster = Cluster(in_memory=in_memory)
    try:
        cluster.init()
        cluster.start()
    except subprocess.CalledProcessError as exc:
        cluster.remove()
        raise PostgisUnavailable(f"cannot start PostgreSQL: {exc.stderr.strip() or exc}") from exc
    try:
        _check_postgis(cluster.port)
        yield cluster
    finally:
        cluster.remove()


def shared_cluster(folder: Path) -> str:
    """The admin URL of the cluster in `folder`, started by the first process that asks for it.

    The processes of one test run (pytest-xdist's workers) share one cluster this way; whoever
    created `folder` stops it and removes it with `remove_shared_cluster`.
    """
    with locked(folder / "cluster.lock"):
        known, failed = folder / "cluster.url", folder / "cluster.error"
        if known.exists():
            return known.read_text()
        if failed.exists():  # the first process could not start it: neither can the others
            raise PostgisUnavailable(failed.read_text())
        if os.geteuid() == 0:  # the postgres user must reach its folder inside ours
            folder.chmod(folder.stat().st_mode | 0o011)
        cluster = Cluster(root=folder / "postgres")
        try:
            try:
                cluster.init()
                cluster.start()
            except subprocess.CalledProcessError as exc:
                raise PostgisUnavailable(f"cannot start PostgreSQL: {exc.stderr.strip() or exc}") from exc
            _check_postgis(cluster.port)
        except (PostgisUnavailable, psycopg.OperationalError) as exc:
            cluster.remove()
            failed.write_text(str(exc))
            raise PostgisUnavailable(str(exc)) from exc
        known.write_text(cluster.url)
        return cluster.url


def remove_shared_cluster(folder: Path) -> None:
    """Stop the cluster `shared_cluster` started in `folder`, if it did, and delete its files."""
    if (folder / "postgres").exists():
        Cluster(root=folder / "postgres").remove()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if missing) between processes."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def throwaway_cluster(*, in_memory: bool = False) -> Iterator[str]:
    """Start a cluster; yield an admin URL (postgresql+psycopg://postgres@127.0.0.1:PORT/postgres)."""
    with running_cluster(in_memory=in_memory) as cluster:
        yield cluster.url


def _check_postgis(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(
                f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
            ) as conn:
                available = conn.execute(
                    "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'"
                ).fetchone()
                if not available or not available[0]:
                    raise PostgisUnavailable(
                        "PostGIS is not installed: apt-get install postgresql-15-postgis-3"
                    )
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def admin_execute(admin_url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE/DROP DATABASE) on the admin database."""
    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def server_version(admin_url: str) -> int:
    """The server's version number (150004 for 15.4)."""
    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        return int(conn.info.server_version)


def database_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the admin URL's server."""
    return admin_url.rsplit("/", 1)[0] + f"/{name}"

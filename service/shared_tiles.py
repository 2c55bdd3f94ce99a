"""Tiles on disk, shared by the worker processes of one server (`landstock serve --workers N`).

Each worker keeps its own recent tiles in memory (service/web/tile_cache.py); a tile one worker
drew is written here as well, so that the others read it instead of drawing it again, and the
county view drawn when the service starts is drawn once for all. A file is named by a hash of the
tile's key (which carries the inventory's data stamp: an edit makes new names, never a stale
answer) and written under a temporary name, then renamed, so a reader never sees half a tile.
Its age is its modification time. Files past `KEEP_S` are deleted now and then; the folder is
the server's own and is removed when the server stops.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

KEEP_S = 2 * 3600.0  # longer than a tile is served, aged, while it is redrawn
PRUNE_EVERY = 500  # writes between two passes over the folder


class SharedTiles:
    """A folder of tiles keyed like the in-memory cache."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._writes = 0
        self._lock = threading.Lock()

    def _path(self, key: tuple[object, ...]) -> Path:
        # pickled, not printed: a printed geometry or long value may be shortened
        name = hashlib.sha256(pickle.dumps(key, protocol=5)).hexdigest()
        return self.folder / name[:2] / name

    def read(self, key: tuple[object, ...]) -> tuple[bytes, float] | None:
        """The tile under `key` and its age in seconds, or None."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                age = time.time() - os.fstat(handle.fileno()).st_mtime
                return handle.read(), max(0.0, age)
        except FileNotFoundError:
            return None

    def write(self, key: tuple[object, ...], tile: bytes) -> None:
        """Share `tile` under `key`."""
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".drawing-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(tile)
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            raise
        with self._lock:
            self._writes += 1
            due = self._writes % PRUNE_EVERY == 0
        if due:
            self.prune()

    def prune(self, keep_s: float = KEEP_S) -> int:
        """Delete the tiles older than `keep_s`; how many."""
        oldest, gone = time.time() - keep_s, 0
        for path in self.folder.glob("*/*"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    gone += 1
        return gone

    @contextlib.contextmanager
    def first(self, name: str) -> Iterator[bool]:
        """Whether this process is the first to ask for `name` (a job done once for every worker,
        such as drawing the county view); the others get False at once."""
        with (self.folder / f".{name}.lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            done = self.folder / f".{name}.done"
            try:
                yield not done.exists()
            finally:
                done.touch()
                fcntl.flock(handle, fcntl.LOCK_UN)

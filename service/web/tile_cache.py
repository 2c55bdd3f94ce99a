"""Recently drawn tiles, kept while the inventory has not changed (fresh for a minute).

Everyone opening the inventory map asks for the same county-view tiles; they are drawn once.
The key carries the inventory's data stamp, so any edit, status change or import is visible on
the next request; the age limit covers changes made outside Landstock's own writes. An aged
tile can still be served while it is redrawn (service/web/tiles.py), so that the visitor who
comes after a quiet hour does not wait for the county view to be drawn again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from service.shared_tiles import SharedTiles

MAX_BYTES = 64 * 1024 * 1024
MAX_AGE_S = 60.0


class TileCache:
    """A byte-bounded LRU of tiles, safe for the threads that serve requests."""

    def __init__(
        self, max_bytes: int = MAX_BYTES, max_age_s: float = MAX_AGE_S, shared: Path | None = None
    ) -> None:
        self.max_bytes, self.max_age_s = max_bytes, max_age_s
        # the folder the workers of one server share: a tile one of them drew, the others read
        self.shared = SharedTiles(shared) if shared else None
        self._tiles: OrderedDict[tuple[object, ...], tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._drawing: dict[tuple[object, ...], threading.Lock] = {}

    def get(self, key: tuple[object, ...]) -> bytes | None:
        """The tile under `key`, if drawn recently (here, or by another worker)."""
        found = self.peek(key)
        return found[0] if found is not None and found[1] <= self.max_age_s else None

    def peek(self, key: tuple[object, ...]) -> tuple[bytes, float] | None:
        """The tile under `key` however old, with its age in seconds: this worker's copy, or
        the shared folder's when that one is younger."""
        with self._lock:
            found = self._tiles.get(key)
            if found is not None:
                self._tiles.move_to_end(key)
                mine: tuple[bytes, float] | None = (found[1], time.monotonic() - found[0])
            else:
                mine = None
        if self.shared is None or (mine is not None and mine[1] <= self.max_age_s):
            return mine
        theirs = self.shared.read(key)
        if theirs is None or (mine is not None and mine[1] <= theirs[1]):
            return mine
        self._keep(key, theirs[0], time.monotonic() - theirs[1])
        return theirs

    def put(self, key: tuple[object, ...], tile: bytes) -> None:
        """Keep `tile` (and share it), forgetting the least recently used ones beyond the size limit."""
        self._keep(key, tile, time.monotonic())
        if self.shared is not None:
            self.shared.write(key, tile)

    def _keep(self, key: tuple[object, ...], tile: bytes, drawn: float) -> None:
        with self._lock:
            old = self._tiles.pop(key, None)
            self._size -= len(old[1]) if old else 0
            self._tiles[key] = (drawn, tile)
            self._size += len(tile)
            while self._size > self.max_bytes and self._tiles:
                _, (_, dropped) = self._tiles.popitem(last=False)
                self._size -= len(dropped)

    def get_or_draw(self, key: tuple[object, ...], draw: Callable[[], bytes]) -> bytes:
        """The cached tile, or draw it once: concurrent askers of one key wait for one drawing."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            drawing = self._drawing.setdefault(key, threading.Lock())
        with drawing:
            found = self.get(key)
            if found is None:
                found = draw()
                self.put(key, found)
        with self._lock:
            self._drawing.pop(key, None)
        return found

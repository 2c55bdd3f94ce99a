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

MAX_BYTES = 64 * 1024 * 1024
MAX_AGE_S = 60.0


class TileCache:
    """A byte-bounded LRU of tiles, safe for the threads that serve requests."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_age_s: float = MAX_AGE_S) -> None:
        self.max_bytes, self.max_age_s = max_bytes, max_age_s
        self._tiles: OrderedDict[tuple[object, ...], tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._drawing: dict[tuple[object, ...], threading.Lock] = {}

    def get(self, key: tuple[object, ...]) -> bytes | None:
        """The tile under `key`, if drawn recently."""
        with self._lock:
            found = self._tiles.get(key)
            if found is None or time.monotonic() - found[0] > self.max_age_s:
                return None
            self._tiles.move_to_end(key)
            return found[1]

    def peek(self, key: tuple[object, ...]) -> tuple[bytes, float] | None:
        """The tile under `key` however old, with its age in seconds."""
        with self._lock:
            found = self._tiles.get(key)
            if found is None:
                return None
            self._tiles.move_to_end(key)
            return found[1], time.monotonic() - found[0]

    def put(self, key: tuple[object, ...], tile: bytes) -> None:
        """Keep `tile`, forgetting the least recently used ones beyond the size limit."""
        with self._lock:
            old = self._tiles.pop(key, None)
            self._size -= len(old[1]) if old else 0
            self._tiles[key] = (time.monotonic(), tile)
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

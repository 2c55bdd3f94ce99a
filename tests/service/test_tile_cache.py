"""The tile cache keeps recent tiles within its byte budget and forgets old ones."""

from service.web.tile_cache import TileCache


def test_least_recently_used_tiles_go_first_past_the_budget():
    cache = TileCache(max_bytes=10)
    cache.put(("a",), b"1234")
    cache.put(("b",), b"1234")
    assert cache.get(("a",)) == b"1234"  # a is now the most recent

    cache.put(("c",), b"1234")

    assert cache.get(("b",)) is None
    assert cache.get(("a",)) == b"1234" and cache.get(("c",)) == b"1234"


def test_old_tiles_are_not_served():
    cache = TileCache(max_age_s=0.0)
    cache.put(("a",), b"x")

    assert cache.get(("a",)) is None


def test_one_drawing_serves_everyone_asking_for_the_same_tile():
    import threading

    cache, drawn = TileCache(), []

    def draw() -> bytes:
        drawn.append(1)
        return b"tile"

    threads = [threading.Thread(target=cache.get_or_draw, args=(("k",), draw)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert drawn == [1] and cache.get(("k",)) == b"tile"

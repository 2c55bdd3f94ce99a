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

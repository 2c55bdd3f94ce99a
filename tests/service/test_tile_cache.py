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


def test_the_service_draws_the_county_view_when_it_starts(databases, backend):
    # the first visitor after a restart finds the county view's tiles drawn, at the zooms a
    # desktop and a small screen open the inventory map at
    import time

    from fastapi.testclient import TestClient

    from gis.inventory import ParcelQuery, summarise_parcels
    from gis.tiles import data_stamp, tiles_over
    from service.filters import ParcelFilters
    from service.main import create_app
    from service.web.filters import layer_query
    from service.web.tiles import TileWarmer, cache_of
    from tests.conftest import settings_for

    app = create_app(settings_for(databases.url(backend, sample=True), warm_tiles=True))
    with TestClient(app):
        with app.state.db.read() as session:
            bbox = summarise_parcels(session, ParcelQuery()).bbox
            stamp = data_stamp(session)
        expected = [
            (kind, *zxy, "wgs84", layer_query(ParcelFilters(), kind), stamp)
            for kind in ("parcels", "factories")
            for zxy in tiles_over(bbox, TileWarmer.ZOOMS)
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(cache_of(app).get(k) is None for k in expected):
            time.sleep(0.1)
        missing = [k[:4] for k in expected if cache_of(app).get(k) is None]

    assert 11 in TileWarmer.ZOOMS and len(expected) > 4
    assert missing == []


def test_an_aged_tile_is_served_at_once_and_redrawn_behind(sample_app):
    # a change made outside Landstock (no data stamp moves) shows one request after the redraw;
    # the request that finds the tile aged does not wait for the drawing
    import time

    from sqlalchemy import text

    from service.web.tile_cache import TileCache

    app, url = sample_app.client.app, "/tiles/parcels/9/428/207.pbf"
    app.state.tile_cache = TileCache(max_age_s=0.0)  # every tile is aged as soon as it is drawn
    first = sample_app.client.get(url).content
    with sample_app.db.engine.begin() as conn:
        conn.execute(text("UPDATE parcels SET status = 'reserved' WHERE status = 'available'"))

    served = sample_app.client.get(url).content
    deadline, latest = time.monotonic() + 30, served
    while latest == first and time.monotonic() < deadline:
        time.sleep(0.2)
        latest = sample_app.client.get(url).content

    assert len(first) > 1000 and served == first
    assert latest != first

"""Which tiles cover a window (pure)."""

from gis.tiles import tile_bounds, tile_window, tiles_over


def test_tiles_over_qidong_cover_the_window_at_each_zoom():
    window = (121.55, 31.70, 121.90, 32.10)

    found = tiles_over(window, (9, 10))

    assert {z for z, _, _ in found} == {9, 10}
    for z in (9, 10):
        xs = [x for zz, x, _ in found if zz == z]
        ys = [y for zz, _, y in found if zz == z]
        west, south = tile_window(z, min(xs), max(ys))[:2]
        east, north = tile_window(z, max(xs), min(ys))[2:]
        assert west <= window[0] and south <= window[1] and east >= window[2] and north >= window[3]


def test_tile_bounds_are_web_mercator_squares():
    x0, y0, x1, y1 = tile_bounds(10, 858, 416)

    assert abs((x1 - x0) - (y1 - y0)) < 1e-6 and 39_000 < x1 - x0 < 39_200

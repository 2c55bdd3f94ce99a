"""A rendered map leaves the page's viewport alone: folium's own turns pinch-zoom off."""

from maps.assets import Assets
from maps.render import new_map, render


def test_the_map_header_sets_no_viewport():
    m = new_map()
    assert 'name="viewport"' in m.get_root().render()  # folium's page would disable zoom

    header = render(new_map(), Assets()).header
    assert "viewport" not in header and "user-scalable" not in header
    assert "<style>" in header  # the rest of folium's header stays

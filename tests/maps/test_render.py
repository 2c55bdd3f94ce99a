"""A rendered map leaves the page's viewport alone: folium's own turns pinch-zoom off."""

import itertools

import branca.element
import folium
import jinja2

from maps.assets import Assets
from maps.basemaps import add_basemaps
from maps.render import _template_or_text, new_map, render


def test_the_map_header_sets_no_viewport():
    m = new_map()
    assert 'name="viewport"' in m.get_root().render()  # folium's page would disable zoom

    header = render(new_map(), Assets()).header
    assert "viewport" not in header and "user-scalable" not in header
    assert "<style>" in header  # the rest of folium's header stays


def built_map():
    """A map with what the pages put on theirs: basemaps, outlines with tooltips and popups,
    markers, a layer control, a fitted view."""
    m = new_map()
    add_basemaps(m, lang="zh", first="osm", tianditu_key="k")
    feature = {
        "type": "Feature",
        "properties": {"name": "地块 A", "area_mu": 12.5},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[121.7, 31.8], [121.71, 31.8], [121.71, 31.81], [121.7, 31.8]]],
        },
    }
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [feature]},
        name="地块",
        tooltip=folium.GeoJsonTooltip(["name", "area_mu"]),
        popup=folium.GeoJsonPopup(["name"]),
    ).add_to(m)
    folium.Marker((31.8, 121.7), tooltip="启东港", popup="<b>港口</b>\r\n").add_to(m)
    folium.LayerControl().add_to(m)
    m.fit_bounds([(31.8, 121.7), (31.81, 121.71)])
    return m


def test_rendering_without_compiling_each_rendered_piece_gives_the_same_page(monkeypatch):
    """maps/render.py spares branca compiling every rendered piece as a Jinja template: the
    page must be what Jinja would have made of it, to the byte."""
    serial = itertools.count()
    monkeypatch.setattr(
        branca.element.Element, "_generate_id", classmethod(lambda _cls: f"{next(serial):032x}")
    )
    ours = render(built_map(), Assets())
    serial = itertools.count()
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    jinjas = render(built_map(), Assets())

    assert ours == jinjas
    assert "area_mu" in ours.script and "L.tileLayer" in ours.script and "bindTooltip" in ours.script


def test_a_rendered_piece_with_jinja_tags_is_still_a_template():
    assert isinstance(_template_or_text("{{ 1 + 1 }}"), jinja2.Template)
    assert _template_or_text("a\r\nb\n").render() == jinja2.Template("a\r\nb\n").render() == "a\nb"

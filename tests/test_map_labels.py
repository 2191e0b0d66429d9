"""Names on the interactive map and the outline of the selected area (issue 16): every
Kommune and every shown Sozialraum gets a label at a point inside it, the names reach
the map escaped (markup and template syntax stay text), the layer control is closed,
and the selected area's outline travels as the layer streamlit-folium swaps without
reloading the map."""

from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import Point
from sqlalchemy import Engine, update

from core.areas import areas_in
from core.models import Area
from core.present.map_style import SELECTED_COLOR
from tests.test_map_data import BOXES, EVIL, _view, add_tiny_map
from tests.test_map_page import _component_args, _open_map
from ui.map_widget import SELECTED_CLASS, build_map, selected_outline

TEMPLATE_NAME = "{{ 7 * 7 }} {% if true %}JA{% endif %} \"quoted\" 'single'"
LABEL_ROW = re.compile(r'\["(municipality|area)", ([\d.]+), ([\d.]+), "([^"]*)"\]')


@pytest.fixture
def tiny(engine: Engine) -> Engine:
    """The tiny Kreis; one Sozialraum named with template syntax and quotes."""
    with engine.begin() as conn:
        add_tiny_map(conn)
        conn.execute(update(Area).where(Area.id == "M1-01").values(name=TEMPLATE_NAME))
    return engine


def _rendered(view) -> str:
    """The map's page as folium renders it (every template pass done)."""
    return build_map(view).get_root().render()


def test_every_kommune_and_shown_sozialraum_is_named_inside_itself(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
        kommunen = _view(conn, "municipality")
        one = _view(conn, "area", "M1")
    labels = {(lb.kind, lb.area_id): lb for lb in view.labels}
    assert set(labels) == {
        ("municipality", "M1"),
        ("municipality", "M2"),
        *(("area", a) for a in ("M1-01", "M1-02", "M2-01", "M2-02")),
    }
    for (_, area_id), label in labels.items():
        assert BOXES[area_id].contains(Point(label.lon, label.lat)), area_id
    assert labels[("area", "M1-02")].name == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert {lb.kind for lb in kommunen.labels} == {"municipality"}
    assert {lb.area_id for lb in one.labels if lb.kind == "area"} == {"M1-01", "M1-02"}


def test_names_stay_text_in_the_rendered_map(tiny: Engine) -> None:
    with tiny.connect() as conn:
        html = _rendered(_view(conn))
    rows = {m.group(4) for m in LABEL_ROW.finditer(html)}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rows
    assert (
        "&#123;&#123; 7 * 7 &#125;&#125; &#123;% if true %&#125;JA&#123;% endif %&#125; "
        "&quot;quoted&quot; &#x27;single&#x27;"
    ) in rows
    assert EVIL not in html and "{{ 7 * 7 }}" not in html
    assert "Stadt Eins" in rows and "Gemeinde Zwei" in rows


def test_layer_control_starts_closed(tiny: Engine) -> None:
    with tiny.connect() as conn:
        html = _rendered(_view(conn))
    assert re.search(r'"collapsed":\s*true', html)
    assert not re.search(r'"collapsed":\s*false', html)


def test_selected_outline_is_the_area_in_the_selection_colour(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
    assert selected_outline(view, None) is None
    assert selected_outline(view, "nowhere") is None
    group = selected_outline(view, "M2-02")
    assert group is not None
    layers = list(group._children.values())
    styles = [layer.style_function(layer.data["features"][0]) for layer in layers]
    assert styles[-1]["color"] == SELECTED_COLOR and styles[-1]["className"] == SELECTED_CLASS
    assert not any(s.get("fill") for s in styles)  # an outline: the class colour stays
    (feature,) = [f for f in view.geojson["features"] if f["id"] == "M2-02"]
    assert all(layer.data["features"][0]["geometry"] == feature["geometry"] for layer in layers)


@pytest.mark.parametrize("selected", [None, "05162024-10"])
def test_the_page_outlines_the_selected_area_and_names_the_kommunen(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, demo_engine, selected: str | None
) -> None:
    state = {"map_selected": selected} if selected else {}
    args = _component_args(_open_map(monkeypatch, demo_url, **state))
    if selected is None:
        assert not args["feature_group"]
    else:
        assert SELECTED_CLASS in args["feature_group"]
        assert SELECTED_COLOR in args["feature_group"]
    rows = {m.group(4) for m in LABEL_ROW.finditer(args["script"])}
    with demo_engine.connect() as conn:
        kommunen = set(areas_in(conn, None, "municipality")["name"])
    assert kommunen <= rows
    assert json.dumps("Namen der Gebiete") in args["script"]  # a layer of its own

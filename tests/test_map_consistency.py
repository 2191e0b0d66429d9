"""One map, wherever it is shown (issue 15): the report map (PPTX/PDF, matplotlib) paints
every Sozialraum in the colour the screen map (Leaflet) paints it, with the same legend
lines, for every indicator of the catalogue; the map page's table, the slide's table
and the CLI export give the same figures for the same areas.

The colours compared are those the renderers use: the fill the folium layer's style
function hands to Leaflet (the hatch pattern for withheld areas), and the face colours
read back from the matplotlib figure the PNG was saved from.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import Engine

from core.catalogue import indicator, indicator_entries
from core.exporting import export_table
from core.map_data import MapView, map_view
from core.present.indicator_tables import map_table
from core.present.map_style import DEFAULT_STYLE, YL_OR_RD
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN
from core.privacy import PrivacyRules
from core.quarters import parse_quarter
from core.reports.indicator_slides import TOP_AREAS, map_slide
from core.reports.maps import MapPicture, report_map
from ui.map_legend import legend_html
from ui.map_widget import _HATCH_SVG, HATCH_FILL, build_map

QUARTERS = ("2026-Q3", "2025-Q4")
NEUSS = "05162024"
DEMO_INDICATORS = 13
#: The colour under the hatching of withheld areas on screen (the SVG pattern's fill).
HATCH_GROUND = re.findall(r'<rect [^>]*fill="(#[0-9A-Fa-f]{6})"', _HATCH_SVG)[0]


def _screen(
    engine: Engine, indicator_id: str, quarter: str, muni: str | None
) -> tuple[MapView, dict[str, str], list[str]]:
    """The screen map with the page's default settings: fills by area id as Leaflet
    gets them, and the legend lines as the page shows them."""
    with engine.connect() as conn:
        entry = indicator(conn, indicator_id)
        view = map_view(conn, entry, parse_quarter(quarter), "area", muni, DEFAULT_STYLE)
    fmap = build_map(view)
    (layer,) = [
        child
        for child in fmap._children.values()
        if type(child).__name__ == "GeoJson" and str(child.layer_name).startswith("Werte")
    ]
    fills = {f["id"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    shown = legend_html(view.legend)
    legend = [html.unescape(t) for t in re.findall(r"<span>([^<]*) <span ", shown)]
    return view, fills, legend


def _report(engine: Engine, indicator_id: str, quarter: str, muni: str | None) -> MapPicture:
    with engine.connect() as conn:
        entry = indicator(conn, indicator_id)
        _, picture = report_map(conn, entry, parse_quarter(quarter), muni)
    return picture


def _assert_same_colours(screen: dict[str, str], picture: MapPicture) -> None:
    assert set(picture.fills) == set(screen), "andere Sozialräume in der Berichtskarte"
    for area_id, fill in screen.items():
        if fill == HATCH_FILL:
            assert area_id in picture.hatched, f"{area_id}: am Bildschirm schraffiert"
            assert picture.fills[area_id] == HATCH_GROUND.lower(), area_id
        else:
            assert area_id not in picture.hatched, f"{area_id}: im Bericht schraffiert"
            assert picture.fills[area_id] == fill.lower(), area_id


def test_the_demo_catalogue_has_every_indicator(demo_engine: Engine) -> None:
    with demo_engine.connect() as conn:
        assert len(indicator_entries(conn)) == DEMO_INDICATORS


@pytest.mark.parametrize("quarter", QUARTERS)
@pytest.mark.parametrize("position", range(DEMO_INDICATORS))
def test_report_map_paints_every_area_like_the_screen_map(
    demo_engine: Engine, quarter: str, position: int
) -> None:
    with demo_engine.connect() as conn:
        indicator_id = indicator_entries(conn)[position].id
    _, screen, legend = _screen(demo_engine, indicator_id, quarter, None)
    picture = _report(demo_engine, indicator_id, quarter, None)
    _assert_same_colours(screen, picture)
    assert list(picture.legend) == legend
    assert len(legend) >= 2, "die Legende zeigt keine Klassen"


@pytest.mark.parametrize("indicator_id", ["sgb2_u15", "ogs"])
def test_a_kommune_keeps_the_colours_of_the_whole_kreis(
    demo_engine: Engine, indicator_id: str
) -> None:
    _, whole, _ = _screen(demo_engine, indicator_id, QUARTERS[0], None)
    _, screen, legend = _screen(demo_engine, indicator_id, QUARTERS[0], NEUSS)
    picture = _report(demo_engine, indicator_id, QUARTERS[0], NEUSS)
    _assert_same_colours(screen, picture)
    assert list(picture.legend) == legend
    assert all(whole[a] == fill for a, fill in screen.items())  # breaks from the Kreis


@pytest.mark.parametrize("indicator_id", ["u3_care", "ue3_care", "ogs", "welcome_visits"])
def test_higher_is_better_shades_the_lowest_values_darkest_on_both(
    demo_engine: Engine, indicator_id: str
) -> None:
    view, screen, _ = _screen(demo_engine, indicator_id, QUARTERS[0], None)
    picture = _report(demo_engine, indicator_id, QUARTERS[0], None)
    shown = view.values[view.values["value"].notna()]
    lowest = shown.loc[shown["value"].idxmin(), "area_id"]
    highest = shown.loc[shown["value"].idxmax(), "area_id"]
    darkest, lightest = YL_OR_RD[DEFAULT_STYLE.k][-1], YL_OR_RD[DEFAULT_STYLE.k][0]
    assert screen[lowest] == picture.fills[lowest] == darkest
    assert screen[highest] == picture.fills[highest] == lightest


@pytest.mark.parametrize("indicator_id", ["sgb2_u15", "u3_care", "hze"])
def test_page_table_slide_table_and_cli_export_agree(
    demo_engine: Engine, indicator_id: str
) -> None:
    q = parse_quarter(QUARTERS[0])
    with demo_engine.connect() as conn:
        entry = indicator(conn, indicator_id)
        page = map_table(map_view(conn, entry, q, "area", NEUSS)).export
        cli = export_table(conn, "indicators", q, NEUSS, indicator_id)
        slide = map_slide(conn, q, NEUSS, indicator_id, PrivacyRules.from_settings())
    value = next(c for c in page.columns if c.startswith("Wert"))
    areas = cli[cli["Ebene"] == "Sozialraum"].set_index("Kennung")
    mine = page.set_index("Kennung")
    assert set(mine.index) == set(areas.index)
    for area_id, row in mine.iterrows():
        assert row[value] == areas.loc[area_id, "Wert"], area_id
        assert row["Stand"] == areas.loc[area_id, "Stand"], area_id
        assert row[WITHHELD_COLUMN] == areas.loc[area_id, WITHHELD_COLUMN], area_id
    assert (mine[value] == WITHHELD_SIGN).any() == (areas["Wert"] == WITHHELD_SIGN).any()
    spec = slide["tables"][0]
    assert spec["columns"] == [c for c in page.columns if c != WITHHELD_COLUMN]
    assert [r[spec["columns"].index("Kennung")] for r in spec["rows"]] == list(page["Kennung"])
    # the bullets name the top of the ranking, in its order
    shown = [v != WITHHELD_SIGN and v is not None and v == v for v in page[value]]
    ranked = [n for n, s in zip(page["Sozialraum"], shown, strict=True) if s]
    named = [b.split(": ")[0] for b in slide["bullets"][:TOP_AREAS]]
    assert named == ranked[:TOP_AREAS]

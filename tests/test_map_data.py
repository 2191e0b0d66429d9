"""Map data on a tiny hand-made Kreis (SQLite and PostgreSQL): classes, suppression,
escaping, borders, offers, attribution and the table beside the map."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from shapely.geometry import box, mapping
from sqlalchemy import Connection, Engine, insert, update

import core.map_data
from core.catalogue import indicator
from core.map_data import (
    DEMO_ATTRIBUTION,
    OWN_ATTRIBUTION,
    MapView,
    display_shapes,
    geometry_attribution,
    map_view,
    offer_points,
)
from core.models import AppMeta, Area
from core.present.indicator_tables import map_table
from core.present.map_style import MapStyle
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN, WITHHELD_TEXT
from core.quarters import Quarter, parse_quarter
from tests.builders import add_offer, add_tiny_areas, add_values

EVIL = "<script>alert(1)</script>"
EVIL_OFFER = '<img src=x onerror="alert(2)">'
QUARTER = parse_quarter("2026-Q3")
DAY = dt.date(2026, 6, 30)

#: Sozialräume as boxes (lon/lat): M1 west, M2 east; Kommunen and Kreis are unions.
BOXES = {
    "M1-01": box(6.50, 51.10, 6.60, 51.20),
    "M1-02": box(6.50, 51.00, 6.60, 51.10),
    "M2-01": box(6.60, 51.10, 6.70, 51.20),
    "M2-02": box(6.60, 51.00, 6.70, 51.10),
    "M1": box(6.50, 51.00, 6.60, 51.20),
    "M2": box(6.60, 51.00, 6.70, 51.20),
    "K": box(6.50, 51.00, 6.70, 51.20),
}


def add_tiny_map(conn: Connection) -> None:
    """The tiny Kreis with geometry, values and two offers.

    Four Sozialräume; M1-02 is named like a script; M2-01 has too few cases (primary
    suppression), so M2-02 is suppressed as well (secondary).
    """
    add_tiny_areas(conn)
    conn.execute(
        insert(Area).values(
            id="M2-02", name="Feld", level="area", parent_id="M2", youth_office_id="jaB"
        )
    )
    conn.execute(update(Area).where(Area.id == "M1-02").values(name=EVIL))
    for aid, geom in BOXES.items():
        # a point every 0.01° with noise in the 7th decimal: simplify and rounding work
        dense = geom.segmentize(0.01)
        text = json.dumps(mapping(dense))
        text = re.sub(r"(\d+\.\d{2})(\d*)", lambda m: m.group(1) + "0000123", text)
        conn.execute(update(Area).where(Area.id == aid).values(geometry=text))
    add_values(
        conn,
        "sgb2_u15",
        [
            ("M1-01", DAY, 30, 200),
            ("M1-02", DAY, 50, 250),
            ("M2-01", DAY, 2, 15),
            ("M2-02", DAY, 20, 200),
        ],
    )
    add_offer(conn, "M1-01", "beratung", ["birth", "crib"], 12, name=EVIL_OFFER)
    add_offer(conn, "M2-01", "betreuung", ["kita"], None, name="Kita Sonne")


@pytest.fixture
def tiny(engine: Engine) -> Engine:
    """An engine on the tiny Kreis of :func:`add_tiny_map`."""
    with engine.begin() as conn:
        add_tiny_map(conn)
    return engine


def _view(
    conn: Connection,
    level: str = "area",
    municipality: str | None = None,
    method: str = "quantiles",
    k: int = 5,
    fixed: bool = False,
    quarter: Quarter = QUARTER,
) -> MapView:
    """The SGB-II map of the tiny Kreis, as the page asks for it."""
    entry = indicator(conn, "sgb2_u15")
    return map_view(conn, entry, quarter, level, municipality, MapStyle(method, k, (), fixed))


def _props(view) -> dict[str, dict]:
    return {f["id"]: f["properties"] for f in view.geojson["features"]}


def test_every_area_is_drawn_and_suppressed_areas_are_hatched(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn, method="equal_interval", k=3)
    props = _props(view)
    assert set(props) == {"M1-01", "M1-02", "M2-01", "M2-02"}
    assert props["M2-01"]["hatched"] and props["M2-02"]["hatched"]
    assert props["M2-01"]["display"] == WITHHELD_SIGN
    assert not props["M1-01"]["hatched"]
    # only the two shown values (15,0 % and 20,0 %) make the breaks
    assert view.classification.edges[0] == pytest.approx(15.0)
    assert view.classification.edges[-1] == pytest.approx(20.0)
    assert props["M1-01"]["color"] != props["M1-02"]["color"]
    kinds = {e.kind: e for e in view.legend}
    assert kinds["suppressed"].count == 2
    assert kinds["suppressed"].label == WITHHELD_TEXT
    assert view.district_display == "15,3 %"


def test_names_are_escaped_in_geojson_and_tooltips(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
    text = json.dumps(view.geojson)
    assert "<script>" not in text
    props = _props(view)["M1-02"]
    assert props["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props["tooltip"].startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>")


def test_tooltip_compares_with_kommune_and_kreis(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
    tip = _props(view)["M1-01"]["tooltip"]
    assert "Kommune: Stadt Eins" in tip
    assert "Wert: <b>15,0 %</b> (Stand 30.06.2026)" in tip
    assert "Kommune gesamt: 17,8 %" in tip
    assert "Kreis gesamt: 15,3 %" in tip


@pytest.mark.parametrize(
    ("level", "municipality", "expected"),
    [
        ("area", None, {"M1-01", "M1-02", "M2-01", "M2-02"}),
        ("area", "M1", {"M1-01", "M1-02"}),
        ("municipality", None, {"M1", "M2"}),
        ("municipality", "M1", {"M1", "M2"}),
    ],
)
def test_level_and_kommune_choose_the_areas(
    tiny: Engine, level: str, municipality: str | None, expected: set
) -> None:
    with tiny.connect() as conn:
        view = _view(conn, level, municipality)
    assert set(_props(view)) == expected
    assert set(view.values["area_id"]) == expected
    outlines = {f["id"] for f in view.municipality_outlines["features"]}
    assert outlines == {"M1", "M2"}
    assert [f["id"] for f in view.district_outline["features"]] == ["K"]


def test_breaks_ignore_the_kommune_filter(tiny: Engine) -> None:
    with tiny.connect() as conn:
        whole = _view(conn, "area", None, "equal_interval", 3)
        one = _view(conn, "area", "M1", "equal_interval", 3)
    assert whole.classification == one.classification


def test_fixed_breaks_use_every_quarter(tiny: Engine) -> None:
    with tiny.begin() as conn:
        add_values(conn, "sgb2_u15", [("M1-01", dt.date(2025, 6, 30), 100, 200)])
    with tiny.connect() as conn:
        now = _view(conn, method="equal_interval", k=3)
        fixed = _view(conn, method="equal_interval", k=3, fixed=True)
    assert now.classification.edges[-1] == pytest.approx(20.0)
    assert fixed.classification.edges[-1] == pytest.approx(50.0)
    assert "über alle Quartale fest" in fixed.caption


def test_ranking_puts_the_most_urgent_first_and_suppressed_last(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
    assert list(view.values["area_id"])[:2] == ["M1-02", "M1-01"]
    assert list(view.values["suppressed"])[2:] == [True, True]


def test_display_geometry_is_simplified_and_rounded(tiny: Engine) -> None:
    with tiny.connect() as conn:
        shapes = display_shapes(conn, "area")
        again = display_shapes(conn, "area")
    assert list(shapes["id"]) == ["M1-01", "M1-02", "M2-01", "M2-02"]
    ring = list(shapes.geometry.iloc[0].exterior.coords)
    assert len(ring) == 5  # the straight edges lose their extra points
    assert all(round(c, 5) == c for xy in ring for c in xy)
    assert again.equals(shapes)


def test_core_keeps_no_cache_of_shapes(tiny: Engine) -> None:
    """Caching lives at the app's edge (ui.query): a change of geometry shows at once."""
    assert not [n for n in vars(core.map_data) if "cache" in n.lower() and "__" not in n]
    with tiny.connect() as conn:
        before = display_shapes(conn, "area")
    with tiny.begin() as conn:
        moved = json.dumps(mapping(box(6.50, 51.10, 6.55, 51.20)))
        conn.execute(update(Area).where(Area.id == "M1-01").values(geometry=moved))
    with tiny.connect() as conn:
        after = display_shapes(conn, "area")
    assert after.geometry.iloc[0].area < before.geometry.iloc[0].area


def test_view_carries_the_catalogue_entry_and_the_quarter(tiny: Engine) -> None:
    with tiny.connect() as conn:
        entry = indicator(conn, "sgb2_u15")
        view = _view(conn)
    assert view.indicator == entry
    assert view.quarter == QUARTER
    assert view.stand.text == "30.06.2026"


def test_table_shows_and_exports_withheld_cells_as_the_one_sign(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = _view(conn)
    table = map_table(view)
    columns = ["Sozialraum", "Kennung", "Kommune", "Wert (%)", "Stand", "vorläufig"]
    assert list(table.shown.columns) == columns
    assert list(table.export.columns) == [*columns, WITHHELD_COLUMN]
    assert list(table.shown["Kennung"]) == list(view.values["area_id"])  # ranking order
    rows = table.shown.set_index("Kennung")
    assert rows.loc["M1-01", "Wert (%)"] == "15,0"
    assert rows.loc["M2-01", "Wert (%)"] == WITHHELD_SIGN
    assert rows.loc["M1-01", "Stand"] == "30.06.2026"
    export = table.export.set_index("Kennung")
    assert export.loc["M1-01", "Wert (%)"] == 15.0
    assert export.loc["M2-02", "Wert (%)"] == WITHHELD_SIGN
    # one text for every withheld cell: a small count and its secondary partner alike
    assert export.loc["M2-01", WITHHELD_COLUMN] == export.loc["M2-02", WITHHELD_COLUMN]
    assert export.loc["M2-01", WITHHELD_COLUMN] == WITHHELD_TEXT
    assert export.loc["M1-01", WITHHELD_COLUMN] == ""
    assert export.loc["M1-02", "Sozialraum"] == EVIL  # CSV is data, not HTML
    assert table.withheld and table.stand.text == "30.06.2026"
    assert table.file_name == "karte_sgb2_u15_2026-Q3_area.csv"


def test_table_rounds_by_din_1333(tiny: Engine) -> None:
    """40,25 % is 40,3 % on screen and in the file (Python's round would give 40,2)."""
    with tiny.begin() as conn:
        add_values(conn, "sgb2_u15", [("M1-01", dt.date(2026, 9, 30), 161, 400)])
    with tiny.connect() as conn:
        view = _view(conn, quarter=parse_quarter("2026-Q4"))
    table = map_table(view)
    assert table.shown.set_index("Kennung").loc["M1-01", "Wert (%)"] == "40,3"
    assert table.export.set_index("Kennung").loc["M1-01", "Wert (%)"] == 40.3
    assert "40,3 %" in _props(view)["M1-01"]["tooltip"]


@pytest.mark.parametrize(
    ("phases", "types", "expected"),
    [
        ((), (), ["Kita Sonne", EVIL_OFFER]),
        (("kita",), (), ["Kita Sonne"]),
        ((), ("beratung",), [EVIL_OFFER]),
        (("kita",), ("beratung",), []),
    ],
)
def test_offer_points_filter_and_escape(
    tiny: Engine, phases: tuple, types: tuple, expected: list
) -> None:
    import html

    with tiny.connect() as conn:
        points = offer_points(conn, QUARTER, None, phases, types)
    assert sorted(html.unescape(n) for n in points["name"]) == sorted(expected)
    assert not any("<" in str(v) for v in points.drop(columns=["lat", "lon"]).to_numpy().ravel())
    if EVIL_OFFER in expected:
        row = points[points["offer_type_id"] == "beratung"].iloc[0]
        assert row["places"] == "12 Plätze"
        assert row["phases"] == "rund um die Geburt, Krippe (0–3)"
        assert row["symbol"] == "diamond"


@pytest.mark.parametrize(
    ("demo", "meta", "expected"),
    [
        (True, None, DEMO_ATTRIBUTION),
        (False, None, OWN_ATTRIBUTION),
        (False, "  ", OWN_ATTRIBUTION),
        (False, "© GeoBasis-DE / BKG 2025", "Geometrie: © GeoBasis-DE / BKG 2025"),
        (False, "Geometrie: Stadt Neuss, Amt 62", "Geometrie: Stadt Neuss, Amt 62"),
    ],
)
def test_geometry_attribution(engine: Engine, demo: bool, meta: str | None, expected: str) -> None:
    from core.inventory import set_demo

    with engine.begin() as conn:
        set_demo(conn, demo)
        if meta is not None:
            conn.execute(insert(AppMeta).values(key="geometry_attribution", value=meta))
    with engine.connect() as conn:
        assert geometry_attribution(conn) == expected

"""Map data on a tiny hand-made Kreis (SQLite and PostgreSQL): classes, suppression,
escaping, borders, offers, attribution and the table beside the map."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from shapely.geometry import box, mapping
from sqlalchemy import Connection, Engine, insert, update

from core.map_data import (
    DEMO_ATTRIBUTION,
    OWN_ATTRIBUTION,
    display_shapes,
    geometry_attribution,
    map_table,
    map_view,
    offer_points,
)
from core.models import AppMeta, Area
from core.present.vocabulary import WITHHELD_SIGN, WITHHELD_TEXT
from tests.builders import add_offer, add_tiny_areas, add_values

EVIL = "<script>alert(1)</script>"
EVIL_OFFER = '<img src=x onerror="alert(2)">'
QUARTER = "2026-Q3"
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


def _props(view) -> dict[str, dict]:
    return {f["id"]: f["properties"] for f in view.geojson["features"]}


def test_every_area_is_drawn_and_suppressed_areas_are_hatched(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = map_view(conn, "sgb2_u15", QUARTER, "area", method="equal_interval", k=3)
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
        view = map_view(conn, "sgb2_u15", QUARTER)
    text = json.dumps(view.geojson)
    assert "<script>" not in text
    props = _props(view)["M1-02"]
    assert props["name"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert props["tooltip"].startswith("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>")


def test_tooltip_compares_with_kommune_and_kreis(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = map_view(conn, "sgb2_u15", QUARTER)
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
        view = map_view(conn, "sgb2_u15", QUARTER, level, municipality)
    assert set(_props(view)) == expected
    assert set(view.values["area_id"]) == expected
    outlines = {f["id"] for f in view.municipality_outlines["features"]}
    assert outlines == {"M1", "M2"}
    assert [f["id"] for f in view.district_outline["features"]] == ["K"]


def test_breaks_ignore_the_kommune_filter(tiny: Engine) -> None:
    with tiny.connect() as conn:
        whole = map_view(conn, "sgb2_u15", QUARTER, "area", None, "equal_interval", 3)
        one = map_view(conn, "sgb2_u15", QUARTER, "area", "M1", "equal_interval", 3)
    assert whole.classification == one.classification


def test_fixed_breaks_use_every_quarter(tiny: Engine) -> None:
    with tiny.begin() as conn:
        add_values(conn, "sgb2_u15", [("M1-01", dt.date(2025, 6, 30), 100, 200)])
    with tiny.connect() as conn:
        now = map_view(conn, "sgb2_u15", QUARTER, method="equal_interval", k=3)
        fixed = map_view(conn, "sgb2_u15", QUARTER, method="equal_interval", k=3, fixed=True)
    assert now.classification.edges[-1] == pytest.approx(20.0)
    assert fixed.classification.edges[-1] == pytest.approx(50.0)
    assert "über alle Quartale fest" in fixed.caption


def test_ranking_puts_the_most_urgent_first_and_suppressed_last(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = map_view(conn, "sgb2_u15", QUARTER)
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


def test_table_shows_and_exports_withheld_cells_as_the_one_sign(tiny: Engine) -> None:
    with tiny.connect() as conn:
        view = map_view(conn, "sgb2_u15", QUARTER)
    screen = map_table(view)
    assert list(screen.columns) == ["Sozialraum", "Kennung", "Kommune", "Wert", "Stand", "Hinweis"]
    rows = screen.set_index("Kennung")
    assert rows.loc["M1-01", "Wert"] == "15,0 %"
    assert rows.loc["M2-01", "Wert"] == WITHHELD_SIGN
    # one text for every withheld cell: a small count and its secondary partner alike
    assert rows.loc["M2-01", "Hinweis"] == rows.loc["M2-02", "Hinweis"] == WITHHELD_TEXT
    export = map_table(view, export=True).set_index("Kennung")
    assert export.loc["M1-01", "Wert"] == 15.0
    assert export.loc["M2-02", "Wert"] == WITHHELD_SIGN
    assert export.loc["M1-01", "Quartal"] == "3. Quartal 2026"
    assert export.loc["M1-02", "Sozialraum"] == EVIL  # CSV is data, not HTML


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

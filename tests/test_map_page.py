"""The Sozialraumkarte run headless with AppTest: every level and classification method,
the arguments handed to the map component (every Sozialraum, nothing from a CDN),
escaping, the selected area's profile link, the indicator of the Selection and the
table with its download."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.areas import areas_in
from core.catalogue import indicator, load_catalogue
from core.db import make_engine, migrate
from core.map_data import map_view
from core.present.indicator_tables import map_table
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_TEXT
from core.quarters import parse_quarter
from tests.app_support import open_app, shown_text
from tests.test_map_data import EVIL, EVIL_OFFER, add_tiny_map
from tests.untrusted_support import as_shown
from ui.map_panel import PROFILE_LINK

CDN_MARKERS = ("cdn", "unpkg", "jsdelivr", "cloudflare", "googleapis", "bootstrapcdn")
NEUSS = "05162024"
OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _open_map(
    monkeypatch: pytest.MonkeyPatch, url: str, params: dict | None = None, **state: object
) -> AppTest:
    return open_app(monkeypatch, url, "karte", params=params, state=state)


def _component_args(at: AppTest) -> dict:
    """The arguments of the st_folium component; ``script`` with JSON's ``\\uXXXX``
    escapes (folium writes ``<`` as ``\\u003c``) decoded, as the browser sees it."""
    found = at.get("component_instance")
    assert len(found) == 1, "die Karte (st_folium) fehlt"
    proto = found[0].proto
    assert proto.component_name.endswith("st_folium")
    args = json.loads(proto.json_args)
    args["script"] = re.sub(
        r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), args["script"]
    )
    return args


def _remote_addresses(blob: str, allowed: tuple[str, ...] = ()) -> list[str]:
    lower = blob.lower()
    for url in allowed:
        lower = lower.replace(url.lower(), "")
    hits = [m for m in CDN_MARKERS if m in lower]
    return hits + re.findall(r"https?://[^\s\"'\\)]+", lower)


@pytest.fixture(scope="module")
def tiny_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('tinymap') / 'tiny.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        load_catalogue(conn)
        add_tiny_map(conn)
    engine.dispose()
    return url


@pytest.mark.parametrize(
    ("level", "method", "extra"),
    [
        ("area", "quantiles", {}),
        ("area", "equal_interval", {"map_k": 3}),
        ("area", "natural_breaks", {"map_k": 7}),
        ("area", "manual", {"map_manual": "10; 15; 20"}),
        ("municipality", "quantiles", {"map_fixed": True}),
        ("municipality", "natural_breaks", {"map_k": 4}),
        ("municipality", "manual", {"map_manual": "12,5; 17,5"}),
    ],
)
def test_map_renders_every_area_without_cdn(
    monkeypatch: pytest.MonkeyPatch,
    demo_url: str,
    demo_engine,
    level: str,
    method: str,
    extra: dict,
) -> None:
    at = _open_map(monkeypatch, demo_url, map_level=level, map_method=method, **extra)
    args = _component_args(at)
    blob = json.dumps(args)
    with demo_engine.connect() as conn:
        expected = areas_in(conn, None, level)
    for area_id in expected["id"]:
        assert f'"{area_id}"' in args["script"], f"Gebiet {area_id} fehlt in der Karte"
    assert _remote_addresses(blob) == []
    assert all(link.startswith("../../app/static/") for link in args["js_links"])
    assert all(link.startswith("../../app/static/") for link in args["css_links"])
    legend = "\n".join(m.value for m in at.markdown)
    assert re.search(r"\d+,\d %", legend), "die Legende zeigt keine Klassen"
    # demo: 2 withheld Sozialräume, one legend entry (hatched swatch, then the text)
    assert (f"<span>{WITHHELD_TEXT} <span" in legend) == (level == "area")
    assert "Kreis gesamt:" in legend
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    assert at.get("plotly_chart")
    assert (WITHHELD_LEGEND in shown_text(at)) == (level == "area")  # under the table


def test_manual_breaks_show_classes_in_the_legend(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    at = _open_map(monkeypatch, demo_url, map_method="manual", map_manual="10; 15; 20")
    legend = "\n".join(m.value for m in at.markdown)
    for label in ("bis 10,0 %", "über 10,0 bis 15,0 %", "über 15,0 bis 20,0 %", "über 20,0 %"):
        assert label in legend


def test_bad_manual_breaks_say_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    # the ConfigError of the thresholds reaches the app's one error boundary
    at = _open_map(monkeypatch, demo_url, map_method="manual", map_manual="20; 10")
    assert any("aufsteigen" in e.value for e in at.error)
    assert not at.get("component_instance")


def test_configured_tiles_are_the_only_remote_address(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    monkeypatch.setenv("PRAEV_TILE_URL", OSM)
    at = _open_map(monkeypatch, demo_url)
    args = _component_args(at)
    blob = json.dumps(args)
    assert OSM in args["script"]
    assert "© OpenStreetMap-Mitwirkende" in args["script"]
    assert _remote_addresses(blob, allowed=(OSM,)) == []


def test_without_tiles_only_the_geometry_attribution(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    monkeypatch.delenv("PRAEV_TILE_URL", raising=False)
    at = _open_map(monkeypatch, demo_url)
    script = _component_args(at)["script"]
    assert "tileLayer" not in script
    assert "Geometrie: Demodaten (schematisch)" in script
    assert any("Geometrie: Demodaten (schematisch)" in as_shown(c.value) for c in at.caption)


def test_names_reach_the_map_escaped(monkeypatch: pytest.MonkeyPatch, tiny_url: str) -> None:
    at = _open_map(monkeypatch, tiny_url, map_selected="M1-02")
    script = _component_args(at)["script"]
    assert "<script>alert" not in script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in script
    assert "<img src=x" not in script
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in script
    page_text = "\n".join(m.value for m in at.markdown)
    assert "<script>" not in page_text
    assert EVIL in list(at.dataframe[0].value["Sozialraum"])  # the table shows it as text
    assert EVIL_OFFER not in script


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ("05162024-10", "steckbrief?quartal=2026-Q3&indikator=sgb2_u15&gebiet=05162024-10"),
        ("05162004-01", "steckbrief?quartal=2026-Q3&indikator=sgb2_u15&gebiet=05162004-01"),
    ],
)
def test_selected_area_links_to_its_profile(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, selected: str, expected: str
) -> None:
    # a page link (same tab, the selection kept), not a Markdown link (a new tab)
    at = _open_map(monkeypatch, demo_url, map_selected=selected)
    assert not [m.value for m in at.markdown if "Steckbrief" in m.value]
    links = [p.proto for p in at.get("page_link") if p.proto.label == PROFILE_LINK]
    assert len(links) == 1
    assert f"{links[0].page}?{links[0].query_string}".endswith(expected)
    assert not links[0].external


def test_offer_filters_reach_the_offer_layer(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    everything = _component_args(_open_map(monkeypatch, demo_url))["script"]
    filtered = _component_args(
        _open_map(monkeypatch, demo_url, map_phases=["birth"], map_types=["beratung"])
    )["script"]
    count = re.compile(r"Angebote \(([\d.]+)\)")
    total = int(count.search(everything).group(1).replace(".", ""))
    some = int(count.search(filtered).group(1).replace(".", ""))
    assert 0 < some < total
    assert "removeLayer(fast_marker_cluster" in everything  # hidden until switched on
    assert "removeLayer(fast_marker_cluster" not in filtered  # a filter shows the layer


@pytest.mark.parametrize("indicator_id", ["u3_care", "births"])
def test_the_indicator_comes_from_the_selection(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, demo_engine, indicator_id: str
) -> None:
    at = _open_map(monkeypatch, demo_url, {"indikator": indicator_id, "quartal": "2025-Q4"})
    with demo_engine.connect() as conn:
        entry = indicator(conn, indicator_id)
    # beside the map, above the legend: what the map shows
    (heading,) = [as_shown(m.value) for m in at.markdown if "4. Quartal 2025" in m.value]
    assert heading.startswith(f"**{entry.name}**")
    assert at.selectbox(key="f_indicator").value == indicator_id  # the Indikator box


def test_page_table_and_its_download_are_the_map_table(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, demo_engine
) -> None:
    at = _open_map(monkeypatch, demo_url, {"kommune": NEUSS})
    with demo_engine.connect() as conn:
        view = map_view(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", "05162024"
        )
    table = map_table(view)
    shown = at.dataframe[0].value
    assert list(shown.columns) == list(table.shown.columns)
    assert shown.astype(str).values.tolist() == table.shown.astype(str).values.tolist()
    (button,) = at.get("download_button")
    assert button.proto.label.startswith("Tabelle als CSV")
    assert table.stand.label in shown_text(at)

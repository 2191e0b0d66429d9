"""The Präventionskette page: its data in one pass (core.coverage.chain_view) on a tiny
hand-computed Kreis, and the page itself with Streamlit's AppTest on the demo data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.coverage import (
    chain_completeness,
    chain_summary,
    chain_view,
    coverage_cells,
    coverage_trend,
    need_indicators,
    need_vs_coverage,
    weakest_link,
)
from core.inventory import quarters_with_data
from core.privacy import PrivacyRules
from core.quarters import parse_quarter
from tests.app_support import downloads, open_app
from tests.builders import add_offer, add_population, add_tiny_areas, add_values
from tests.untrusted_support import as_shown

D = dt.date
RULES = PrivacyRules(3, 20)
QUARTERS = tuple(parse_quarter(q) for q in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"))


@pytest.fixture
def tiny(engine):
    """Kreis K: M1 (Nord, Süd), M2 (Dorf); children counted twice, offers that open
    and close between the quarters, and the SGB-II-Quote u15 per Sozialraum."""
    with engine.begin() as conn:
        add_tiny_areas(conn)
        first = [
            ("M1-01", "birth", 30),
            ("M1-01", "crib", 100),
            ("M1-01", "kita", 120),
            ("M1-02", "crib", 50),
            ("M1-02", "kita", 40),
            ("M2-01", "crib", 40),
            ("M2-01", "kita", 2),
        ]
        add_population(conn, first, D(2024, 12, 31))
        add_population(conn, [("M1-01", "crib", 80)], D(2025, 6, 30))
        add_offer(conn, "M1-01", "betreuung", ["crib"], 30, name="Kita U3")
        add_offer(conn, "M1-01", "betreuung", ["kita"], 114, name="Kita")
        add_offer(conn, "M1-01", "begegnung", ["birth", "crib"], name="Elterncafé")
        add_offer(conn, "M1-02", "betreuung", ["crib", "kita"], 40, active_from=D(2025, 5, 1))
        add_offer(conn, "M2-01", "beratung", ["crib"], 10, active_to=D(2025, 2, 28))
        add_values(
            conn,
            "sgb2_u15",
            [
                ("M1-01", D(2024, 12, 31), 60, 200),
                ("M1-02", D(2024, 12, 31), 5, 100),
                ("M2-01", D(2024, 12, 31), 25, 250),
            ],
        )
    return engine


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


@pytest.mark.parametrize(
    ("quarter", "municipality", "need", "phase"),
    [
        ("2025-Q1", None, "sgb2_u15", None),
        ("2025-Q2", None, "sgb2_u15", "crib"),
        ("2025-Q3", "M1", "sgb2_u15", "kita"),
        ("2024-Q4", "M2", "sgb2_u3", None),
        ("2019-Q4", "M1", "sgb2_u15", None),  # before any offer and any count
    ],
)
def test_chain_view_equals_the_single_functions(tiny, quarter, municipality, need, phase) -> None:
    """One pass over the data gives exactly what the page would get call by call."""
    quarter = parse_quarter(quarter)
    with tiny.connect() as conn:
        view = chain_view(conn, quarter, municipality, QUARTERS, need, phase, RULES)
        summary = chain_summary(conn, quarter, municipality, RULES)
        cells = coverage_cells(conn, quarter, municipality, RULES)
        need_frame = need_vs_coverage(conn, quarter, municipality, need, phase, RULES)
        trend = coverage_trend(conn, QUARTERS, municipality, RULES)
        grid, share = chain_completeness(conn, quarter, municipality)
    _same(view.summary, summary)
    key = ["area_id", "position"]
    _same(
        view.cells.drop(
            columns=["need", "need_display", "need_stand", "need_suppressed"]
        ).sort_values(key),
        cells.sort_values(key),
    )
    _same(view.need, need_frame)
    _same(view.trend, trend)
    _same(view.completeness, grid)
    assert view.completeness_share == share
    assert view.weakest == weakest_link(summary)


@pytest.mark.parametrize(
    ("quarter", "phase", "coverage"),
    [
        ("2025-Q1", "crib", 30 / 190 * 100),  # Kita U3 in Nord; Dorf's 10 places ended in February
        ("2025-Q1", "kita", 114 / 162 * 100),  # Dorf's 2 children: hidden, but in the total
        ("2025-Q2", "crib", 50 / 170 * 100),  # Süd's new offer: 20 of its 40 places; Nord 80
        ("2025-Q3", "kita", 134 / 162 * 100),
    ],
)
def test_trend_follows_offers_and_children_over_the_quarters(
    tiny, quarter, phase, coverage
) -> None:
    with tiny.connect() as conn:
        view = chain_view(conn, QUARTERS[-1], None, QUARTERS, rules=RULES)
    row = view.trend[(view.trend["quarter"] == quarter) & (view.trend["life_phase_id"] == phase)]
    assert row["coverage"].iloc[0] == pytest.approx(coverage)
    assert row["label"].iloc[0] == parse_quarter(quarter).short_label
    assert view.trend["quarter"].unique().tolist() == [q.key for q in QUARTERS]


def test_heatmap_rows_are_sorted_by_need_highest_first(tiny) -> None:
    with tiny.connect() as conn:
        view = chain_view(conn, parse_quarter("2025-Q1"), None, (), rules=RULES)
    order = view.cells.drop_duplicates("area_id")
    assert order["area_id"].tolist() == ["M1-01", "M2-01", "M1-02"]  # 30 %, 10 %, 5 %
    assert order["need_display"].tolist() == ["30,0 %", "10,0 %", "5,0 %"]
    # each area's rows keep the chain order
    assert view.cells[view.cells["area_id"] == "M1-01"]["position"].tolist() == [1, 2, 3, 4, 5, 6]


def test_small_counts_stay_hidden_in_the_heatmap_frame(tiny) -> None:
    with tiny.connect() as conn:
        view = chain_view(conn, parse_quarter("2025-Q1"), None, (), rules=RULES)
    dorf_kita = view.cells[
        (view.cells["area_id"] == "M2-01") & (view.cells["life_phase_id"] == "kita")
    ]
    assert dorf_kita["suppressed"].iloc[0]
    assert dorf_kita["children"].isna().all()
    assert dorf_kita["coverage"].isna().all()


def test_weakest_link_sentence_on_the_fixture(tiny) -> None:
    with tiny.connect() as conn:
        view = chain_view(conn, parse_quarter("2025-Q1"), "M1", (), rules=RULES)
    assert view.weakest == (
        "Das schwächste Glied der Kette ist „Krippe (0–3)“: 20,0 Plätze je 100 Kinder bei "
        "einem Ziel von 45 (44 % des Ziels); in 2 von 2 Sozialräumen liegt eine Lücke vor."
    )


def test_need_indicators_are_rates_where_higher_is_worse(engine) -> None:
    with engine.connect() as conn:
        ids = need_indicators(conn)["id"].tolist()
    assert "sgb2_u15" in ids and "hze" in ids
    assert "u3_care" not in ids  # higher is better
    assert "children_u18" not in ids  # a count, not a rate


# --- the page, headless -------------------------------------------------------------


def _page(monkeypatch: pytest.MonkeyPatch, url: str, **params: str) -> AppTest:
    return open_app(monkeypatch, url, "praeventionskette", params=params)


def _charts(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by their key (chain_links, chain_heatmap, …)."""
    return {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


def _chain_numbers(spec: dict) -> list[str]:
    return [a["text"] for a in spec["layout"]["annotations"] if a["text"].startswith("<b>")]


@pytest.mark.parametrize(
    ("municipality", "scope"),
    [(None, "Rhein-Kreis Neuss"), ("05162024", "Neuss"), ("05162028", "Rommerskirchen")],
)
def test_page_for_the_kreis_and_a_kommune(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, demo_engine, municipality, scope
) -> None:
    at = _page(monkeypatch, demo_url)
    if municipality:
        at.selectbox(key="f_kommune").set_value(municipality)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    with demo_engine.connect() as conn:
        newest = quarters_with_data(conn)[-1]
        expected = weakest_link(chain_summary(conn, newest, municipality))
        cells = coverage_cells(conn, newest, municipality)
    assert at.title[0].value == "Präventionskette"
    assert as_shown(at.subheader[0].value) == f"Die Kette auf einen Blick: {scope}, {newest.label}"
    assert [as_shown(i.value) for i in at.info] == [expected]
    charts = _charts(at)
    assert set(charts) == {
        "chain_links",
        "chain_heatmap",
        "chain_complete",
        "chain_need_scatter",
        "chain_trend",
    }
    heat = charts["chain_heatmap"]["data"][0]
    assert len(heat["y"]) == cells["area_id"].nunique()  # one row per Sozialraum
    shown_names = " ".join(heat.get("hovertext", [[""]])[0])
    assert "Versorgung:" in shown_names
    assert at.metric[0].label == "Vollständigkeit der Kette"
    assert at.metric[0].value.endswith(" %")
    assert "Datenstand:" in " ".join(c.value for c in at.caption)
    assert len(at.get("download_button")) == 5  # one CSV per chart


def test_figures_change_with_the_quarter(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> None:
    at = _page(monkeypatch, demo_url)
    newest = _charts(at)
    box = at.selectbox(key="f_quarter")
    older_label = "1. Quartal 2023"
    box.select_index(box.options.index(older_label))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    older = _charts(at)
    assert older_label in at.subheader[0].value
    assert _chain_numbers(older["chain_links"]) != _chain_numbers(newest["chain_links"])
    # the trend runs up to the selected quarter only
    assert older["chain_trend"]["data"][0]["x"][-1] == "Q1/2023"
    assert newest["chain_trend"]["data"][0]["x"][-1] != "Q1/2023"
    assert "Das schwächste Glied" in at.info[0].value


def test_scatter_follows_the_chosen_phase(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> None:
    at = _page(monkeypatch, demo_url)
    whole = _charts(at)["chain_need_scatter"]
    assert whole["layout"]["shapes"][1]["y0"] == pytest.approx(90)  # whole chain: low < 90 %
    at.selectbox(key="chain_phase").set_value("crib")
    at.run()
    crib = _charts(at)["chain_need_scatter"]
    assert crib["layout"]["title"]["text"] == "Krippe (0–3)"
    assert crib["layout"]["shapes"][1]["y0"] == pytest.approx(100)
    assert crib["layout"]["xaxis"]["title"]["text"] == "SGB-II-Quote u15 (%)"


@pytest.mark.parametrize("quarter", ["2026-Q3", "2024-Q2"])
def test_page_csv_equals_the_cli_export(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, tmp_path: Path, quarter: str
) -> None:
    """The coverage table a reader downloads from the page and ``python -m core export
    coverage`` are the same file: same rows, same figures, same Stand."""
    files = downloads(monkeypatch)
    at = _page(monkeypatch, demo_url, quartal=quarter)
    assert parse_quarter(quarter).label in as_shown(at.subheader[0].value)
    page_csv = files[f"versorgung_sozialraeume_{quarter}_kreis.csv"]
    out = tmp_path / "coverage.csv"
    args = ["--database-url", demo_url, "export", "coverage", "--quarter", quarter]
    assert main([*args, "-o", str(out)]) == 0
    assert out.read_bytes() == page_csv
    trend = files[f"versorgung_verlauf_{quarter}_kreis.csv"].decode("utf-8-sig")
    last = trend.splitlines()[-1].split(";")[0]
    assert last == parse_quarter(quarter).short_label  # the trend ends at the quarter

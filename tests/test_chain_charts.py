"""Figure and table builders of the Präventionskette page on small hand-made frames."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from core.catalogue import IndicatorEntry
from core.exporting import to_csv_bytes
from core.present.chain_tables import (
    cells_table,
    chain_table,
    children_text,
    missing_types,
    percent_text,
    status_text,
)
from core.present.vocabulary import (
    QUADRANTS,
    STATUSES,
    WITHHELD_LEGEND,
    WITHHELD_SIGN,
    WITHHELD_TEXT,
    quadrant_label,
)
from core.quarters import parse_quarter
from ui.chain_charts import (
    chain_figure,
    completeness_figure,
    heatmap_figure,
    need_scatter,
    trend_figure,
)

PHASES = [
    ("birth", "rund um die Geburt", "offers_per_1000", "Angebote je 1.000 Kinder", 20),
    ("crib", "Krippe (0–3)", "places_per_100", "Plätze je 100 Kinder", 45),
    ("kita", "Kita (3–6)", "places_per_100", "Plätze je 100 Kinder", 95),
    ("primary", "Grundschule (6–10)", "places_per_100", "Plätze je 100 Kinder", 60),
    (
        "secondary",
        "weiterführende Schule (10–16)",
        "offers_per_1000",
        "Angebote je 1.000 Kinder",
        8,
    ),
    (
        "transition",
        "Übergang Schule–Beruf (16–21)",
        "offers_per_1000",
        "Angebote je 1.000 Kinder",
        5,
    ),
]
STAND = dt.date(2025, 12, 31)
QUARTER = parse_quarter("2026-Q1")
# id, name, short name, kind, unit, scale, definition, numerator, denominator, source,
# reference note, periodicity, polarity, decimals, topic
NEED = IndicatorEntry(
    *("sgb2_u15", "SGB-II-Quote unter 15 Jahren", "SGB-II-Quote u15", "rate", "%", 100),
    *("", "", None, "Bundesagentur für Arbeit", "", "quarterly", "higher_worse", 1, ""),
)


def summary_frame(ratios: list[float | None]) -> pd.DataFrame:
    """A chain summary; ``None`` is a suppressed link."""
    rows = []
    for pos, ((pid, label, metric, metric_label, target), ratio) in enumerate(
        zip(PHASES, ratios, strict=True), 1
    ):
        hidden = ratio is None
        rows.append(
            {
                "life_phase_id": pid,
                "phase": label,
                "position": pos,
                "metric": metric,
                "metric_label": metric_label,
                "offers": 12,
                "places": 1234.0,
                "children": None if hidden else 2500.0,
                "coverage": None if hidden else ratio * target,
                "target": target,
                "children_stand": STAND,
                "gap_areas": 2,
                "areas": 5,
                "suppression": "small_denominator" if hidden else None,
                "suppressed": hidden,
                "ratio": None if hidden else ratio,
                "status": None
                if hidden
                else ("erreicht" if ratio >= 1 else "knapp" if ratio >= 0.8 else "Lücke"),
            }
        )
    return pd.DataFrame(rows)


def test_chain_has_six_links_with_status_words_and_the_weakest_marked() -> None:
    fig = chain_figure(summary_frame([1.5, 0.85, 0.5, 1.0, None, 0.7]))
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    links = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(rects) == 6 and len(links) == 5
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>30,0</b>" in texts  # rund um die Geburt: 150 % of 20 offers per 1,000
    assert "<b>47,5</b>" in texts  # Kita: 50 % of 95 places per 100
    assert any("✖ Lücke" in t for t in texts)
    assert any("◐ knapp" in t for t in texts)
    assert any("✔ erreicht" in t for t in texts)
    assert f"<b>{WITHHELD_SIGN}</b>" in texts  # the withheld link shows no number
    weakest = [a for a in fig.layout.annotations if "schwächstes Glied" in a.text]
    assert len(weakest) == 1 and weakest[0].x == 2  # Kita, 50 %
    assert rects[2].line.width > rects[0].line.width
    assert fig.layout.separators == ",."
    hover = fig.data[0].hovertext[1]
    assert "Plätze: 1.234" in hover and "Zielerreichung 85 %" in hover


def cells_frame() -> pd.DataFrame:
    rows = []
    for area, name, need in (("A", "Nord", "30,0 %"), ("B", "Süd", "5,0 %")):
        for pos, (pid, label, metric, metric_label, target) in enumerate(PHASES, 1):
            hidden = area == "B" and pid == "kita"
            ratio = None if hidden else {"A": 2.5, "B": 0.5}[area]
            rows.append(
                {
                    "area_id": area,
                    "area_name": name,
                    "municipality_id": "M",
                    "municipality_name": "Stadt",
                    "life_phase_id": pid,
                    "phase": label,
                    "position": pos,
                    "metric": metric,
                    "metric_label": metric_label,
                    "offers": 3,
                    "places": 1500.0,
                    "children": None if hidden else 1200.0,
                    "children_stand": STAND,
                    "coverage": None if hidden else ratio * target,
                    "target": target,
                    "ratio": ratio,
                    "status": None if hidden else ("erreicht" if ratio >= 1 else "Lücke"),
                    "gap": None if hidden else ratio < 1,
                    "suppressed": hidden,
                    "suppression": "small_count" if hidden else None,
                    "need": 30.0 if area == "A" else 5.0,
                    "need_display": need,
                    "need_stand": STAND,
                    "need_suppressed": False,
                }
            )
    return pd.DataFrame(rows)


def test_heatmap_keeps_the_need_order_caps_colours_and_marks_suppressed_cells() -> None:
    fig = heatmap_figure(cells_frame(), with_municipality=True)
    heat = fig.data[0]
    assert list(fig.layout.yaxis.ticktext) == ["Nord (Stadt) · 30,0 %", "Süd (Stadt) · 5,0 %"]
    assert fig.layout.yaxis.autorange == "reversed"  # first row (highest need) on top
    assert heat.z[0][0] == 200  # 250 % is drawn as 200 %, the scale's end
    assert heat.text[0][0] == "✔ 250 %"  # but the text tells the truth
    assert heat.z[1][0] == 50 and heat.text[1][0] == "✖ 50 %"
    assert heat.z[1][2] is None and heat.text[1][2] == WITHHELD_SIGN
    assert f"Kinder: {WITHHELD_SIGN}" in heat.hovertext[1][2]
    assert WITHHELD_LEGEND in heat.hovertext[1][2]
    assert "Plätze: 1.500" in heat.hovertext[0][1]
    assert heat.zmid == 100


def test_completeness_labels_empty_cells_as_gaps() -> None:
    grid = pd.DataFrame(
        [
            {
                "life_phase_id": pid,
                "phase": label,
                "phase_position": p,
                "offer_type_id": t.lower(),
                "offer_type": t,
                "type_position": k,
                "offers": 1200 if (p, k) == (1, 1) else (0 if t == "Betreuung" else 2),
            }
            for p, (pid, label, *_rest) in enumerate(PHASES, 1)
            for k, t in enumerate(
                ["Begleitung", "Begegnung", "Bildung", "Beratung", "Betreuung", "Information"], 1
            )
        ]
    ).assign(gap=lambda df: df["offers"] == 0)
    fig = completeness_figure(grid)
    heat = fig.data[0]
    assert list(heat.x)[4] == "Betreuung"
    assert heat.text[0][0] == "1.200"
    assert [row[4] for row in heat.text] == ["Lücke"] * 6
    assert all(row[4] is None for row in heat.z)
    assert missing_types(grid)[0] == "**rund um die Geburt:** Betreuung"
    assert len(missing_types(grid)) == 6


def need_frame() -> pd.DataFrame:
    rows = [
        ("A", "Nord", 30.0, 0.6, quadrant_label(True, True)),
        ("B", "Süd", 5.0, 0.95, quadrant_label(False, False)),
        ("C", "West", 12.0, 0.7, quadrant_label(False, True)),
        ("D", "Ost", None, None, None),
    ]
    return pd.DataFrame(
        [
            {
                "area_id": a,
                "name": n,
                "municipality_id": "M",
                "municipality_name": "Stadt",
                "need": need,
                "need_display": WITHHELD_SIGN
                if need is None
                else f"{need:.1f} %".replace(".", ","),
                "need_stand": STAND,
                "district_value": 14.1,
                "need_suppressed": need is None,
                "coverage_ratio": cov,
                "coverage_percent": None if cov is None else round(cov * 100),
                "gaps": "Krippe (0–3)" if cov and cov < 1 else "",
                "quadrant": q,
            }
            for a, n, need, cov, q in rows
        ]
    )


def test_need_scatter_draws_quadrants_lines_and_leaves_out_hidden_areas() -> None:
    fig = need_scatter(need_frame(), "SGB-II-Quote u15", "%", "Krippe (0–3)", 1.0)
    names = [t.name for t in fig.data]
    assert names == [
        quadrant_label(True, True),
        quadrant_label(False, True),
        quadrant_label(False, False),
    ]
    assert sum(len(t.x) for t in fig.data) == 3  # "Ost" has no value and is not drawn
    symbols = {t.marker.symbol for t in fig.data}
    assert len(symbols) == 3  # quadrants differ by shape, not only by colour
    vline, hline = fig.layout.shapes
    assert vline.x0 == pytest.approx(14.1) and hline.y0 == pytest.approx(100)
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Kreiswert 14,1 %" in texts and "100 % des Ziels" in texts
    for label, colour, marker in QUADRANTS.values():
        assert label in texts
        trace = next((t for t in fig.data if t.name == label), None)
        assert trace is None or (trace.marker.color, trace.marker.symbol) == (colour, marker)
    assert "Nord" in fig.data[0].hovertext[0] and "60 %" in fig.data[0].hovertext[0]


def test_trend_has_one_line_per_phase_with_gaps_where_suppressed() -> None:
    frames = []
    for key, label, ratios in (
        ("2026-Q1", "Q1/2026", [1.2, 0.8, 0.9, 1.0, 0.5, 1.1]),
        ("2026-Q2", "Q2/2026", [1.3, None, 0.95, 1.0, 0.6, 1.1]),
    ):
        frames.append(summary_frame(ratios).assign(quarter=key, label=label))
    fig = trend_figure(pd.concat(frames, ignore_index=True))
    assert [t.name for t in fig.data] == [p[1] for p in PHASES]
    crib = fig.data[1]
    assert list(crib.x) == ["Q1/2026", "Q2/2026"]
    assert crib.y[0] == pytest.approx(80) and math.isnan(crib.y[1])
    assert crib.connectgaps is False
    assert len({t.line.dash for t in fig.data}) == 6  # told apart without colour
    assert fig.layout.shapes[0].y0 == 100


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (0.786, "79 %"),
        (2.5, "250 %"),
        (None, "–"),
        (float("nan"), "–"),
        (0.999, "99 %"),  # below target: never "100 %" beside "knapp"
        (0.7996, "79 %"),  # a Lücke: never "80 %", the threshold of "knapp"
        (0.805, "81 %"),  # DIN 1333: half away from zero
        (1.0, "100 %"),
    ],
)
def test_percent_text_stays_inside_the_status_band(ratio, text) -> None:
    assert percent_text(ratio) == text


@pytest.mark.parametrize(
    ("status", "suppressed", "text"),
    [
        ("erreicht", False, "✔ erreicht"),
        ("knapp", False, "◐ knapp"),
        ("Lücke", False, "✖ Lücke"),
        (None, True, WITHHELD_SIGN),
        (None, False, "–"),
    ],
)
def test_status_text(status, suppressed, text) -> None:
    assert status_text(status, suppressed) == text
    if status:
        assert text == STATUSES[status].text  # the one vocabulary


@pytest.mark.parametrize(
    ("children", "suppressed", "text"),
    [(1234.0, False, "1.234"), (None, True, WITHHELD_SIGN)],
)
def test_children_text(children, suppressed, text) -> None:
    assert children_text(children, suppressed) == text


def test_tables_have_german_headers_and_keep_suppressed_cells_hidden() -> None:
    table = chain_table(summary_frame([1.5, 0.85, 0.5, 1.0, None, 0.7]), QUARTER, None)
    shown, export = table.shown, table.export
    assert list(shown.columns) == [c for c in export.columns if c != "Datenschutz"]
    assert table.stand.text == "31.12.2025 bis 31.03.2026"  # children and offers
    assert table.file_name == "praeventionskette_2026-Q1_kreis.csv"
    assert list(export.columns[:5]) == [
        "Lebensphase",
        "Versorgung",
        "Maß",
        "Ziel",
        "Zielerreichung %",
    ]
    hidden = export.iloc[4]
    assert hidden["Versorgung"] == WITHHELD_SIGN and hidden["Kinder"] == WITHHELD_SIGN
    assert hidden["Datenschutz"] == WITHHELD_TEXT and export.iloc[1]["Datenschutz"] == ""
    assert shown.iloc[1]["Plätze"] == "1.234" and shown.iloc[1]["Zielerreichung %"] == "85 %"
    csv = to_csv_bytes(export).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Lebensphase;Versorgung;Maß;Ziel;Zielerreichung %")
    assert ";38,3;" in csv  # 0,85 × 45 = 38,25: DIN 1333 rounds half away from zero
    assert export.iloc[1]["Versorgung"] == 38.3 and shown.iloc[1]["Versorgung"] == "38,3"
    table = cells_table(cells_frame(), QUARTER, "M", NEED)
    shown, export = table.shown, table.export
    kita_sued = export[(export["Sozialraum"] == "Süd") & (export["Lebensphase"] == "Kita (3–6)")]
    assert kita_sued["Kinder"].iloc[0] == WITHHELD_SIGN
    assert kita_sued["Versorgung"].iloc[0] == WITHHELD_SIGN
    assert shown["SGB-II-Quote u15 (%)"].iloc[0] == "30,0"
    assert export["SGB-II-Quote u15 (%)"].iloc[0] == 30.0
    assert list(export.columns[:4]) == ["Kommune", "Sozialraum", "Kennung", "Lebensphase"]

"""One rule for the change beside a key figure: its symbol (↑ ↓ →) first, the same text on
the Übersicht, on the slide, in the PowerPoint and in the PDF; the screen draws no second
arrow."""

from __future__ import annotations

import datetime as dt

import pytest

from core.key_figures import KeyFigure
from core.present.changes import (
    CHANGE_LEGEND,
    change_direction,
    change_text,
    change_tone,
    metric_delta,
)
from core.present.numbers import format_signed
from core.present.vocabulary import STAGE_CHANGE
from core.quarters import Quarter
from core.reports.content import build_report
from core.reports.spec import table_text


@pytest.mark.parametrize(
    ("signed", "shown"),
    [
        (format_signed(1.5, 1, "Pp."), "↑ +1,5 Pp."),
        (format_signed(-0.2, 1, "Pp."), "↓ -0,2 Pp."),
        (format_signed(0.04, 1, "Pp."), "→ ±0,0 Pp."),
        (format_signed(0, 0, "Pp."), "→ ±0 Pp."),
        ("+235 Personen", "↑ +235 Personen"),
        ("-1", "↓ -1"),
        ("−3", "↓ −3"),
        ("0", "→ 0"),
        ("→ ±0 Pp.", "→ ±0 Pp."),  # a frozen report written by this rule stays as it is
        ("", ""),
        (None, ""),
    ],
)
def test_every_change_starts_with_its_symbol(signed: str | None, shown: str) -> None:
    assert change_text(signed) == shown
    assert change_text(change_text(signed)) == shown


def test_the_symbols_are_the_vocabulary_s() -> None:
    assert change_text("+1").startswith(STAGE_CHANGE["up"])
    assert change_text("-1").startswith(STAGE_CHANGE["down"])
    assert change_text("±0").startswith(STAGE_CHANGE["same"])
    assert CHANGE_LEGEND == "↑ gestiegen, ↓ gesunken, → unverändert"


@pytest.mark.parametrize(
    ("signed", "delta_color", "tone"),
    [
        ("+1,5 Pp.", "normal", "good"),
        ("+1,5 Pp.", "inverse", "bad"),
        ("-0,2 Pp.", "inverse", "good"),
        ("-0,2 Pp.", "normal", "bad"),
        ("±0 Pp.", "normal", "neutral"),
        ("+235 Personen", "off", "neutral"),
        ("↓ -1", "inverse", "good"),
    ],
)
def test_good_news_follows_the_figure_s_direction(signed: str, delta_color: str, tone: str) -> None:
    assert change_tone(signed, delta_color) == tone


def test_the_card_shows_the_text_with_its_symbol_and_no_second_arrow() -> None:
    assert metric_delta("±0,0 Pp.", "inverse") == {
        "delta": "→ ±0,0 Pp.",
        "delta_color": "gray",
        "delta_arrow": "off",
    }
    assert metric_delta("-0,2 Pp.", "inverse")["delta_color"] == "green"
    assert metric_delta(None)["delta"] is None
    assert change_direction(None) is None


def test_a_key_figure_writes_its_change_by_the_rule() -> None:
    fig = KeyFigure("x", "X", "1 %", "±0,0 Pp.", "off", dt.date(2026, 9, 30), "")
    assert fig.unchanged and fig.change == "→ ±0,0 Pp."
    assert KeyFigure("x", "X", "1", None, "off", None, "").change == ""


def test_the_key_figures_slide_and_its_table_carry_the_same_change(demo_engine) -> None:
    """What the slide, the PowerPoint (``figures``) and the PDF (the table) read."""
    with demo_engine.connect() as conn:
        report = build_report(conn, Quarter(2026, 3), slides=["key_figures"])
    (slide,) = report["slides"]
    deltas = [f["delta"] for f in slide["figures"]]
    assert deltas and all(d[:1] in "↑↓→" for d in deltas if d)
    assert any(d.startswith("→ ±0") for d in deltas)  # the demo has unchanged figures
    (figures_table,) = slide["tables"]
    column = figures_table["columns"].index("Veränderung")
    assert [row[column] for row in table_text(figures_table)] == deltas

"""What a slide's charts and tables promise a committee, checked without a browser:
counts have whole-number ticks, titles stand apart from legends, a table cut short on
the slide says where the rest is."""

from __future__ import annotations

import pytest

from core.reports.spec import CUT_NOTE, cut_note, integer_axis, integer_step, value_top
from ui.slide_charts import chart_figure

STAGES = {
    "kind": "stacked_bar",
    "title": "Netzwerke je Jugendamt nach Stufe",
    "categories": ["Dormagen", "Neuss"],
    "series": [
        {"name": "Informationsnetzwerk", "values": [2, 3], "colour": "#9ECAE1"},
        {"name": "Produktionsnetzwerk", "values": [6, 5], "colour": "#08306B"},
        {"name": "nicht gemeldet", "values": [1, None], "colour": "#BDBDBD"},
    ],
    "unit": "",
    "decimals": 0,
    "horizontal": True,
}
TREND = {
    "kind": "line",
    "title": "Netzwerke je Stufe über die Quartale",
    "categories": ["Q2/2026", "Q3/2026"],
    "series": [{"name": "Produktionsnetzwerk", "values": [16, 19], "colour": "#08306B"}],
    "unit": "",
    "decimals": 0,
}
ATTAINMENT = {
    "kind": "bar",
    "title": "Zielerreichung in % des Zielwerts",
    "categories": ["Krippe (0–3)"],
    "series": [{"name": "Zielerreichung", "values": [86]}],
    "unit": "%",
    "decimals": 0,
    "reference": 100,
    "horizontal": True,
}


@pytest.mark.parametrize(
    ("top", "step"), [(0, 1), (3, 1), (9, 2), (17.5, 5), (19, 5), (52, 20), (180, 50)]
)
def test_count_ticks_are_whole_numbers(top: float, step: int) -> None:
    assert integer_step(top) == step


def test_the_highest_value_of_a_chart() -> None:
    assert value_top(STAGES) == 9  # the highest stack (2 + 6 + 1), a gap counts as 0
    assert value_top(TREND) == 19
    assert value_top({"kind": "bar", "series": []}) == 0


def test_counts_get_whole_number_ticks_from_zero_percentages_do_not() -> None:
    assert integer_axis(STAGES) and integer_axis(TREND) and not integer_axis(ATTAINMENT)
    stacked = chart_figure(STAGES)
    assert stacked.layout.xaxis.dtick == 2 and stacked.layout.xaxis.tickformat == ",d"
    line = chart_figure(TREND)
    assert line.layout.yaxis.dtick == 5 and line.layout.yaxis.rangemode == "tozero"
    assert chart_figure(ATTAINMENT).layout.xaxis.dtick is None


def test_the_legend_keeps_the_stacks_order_and_no_title_sits_in_its_way() -> None:
    fig = chart_figure(STAGES)
    assert fig.layout.title.text is None  # the slide writes the title above the chart
    assert fig.layout.legend.traceorder == "normal"
    assert [t.name for t in fig.data] == [s["name"] for s in STAGES["series"]]


def test_long_bar_names_wrap_and_stay_escaped() -> None:
    spec = {**ATTAINMENT, "categories": ["Auf-/Ausbau eines kommunalen Netzwerkmanagements <b>"]}
    (label,) = chart_figure(spec).data[0].y
    assert "<br>" in label and "&lt;b&gt;" in label and "<b>" not in label


def test_a_table_cut_on_the_slide_says_where_the_rest_is() -> None:
    rows = [[f"Sozialraum {i}", i] for i in range(13)]
    spec = {"columns": ["Sozialraum", "Wert"], "rows": rows, "slide_rows": 8}
    assert cut_note(spec) == CUT_NOTE.format(shown=8, total=13)
    assert "Die ersten 8 von 13" in cut_note(spec)
    assert cut_note({**spec, "slide_rows": 0}) == ""
    assert cut_note({**spec, "rows": rows[:8]}) == ""

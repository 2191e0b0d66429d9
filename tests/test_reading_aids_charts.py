"""Reading aids of the charts over the quarters: units on the axes, rates from zero,
titles clear of the row above, no silent empty quarter, and every "So lesen Sie …"
naming what it sits under."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from core.key_figures import trends
from core.present.overview_tables import Trend
from core.present.vocabulary import NO_REPORT, TRAFFIC_LIGHT_MARKERS
from core.quarters import parse_quarter
from tests.app_support import open_app
from ui.network_charts import history_chart, reported_quarters, stage_trend_chart
from ui.trend_charts import quarter_ticks, shown_quarters, small_multiples

HISTORY = [parse_quarter(k) for k in ("2022-Q4", "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4")]


def _series(values: list[float | None], district: list[float | None] | None = None):
    labels = [q.short_label for q in HISTORY][: len(values)]
    return pd.DataFrame(
        {
            "quarter": [q.key for q in HISTORY][: len(values)],
            "label": labels,
            "value": [math.nan if v is None else v for v in values],
            "district_value": [math.nan if v is None else v for v in (district or values)],
            "suppressed": [False] * len(values),
        }
    )


@pytest.fixture(scope="module")
def demo_trends(demo_engine) -> list[Trend]:
    with demo_engine.connect() as conn:
        from core.inventory import quarters_with_data

        return trends(conn, quarters_with_data(conn))


def _panels(fig) -> list[tuple[str, str]]:
    """(x axis name, y axis name) of each panel, in panel order."""
    axes = sorted(
        (k for k in fig.layout.to_plotly_json() if k.startswith("yaxis")),
        key=lambda k: int(k[5:] or 1),
    )
    return [(a.replace("y", "x"), a) for a in axes]


def test_overview_panels_name_their_unit_and_start_rates_at_zero(demo_trends) -> None:
    fig = small_multiples(demo_trends, "Rhein-Kreis Neuss")
    units = {t.entry.unit for t in demo_trends}
    assert {"%", "je 10.000", "je 100 Geburten"} <= units
    for trend, (_, yaxis) in zip(demo_trends, _panels(fig), strict=False):
        axis = fig.layout[yaxis]
        assert axis.title.text == trend.entry.unit
        if trend.entry.kind == "rate":
            assert axis.rangemode == "tozero"


def test_second_row_titles_keep_clear_of_the_first_rows_quarter_labels(demo_trends) -> None:
    fig = small_multiples(demo_trends, "Kreis")
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    upper, lower = fig.layout.yaxis.domain, fig.layout.yaxis4.domain
    gap = (upper[0] - lower[1]) * plot
    # a row of horizontal quarter labels (~20 px) and a title (~20 px) with room between
    assert gap >= 70, f"nur {gap:.0f} px zwischen den Zeilen"
    for name in ("xaxis", "xaxis4"):
        assert fig.layout[name].tickangle == 0  # upright labels: no diagonal into the title
    titles = {a.text: a.y for a in fig.layout.annotations}
    assert titles["OGS-Quote"] == pytest.approx(lower[1])  # the title sits on its own panel


def test_quarters_before_the_first_value_are_no_gap_on_the_axis() -> None:
    series = _series([None, 10.0, None, 12.0, 13.0])
    shown = shown_quarters(series)
    assert shown["label"].tolist() == ["Q1/2023", "Q2/2023", "Q3/2023", "Q4/2023"]
    assert math.isnan(shown["value"].iloc[1])  # a missing quarter in between stays a gap
    withheld = series.assign(suppressed=[True, False, False, False, False])
    assert shown_quarters(withheld)["label"].iloc[0] == "Q4/2022"  # withheld is a fact
    assert shown_quarters(_series([None, None])).empty


def test_every_overview_panel_starts_with_a_quarter_that_has_a_value(demo_trends) -> None:
    fig = small_multiples(demo_trends, "Rhein-Kreis Neuss")
    selection = [t for t in fig.data if t.line.dash is None]
    assert len(selection) == len(demo_trends)
    for trace in selection:
        assert not math.isnan(trace.y[0]), f"leerer erster Slot {trace.x[0]}"
        assert not math.isnan(trace.y[-1])


def test_quarter_ticks_always_label_the_berichtsquartal() -> None:
    labels = [f"Q{q}/{y}" for y in range(2022, 2027) for q in range(1, 5)][3:-1]
    ticks = quarter_ticks(labels)
    assert ticks[-1] == labels[-1] and len(ticks) <= 3
    assert quarter_ticks(["Q1/2026"]) == ["Q1/2026"]


def _stage_grid(totals: dict[str, int]) -> pd.DataFrame:
    rows = []
    for label, n in totals.items():
        for stage in (1, 2, 3):
            share = n // 3 + (1 if stage <= n % 3 else 0)
            rows.append({"quarter": label, "label": label, "stage": stage, "networks": share})
    return pd.DataFrame(rows).assign(stage_label=lambda d: d["stage"].map(str))


STAGES = {1: "Informationsnetzwerk", 2: "Kooperationsnetzwerk", 3: "Produktionsnetzwerk"}


def test_network_trend_starts_with_the_first_report_and_names_a_silent_quarter() -> None:
    grid = _stage_grid({"Q4/2022": 0, "Q1/2023": 52, "Q2/2023": 0, "Q3/2023": 50})
    labels, silent = reported_quarters(grid)
    assert labels == ["Q1/2023", "Q2/2023", "Q3/2023"] and silent == ["Q2/2023"]
    fig = stage_trend_chart(grid, STAGES)
    assert list(fig.layout.xaxis.categoryarray) == labels
    assert all("Q4/2022" not in list(t.x) for t in fig.data)
    notes = [(a.x, a.text) for a in fig.layout.annotations]
    assert notes == [("Q2/2023", NO_REPORT)]


def test_network_trend_of_the_demo_has_no_empty_first_quarter(demo_engine) -> None:
    from core.inventory import quarters_with_data
    from core.networks import stage_trend

    with demo_engine.connect() as conn:
        quarters = quarters_with_data(conn)
        grid = stage_trend(conn, quarters)
    fig = stage_trend_chart(grid, STAGES)
    first = fig.layout.xaxis.categoryarray[0]
    assert sum(y for t in fig.data for x, y in zip(t.x, t.y, strict=True) if x == first) > 0


def test_network_history_marks_the_light_by_shape_as_well_as_colour() -> None:
    history = pd.DataFrame(
        {
            "quarter": ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"],
            "stage": [1, 2, 2, 3],
            "stage_label": ["Informationsnetzwerk", *["Kooperationsnetzwerk"] * 2, "P"],
            "traffic_light": ["gruen", "gelb", "rot", None],
            "partners": [3, 4, 5, 6],
        }
    )
    marker = history_chart(history, STAGES).data[0].marker
    assert list(marker.symbol) == [
        TRAFFIC_LIGHT_MARKERS["gruen"],
        TRAFFIC_LIGHT_MARKERS["gelb"],
        TRAFFIC_LIGHT_MARKERS["rot"],
        "circle-open",
    ]
    assert len(set(marker.symbol)) == 4


@pytest.mark.parametrize(
    ("page", "nouns"),
    [
        ("praeventionskette", {"Kette", "Matrix", "Diagramm"}),
        ("uebersicht", {"Liste", "Diagramme"}),
    ],
)
def test_reading_aids_name_what_they_sit_under(monkeypatch, demo_url, page, nouns) -> None:
    """A page without a map never says "So lesen Sie die Karte"; the Präventionskette's
    Sozialräume × Lebensphasen grid is a matrix."""
    at = open_app(monkeypatch, demo_url, page)
    aids = [str(c.value) for c in at.caption if str(c.value).startswith("So lesen Sie")]
    said = {aid.split(":")[0].split()[-1] for aid in aids}
    assert said == nouns, aids
    assert not any("die Karte" in aid for aid in aids)

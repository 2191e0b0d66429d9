"""Trend charts of the Übersicht: small multiples of key indicators (plotly).

Every panel names its unit on the y-axis (from the indicator catalogue: "%", "je 10.000",
"je 100 Geburten"), a rate's axis starts at zero so a line's height is its size, and a
panel's quarters run from the first to the last with a value: the quarters before an
indicator's first delivery are no gap, a missing quarter in between is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.escaping import html_text
from core.present.numbers import format_value
from core.present.overview_tables import Trend
from core.present.vocabulary import WITHHELD_SIGN
from ui.charts import DISTRICT_COLOUR, SELECTION_COLOUR, german


def _hover(values: Sequence[object], trend: Trend, hidden: Sequence[bool] | None = None) -> list:
    """Hover texts rounded like every other output (DIN 1333, the indicator's decimals)."""
    flags = hidden if hidden is not None else [False] * len(values)
    entry = trend.entry
    return [
        WITHHELD_SIGN if h else html_text(format_value(v, entry.unit, entry.decimals))  # type: ignore[arg-type]
        for v, h in zip(values, flags, strict=True)
    ]


#: pixels of one row of panels, and of the room between two rows (the upper row's
#: quarter labels, then the lower row's title)
ROW_HEIGHT, ROW_GAP = 240, 80
TOP, BOTTOM = 60, 70


def shown_quarters(series: pd.DataFrame) -> pd.DataFrame:
    """The rows of a panel: from the first to the last quarter with a value, a withheld
    value or a Kreis value. Quarters before the first delivery (or after the last) are
    left out; a quarter without a value between two with one stays, as a gap."""
    has = (
        series["value"].notna()
        | series["district_value"].notna()
        | series["suppressed"].astype(bool)
    ).to_numpy()
    if not has.any():
        return series.iloc[0:0]
    positions = has.nonzero()[0]
    return series.iloc[positions[0] : positions[-1] + 1]


def quarter_ticks(labels: Sequence[str], most: int = 3) -> list[str]:
    """At most ``most`` quarter labels for a narrow axis, evenly spaced and counted back
    from the last, so the Berichtsquartal is always labelled."""
    step = max(1, math.ceil(len(labels) / most))
    return list(labels[::-1][::step][::-1])


def small_multiples(trends: Sequence[Trend], selection_label: str, columns: int = 3) -> go.Figure:
    """One small line chart per indicator: the selection against the Kreis.

    Withheld quarters are gaps in the line, never zeros. The y-axis names the unit and
    starts at zero for a rate.
    """
    titles = [html_text(t.entry.short_name) for t in trends]
    selection_label = html_text(selection_label)  # plotly reads labels as HTML
    rows = max(1, math.ceil(len(titles) / columns))
    plot_height = rows * ROW_HEIGHT + (rows - 1) * ROW_GAP
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        vertical_spacing=ROW_GAP / plot_height if rows > 1 else 0.0,
        horizontal_spacing=0.08,
    )
    for i, trend in enumerate(trends):
        df = shown_quarters(trend.series)
        r, c = i // columns + 1, i % columns + 1
        hidden = [bool(h) for h in df["suppressed"]]
        fig.add_trace(
            go.Scatter(
                x=df["label"],
                y=df["value"],
                customdata=_hover(df["value"].tolist(), trend, hidden),
                mode="lines+markers",
                name=selection_label,
                line={"color": SELECTION_COLOUR, "width": 3},
                showlegend=i == 0,
                hovertemplate=f"%{{x}}: %{{customdata}}<extra>{selection_label}</extra>",
                connectgaps=False,
            ),
            row=r,
            col=c,
        )
        if not df["district_value"].equals(df["value"]):
            fig.add_trace(
                go.Scatter(
                    x=df["label"],
                    y=df["district_value"],
                    customdata=_hover(df["district_value"].tolist(), trend),
                    mode="lines",
                    name="Rhein-Kreis Neuss",
                    line={"color": DISTRICT_COLOUR, "width": 2, "dash": "dash"},
                    showlegend=i == 0,
                    hovertemplate="%{x}: %{customdata}<extra>Kreis</extra>",
                ),
                row=r,
                col=c,
            )
        fig.update_xaxes(
            type="category",
            tickangle=0,
            tickvals=quarter_ticks(df["label"].tolist()),
            tickfont={"size": 12},
            row=r,
            col=c,
        )
        fig.update_yaxes(
            title={"text": html_text(trend.entry.unit), "font": {"size": 13}, "standoff": 6},
            rangemode="tozero" if trend.entry.kind == "rate" else "normal",
            tickfont={"size": 12},
            row=r,
            col=c,
        )
    german(fig, height=plot_height + TOP + BOTTOM)
    fig.update_annotations(font={"size": 15})  # the panel titles
    fig.update_layout(
        legend={"y": -BOTTOM / plot_height / 2, "yanchor": "top", "orientation": "h"},
        margin={"t": TOP, "b": BOTTOM, "l": 10, "r": 10},
    )
    return fig

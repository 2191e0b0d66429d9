"""Trend charts of the Übersicht: small multiples of key indicators (plotly)."""

from __future__ import annotations

import math
from collections.abc import Sequence

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


def small_multiples(trends: Sequence[Trend], selection_label: str, columns: int = 3) -> go.Figure:
    """One small line chart per indicator: the selection against the Kreis.

    Withheld quarters are gaps in the line, never zeros.
    """
    titles = [html_text(t.entry.short_name) for t in trends]
    selection_label = html_text(selection_label)  # plotly reads labels as HTML
    rows = max(1, math.ceil(len(titles) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        vertical_spacing=0.16,
        horizontal_spacing=0.07,
    )
    for i, trend in enumerate(trends):
        df = trend.series
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
        fig.update_xaxes(tickangle=-45, nticks=6, row=r, col=c)
    german(fig, height=300 * rows)
    fig.update_layout(
        legend={"y": -0.12, "yanchor": "top", "orientation": "h"}, margin={"t": 60, "b": 40}
    )
    return fig

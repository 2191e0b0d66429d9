"""Trend charts: small multiples of key indicators and sparklines (plotly)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.escaping import html_text
from core.privacy import withheld
from ui.charts import DISTRICT_COLOUR, SELECTION_COLOUR, german


def small_multiples(
    series: dict[str, pd.DataFrame], units: dict[str, str], selection_label: str, columns: int = 3
) -> go.Figure:
    """One small line chart per indicator: the selection against the Kreis.

    ``series`` maps a title to a frame with ``label``, ``value`` and ``district_value``.
    Suppressed quarters are gaps in the line, never zeros.
    """
    titles = list(series)
    selection_label = html_text(selection_label)  # plotly reads labels as HTML
    rows = max(1, math.ceil(len(titles) / columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        vertical_spacing=0.16,
        horizontal_spacing=0.07,
    )
    for i, title in enumerate(titles):
        df = series[title]
        r, c = i // columns + 1, i % columns + 1
        unit = units.get(title, "")
        fig.add_trace(
            go.Scatter(
                x=df["label"],
                y=df["value"],
                mode="lines+markers",
                name=selection_label,
                line={"color": SELECTION_COLOUR, "width": 3},
                showlegend=i == 0,
                hovertemplate=f"%{{x}}: %{{y:,.1f}} {unit}<extra>{selection_label}</extra>",
                connectgaps=False,
            ),
            row=r,
            col=c,
        )
        if "district_value" in df and not df["district_value"].equals(df["value"]):
            fig.add_trace(
                go.Scatter(
                    x=df["label"],
                    y=df["district_value"],
                    mode="lines",
                    name="Rhein-Kreis Neuss",
                    line={"color": DISTRICT_COLOUR, "width": 2, "dash": "dash"},
                    showlegend=i == 0,
                    hovertemplate=f"%{{x}}: %{{y:,.1f}} {unit}<extra>Kreis</extra>",
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


def sparkline(values: list[float | None], labels: list[str], unit: str) -> go.Figure:
    """A tiny line without axes for a table row; gaps where values are hidden."""
    fig = go.Figure(
        go.Scatter(
            x=labels,
            y=values,
            mode="lines",
            line={"color": SELECTION_COLOUR, "width": 2},
            hovertemplate=f"%{{x}}: %{{y:,.1f}} {unit}<extra></extra>",
            connectgaps=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        height=60,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        showlegend=False,
        separators=",.",
        template="plotly_white",
    )
    return fig


def to_frame(series: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The data behind the small multiples as one table with German headers; a withheld
    value of the selection is the one sign."""
    rows = []
    for title, df in series.items():
        for r in df.itertuples():
            rows.append(
                {
                    "Indikator": title,
                    "Quartal": r.label,
                    "Auswahl": withheld(r.value, getattr(r, "suppressed", False)),
                    "Rhein-Kreis Neuss": r.district_value,
                }
            )
    return pd.DataFrame(rows)

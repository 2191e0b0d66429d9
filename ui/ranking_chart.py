"""The ranking beside the Sozialraumkarte: one bar per area in the map's colours, the
most urgent on top, the Kreis value as a line; areas without a shown value at the
bottom with the withheld sign or "keine Daten"."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.escaping import html_text
from core.map_data import MapView
from core.present.map_style import BACKGROUND_COLOR, SELECTED_COLOR, SELECTED_WEIGHT
from core.present.numbers import din_round
from core.present.vocabulary import (
    DISTRICT_COLOUR,
    NO_DATA,
    REFERENCE_LINE_COLOUR,
    WITHHELD_SIGN,
    WITHHELD_TEXT,
)
from ui.charts import show

HEADING = "Rangfolge"
READ_RANK = (
    "So lesen Sie das Diagramm: Jeder Balken ist ein Gebiet, oben steht das Gebiet mit "
    "dem größten Handlungsbedarf. Die senkrechte Linie ist der Wert des ganzen Kreises. "
    f"Gebiete ohne ausgewiesenen Wert stehen unten ohne Balken; „{WITHHELD_SIGN}“: "
    f"{WITHHELD_TEXT}."
)
KREIS_LINE = "Kreis: {value}"
AXIS_VALUE = "Wert ({unit})"


def ranking_figure(view: MapView, selected: str | None = None) -> go.Figure:
    """The ranking as a plotly figure (labels HTML-escaped, values DIN-rounded); the
    ``selected`` area's bar is outlined as the area is on the map."""
    vals = view.values
    chosen = [area_id == selected for area_id in vals["area_id"]]
    decimals = view.indicator.decimals
    labels = [  # plotly reads its labels as HTML
        html_text(f"{n} ({m})" if view.level == "area" else n)
        for n, m in zip(vals["name"], vals["municipality_name"], strict=True)
    ]
    shown = vals["value"].notna()
    fig = go.Figure(
        go.Bar(
            x=[
                din_round(v, decimals) if s else None
                for v, s in zip(vals["value"], shown, strict=True)
            ],
            y=labels,
            orientation="h",
            marker_color=list(vals["color"]),
            marker_line_color=[SELECTED_COLOR if c else DISTRICT_COLOUR for c in chosen],
            marker_line_width=[SELECTED_WEIGHT if c else 0.5 for c in chosen],
            customdata=[html_text(d) for d in vals["display"]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    hidden = ~shown
    if hidden.any():
        fig.add_trace(
            go.Scatter(
                x=[0] * int(hidden.sum()),
                y=[lab for lab, h in zip(labels, hidden, strict=True) if h],
                mode="text",
                text=[WITHHELD_SIGN if s else NO_DATA for s in vals.loc[hidden, "suppressed"]],
                textposition="middle right",
                hoverinfo="skip",
            )
        )
    if view.district_value is not None:
        fig.add_vline(
            x=din_round(view.district_value, decimals),
            line_color=REFERENCE_LINE_COLOUR,
            line_dash="dash",
            annotation_text=html_text(KREIS_LINE.format(value=view.district_display)),
            annotation_position="top",
        )
    fig.update_layout(
        separators=",.",
        height=max(260, 22 * len(vals) + 80),
        margin={"l": 10, "r": 30, "t": 30, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
        xaxis={
            "title": html_text(AXIS_VALUE.format(unit=view.indicator.unit)),
            "rangemode": "tozero",
        },
        showlegend=False,
        plot_bgcolor=BACKGROUND_COLOR,
    )
    return fig


def ranking_chart(view: MapView, selected: str | None = None) -> None:
    """Reading aid and the ranking chart (the page names it, :data:`HEADING`)."""
    st.caption(READ_RANK)
    show(ranking_figure(view, selected))

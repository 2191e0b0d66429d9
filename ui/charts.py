"""Shared plotly style: German number format, calm colours, readable type.

Plotly is bundled with Streamlit's frontend, so charts load nothing from the internet.
"""

from __future__ import annotations

import plotly.graph_objects as go

#: colour-blind-safe qualitative colours (Okabe-Ito)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SELECTION_COLOUR = "#0B5563"
DISTRICT_COLOUR = "#7A7A7A"


def german(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Apply the house style: ``1.234,5`` separators, white background, compact margins."""
    fig.update_layout(
        separators=",.",
        template="plotly_white",
        font={"family": "Source Sans Pro, sans-serif", "size": 14, "color": "#1A1A1A"},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 14},
    )
    if height:
        fig.update_layout(height=height)
    return fig

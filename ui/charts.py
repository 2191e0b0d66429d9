"""Shared plotly style: German number format, calm colours, readable type.

Plotly is bundled with Streamlit's frontend, so charts load nothing from the internet.
Colours come from the one vocabulary (:mod:`core.present.vocabulary`).
"""

from __future__ import annotations

import plotly.graph_objects as go

from core.present.vocabulary import (  # noqa: F401 (re-exported for the chart modules)
    DISTRICT_COLOUR,
    PALETTE,
    SELECTION_COLOUR,
    TEXT_COLOUR,
)


def german(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Apply the house style: ``1.234,5`` separators, white background, compact margins."""
    fig.update_layout(
        separators=",.",
        template="plotly_white",
        font={"family": "Source Sans Pro, sans-serif", "size": 14, "color": TEXT_COLOUR},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 14},
    )
    if height:
        fig.update_layout(height=height)
    return fig

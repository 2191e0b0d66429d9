"""Charts of the Sozialraum profile: a small location map drawn with plotly (offline)."""

from __future__ import annotations

import geopandas as gpd
import plotly.graph_objects as go
from shapely.geometry.base import BaseGeometry

from ui.charts import SELECTION_COLOUR


def _rings(geom: BaseGeometry) -> list[tuple[list[float], list[float]]]:
    polys = getattr(geom, "geoms", [geom])
    out = []
    for p in polys:
        xs, ys = p.exterior.coords.xy
        out.append((list(xs), list(ys)))
    return out


def location_map(areas: gpd.GeoDataFrame, area_id: str, municipality_id: str | None) -> go.Figure:
    """The area highlighted among the other Sozialräume of its Kommune."""
    fig = go.Figure()
    context = areas[areas["municipality_id"] == municipality_id] if municipality_id else areas
    for row in context.itertuples():
        mine = row.id == area_id
        for xs, ys in _rings(row.geometry.simplify(0.0003)):
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    fill="toself",
                    mode="lines",
                    fillcolor=SELECTION_COLOUR if mine else "#E8EEF0",
                    line={"color": "#FFFFFF" if mine else "#8AA1A8", "width": 1},
                    hoverinfo="text",
                    text=row.name,
                    showlegend=False,
                )
            )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.6)
    fig.update_layout(
        height=260,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
    )
    return fig

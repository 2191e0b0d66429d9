"""Showing an import: the problem table (file, row, column, value, problem, fix) and
the map preview of imported areas."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from core.errors import Problem
from core.escaping import html_text
from core.present.vocabulary import import_colour

COLUMNS = {
    "file": "Datei",
    "row": "Zeile",
    "column": "Spalte",
    "value": "Wert",
    "problem": "Problem",
    "fix": "So beheben Sie es",
}


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table with German headers, in file and row order."""
    rows = [
        {
            COLUMNS["file"]: p.file,
            COLUMNS["row"]: "" if p.row is None else str(p.row),
            COLUMNS["column"]: p.column or "",
            COLUMNS["value"]: p.value or "",
            COLUMNS["problem"]: p.problem,
            COLUMNS["fix"]: p.fix,
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS.values()))


def problems_text(problems: list[Problem], limit: int = 200) -> str:
    """The problems as plain text, one block per problem (for the command line)."""
    lines = []
    for n, p in enumerate(problems[:limit], 1):
        where = [p.file]
        if p.row is not None:
            where.append(f"Zeile {p.row}")
        if p.column:
            where.append(f"Spalte „{p.column}“")
        value = f" (Wert: „{p.value}“)" if p.value else ""
        lines.append(f"{n:>4}. {', '.join(where)}: {p.problem}{value}.")
        lines.append(f"      → {p.fix}")
    if len(problems) > limit:
        lines.append(f"… und {len(problems) - limit} weitere.")
    return "\n".join(lines)


def area_preview_figure(gdf: Any) -> go.Figure:
    """The areas of an import as outlines on plain axes (no basemap, works offline),
    coloured by status (new / changed / unchanged), name on hover."""
    fig = go.Figure()
    shown: set[str] = set()
    for rec in gdf.itertuples():
        geom = rec.geometry
        polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
        for poly in polys:
            x, y = poly.exterior.xy
            fig.add_trace(
                go.Scatter(
                    x=list(x),
                    y=list(y),
                    mode="lines",
                    fill="toself",
                    line={"color": import_colour(rec.status), "width": 1},
                    name=rec.status,
                    legendgroup=rec.status,
                    showlegend=rec.status not in shown,
                    hoverinfo="text",
                    text=html_text(f"{rec.name} ({rec.id}) – {rec.status}"),  # plotly: HTML
                )
            )
            shown.add(rec.status)
    lat = float((gdf.total_bounds[1] + gdf.total_bounds[3]) / 2) if len(gdf) else 51.0
    fig.update_xaxes(visible=False)
    fig.update_yaxes(
        visible=False, scaleanchor="x", scaleratio=1 / max(math.cos(math.radians(lat)), 0.1)
    )
    fig.update_layout(
        height=420,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"title": {"text": "Status"}, "orientation": "h"},
        plot_bgcolor="white",
    )
    return fig

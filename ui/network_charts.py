"""Plotly figures of the Netzwerke page: stage distribution per youth office, its
development over the quarters, and one network's history.

Figures take the DataFrames of :mod:`core.networks` as they are and only draw them;
German number format (``1.234``) and the stage colours are set here, so every chart
reads the same. Plotly ships with Streamlit's frontend: nothing is loaded from the web.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.escaping import html_text

#: light to dark: a network grows from information to joint production
STAGE_COLOURS = {1: "#9ECAE1", 2: "#4292C6", 3: "#08306B"}
TRAFFIC_COLOURS = {"gruen": "#2E7D32", "gelb": "#F9A825", "rot": "#C62828"}
TRAFFIC_WORDS = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}

AXIS_NETWORKS = "Netzwerke"
AXIS_STAGE = "Stufe"
AXIS_PARTNERS = "Partner"
HOVER_STAGE = "%{x}<br>%{fullData.name}: %{y} Netzwerk(e)<extra></extra>"


def short_office(name: str) -> str:
    """A short axis label: ``"Jugendamt der Stadt Neuss"`` -> ``"Neuss"``."""
    if name.startswith("Kreisjugendamt"):
        return "Kreisjugendamt"
    return name.replace("Jugendamt der Stadt ", "").replace("Jugendamt ", "")


def _style(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        separators=",.",
        template="plotly_white",
        height=height,
        font={"size": 14},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        barmode="stack",
        hoverlabel={"font_size": 14},
    )
    return fig


def _stage_traces(
    fig: go.Figure, df: pd.DataFrame, x: str, stages: dict[int, str], **kw: object
) -> None:
    for stage, label in sorted(stages.items()):
        part = df[df["stage"] == stage]
        fig.add_bar(
            x=part[x],
            y=part["networks"],
            name=label,
            marker_color=STAGE_COLOURS.get(stage, "#999999"),
            hovertemplate=HOVER_STAGE,
            **kw,
        )


def stage_bars(dist: pd.DataFrame, stages: dict[int, str]) -> go.Figure:
    """Stacked bars: networks per stage for each youth office (one quarter)."""
    # plotly reads category labels as HTML
    df = dist.assign(office=dist["youth_office"].map(lambda n: html_text(short_office(n))))
    fig = go.Figure()
    _stage_traces(fig, df, "office", stages)
    fig.update_yaxes(title=AXIS_NETWORKS, tickformat="d", rangemode="tozero")
    fig.update_xaxes(title=None, categoryorder="array", categoryarray=sorted(df["office"].unique()))
    return _style(fig, 380)


def stage_trend_chart(trend: pd.DataFrame, stages: dict[int, str]) -> go.Figure:
    """Stacked bars over the quarters: how many networks are at which stage."""
    fig = go.Figure()
    _stage_traces(fig, trend, "label", stages)
    fig.update_yaxes(title=AXIS_NETWORKS, tickformat="d", rangemode="tozero")
    fig.update_xaxes(
        title=None, type="category", categoryorder="array", categoryarray=trend["label"].unique()
    )
    return _style(fig, 380)


def history_chart(history: pd.DataFrame, stages: dict[int, str]) -> go.Figure:
    """One network over the quarters: stage (markers in the traffic-light colour) on top,
    partners as bars below."""
    labels = history["quarter"].str.replace(r"(\d{4})-Q(\d)", r"Q\2/\1", regex=True)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45]
    )
    fig.add_scatter(
        x=labels,
        y=history["stage"],
        mode="lines+markers",
        line={"shape": "hv", "color": "#4292C6"},
        marker={
            "size": 13,
            "color": history["traffic_light"].map(TRAFFIC_COLOURS).fillna("#999999"),
            "line": {"width": 1, "color": "#333333"},
        },
        customdata=list(
            zip(
                history["stage_label"],
                history["traffic_light"].map(TRAFFIC_WORDS).fillna("–"),
                strict=True,
            )
        ),
        hovertemplate="%{x}<br>%{customdata[0]}<br>Ampel: %{customdata[1]}<extra></extra>",
        name=AXIS_STAGE,
        showlegend=False,
        row=1,
        col=1,
    )
    fig.add_bar(
        x=labels,
        y=history["partners"],
        marker_color="#9E9E9E",
        hovertemplate="%{x}<br>%{y} Partner<extra></extra>",
        name=AXIS_PARTNERS,
        showlegend=False,
        row=2,
        col=1,
    )
    ordered = sorted(stages.items())
    fig.update_yaxes(
        title=AXIS_STAGE,
        tickvals=[s for s, _ in ordered],
        ticktext=[label.replace("netzwerk", "-") for _, label in ordered],
        range=[0.6, 3.4],
        row=1,
        col=1,
    )
    fig.update_yaxes(title=AXIS_PARTNERS, tickformat="d", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(type="category")
    return _style(fig, 460)

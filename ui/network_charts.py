"""Plotly figures of the Netzwerke page: stage distribution per youth office, its
development over the quarters, and one network's history.

Figures take the DataFrames of :mod:`core.networks` as they are and only draw them;
German number format (``1.234``) is set here, stage and traffic-light colours and the
youth office names come from :mod:`core.present.vocabulary`, as on the slides. Plotly
ships with Streamlit's frontend: nothing is loaded from the web.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.escaping import html_text
from core.present.numbers import MISSING
from core.present.vocabulary import (
    COUNT_COLOUR,
    MUTED_TEXT_COLOUR,
    NO_REPORT,
    NOT_REPORTED_COLOUR,
    TEXT_COLOUR,
    TRAFFIC_LIGHT_MARKERS,
    TRAFFIC_LIGHTS,
    short_office,
    stage_colour,
)
from core.quarters import parse_quarter

AXIS_NETWORKS = "Netzwerke"
AXIS_STAGE = "Stufe"
AXIS_PARTNERS = "Partner"
HOVER_STAGE = "%{x}<br>%{fullData.name}: %{y} Netzwerk(e)<extra></extra>"


def _light(key: object) -> tuple[str, str, str]:
    """Colour, word and marker shape of a traffic light (the shape of its symbol:
    ● ▲ ■); a grey open circle and "–" when none was reported."""
    term = TRAFFIC_LIGHTS.get(key) if isinstance(key, str) else None
    if term is None:
        return NOT_REPORTED_COLOUR, MISSING, "circle-open"
    return term.colour, term.word, TRAFFIC_LIGHT_MARKERS[str(key)]


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
            name=html_text(label),
            marker_color=stage_colour(stage),
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


def reported_quarters(trend: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The quarters a trend chart shows and those of them without any report.

    The chart starts with the first quarter for which a network of the selection
    reported: the quarters before it are no gap. A later quarter without any report
    stays on the axis and is named "keine Meldung", never left as a silent empty slot.
    """
    totals = trend.groupby("label", sort=False)["networks"].sum()
    labels = [str(x) for x in totals.index]
    reported = [label for label in labels if totals[label] > 0]
    if reported:
        labels = labels[labels.index(reported[0]) :]
    return labels, [label for label in labels if totals[label] == 0]


def stage_trend_chart(trend: pd.DataFrame, stages: dict[int, str]) -> go.Figure:
    """Stacked bars over the quarters: how many networks are at which stage."""
    labels, silent = reported_quarters(trend)
    fig = go.Figure()
    _stage_traces(fig, trend[trend["label"].isin(labels)], "label", stages)
    for label in silent:
        fig.add_annotation(
            x=label,
            y=0,
            text=NO_REPORT,
            textangle=-90,
            yanchor="bottom",
            showarrow=False,
            font={"size": 12, "color": MUTED_TEXT_COLOUR},
        )
    fig.update_yaxes(title=AXIS_NETWORKS, tickformat="d", rangemode="tozero")
    fig.update_xaxes(title=None, type="category", categoryorder="array", categoryarray=labels)
    return _style(fig, 380)


def history_chart(history: pd.DataFrame, stages: dict[int, str]) -> go.Figure:
    """One network over the quarters: stage (markers in the traffic-light colour) on top,
    partners as bars below."""
    labels = [parse_quarter(k).short_label for k in history["quarter"]]
    lights = [_light(k) for k in history["traffic_light"]]
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.55, 0.45]
    )
    fig.add_scatter(
        x=labels,
        y=history["stage"],
        mode="lines+markers",
        line={"shape": "hv", "color": stage_colour(2)},
        marker={
            "size": 13,
            "color": [colour for colour, _, _ in lights],
            "symbol": [shape for _, _, shape in lights],
            "line": {"width": 1, "color": TEXT_COLOUR},
        },
        customdata=[
            (html_text(stage), word)
            for stage, (_, word, _) in zip(history["stage_label"], lights, strict=True)
        ],
        hovertemplate="%{x}<br>%{customdata[0]}<br>Ampel: %{customdata[1]}<extra></extra>",
        name=AXIS_STAGE,
        showlegend=False,
        row=1,
        col=1,
    )
    fig.add_bar(
        x=labels,
        y=history["partners"],
        marker_color=COUNT_COLOUR,
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
        ticktext=[html_text(label.replace("netzwerk", "-")) for _, label in ordered],
        range=[0.6, 3.4],
        row=1,
        col=1,
    )
    fig.update_yaxes(title=AXIS_PARTNERS, tickformat="d", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(type="category")
    return _style(fig, 460)

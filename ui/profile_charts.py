"""Widgets and charts of the Sozialraum-Steckbrief: the choice of the Sozialraum (kept
in the URL), a small location map and the indicators' trends (plotly, offline)."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots
from shapely.geometry.base import BaseGeometry

from core.escaping import html_text, markdown_text
from core.present.vocabulary import DISTRICT_COLOUR, MISSING_COLOUR, PALETTE, SELECTION_COLOUR
from core.selection import Selection
from ui.charts import german
from ui.filters import set_area

KEY_AREA = "profile_area"
KEY_SHOWN = "_profile_area_shown"
LABEL_AREA = "Sozialraum"
HELP_AREA = "Alle Sozialräume der gewählten Kommune; ohne Kommune alle des Kreises."
NOTE_BAD_AREA = "Den Sozialraum „{value}“ gibt es nicht. Gezeigt wird {fallback}."
NO_AREAS = "Für diese Auswahl sind keine Sozialräume geladen."
TRENDS_PER_ROW = 4


def area_picker(sel: Selection, all_areas: pd.DataFrame) -> str | None:
    """The Sozialraum to show: ``sel.area_id`` (URL parameter ``gebiet``) or the one
    picked in the select box, which then goes into the URL and the Selection
    (:func:`ui.filters.set_area`). An unknown id falls back with a note; None when the
    selection has no Sozialraum."""
    sozialraeume = all_areas[all_areas["level"] == "area"]
    choices = sozialraeume
    if sel.municipality_id:
        choices = choices[choices["municipality_id"] == sel.municipality_id]
    wanted = sel.area_id
    if wanted and wanted not in set(sozialraeume["id"]):
        fallback = choices["name"].iloc[0] if len(choices) else "nichts"
        note = NOTE_BAD_AREA.format(value=markdown_text(wanted), fallback=markdown_text(fallback))
        st.warning(note, icon=":material/link_off:")
        wanted = None
    if wanted and wanted not in set(choices["id"]):
        choices = pd.concat([choices, sozialraeume[sozialraeume["id"] == wanted]])
    if choices.empty:
        st.info(NO_AREAS, icon=":material/info:")
        return None
    labels = {
        r.id: f"{r.name} ({r.municipality_name})"
        for r in choices.sort_values(["municipality_name", "name"]).itertuples()
    }
    if wanted and st.session_state.get(KEY_SHOWN) != wanted:  # a link or another page
        st.session_state[KEY_AREA] = wanted
    if st.session_state.get(KEY_AREA) not in labels:
        st.session_state[KEY_AREA] = wanted or next(iter(labels))
    area_id = st.selectbox(
        LABEL_AREA,
        list(labels),
        key=KEY_AREA,
        format_func=labels.__getitem__,
        help=HELP_AREA,
        on_change=lambda: set_area(st.session_state[KEY_AREA]),  # URL first: the sidebar reads it
    )
    st.session_state[KEY_SHOWN] = area_id
    if area_id != sel.area_id:
        set_area(area_id)
    return str(area_id)


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
                    fillcolor=SELECTION_COLOUR if mine else MISSING_COLOUR,
                    line={"color": "white" if mine else DISTRICT_COLOUR, "width": 1},
                    hoverinfo="text",
                    text=html_text(str(row.name)),
                    showlegend=False,
                )
            )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1.6)
    fig.update_layout(
        height=260,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
    )
    return fig


def trend_figure(profile: pd.DataFrame) -> go.Figure:
    """Each indicator's value in the Sozialraum over the quarters of the panel (up to the
    Berichtsquartal), one small chart each; withheld or missing quarters are gaps."""
    n = max(len(profile), 1)
    rows = math.ceil(n / TRENDS_PER_ROW)
    titles = [
        html_text(f"{r.indicator} ({r.unit})" if r.unit else r.indicator)
        for r in profile.itertuples()
    ]
    fig = make_subplots(
        rows=rows, cols=TRENDS_PER_ROW, subplot_titles=titles, vertical_spacing=0.5 / rows
    )
    for k, r in enumerate(profile.itertuples()):
        fig.add_trace(
            go.Scatter(
                x=list(r.series_labels),
                y=[math.nan if v is None else v for v in r.series],
                mode="lines+markers",
                line={"color": PALETTE[0], "width": 2},
                marker={"size": 4},
                connectgaps=False,
                showlegend=False,
                hovertemplate="%{x}: %{y:,." + str(int(r.decimals)) + "f}<extra></extra>",
            ),
            row=k // TRENDS_PER_ROW + 1,
            col=k % TRENDS_PER_ROW + 1,
        )
    german(fig, height=170 * rows + 40)
    fig.update_annotations(font_size=12)
    fig.update_xaxes(showticklabels=False)
    # every indicator is a rate or a count: a line's height is its size from zero
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(margin={"t": 30, "b": 10})
    return fig

"""Netzwerke: the networks' status in the Berichtsquartal, their stages over the quarters
up to it, one network's history, the network map and the entry form. The quality
blocks have a page of their own (Qualitätsbausteine), linked from the intro."""

from __future__ import annotations

import streamlit as st

from core.catalogue import network_kinds, network_stages
from core.networks import (
    presence_matrix,
    stage_distribution,
    stage_trend,
    status_table,
    youth_office_of,
    youth_offices,
)
from core.present.network_tables import (
    SOURCE,
    distribution_of,
    network_status_table,
    presence_of,
    trend_of,
)
from core.selection import Selection
from ui.badges import data_status
from ui.network_form import render_entry_form
from ui.network_tables import (
    choose_scope,
    history_section,
    matrix_section,
    stages_help,
    stages_section,
    status_section,
)
from ui.page import page
from ui.query import query

TITLE = "Netzwerke"
INTRO = (
    "Wie weit sind die Netzwerke gegen Kinderarmut? Je Netzwerk die Meldung der "
    "Koordination für das Berichtsquartal, die Entwicklung über die Quartale und welche "
    "Netzwerke es gibt."
)
QUALITY_LINK = "Stand der Qualitätsbausteine je Jugendamt"
TABS = [
    "Status im Quartal",
    "Entwicklungsstufen",
    "Verlauf eines Netzwerks",
    "Netzwerkkarte",
    "Status melden",
]


def render(sel: Selection) -> None:
    """The Netzwerke page for the selection."""
    st.title(TITLE)
    st.caption(INTRO)
    st.page_link("pages/quality.py", label=QUALITY_LINK, icon=":material/checklist:")
    stages_df = query(network_stages)
    muni_office = query(youth_office_of, sel.municipality_id) if sel.municipality_id else None
    office, kind = choose_scope(sel, query(youth_offices), query(network_kinds), muni_office)

    q = sel.quarter
    status = query(status_table, q, office, None, kind)
    dist = query(stage_distribution, (q,), office, kind)
    trend = query(stage_trend, sel.history, office, kind)
    status_tab = query(network_status_table, q, None, office, kind)
    dist_tab, trend_tab = distribution_of(dist, q), trend_of(trend, sel.history)
    matrix_tab = presence_of(query(presence_matrix))
    # the page's Stand: what it shows as of the Berichtsquartal (the trend and a
    # network's history carry a Stand per row, see core/present/stand.py)
    data_status(status_tab.stand | dist_tab.stand, SOURCE)

    stages = dict(zip(stages_df["id"].astype(int), stages_df["label"], strict=True))
    help_text = stages_help(stages_df)
    tabs = st.tabs(TABS)
    with tabs[0]:
        status_section(status_tab, status, sel)
    with tabs[1]:
        stages_section((dist_tab, trend_tab), (dist, trend), stages, sel, help_text)
    with tabs[2]:
        history_section(status, stages, sel, help_text)
    with tabs[3]:
        matrix_section(matrix_tab)
    with tabs[4]:
        render_entry_form(sel, status, stages_df)


page(render)

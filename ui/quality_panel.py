"""The sections of the page „Qualitätsbausteine“: the quarter and the history (this
module) and the report form (:mod:`ui.quality_form`).

Everything shown comes from :mod:`core.quality` through :mod:`core.present.quality_tables`
(the same tables as the CSV downloads and the Sitzungsvorlage).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from core.escaping import html_text, markdown_text
from core.inventory import is_demo
from core.present.quality_tables import (
    SOURCE,
    changes_of,
    evidence_of,
    history_of,
    matrix_of,
)
from core.present.vocabulary import QUALITY_LEGEND, QUALITY_STATES, short_office
from core.quality import quality_changes, quality_history, quality_progress
from core.quality_entry import (
    is_link,
    steering_choices,
)
from core.selection import Selection
from ui.badges import data_status
from ui.charts import german, show
from ui.quality_form import office_scope, report_form
from ui.query import query
from ui.tables import table_with_csv

__all__ = ["history_section", "quarter_section", "report_form"]

NO_DATA = "Für das {quarter} liegen keine Berichte zu den Qualitätsbausteinen vor."
MATRIX_HEADING = "Stand je Punkt und Jugendamt"
EVIDENCE_HEADING = "Nachweise und Notizen"
CHANGES_HEADING = "Veränderungen seit dem Vorquartal"
NO_CHANGES = "Seit dem Vorquartal hat sich kein Punkt verändert."
HISTORY_HEADING = "Erreichte und begonnene Punkte über die Quartale"
NO_HISTORY = "Für die gewählten Quartale liegen keine Berichte vor."
LINKS_HEADING = "Links zu den Nachweisen"
AXIS_ITEMS = "Punkte"
#: a colour-blind safe palette of plotly for the Jugendämter
PALETTE = qualitative.Safe


def quarter_section(sel: Selection) -> None:
    """The Berichtsquartal: items × youth offices, the changes, evidence with links."""
    q = sel.quarter
    office = office_scope(sel)
    progress = query(quality_progress, q, office)
    demo = bool(query(is_demo))
    matrix = matrix_of(progress, q, demo)
    data_status(matrix.stand, SOURCE)
    if progress.empty:
        st.info(NO_DATA.format(quarter=q.label), icon=":material/info:")
        return
    st.subheader(MATRIX_HEADING)
    st.caption(QUALITY_LEGEND + " · ↑ vorangekommen seit dem Vorquartal")
    table_with_csv(matrix, key="quality_matrix", show_stand=False, pin_first=True)
    st.subheader(CHANGES_HEADING)
    changes = changes_of(quality_changes(progress), q, demo)
    if changes.shown.empty:
        st.caption(NO_CHANGES)
    else:
        table_with_csv(changes, key="quality_changes", show_stand=False)
    st.subheader(EVIDENCE_HEADING)
    steering = query(steering_choices, office) if office else None
    table_with_csv(
        evidence_of(progress, q, demo, steering), key="quality_evidence", show_stand=False
    )
    links = progress[[is_link(str(r or "")) for r in progress["evidence_ref"]]]
    if len(links):
        with st.expander(LINKS_HEADING):
            for r in links.itertuples():
                # a link only when core accepted it as http(s); the text is escaped
                st.markdown(
                    f"- {markdown_text(short_office(r.youth_office))}, {markdown_text(r.item_id)}: "
                    f"[{markdown_text(r.evidence_title or r.evidence_ref)}]"
                    f"(<{str(r.evidence_ref).replace('>', '%3E').replace(' ', '%20')}>)"
                )


def _history_chart(history: pd.DataFrame) -> go.Figure:
    """Reached (solid) and begun (lighter) items per youth office over the quarters."""
    fig = go.Figure()
    df = history.assign(office=history["youth_office"].map(short_office))
    offices = sorted(df["office"].unique())
    colours = {o: PALETTE[i % len(PALETTE)] for i, o in enumerate(offices)}
    for office in offices:  # one colour per Jugendamt: solid erreicht, dotted begonnen
        for state, dash in (("done", "solid"), ("in_progress", "dot")):
            part = df[(df["office"] == office) & (df["state"] == state)]
            fig.add_scatter(
                x=part["label"],
                y=part["items"],
                mode="lines+markers",
                name=html_text(f"{office}: {QUALITY_STATES[state].word}"),
                line={"dash": dash, "color": colours[office]},
                legendgroup=html_text(office),
            )
    fig.update_yaxes(title=AXIS_ITEMS, tickformat="d", rangemode="tozero", range=[0, 13.5])
    fig.update_xaxes(title=None, type="category")
    return german(fig, 420)


def history_section(sel: Selection) -> None:
    """Items erreicht and begonnen per youth office over the quarters up to the selection."""
    quarters = tuple(sel.history) or (sel.quarter,)
    history = query(quality_history, quarters, office_scope(sel))
    table = history_of(history, quarters, bool(query(is_demo)))
    data_status(table.stand, SOURCE)
    if history.empty:
        st.info(NO_HISTORY, icon=":material/info:")
        return
    st.subheader(HISTORY_HEADING)
    st.caption("Durchgezogene Linie: erreicht; gepunktet: begonnen (je von 13 Punkten).")
    show(_history_chart(history), key="quality_history_chart")
    table_with_csv(table, key="quality_history", show_stand=False)

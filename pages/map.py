"""Sozialraumkarte: the selected indicator as a map of Sozialräume or Kommunen, with
offers, a ranking and the data table."""

from __future__ import annotations

import streamlit as st

from core.escaping import markdown_text
from core.map_data import MapView, map_view, offer_points
from core.present.indicator_tables import map_table
from core.selection import Selection
from ui.badges import data_status
from ui.map_panel import map_settings, offer_filters, reading_aid, selected_area, side_panel
from ui.map_widget import render_map
from ui.page import page
from ui.query import query
from ui.ranking_chart import ranking_chart
from ui.tables import table_with_csv

TITLE = "Sozialraumkarte"
INTRO = (
    "Wo wachsen Kinder in Armut auf, wo fehlen Angebote? Die Karte zeigt den gewählten "
    "Indikator je Sozialraum oder Kommune zum Ende des Berichtsquartals."
)
TABLE_HEADING = "Daten"


def render(sel: Selection) -> None:
    """The map page for the selection: controls, map, legend, ranking, table."""
    st.title(TITLE)
    st.write(INTRO)
    level, style = map_settings()
    phases, types, type_labels = offer_filters()
    view: MapView = query(map_view, sel.indicator, sel.quarter, level, sel.municipality_id, style)
    offers = query(offer_points, sel.quarter, sel.municipality_id, phases, types)

    entry = view.indicator
    st.subheader(
        f"{markdown_text(entry.name)} · {sel.quarter.label} · {markdown_text(sel.scope_label)}"
    )
    data_status([view.stand.first, view.stand.last], entry.source)

    map_col, side_col = st.columns([3, 1.15])
    with map_col:
        clicked = render_map(view, offers, show_offers=bool(phases or types))
    with side_col:
        side_panel(view, sel, selected_area(view, clicked), type_labels)
    reading_aid(view)

    rank_col, table_col = st.columns([1.1, 1])
    with rank_col:
        ranking_chart(view)
    with table_col:
        st.markdown(f"**{TABLE_HEADING}**")
        table_with_csv(map_table(view), key="map_table")


page(render)

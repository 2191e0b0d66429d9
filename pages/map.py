"""Sozialraumkarte: the selected indicator as a map of Sozialräume or Kommunen, with
offers, a ranking and the data table.

The map starts high on the page (a projector shows 1280×720): one row of controls above
it, the classes and offer filters behind buttons, legend and selected area beside it.
"""

from __future__ import annotations

import streamlit as st

from core.map_data import MapView, map_view, offer_points
from core.present.indicator_tables import map_table
from core.selection import Selection
from ui.badges import data_status
from ui.map_panel import map_controls, reading_aid, selected_area, side_panel
from ui.map_widget import last_click, render_map
from ui.page import page
from ui.query import query
from ui.ranking_chart import HEADING as RANKING_HEADING
from ui.ranking_chart import ranking_chart
from ui.tables import table_with_csv

TITLE = "Sozialraumkarte"
INTRO = (
    "Wo wachsen Kinder in Armut auf, wo fehlen Angebote? Die Karte zeigt den gewählten "
    "Indikator je Sozialraum oder Kommune zum Ende des Berichtsquartals."
)
TABLE_TAB = "Tabelle"


def render(sel: Selection) -> None:
    """The map page for the selection: controls, map, legend, ranking, table."""
    st.title(TITLE)
    map_col, side_col = st.columns([3, 1.15])
    with map_col:
        level, style, phases, types, type_labels = map_controls()
        view: MapView = query(
            map_view, sel.indicator, sel.quarter, level, sel.municipality_id, style
        )
        offers = query(offer_points, sel.quarter, sel.municipality_id, phases, types)
        row = selected_area(view, last_click(view))
        selected = None if row is None else str(row["area_id"])
        render_map(
            view,
            offers,
            show_offers=bool(phases or types),
            selected=selected,
            area_names_first=bool(sel.municipality_id) and level == "area",
        )
    with side_col:
        side_panel(view, sel, row, type_labels)
    data_status([view.stand.first, view.stand.last], view.indicator.source)
    st.write(INTRO)
    reading_aid(view)

    rank_tab, table_tab = st.tabs([RANKING_HEADING, TABLE_TAB])
    with rank_tab:
        ranking_chart(view, selected)
    with table_tab:
        table_with_csv(map_table(view), key="map_table")


page(render)

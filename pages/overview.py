"""Übersicht: key figures of the selection, where to look first, trends and what changed.

The start page also opens without data (no Selection): then it shows the introduction,
how to set the database up and what the database holds. So it ends with its own call
of ``render`` instead of ``ui.page.page`` (which stops without a Selection).
"""

from __future__ import annotations

import streamlit as st

from core.escaping import markdown_text
from core.key_figures import (
    figures_stand,
    key_figures,
    look_first,
    new_data,
    stage_changes,
    trends,
)
from core.present.changes import CHANGE_LEGEND
from core.present.overview_tables import trend_table
from core.present.stand import Stand, stand_of_frame
from core.selection import Selection
from core.steering import funding_warnings
from ui.badges import area_cards, data_status, key_figure_cards
from ui.charts import show
from ui.filters import KEY_SELECTION
from ui.inventory import database_contents, load_inventory
from ui.query import query
from ui.tables import table_with_csv
from ui.texts import APP_TITLE
from ui.trend_charts import small_multiples

INTRO = (
    "Der Präventionsmonitor zeigt, wo im Rhein-Kreis Neuss Kinder in Armut aufwachsen, "
    "ob die Präventionskette sie in jeder Lebensphase erreicht und wie weit die "
    "Netzwerke vor Ort sind."
)
NOT_MIGRATED = (
    "Die Datenbank ist noch nicht eingerichtet. Bitte im Projektordner ausführen: "
    "`python -m core init-db --demo`"
)
EMPTY = (
    "Die Datenbank enthält noch keine Gebiete und Daten. Zum Ausprobieren Demodaten "
    "laden: `python -m core init-db --demo`"
)
COUNTS_HEADING = "Inhalt der Datenbank"
FIGURES_HEADING = "Kennzahlen"
FIGURES_HELP = (
    f"Werte zum Ende des Berichtsquartals. Der Pfeil ({CHANGE_LEGEND}) zeigt die "
    "Veränderung: bei Monats- und Quartalsdaten gegenüber dem Quartal davor, bei "
    "Jahresdaten gegenüber dem vorherigen Stichtag. Grün heißt: in die gewünschte Richtung."
)
LOOK_FIRST = "Wo zuerst hinschauen?"
LOOK_FIRST_AID = (
    "So lesen Sie die Liste: Sie nennt die Sozialräume mit dem höchsten Bedarf "
    "(SGB-II-Quote unter 15 über dem Kreiswert) und zugleich der niedrigsten Versorgung "
    "(im Mittel unter 90 % der Zielwerte über alle Lebensphasen). Oben steht, wo "
    "beides am stärksten zusammenkommt."
)
LOOK_FIRST_NONE = (
    "In dieser Auswahl gibt es keinen Sozialraum mit hohem Bedarf und niedriger Versorgung."
)
TRENDS = "Entwicklung über die Quartale"
TRENDS_AID = (
    "So lesen Sie die Diagramme: Die durchgezogene Linie ist die Auswahl, die gestrichelte "
    "der Rhein-Kreis Neuss. Lücken in der Linie sind Quartale ohne Wert oder mit einem "
    "Wert, der aus Datenschutzgründen nicht ausgewiesen ist. Sie enden mit dem "
    "Berichtsquartal."
)
TREND_DATA = "Daten der Diagramme"
CHANGES = "Was hat sich seit dem Vorquartal geändert?"
NEW_DATA = "Neue Daten in diesem Quartal"
NO_NEW_DATA = "Keine neuen Indikatorwerte mit Stichtag in diesem Quartal."
STAGE_CHANGES = "Netzwerke mit neuer Entwicklungsstufe"
NO_STAGE_CHANGES = "Kein Netzwerk hat die Stufe gewechselt."


def render(sel: Selection | None) -> None:
    """The start page; ``sel`` is None while the database holds no data."""
    st.title(APP_TITLE)
    st.write(INTRO)
    inventory = load_inventory()  # a PraevError here is shown by the app's error boundary
    if not inventory.migrated:
        st.info(NOT_MIGRATED, icon=":material/info:")
        return
    if inventory.empty or sel is None:
        st.info(EMPTY, icon=":material/info:")
        st.subheader(COUNTS_HEADING)
        database_contents(inventory)
        return

    q, muni = sel.quarter, sel.municipality_id
    st.subheader(f"{markdown_text(sel.scope_label)} · {q.label}")
    figures = query(key_figures, q, muni)
    top = query(look_first, q, muni)
    series = query(trends, sel.history, muni)
    table = trend_table(series)
    fresh = query(new_data, q)
    moved = query(stage_changes, q, muni)
    # the page's Stand: the values it shows as of the Berichtsquartal (time series carry
    # a Stand per point, in their table)
    data_status(figures_stand(figures) | stand_of_frame(fresh) | stand_of_frame(top, "need_stand"))
    warnings = [markdown_text(w) for w in query(funding_warnings, q, municipality_id=muni)]
    if warnings:  # one box: several endings as a list, the key figures stay in sight
        text = warnings[0] if len(warnings) == 1 else "\n".join(f"- {w}" for w in warnings)
        st.warning(text, icon=":material/event_busy:")

    st.markdown(f"#### {FIGURES_HEADING}", help=FIGURES_HELP)
    key_figure_cards(figures)

    st.markdown(f"#### {LOOK_FIRST}")
    st.caption(LOOK_FIRST_AID)
    if top.empty:
        st.info(LOOK_FIRST_NONE, icon=":material/check_circle:")
    area_cards(top, sel)

    st.markdown(f"#### {TRENDS}")
    st.caption(TRENDS_AID)
    show(small_multiples(series, sel.scope_label))
    with st.expander(TREND_DATA):
        table_with_csv(table, key="overview_trends")

    st.markdown(f"#### {CHANGES}")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{NEW_DATA}**")
        if fresh.empty:
            st.caption(NO_NEW_DATA)
        for r in fresh.itertuples():
            st.markdown(f"- {markdown_text(r.indicator)}: {Stand.of([r.stand]).short}")
    with right:
        st.markdown(f"**{STAGE_CHANGES}**")
        if moved.empty:
            st.caption(NO_STAGE_CHANGES)
        for r in moved.itertuples():
            st.markdown(
                f"- {r.change} {markdown_text(r.name)}: jetzt {markdown_text(r.stage_label)}"
            )

    with st.expander(COUNTS_HEADING):
        database_contents(inventory)


render(st.session_state.get(KEY_SELECTION))

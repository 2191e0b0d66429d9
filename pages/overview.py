"""Übersicht: key figures of the selection, where to look first, trends and what changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.areas import district
from core.catalogue import indicator, indicators
from core.coverage import need_vs_coverage
from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.exporting import to_csv_bytes
from core.indicators import time_series
from core.key_figures import key_figures, new_data, stage_changes
from core.present.numbers import format_date, format_number
from core.present.tables import shows_withheld, with_withheld_note
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN
from core.selection import PARAM_MUNICIPALITY, PARAM_QUARTER
from ui.badges import data_status
from ui.filters import current
from ui.inventory import load_inventory
from ui.query import query
from ui.texts import APP_TITLE, german_sort_key, table_label
from ui.trend_charts import small_multiples, to_frame

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
DATA_AS_OF = "Neuester Datenstand"
DATA_AS_OF_HELP = "Das jüngste Stichtagsdatum aller Indikatorwerte in der Datenbank."
COUNTS_HEADING = "Inhalt der Datenbank"
COL_TABLE = "Tabelle"
COL_ROWS = "Einträge"
FIGURES_HEADING = "Kennzahlen"
FIGURES_HELP = (
    "Werte zum Ende des Berichtsquartals. Der Pfeil zeigt die Veränderung: bei Monats- "
    "und Quartalsdaten gegenüber dem Quartal davor, bei Jahresdaten gegenüber dem "
    "vorherigen Stichtag. Grün heißt: in die gewünschte Richtung."
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
    "Wert, der aus Datenschutzgründen nicht ausgewiesen ist."
)
TREND_INDICATORS = ("sgb2_u15", "u3_care", "ue3_care", "ogs", "hze", "welcome_visits")
CHANGES = "Was hat sich seit dem Vorquartal geändert?"
NEW_DATA = "Neue Daten in diesem Quartal"
NO_NEW_DATA = "Keine neuen Indikatorwerte mit Stichtag in diesem Quartal."
STAGE_CHANGES = "Netzwerke mit neuer Entwicklungsstufe"
NO_STAGE_CHANGES = "Kein Netzwerk hat die Stufe gewechselt."
DOWNLOAD = "Daten als CSV"

st.title(APP_TITLE)

try:
    inventory = load_inventory()
except PraevError as exc:
    st.write(INTRO)
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

if not inventory.migrated:
    st.write(INTRO)
    st.info(NOT_MIGRATED, icon=":material/info:")
    st.stop()


def database_contents() -> None:
    """The Datenstand and the number of rows per table."""
    st.metric(
        DATA_AS_OF, format_date(inventory.newest) if inventory.newest else "–", help=DATA_AS_OF_HELP
    )
    rows = sorted(
        ((table_label(n), c) for n, c in inventory.counts.items()),
        key=lambda row: german_sort_key(row[0]),
    )
    counts = pd.DataFrame(
        {COL_TABLE: [r[0] for r in rows], COL_ROWS: [format_number(r[1], 0) for r in rows]}
    )
    st.dataframe(
        counts,
        hide_index=True,
        width="content",
        height="content",
        column_config={COL_ROWS: st.column_config.TextColumn(COL_ROWS, alignment="right")},
    )


sel = current()
if inventory.empty or sel is None:
    st.write(INTRO)
    st.info(EMPTY, icon=":material/info:")
    st.subheader(COUNTS_HEADING)
    database_contents()
    st.stop()

q, muni = sel.quarter, sel.municipality_id
st.write(INTRO)
st.subheader(f"{markdown_text(sel.scope_label)} · {q.label}")

try:
    figures = query(key_figures, q.key, muni)
    look = query(need_vs_coverage, q.key, muni)
    kreis = query(district)
    catalogue = query(indicators).set_index("id")
    series = {
        catalogue.loc[i, "short_name"]: query(
            time_series, query(indicator, i), muni or kreis["id"], sel.quarters
        )
        for i in TREND_INDICATORS
        if i in catalogue.index
    }
    fresh = query(new_data, q.key)
    moved = query(stage_changes, q.key, muni)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

data_status([f.stand for f in figures if f.key in catalogue.index])

st.markdown(f"#### {FIGURES_HEADING}", help=FIGURES_HELP)
for start in range(0, len(figures), 4):
    cols = st.columns(4)
    for col, fig in zip(cols, figures[start : start + 4], strict=False):
        stand = f"Stand {format_date(fig.stand)}" if fig.stand else ""
        unchanged = bool(fig.delta and fig.delta.startswith("±"))
        col.metric(
            fig.label,
            fig.value,
            fig.delta,
            delta_color=fig.delta_color,
            delta_arrow="off" if unchanged else "auto",
            help=fig.help,
            border=True,
        )
        col.caption(stand)
if any(f.value == WITHHELD_SIGN for f in figures):
    st.caption(WITHHELD_LEGEND)

st.markdown(f"#### {LOOK_FIRST}")
st.caption(LOOK_FIRST_AID)
top = look[look["quadrant"] == "hoher Bedarf, niedrige Versorgung"].head(5)
if top.empty:
    st.info(LOOK_FIRST_NONE, icon=":material/check_circle:")
for r in top.itertuples():
    with st.container(border=True):
        left, right = st.columns([3, 2])
        left.markdown(f"**{markdown_text(r.name)}** ({markdown_text(r.municipality_name)})")
        left.caption(
            f"SGB-II-Quote u15: {r.need_display} · Zielerreichung der Kette: "
            f"{format_number(r.coverage_ratio * 100, 0)} % · "
            f"Lücken: {markdown_text(r.gaps) or 'keine'}"
        )
        params = {PARAM_QUARTER: q.key, "gebiet": r.area_id}
        if muni:
            params[PARAM_MUNICIPALITY] = muni
        right.page_link(
            "pages/area_profile.py",
            label="Steckbrief öffnen",
            icon=":material/arrow_forward:",
            query_params=params,
        )

st.markdown(f"#### {TRENDS}")
st.caption(TRENDS_AID)
units = {catalogue.loc[i, "short_name"]: catalogue.loc[i, "unit"] for i in TREND_INDICATORS}
st.plotly_chart(
    small_multiples(series, units, sel.scope_label), width="stretch", config={"displaylogo": False}
)
with st.expander("Daten der Diagramme"):
    table = to_frame(series)
    st.dataframe(table, hide_index=True, width="stretch")
    if shows_withheld(table):
        st.caption(WITHHELD_LEGEND)
    st.download_button(
        DOWNLOAD, to_csv_bytes(with_withheld_note(table)), "entwicklung.csv", "text/csv"
    )

st.markdown(f"#### {CHANGES}")
left, right = st.columns(2)
with left:
    st.markdown(f"**{NEW_DATA}**")
    if fresh.empty:
        st.caption(NO_NEW_DATA)
    for r in fresh.itertuples():
        st.markdown(f"- {markdown_text(r.indicator)}: Stand {format_date(r.stand)}")
with right:
    st.markdown(f"**{STAGE_CHANGES}**")
    if moved.empty:
        st.caption(NO_STAGE_CHANGES)
    for r in moved.itertuples():
        st.markdown(f"- {r.change} {markdown_text(r.name)}: jetzt {markdown_text(r.stage_label)}")

with st.expander(COUNTS_HEADING):
    database_contents()

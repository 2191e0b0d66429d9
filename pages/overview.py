"""Übersicht: what the database holds, the newest Datenstand and whether it is demo data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import PraevError
from core.format import format_date, format_number
from ui.inventory import load_inventory
from ui.texts import APP_TITLE, german_sort_key, table_label

INTRO = (
    "Der Präventionsmonitor zeigt, wo im Rhein-Kreis Neuss Kinder in Armut aufwachsen, "
    "ob die Präventionskette sie in jeder Lebensphase erreicht und wie weit die "
    "Netzwerke vor Ort sind."
)
DEMO_BADGE = "Demodaten"
DEMO_NOTE = (
    "Alle Zahlen in dieser Datenbank sind erzeugte Demodaten zum Ausprobieren, "
    "keine amtlichen Werte."
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
NO_DATE = "–"
COUNTS_HEADING = "Inhalt der Datenbank"
COL_TABLE = "Tabelle"
COL_ROWS = "Einträge"

st.title(APP_TITLE)
st.write(INTRO)

try:
    inventory = load_inventory()
except PraevError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()

if not inventory.migrated:
    st.info(NOT_MIGRATED, icon=":material/info:")
    st.stop()

if inventory.demo:
    st.badge(DEMO_BADGE, icon=":material/science:", color="orange")
    st.caption(DEMO_NOTE)
if inventory.empty:
    st.info(EMPTY, icon=":material/info:")

st.metric(
    DATA_AS_OF,
    format_date(inventory.newest) if inventory.newest else NO_DATE,
    help=DATA_AS_OF_HELP,
)

st.subheader(COUNTS_HEADING)
rows = sorted(
    ((table_label(name), n) for name, n in inventory.counts.items()),
    key=lambda row: german_sort_key(row[0]),
)
counts = pd.DataFrame(
    {
        COL_TABLE: [label for label, _ in rows],
        COL_ROWS: [format_number(n, 0) for _, n in rows],
    }
)
st.dataframe(
    counts,
    hide_index=True,
    width="content",
    height="content",
    column_config={COL_ROWS: st.column_config.TextColumn(COL_ROWS, alignment="right")},
)

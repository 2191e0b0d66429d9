"""The audit log section of „Daten verwalten“ (administrators only): filter, table, CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from core.audit_view import ACTION_LABELS, ENTITY_LABELS, audit_choices, audit_table
from core.exporting import to_csv_bytes
from core.permissions import may_manage_users
from core.present.numbers import MISSING, format_number
from ui.auth import current_user
from ui.query import query

HEADING = "Änderungsprotokoll"
INTRO = (
    "Jede Änderung – Netzwerkmeldung, Import, Rücknahme, eingefrorener Sitzungsstand, "
    "Benutzerverwaltung – steht hier mit Benutzer, Zeitpunkt, alten und neuen Werten, "
    "ebenso jede Anmeldung, jeder Fehlversuch (mit Client und Grund) und jede "
    "Anmeldesperre. Passwörter und ihre Prüfsummen werden nie protokolliert."
)
ALL = "(alle)"
LABEL_USER, LABEL_ACTION, LABEL_ENTITY = "Benutzer", "Aktion", "Bereich"
LABEL_PERIOD = "Zeitraum"
COUNT = (
    "{n} Einträge (höchstens {limit}, neueste zuerst). Zeiten in deutscher Ortszeit; die "
    "CSV enthält zusätzlich die vollständigen alten und neuen Werte."
)
EMPTY = "Für diese Auswahl gibt es keine Einträge."
DOWNLOAD = "Protokoll als CSV (Excel) herunterladen"
LIMIT = 1000
#: pixels per character of the table font (generous, so that nothing is cut) and the
#: cell padding; the widest column stays readable on a laptop
CHAR_WIDTH, PADDING, MAX_WIDTH = 6.9, 28, 640


def audit_section() -> None:
    """Filters (user, action, entity, period), the table and its CSV download."""
    if not may_manage_users(current_user()):
        return
    st.subheader(HEADING)
    st.caption(INTRO)
    choices = query(audit_choices)
    c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
    user = c1.selectbox(LABEL_USER, [ALL, *choices["user"]], key="audit_user")
    action = c2.selectbox(
        LABEL_ACTION,
        [ALL, *choices["action"]],
        format_func=lambda a: ACTION_LABELS.get(a, a),
        key="audit_action",
    )
    entity = c3.selectbox(
        LABEL_ENTITY,
        [ALL, *choices["entity"]],
        format_func=lambda e: ENTITY_LABELS.get(e, e),
        key="audit_entity",
    )
    today = dt.date.today()
    period = c4.date_input(
        LABEL_PERIOD,
        value=(today - dt.timedelta(days=90), today),
        format="DD.MM.YYYY",
        key="audit_period",
    )
    since, until = (*tuple(period or ()), None, None)[:2]
    table = query(
        audit_table,
        None if user == ALL else user,
        None if action == ALL else action,
        None if entity == ALL else entity,
        since,
        until,
        LIMIT,
    )
    st.caption(COUNT.format(n=format_number(len(table.shown), 0), limit=format_number(LIMIT, 0)))
    if table.shown.empty:
        st.info(EMPTY, icon=":material/info:")
        return
    st.dataframe(
        table.shown,
        hide_index=True,
        width="stretch",
        column_config=_fitted(table.shown),
        placeholder=MISSING,
    )
    st.download_button(
        DOWNLOAD,
        to_csv_bytes(table.export),
        file_name=table.file_name,
        mime="text/csv",
        icon=":material/download:",
        key="csv_audit",
    )


def _fitted(frame: pd.DataFrame) -> dict[str, Any]:
    """Each text column as wide as its longest cell (up to :data:`MAX_WIDTH`), so names
    and changes are read in full instead of cut with an ellipsis; the table scrolls
    sideways when the screen is narrower."""
    config: dict[str, Any] = {}
    for col in frame.columns:
        if not pd.api.types.is_string_dtype(frame[col]):
            continue
        longest = max([len(str(col)), *frame[col].astype(str).str.len()])
        width = min(MAX_WIDTH, int(longest * CHAR_WIDTH) + PADDING)
        config[str(col)] = st.column_config.TextColumn(str(col), width=width)
    return config

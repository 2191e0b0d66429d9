"""The audit log section of „Daten verwalten“ (administrators only): filter, table, CSV."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.audit_view import ACTION_LABELS, ENTITY_LABELS, audit_choices, audit_table
from core.permissions import may_manage_users
from core.present.numbers import format_number
from ui.auth import current_user
from ui.query import query
from ui.tables import table_with_csv

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
DOWNLOAD = "Protokoll als CSV"
LIMIT = 1000


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
    table_with_csv(table, key="audit", label=DOWNLOAD)

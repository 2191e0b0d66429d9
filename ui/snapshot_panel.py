"""The Sitzung page's sources: live data or a frozen session, and "Sitzung vorbereiten".

Freezing goes through :func:`core.reports.snapshot.freeze_session`, which checks the
permission, owns the transaction and writes the audit entry; afterwards
:func:`ui.query.after_write` forgets every cached result and the page opens the new
session.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from core.escaping import markdown_text
from core.permissions import may_create_snapshot
from core.present.numbers import format_date
from core.reports.content import build_report, report_fingerprint
from core.reports.snapshot import freeze_session, load_snapshot, snapshots
from core.reports.spec import iso_date, report_stand
from core.selection import Selection
from core.users import User
from ui.auth import current_user
from ui.badges import data_status
from ui.db import get_engine
from ui.query import after_write, query

SOURCE_LABEL = "Inhalt"
SOURCE_LIVE = "Aktuelle Daten (Auswahl in der Seitenleiste)"
SOURCE_FROZEN = "Eingefrorene Sitzung"
SOURCE_HELP = (
    "Eine eingefrorene Sitzung zeigt genau die Zahlen vom Zeitpunkt des Einfrierens, auch "
    "wenn seitdem neue Daten geladen wurden."
)
PICK_SNAPSHOT = "Sitzung"
NO_SNAPSHOTS = "Es gibt noch keine eingefrorene Sitzung."
#: what to do without a frozen session depends on who asks (core.permissions)
NO_SNAPSHOTS_MAY_FREEZE = (
    "Unten „Sitzung vorbereiten“ öffnen, um den heutigen Datenstand einzufrieren."
)
NO_SNAPSHOTS_SIGNED_IN = (
    "Einfrieren dürfen die Netzwerk-Koordination und die Administration. Bis dahin zeigt "
    "„Aktuelle Daten“ dieselben Folien mit den heutigen Zahlen."
)
NO_SNAPSHOTS_ANONYMOUS = (
    "Eingefroren wird eine Sitzung von der Netzwerk-Koordination oder der Administration "
    "nach der Anmeldung. Bis dahin zeigt „Aktuelle Daten“ dieselben Folien mit den "
    "heutigen Zahlen."
)
FROZEN_INFO = (
    "**{title}** · Sitzung am {date} · {scope}, {quarter} · {stand} · "
    "Prüfsumme `{hash}` · eingefroren von {by}"
)
DATA_CHANGED = (
    "Seit dem Einfrieren wurden Daten geändert. Gezeigt wird unverändert der eingefrorene "
    "Stand; die aktuellen Zahlen zeigt „Aktuelle Daten“."
)
PREPARE = "Sitzung vorbereiten (Datenstand einfrieren)"
PREPARE_INTRO = (
    "Speichert alle Folien mit den heutigen Zahlen für die gewählte Auswahl "
    "({scope}, {quarter}, Karte: {indicator}). Die Sitzung lässt sich später unverändert "
    "öffnen und ausgeben; der Vorgang wird protokolliert."
)
FIELD_TITLE, FIELD_DATE = "Titel der Sitzung", "Sitzungsdatum"
TITLE_PLACEHOLDER = "z. B. Jugendhilfeausschuss, 12. Sitzung"
FREEZE = "Einfrieren"
FROZEN_OK = "Die Sitzung „{title}“ ist eingefroren (Nr. {id})."
SIGNED_AS = "Protokolliert unter Ihrem Benutzernamen „{name}“."
KEY_SOURCE, KEY_SNAPSHOT = "session_source", "session_snapshot"
KEY_NEW_SNAPSHOT, KEY_FLASH = "_session_new_snapshot", "_session_flash"


def open_new_snapshot() -> None:
    """After freezing: open what was just frozen and say so."""
    if KEY_NEW_SNAPSHOT in st.session_state:
        st.session_state[KEY_SNAPSHOT] = st.session_state.pop(KEY_NEW_SNAPSHOT)
        st.session_state[KEY_SOURCE] = SOURCE_FROZEN


def flash() -> None:
    """The message of a session frozen in the previous run."""
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/lock:")


def _frozen_info(meta: dict[str, Any]) -> None:
    """Title, session date, Datenstand and hash of a frozen session; a note if data changed."""
    st.info(
        FROZEN_INFO.format(
            title=markdown_text(meta["session_title"]),
            date=format_date(iso_date(meta["session_date"])),
            scope=markdown_text(meta["scope"]),
            quarter=meta["quarter_label"],
            stand=report_stand({"meta": meta}).label,
            hash=markdown_text(meta["data_hash"][:12]),
            by=markdown_text(meta.get("created_by", "")),
        ),
        icon=":material/lock:",
    )
    if query(report_fingerprint) != meta["data_hash"]:
        st.warning(DATA_CHANGED, icon=":material/history:")


def no_snapshots_text(user: User | None) -> str:
    """What a visitor reads when no session is frozen yet: only those who may freeze
    (:func:`core.permissions.may_create_snapshot`) are sent to „Sitzung vorbereiten“."""
    if may_create_snapshot(user):
        hint = NO_SNAPSHOTS_MAY_FREEZE
    else:
        hint = NO_SNAPSHOTS_ANONYMOUS if user is None else NO_SNAPSHOTS_SIGNED_IN
    return f"{NO_SNAPSHOTS} {hint}"


def _frozen_report() -> dict[str, Any] | None:
    listed = query(snapshots)
    if listed.empty:
        st.info(no_snapshots_text(current_user()), icon=":material/info:")
        return None
    labels = {
        int(r.id): f"{r.title} · {format_date(r.session_date)} · {r.scope}, {r.quarter}"
        for r in listed.itertuples()
    }
    if st.session_state.get(KEY_SNAPSHOT) not in labels:
        st.session_state[KEY_SNAPSHOT] = next(iter(labels))
    chosen = st.selectbox(PICK_SNAPSHOT, list(labels), key=KEY_SNAPSHOT, format_func=labels.get)
    report: dict[str, Any] = query(load_snapshot, int(chosen))
    _frozen_info(report["meta"])
    return report


def choose_report(sel: Selection) -> dict[str, Any] | None:
    """The report to show: built live for the selection, or a frozen session."""
    source = st.radio(
        SOURCE_LABEL,
        [SOURCE_LIVE, SOURCE_FROZEN],
        key=KEY_SOURCE,
        horizontal=True,
        help=SOURCE_HELP,
    )
    if source == SOURCE_FROZEN:
        return _frozen_report()
    report: dict[str, Any] = query(build_report, sel.quarter, sel.municipality_id, sel.indicator)
    stand = report_stand(report)
    data_status([d for d in (stand.first, stand.last) if d])
    return report


def prepare_form(sel: Selection, user: User) -> None:
    """Freeze the Datenstand for a session (editors and admins; checked again on save)."""
    st.write(
        PREPARE_INTRO.format(
            scope=markdown_text(sel.scope_label),
            quarter=sel.quarter.label,
            indicator=markdown_text(sel.indicator.short_name),
        )
    )
    with st.form("session_prepare"):
        title = st.text_input(FIELD_TITLE, placeholder=TITLE_PLACEHOLDER, max_chars=300)
        session_date = st.date_input(FIELD_DATE, value=dt.date.today(), format="DD.MM.YYYY")
        st.caption(SIGNED_AS.format(name=markdown_text(user.name)))
        if not st.form_submit_button(FREEZE, icon=":material/lock:", type="primary"):
            return
        new_id = freeze_session(
            get_engine(),
            current_user(),
            title,
            session_date,
            sel.quarter,
            sel.municipality_id,
            sel.indicator,
        )
    after_write()
    st.session_state[KEY_NEW_SNAPSHOT] = new_id
    st.session_state[KEY_FLASH] = FROZEN_OK.format(title=markdown_text(title.strip()), id=new_id)
    st.rerun()

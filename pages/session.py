"""Ausschuss-Sitzung: choose and order slides, present them, hand out PPTX/PDF/Excel, and
freeze the Datenstand for a session ("Sitzung vorbereiten").

The page reads the selection and draws what core returns: the report comes from
:mod:`ui.snapshot_panel` (live or frozen), the slides from :mod:`ui.presentation`.
"""

from __future__ import annotations

import streamlit as st

from core.permissions import may_create_snapshot
from core.reports import SLIDE_KEYS, SLIDE_TITLES
from core.selection import Selection
from ui import presentation, snapshot_panel
from ui.auth import current_user
from ui.page import page

TITLE = "Ausschuss-Sitzung"
INTRO = (
    "Folien für die Sitzung des Jugendhilfeausschusses (oder eines anderen Ausschusses): "
    "auswählen, ordnen, im Präsentationsmodus zeigen und als PowerPoint, PDF-Sitzungsvorlage "
    "oder Excel-Tabellen mitgeben."
)
#: only for those who may freeze a session (core.permissions.may_create_snapshot)
INTRO_PREPARE = (
    "„Sitzung vorbereiten“ friert den Datenstand ein, damit in der Sitzung dieselben Zahlen "
    "stehen wie in der Vorlage."
)
SLIDES_LABEL = "Folien und Reihenfolge"
SLIDES_HELP = "Die Reihenfolge der Auswahl ist die Reihenfolge der Folien. Entfernen mit ×."
PRESENT = "Präsentationsmodus"
PRESENT_HELP = (
    "Volle Breite, große Schrift, ohne Seitenleiste; jede Folie passt auf den Bildschirm. "
    "Blättern mit ← und →, beenden mit Esc."
)
KEY_SLIDES = "session_slides"


def render(sel: Selection) -> None:
    """Choose the content and the slides, show them, offer the freezing of a session."""
    presenting = bool(st.session_state.get(presentation.KEY_PRESENTING))
    if presenting:
        presentation.hide_chrome()
    snapshot_panel.open_new_snapshot()
    user = current_user()
    may_freeze = user is not None and may_create_snapshot(user)
    # The controls stay rendered in presentation mode (hidden by CSS), so their values hold.
    with st.container(key=presentation.CONTROLS_KEY):
        st.title(TITLE)
        st.write(f"{INTRO} {INTRO_PREPARE}" if may_freeze else INTRO)
        snapshot_panel.flash()
        report = snapshot_panel.choose_report(sel)
        st.session_state.setdefault(KEY_SLIDES, list(SLIDE_KEYS))
        chosen = st.multiselect(
            SLIDES_LABEL,
            list(SLIDE_KEYS),
            key=KEY_SLIDES,
            format_func=SLIDE_TITLES.get,
            help=SLIDES_HELP,
        )
        st.toggle(PRESENT, key=presentation.KEY_PRESENTING, help=PRESENT_HELP)
    if report is not None:
        presentation.show(report, chosen, presenting)
    with st.container(key=presentation.PREPARE_KEY):
        if user is not None and may_freeze:
            with st.expander(snapshot_panel.PREPARE, icon=":material/lock:"):
                snapshot_panel.prepare_form(sel, user)


page(render)

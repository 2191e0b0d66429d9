"""Qualitätsbausteine: each Jugendamt's state of the 13 items of the four
Qualitätsbausteine in the Berichtsquartal and over time, its steering records
(Qualitätsbaustein 4), and the forms to report both."""

from __future__ import annotations

import streamlit as st

from core.selection import Selection
from ui.page import page
from ui.quality_panel import history_section, quarter_section, report_form
from ui.steering_panel import steering_form, steering_section

TITLE = "Qualitätsbausteine"
INTRO = (
    "Wie weit ist jedes Jugendamt mit den vier Qualitätsbausteinen der Präventionskette? "
    "Der Stand im Berichtsquartal mit Nachweisen, was sich seit dem Vorquartal geändert "
    "hat, der Verlauf über die Quartale und die Steuerung (Baustein 4)."
)
TABS = ["Stand im Quartal", "Verlauf", "Steuerung", "Bausteine melden", "Steuerung pflegen"]


def render(sel: Selection) -> None:
    """The Qualitätsbausteine page for the selection."""
    st.title(TITLE)
    st.caption(INTRO)
    tabs = st.tabs(TABS)
    with tabs[0]:
        quarter_section(sel)
    with tabs[1]:
        history_section(sel)
    with tabs[2]:
        steering_section(sel)
    with tabs[3]:
        report_form(sel)
    with tabs[4]:
        steering_form(sel)


page(render)

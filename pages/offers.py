"""Angebote: the offer landscape of the Jugendämter, kept in the app: the list of
offers with their places per life phase, access features and network, and the form to
add, correct and close an offer."""

from __future__ import annotations

import streamlit as st

from core.selection import Selection
from ui.offer_panel import offer_form, offer_list
from ui.page import page

TITLE = "Angebote"
INTRO = (
    "Welche Angebote gibt es wo, für wen und mit wie vielen Plätzen? Die Angebotslandschaft "
    "der Jugendämter, von den Koordinationen gepflegt."
)
TABS = ["Angebotsliste", "Angebot erfassen oder ändern"]


def render(sel: Selection) -> None:
    """The Angebote page for the selection."""
    st.title(TITLE)
    st.caption(INTRO)
    tabs = st.tabs(TABS)
    with tabs[0]:
        offer_list(sel)
    with tabs[1]:
        offer_form(sel)


page(render)

"""Sections of a page (being built)."""

from __future__ import annotations

import streamlit as st

from core.selection import Selection


def offer_list(sel: Selection) -> None:
    """Being built."""
    st.info("Dieser Bereich wird gerade aufgebaut.")


def offer_form(sel: Selection) -> None:
    """Being built."""
    st.info("Dieser Bereich wird gerade aufgebaut.")

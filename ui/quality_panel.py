"""Sections of a page (being built)."""

from __future__ import annotations

import streamlit as st

from core.selection import Selection


def quarter_section(sel: Selection) -> None:
    """Being built."""
    st.info("Dieser Bereich wird gerade aufgebaut.")


def history_section(sel: Selection) -> None:
    """Being built."""
    st.info("Dieser Bereich wird gerade aufgebaut.")


def report_form(sel: Selection) -> None:
    """Being built."""
    st.info("Dieser Bereich wird gerade aufgebaut.")

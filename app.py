"""Präventionsmonitor: the Streamlit entry point with page config and the page list.

Run with ``make run`` or ``streamlit run app.py``. Only pages that work are listed.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.texts import APP_TITLE

ROOT = Path(__file__).resolve().parent
PAGES_DIR = ROOT / "pages"

st.set_page_config(
    page_title=APP_TITLE,
    page_icon=str(ROOT / "ui" / "assets" / "favicon.png"),
    layout="wide",
)

pages = [
    st.Page(
        PAGES_DIR / "overview.py",
        title="Übersicht",
        icon=":material/dashboard:",
        url_path="uebersicht",
        default=True,
    ),
]

st.navigation(pages).run()

"""The Datenstand badge: the newest reference date of what a page shows, and "Demodaten"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from core.escaping import markdown_text
from core.inventory import is_demo
from core.present.numbers import format_date
from ui.query import query

DEMO_BADGE = "Demodaten"
DEMO_HELP = "Erzeugte Zahlen zum Ausprobieren, keine amtlichen Werte."


def data_status(stands: Iterable[dt.date | None] = (), source: str | None = None) -> None:
    """Show "Stand: <newest date>" (and the source) plus a Demodaten badge when demo data."""
    dates = [d for d in stands if d is not None and not pd.isna(d)]
    parts = []
    if dates:
        parts.append(f"Datenstand: {format_date(max(dates))}")
    if source:
        parts.append(f"Quelle: {markdown_text(source)}")
    cols = st.columns([1, 6]) if query(is_demo) else None
    if cols:
        with cols[0]:
            st.badge(DEMO_BADGE, icon=":material/science:", color="orange", help=DEMO_HELP)
        target = cols[1]
    else:
        target = st.container()
    if parts:
        target.caption(" · ".join(parts))

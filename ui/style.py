"""The few style rules every page shares: labels wrap instead of being cut off.

Streamlit shortens the label of a button or a key figure with "…" when the column is
narrow (a projector at 1280×720). A committee member must read the whole label, so it
wraps onto a second line instead. Style only: no script, no data.
"""

from __future__ import annotations

import streamlit as st

CSS = """
<style>
.stMarkdownEllipsis, .stMarkdownEllipsis *,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important;
  text-overflow: clip !important;
  overflow: visible !important;
}
button .stMarkdownEllipsis p { overflow-wrap: anywhere; text-align: center; }
</style>
"""


def install() -> None:
    """Add the shared rules to this run's page (a style element takes no space)."""
    st.html(CSS)

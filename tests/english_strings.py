"""English texts that must never be visible in the German app: the maintained list the
browser tests check every page and slide against.

These are texts Streamlit's frontend writes itself (uploader, tool bars and their
tooltips, column menu, select boxes, text fields, running indicator, main menu, skip
link, the "Page not found" dialog, error boxes). The app translates them with
``ui.german`` or avoids them (German placeholders, its own messages); a text listed here
that shows up again means a Streamlit update brought new wording or a widget lost its
German text.

Matching is case-sensitive and on word boundaries, on the *visible* text
(``innerText``, tooltips and ``aria-label`` s): Material icons are ligatures such as
``upload`` or ``search`` in lower case, and a ``<script>`` (ui.german's own dictionary)
is never visible. Add a text when it is seen; remove one only when Streamlit no longer
has it.
"""

from __future__ import annotations

import re

ENGLISH_STRINGS: tuple[str, ...] = (
    # navigation and app frame
    "Page not found",
    "does not seem to exist",
    "Running the app",
    "Skip to main content",
    "Running...",
    "Stopping...",
    "Stop",
    "Rerun",
    "Always rerun",
    "Print",
    "Record screen",
    "Record a screencast",
    "Made with Streamlit",
    "Settings",
    "Clear cache",
    "Main menu",
    "Collapse sidebar",
    "Expand sidebar",
    "Connecting",
    "Please wait",
    "Connection error",
    "Connection timed out",
    "Traceback",
    # file uploader
    "Drag and drop",
    "Browse files",
    "Limit 200MB",
    "per file",
    "Upload",
    "Add files",
    "file upload",
    # select boxes and multiselects
    "Choose an option",
    "Choose options",
    "Choose or add an option",
    "No options to select",
    "No results",
    "Clear all",
    "Clear value",
    "Select all",
    # text fields and dates
    "Press Enter",
    "Press Ctrl+Enter",
    "Press ⌘+Enter",
    "to submit form",
    "Show password",
    "Hide password",
    "Choose date",
    # tables and charts: tool bar, tooltips, column menu
    "Download as CSV",
    "Search",
    "Fullscreen",
    "Close fullscreen",
    "Show/hide columns",
    "Sort ascending",
    "Sort descending",
    "Pin column",
    "Hide column",
    "Autosize",
    "Copy column name",
    "Help for",
    # Plotly's own tool bar (German through ui.charts.chart_config)
    "Download plot",
    "Zoom in",
    "Zoom out",
    "Reset axes",
    "Autoscale",
    "Produced with Plotly",
)

_PATTERN = re.compile(
    "|".join(
        rf"(?<![\w]){re.escape(s)}(?![\w])" if s[-1].isalnum() else rf"(?<![\w]){re.escape(s)}"
        for s in sorted(ENGLISH_STRINGS, key=len, reverse=True)
    )
)


def english_in(text: str) -> list[str]:
    """The listed English texts found in ``text`` (case-sensitive, whole words), each once."""
    return sorted(set(_PATTERN.findall(text)))

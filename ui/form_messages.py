"""What every form shows after a save that did not go through: the error (a refusal,
a conflict) and the list of problems of the entry, each with its field and fix."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.errors import Problem
from core.escaping import markdown_lines, markdown_text

PROBLEMS = "Nicht gespeichert, bitte korrigieren:"


def form_errors(error: str | None, problems: Sequence[Problem] | None) -> None:
    """The error and the problems of the last save, as the form's user must read them
    (untrusted text escaped)."""
    if error:
        st.error(markdown_lines(error), icon=":material/error:")
    if problems:
        lines = [
            f"- **{markdown_text(p.column)}:** {markdown_text(p.problem)}. {markdown_text(p.fix)}"
            for p in problems
        ]
        st.error("\n".join([PROBLEMS, *lines]), icon=":material/error:")

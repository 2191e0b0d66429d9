"""The page pattern: a page is a ``render(selection)`` function, run by ``app.py``.

Every file in ``pages/`` ends with ``page(render)``. ``app.py`` builds the Selection
before the page runs and wraps ``page.run()`` in the one error boundary
(:func:`error_boundary`): a :class:`~core.errors.PraevError` raised anywhere below a
page becomes a German ``st.error`` and ends that page's run, so pages carry no
``try``/``except`` of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from core.errors import PraevError
from core.escaping import markdown_lines
from core.selection import Selection
from ui.filters import KEY_SELECTION


def page(render: Callable[[Selection], None]) -> None:
    """Run a page that needs data with this run's Selection."""
    selection = st.session_state.get(KEY_SELECTION)
    if selection is None:  # no data yet: the page is not listed; a stale link lands here
        st.stop()
    render(selection)


@contextmanager
def error_boundary() -> Iterator[None]:
    """Show a PraevError as a German error message instead of a traceback."""
    try:
        yield
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")

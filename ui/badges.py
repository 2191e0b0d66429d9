"""The Datenstand line of a page (:class:`~core.present.stand.Stand`, one rule for every
output), the "Demodaten" badge, and the cards of the Übersicht (key figures, where to
look first)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd
import streamlit as st

from core.escaping import markdown_text
from core.inventory import is_demo
from core.key_figures import KeyFigure
from core.present.changes import metric_delta
from core.present.numbers import format_percent
from core.present.stand import Stand
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN
from core.selection import PARAM_AREA, Selection
from ui.query import query

DEMO_BADGE = "Demodaten"
DEMO_HELP = "Erzeugte Zahlen zum Ausprobieren, keine amtlichen Werte."


def data_status(stand: Stand | Iterable[dt.date | None] = (), source: str | None = None) -> None:
    """Show the page's Datenstand (``Stand.label``; the source beside it) and a
    Demodaten badge for demo data. ``stand`` is a :class:`Stand`, or the reference dates
    of what the page shows (their Stand by the same rule)."""
    if not isinstance(stand, Stand):
        stand = Stand.of(stand)
    parts = []
    if not stand.empty:
        parts.append(stand.label)
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


def key_figure_cards(figures: Sequence[KeyFigure], per_row: int = 4) -> None:
    """The key figures as cards, each with its own Stand; the withheld legend when a
    card shows the sign."""
    for start in range(0, len(figures), per_row):
        cols = st.columns(per_row)
        for col, fig in zip(cols, figures[start : start + per_row], strict=False):
            col.metric(
                fig.label,
                fig.value,
                **metric_delta(fig.delta, fig.delta_color),  # ↑/↓/→: the one change rule
                help=fig.help,
                border=True,
            )
            stand = Stand.of([fig.stand])
            col.caption("" if stand.empty else stand.short)
    if any(f.value == WITHHELD_SIGN for f in figures):
        st.caption(WITHHELD_LEGEND)


def area_cards(areas: pd.DataFrame, sel: Selection) -> None:
    """One card per Sozialraum of :func:`core.key_figures.look_first`: need (with its
    Stand), target attainment, gaps, and a link to its Steckbrief keeping the selection."""
    for r in areas.itertuples():
        with st.container(border=True):
            left, right = st.columns([3, 2])
            left.markdown(f"**{markdown_text(r.name)}** ({markdown_text(r.municipality_name)})")
            left.caption(
                f"SGB-II-Quote u15: {r.need_display} ({Stand.of([r.need_stand]).short}) · "
                f"Zielerreichung der Kette: {format_percent(r.coverage_ratio)} · "
                f"Lücken: {markdown_text(r.gaps) or 'keine'}"
            )
            right.page_link(
                "pages/area_profile.py",
                label="Steckbrief öffnen",
                icon=":material/arrow_forward:",
                query_params=sel.params(**{PARAM_AREA: str(r.area_id)}),
            )

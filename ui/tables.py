"""The table widget: a :class:`core.present.tables.Table` on screen, with its legend,
its Stand and its CSV download, the same everywhere."""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from core.exporting import to_csv_bytes
from core.present.numbers import MISSING
from core.present.tables import Table
from core.present.vocabulary import TEXT_COLOUR, WITHHELD_LEGEND, cell_term

DOWNLOAD = "Tabelle als CSV (Excel) herunterladen"


#: a cell that shows a number (de-DE: dots only between groups of three digits), with
#: its unit ("12,3 %", "245,0 je 10.000"), a date, "–" or the withheld sign; not a
#: numbered label such as "1.1 Bestehende Angebote" or "2. Bedarfsklärung"
NUMBER_CELL = r"[-+±]?\d{1,3}(\.\d{3})*(,\d+)?( ?%| \D.*)?|\d\d\.\d\d\.\d{4}|–|•"


def _right_aligned(frame: pd.DataFrame) -> dict[str, Any]:
    """Columns whose shown text is a number are right-aligned like numbers."""
    config: dict[str, Any] = {}
    for col in frame.columns:
        cells = frame[col].dropna().astype(str)
        if len(cells) and cells.str.fullmatch(NUMBER_CELL).all():
            config[str(col)] = st.column_config.TextColumn(str(col), alignment="right")
    return config


def _tint(cell: object) -> str:
    term = cell_term(cell)
    return f"background-color: {term.tint}; color: {TEXT_COLOUR}" if term else ""


def tinted(frame: pd.DataFrame) -> pd.DataFrame | Styler:
    """``frame``, with the cells that show a traffic light, quality state or chain
    status ("● grün", "◐ begonnen") on the tint of their term; symbol and word stay,
    the colour only helps the eye. Unchanged when no cell shows one."""
    if frame.empty or not frame.map(cell_term).notna().to_numpy().any():
        return frame
    return frame.style.map(_tint)


def table_with_csv(
    table: Table,
    *,
    key: str,
    label: str = DOWNLOAD,
    height: int | Literal["auto", "stretch", "content"] = "auto",
    show_stand: bool = True,
    pin_first: bool = False,
) -> None:
    """Show ``table.shown``, the withheld legend when needed, the Stand and the CSV of
    ``table.export`` (the same rows and figures). ``pin_first``: the first column stays
    in place when a wide matrix scrolls sideways (its rows keep their labels)."""
    config = _right_aligned(table.shown)
    if pin_first and len(table.shown.columns):
        first = str(table.shown.columns[0])
        config[first] = st.column_config.TextColumn(first, pinned=True)
    st.dataframe(
        tinted(table.shown),
        hide_index=True,
        width="stretch",
        height=height,
        column_config=config,
        placeholder=MISSING,
    )
    notes = []
    if table.withheld:
        notes.append(WITHHELD_LEGEND)
    if show_stand and not table.stand.empty:
        notes.append(table.stand.label)
    if notes:
        st.caption(" · ".join(notes))
    st.download_button(
        label,
        to_csv_bytes(table.export),
        file_name=table.file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"csv_{key}",
    )

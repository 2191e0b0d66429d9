"""The table widget: a :class:`core.present.tables.Table` on screen, with its legend,
its Stand and its CSV download, the same everywhere."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.exporting import to_csv_bytes
from core.present.tables import Table
from core.present.vocabulary import WITHHELD_LEGEND

DOWNLOAD = "Tabelle als CSV (Excel) herunterladen"


def _right_aligned(frame: pd.DataFrame) -> dict[str, object]:
    """Columns whose shown text is a number are right-aligned like numbers."""
    config: dict[str, object] = {}
    for col in frame.columns:
        cells = frame[col].dropna().astype(str)
        if len(cells) and cells.str.fullmatch(r"[-+±]?[\d.]+(,\d+)?( ?%| .*)?|–|•").all():
            config[str(col)] = st.column_config.TextColumn(str(col), alignment="right")
    return config


def table_with_csv(
    table: Table,
    *,
    key: str,
    label: str = DOWNLOAD,
    height: int | str = "auto",
    show_stand: bool = True,
) -> None:
    """Show ``table.shown``, the withheld legend when needed, the Stand and the CSV of
    ``table.export`` (the same rows and figures)."""
    st.dataframe(
        table.shown,
        hide_index=True,
        width="stretch",
        height=height,  # type: ignore[arg-type]
        column_config=_right_aligned(table.shown),
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

"""Building blocks of report content: slides, tables and cells as plain JSON-able data,
and their German text for renderers (footer line, formatted cells)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from core.present.numbers import format_date, format_number
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN
from core.privacy import withheld
from core.reports import SLIDE_TITLES

#: List marker of bullet lines on slides and in the PDF; never the sign of withheld
#: cells (``WITHHELD_SIGN``), so a reader cannot mistake one for the other.
BULLET = "–"


def iso_date(text: str | None) -> dt.date | None:
    """``"2026-06-30"`` -> ``date(2026, 6, 30)``; None stays None (dates in the JSON)."""
    return dt.date.fromisoformat(text[:10]) if text else None


def cell(value: Any) -> Any:
    """A table cell as plain JSON: numbers stay numbers, NaN becomes None, dates text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return format_date(value)
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int | float | str):
        return value
    return str(value)


def table(
    name: str,
    df: pd.DataFrame,
    decimals: dict[str, int] | None = None,
    slide_rows: int = 0,
    slide_columns: list[str] | None = None,
) -> dict[str, Any]:
    """A table spec from a frame with German headers.

    On a slide only ``slide_columns`` are shown (None: all, []: the table is not shown
    on the slide, only in the Excel file and the PDF) and at most ``slide_rows`` rows
    (0: all).
    """
    decimals = decimals or {}
    return {
        "name": name,
        "columns": [str(c) for c in df.columns],
        "rows": [[cell(v) for v in row] for row in df.itertuples(index=False)],
        "decimals": [decimals.get(str(c)) for c in df.columns],
        "slide_rows": slide_rows,
        "slide_columns": slide_columns,
    }


def slide(key: str, **fields: Any) -> dict[str, Any]:
    """A slide dict with every field present (empty where unused)."""
    base: dict[str, Any] = {
        "key": key,
        "title": SLIDE_TITLES[key],
        "lead": "",
        "bullets": [],
        "figures": [],
        "charts": [],
        "image": None,
        "tables": [],
        "reading_aid": "",
        "source": "",
        "stand": "",
    }
    base.update(fields)
    return base


def masked(values: pd.Series, suppressed: pd.Series, decimals: int) -> list:
    """Rounded numbers for a table spec, the one sign where withheld."""
    return [
        withheld(None if pd.isna(v) else round(float(v), decimals), s)
        for v, s in zip(values, suppressed, strict=True)
    ]


def table_shows_withheld(spec: dict[str, Any]) -> bool:
    """True when a table spec has a withheld cell (the one sign)."""
    return any(v == WITHHELD_SIGN for row in spec["rows"] for v in row)


def shows_withheld(s: dict[str, Any]) -> bool:
    """True when a slide shows the one sign: in a key figure or a table cell."""
    return any(f.get("value") == WITHHELD_SIGN for f in s.get("figures", [])) or any(
        table_shows_withheld(t) for t in s.get("tables", [])
    )


def footer_text(report: dict[str, Any], s: dict[str, Any]) -> str:
    """The footer of a slide or page: the legend of the one sign where the slide shows
    it, source, Stand and "Demodaten" where it applies."""
    parts = [WITHHELD_LEGEND] if shows_withheld(s) else []
    if s.get("source"):
        parts.append(f"Quelle: {s['source']}")
    if s.get("stand"):
        parts.append(f"Stand: {s['stand']}")
    if report["meta"].get("demo"):
        parts.append("Demodaten")
    return " · ".join(parts)


def format_cell(value: Any, decimals: int | None) -> str:
    """A table cell as German text: ``1.234,5`` for numbers, text unchanged."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if decimals is None:
            decimals = 0 if float(value).is_integer() else 1
        return format_number(value, decimals)
    return str(value)


def slide_table(spec: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The columns and German text rows a slide shows of a table spec."""
    wanted = spec.get("slide_columns")
    cols = (
        list(range(len(spec["columns"])))
        if wanted is None
        else [spec["columns"].index(c) for c in wanted]
    )
    rows = spec["rows"][: spec["slide_rows"]] if spec.get("slide_rows") else spec["rows"]
    header = [spec["columns"][i] for i in cols]
    body = [[format_cell(r[i], spec["decimals"][i]) for i in cols] for r in rows]
    return header, body

"""Building blocks of report content: slides, tables and cells as plain JSON-able data,
and their German text for renderers (footer line, formatted cells).

The Stand of every slide, table, page and file follows the one rule of
:mod:`core.present.stand`: a slide carries the reference dates of its own values
(``stand_dates``: oldest and newest, ISO), the report the union of its slides
(``meta["stand_first"]`` .. ``meta["data_as_of"]``). Title slide, slide footers, PDF
headers and footers, the Excel overview and the CLI all write it through
:func:`slide_stand` / :func:`report_stand`, so they never contradict each other.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from core.present.numbers import din_round, format_date, format_number
from core.present.stand import Stand
from core.present.tables import Table
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN
from core.privacy import withheld
from core.reports import SLIDE_TITLES

#: Under a table a slide shows only in part: where the rest is (slides, presentation).
CUT_NOTE = "Die ersten {shown} von {total}; alle in der Excel-Datei und der Sitzungsvorlage (PDF)."

#: List marker of bullet lines on slides and in the PDF; never the sign of withheld
#: cells (``WITHHELD_SIGN``), so a reader cannot mistake one for the other.
BULLET = "–"


def iso_date(text: str | None) -> dt.date | None:
    """``"2026-06-30"`` -> ``date(2026, 6, 30)``; None stays None (dates in the JSON)."""
    return dt.date.fromisoformat(text[:10]) if text else None


_GERMAN_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def stand_dates(stand: Stand) -> list[str]:
    """A Stand as JSON: ``[first, last]`` in ISO, or ``[]`` when nothing has a date."""
    if stand.empty:
        return []
    return [d.isoformat() for d in (stand.first, stand.last) if d is not None]


def _stand_of(value: Stand | str | None, dates: Iterable[object] = ()) -> Stand:
    """The Stand a slide builder passed: a :class:`Stand`, or (older builders and frozen
    reports) German text naming its dates, united with ISO ``dates``."""
    if isinstance(value, Stand):
        stand = value
    else:
        found = [dt.date(int(y), int(m), int(d)) for d, m, y in _GERMAN_DATE.findall(value or "")]
        stand = Stand.of(found)
    return stand | Stand.of(iso_date(str(d)) for d in dates if d)


def slide_stand(s: dict[str, Any]) -> Stand:
    """The Stand of a slide: the reference dates of the values it shows."""
    if s.get("stand_dates"):
        return Stand.of(iso_date(d) for d in s["stand_dates"])
    return _stand_of(s.get("stand"))


def report_stand(report: dict[str, Any]) -> Stand:
    """The Stand of a report: the union of the Stände of its slides (kept in its meta)."""
    meta = report["meta"]
    last = iso_date(meta.get("data_as_of"))
    return Stand(iso_date(meta.get("stand_first")) or last, last)


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


def pair_table(
    name: str,
    pair: Table,
    slide_rows: int = 0,
    slide_columns: list[str] | None = None,
) -> dict[str, Any]:
    """A table spec from a :class:`~core.present.tables.Table` pair: ``rows`` are its
    export face (numbers, the withheld sign) for the Excel file, ``text`` its shown
    face (German text) for slides, PDF and the presentation: the same cells the page
    shows and its CSV gives. ``slide_rows``/``slide_columns`` as in :func:`table`."""
    spec = table(name, pair.export, slide_rows=slide_rows, slide_columns=slide_columns)
    # the shown face, column for column of the export (the export may add a column, such
    # as the Datenschutz note, that the screen gives as a legend instead)
    shown = pair.shown.reindex(columns=pair.export.columns)
    shown = shown.fillna(pair.export.astype(object)) if len(shown) else shown
    spec["text"] = [["" if pd.isna(v) else str(v) for v in row] for row in shown.to_numpy()]
    spec["stand_dates"] = stand_dates(pair.stand)
    return spec


def slide(key: str, **fields: Any) -> dict[str, Any]:
    """A slide dict with every field present (empty where unused).

    ``stand`` is the :class:`Stand` of the slide's values (German text naming the dates
    is read too); the slide keeps its text by the one rule and its dates in
    ``stand_dates``. Tables built by :func:`pair_table` add their own Stand.
    """
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
    stand = _stand_of(base["stand"], base.pop("_stand_dates", []))
    for t in base["tables"]:
        stand = stand | Stand.of(iso_date(d) for d in t.get("stand_dates", []))
    base["stand"] = "" if stand.empty else stand.text
    base["stand_dates"] = stand_dates(stand)
    return base


def masked(values: pd.Series, suppressed: pd.Series, decimals: int) -> list:
    """Numbers rounded by DIN 1333 for a table spec, the one sign where withheld."""
    return [
        withheld(None if pd.isna(v) else din_round(float(v), decimals), s)
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
    stand = slide_stand(s)
    if not stand.empty:
        parts.append(stand.label)
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
    header = [spec["columns"][i] for i in cols]
    body = [[r[i] for i in cols] for r in table_text(spec)]
    return header, body[: spec["slide_rows"]] if spec.get("slide_rows") else body


def cut_note(spec: dict[str, Any]) -> str:
    """The note under a table a slide shows only in part (``slide_rows``): how many of
    how many, and where all of them are; empty when the slide shows every row."""
    total = len(spec["rows"])
    shown = min(spec.get("slide_rows") or total, total)
    return CUT_NOTE.format(shown=shown, total=total) if shown < total else ""


def integer_axis(spec: dict[str, Any]) -> bool:
    """True for a chart of counts (no unit, no decimals): its value axis has whole-number
    ticks only (never "17,5 Netzwerke")."""
    return not spec.get("unit") and not int(spec.get("decimals") or 0)


def value_top(spec: dict[str, Any]) -> float:
    """The largest value a chart spec draws: the highest stack of a stacked bar chart,
    else the highest single value (0 without values)."""
    columns = [[v or 0 for v in s["values"]] for s in spec["series"]]
    if spec["kind"] == "stacked_bar":
        return float(max((sum(c) for c in zip(*columns, strict=True)), default=0))
    return float(max((max(c, default=0) for c in columns), default=0))


def integer_step(top: float, ticks: int = 5) -> int:
    """The distance of whole-number ticks up to ``top``: 1, 2, 5, 10, 20, 50, … so that
    about ``ticks`` ticks fit."""
    raw = max(top / max(ticks, 1), 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def table_text(spec: dict[str, Any]) -> list[list[str]]:
    """Every row of a table spec as German text: its shown face when it came from a
    :class:`Table` pair, else its numbers formatted (DIN 1333) with their decimals."""
    if "text" in spec:
        return [list(row) for row in spec["text"]]
    return [
        [format_cell(v, d) for v, d in zip(row, spec["decimals"], strict=True)]
        for row in spec["rows"]
    ]

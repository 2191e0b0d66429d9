"""The report as an Excel workbook: the table behind every slide, a sheet each, plus the
definitions and sources. Numbers stay numbers; withheld cells show the one sign, exactly
as on the slides, and a sheet that shows it explains it in its ``Datenschutz`` column."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from core.exporting import to_xlsx_bytes
from core.present.numbers import format_date
from core.present.stand import LABEL
from core.present.tables import with_withheld_note
from core.reports.spec import iso_date, report_stand, slide_stand, table_shows_withheld

OVERVIEW_SHEET = "Übersicht"
DEFINITIONS_SHEET = "Definitionen und Quellen"


def _frame(spec: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(spec["rows"], columns=spec["columns"], dtype=object)


def _made(created_at: str) -> str:
    """The time a report was made, as written in it: ``"01.12.2026, 05:47 Uhr"``."""
    try:
        return dt.datetime.fromisoformat(created_at).strftime("%d.%m.%Y, %H:%M Uhr")
    except ValueError:
        return created_at


def _overview(report: dict[str, Any]) -> pd.DataFrame:
    meta = report["meta"]
    rows = [
        ("Bericht", meta.get("session_title") or meta["title"]),
        ("Gebiet", meta["scope"]),
        ("Berichtsquartal", meta["quarter_label"]),
        (LABEL, report_stand(report).text),
        ("Prüfsumme der Daten", meta["data_hash"]),
        ("Erstellt am", _made(meta["created_at"])),
    ]
    if meta.get("session_date"):
        rows.insert(1, ("Sitzungsdatum", format_date(iso_date(meta["session_date"]))))
    if meta.get("demo"):
        rows.append(("Hinweis", "Demodaten: erfundene Zahlen, keine amtlichen Werte"))
    rows.append(("", ""))
    rows += [(f"Blatt {i}", s["title"]) for i, s in enumerate(report["slides"], 1)]
    return pd.DataFrame(rows, columns=["Angabe", "Wert"])


def sheets(report: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: an overview, every slide's tables, then the definitions."""
    out = {OVERVIEW_SHEET: _overview(report)}
    for number, spec in enumerate(report["slides"], 1):
        for table in spec["tables"]:
            frame = _frame(table)
            if spec.get("source") and "Quelle" not in frame.columns:
                frame["Quelle"] = spec["source"]
            stand = slide_stand(spec)
            if not stand.empty and "Stand" not in frame.columns:
                frame["Stand"] = stand.text
            if table_shows_withheld(table):
                frame = with_withheld_note(frame)
            out[f"{number} {table['name']}"[:31]] = frame
    definitions = report.get("definitions") or []
    for i, table in enumerate(definitions):
        name = DEFINITIONS_SHEET if i == 0 else table["name"]
        out[name[:31]] = _frame(table)
    return out


def to_report_xlsx_bytes(report: dict[str, Any]) -> bytes:
    """The workbook as XLSX bytes."""
    return to_xlsx_bytes(sheets(report))

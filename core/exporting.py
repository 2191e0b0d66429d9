"""Exports of exactly what the pages show: German headers, Stand and source on every row,
withheld cells as the one sign (:data:`core.privacy.WITHHELD_SIGN`) with its legend
text in the ``Datenschutz`` column, whatever the reason. CSV is written as German
Excel reads it (``;``, decimal comma, UTF-8 with BOM); XLSX keeps numbers as numbers
and the sign as text.
Neither ever carries a live formula: text that a spreadsheet would evaluate is written
as text (:func:`core.escaping.spreadsheet_text`; in XLSX as a string cell with Excel's
quote prefix), and control characters that XLSX cannot hold are dropped.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Connection, Engine

from core.areas import area
from core.escaping import is_formula, spreadsheet_text
from core.present.chain_tables import coverage_table
from core.present.indicator_tables import DEMO_NOTE, indicator_table  # noqa: F401 (DEMO_NOTE)
from core.present.network_tables import network_status_table
from core.quarters import Quarter, parse_quarter

TABLES = ("indicators", "coverage", "networks")


def _german_cell(value: object) -> object:
    if isinstance(value, float):
        if pd.isna(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return spreadsheet_text(value)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV as German Excel opens it: ``;``, decimal comma, UTF-8 with BOM.

    Columns that mix numbers and text (suppressed cells) get their numbers written
    with a decimal comma too; whole numbers are written without decimals. Text that
    could start a formula, in cells and headers, gets a leading apostrophe.
    """
    out = df.copy()
    out.columns = [spreadsheet_text(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(_german_cell)
    return out.to_csv(sep=";", index=False).encode("utf-8-sig")


def _xlsx_safe(df: pd.DataFrame) -> pd.DataFrame:
    """The frame without the control characters that an XLSX cell cannot hold."""

    def clean(value: object) -> object:
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    out = df.copy()
    out.columns = [clean(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(clean)
    return out


def _inert_sheet(ws: Any) -> None:
    """Every text cell of a written sheet as plain text: a formula becomes a string cell
    with Excel's quote prefix."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" or (isinstance(cell.value, str) and is_formula(cell.value)):
                cell.data_type = "s"
                cell.quotePrefix = True


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An XLSX workbook with one sheet per table (names cut to Excel's 31 characters).

    Every text cell is a string cell; text that looks like a formula carries Excel's
    quote prefix, so neither Excel nor LibreOffice evaluates it.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            _xlsx_safe(df).to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            _inert_sheet(ws)
            for col in ws.columns:
                width = max(len(str(c.value or "")) for c in col[:200])
                ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
            ws.freeze_panes = "A2"
    return buf.getvalue()


def export_table(
    conn: Connection,
    table: str,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    indicator_id: str | None = None,
) -> pd.DataFrame:
    """The table ``indicators``, ``coverage`` or ``networks`` for a selection."""
    if municipality_id:
        area(conn, municipality_id)  # NotFoundError for an unknown AGS
    if table == "indicators":
        return indicator_table(conn, parse_quarter(quarter), municipality_id, indicator_id).export
    if table == "coverage":
        return coverage_table(conn, parse_quarter(quarter), municipality_id).export
    if table == "networks":
        return network_status_table(conn, parse_quarter(quarter), municipality_id).export
    raise ValueError(table)


SHEET_NAMES = {"indicators": "Indikatoren", "coverage": "Versorgung", "networks": "Netzwerke"}


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``export indicators|coverage|networks`` on the CLI."""
    p = sub.add_parser("export", help="Tabellen exportieren (CSV für Excel oder XLSX)")
    p.add_argument("table", choices=TABLES, help="was exportiert wird")
    p.add_argument("--quarter", required=True, help="Berichtsquartal, z. B. 2026-Q3")
    p.add_argument("--kommune", help="AGS einer Kommune (Standard: ganzer Kreis)")
    p.add_argument("--indicator", help="nur dieser Indikator (bei indicators)")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        default=None,
        help="Dateiformat (Standard: aus der Dateiendung, sonst csv)",
    )
    p.add_argument("-o", "--output", required=True, help="Zieldatei")


def run_export(engine: Engine, args: argparse.Namespace) -> int:
    """Carry out ``export`` from parsed CLI arguments."""
    out = Path(args.output)
    fmt = args.format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    q = parse_quarter(args.quarter)
    with engine.connect() as conn:
        df = export_table(conn, args.table, q, args.kommune, args.indicator)
    data = to_xlsx_bytes({SHEET_NAMES[args.table]: df}) if fmt == "xlsx" else to_csv_bytes(df)
    out.write_bytes(data)
    print(f"{len(df)} Zeilen nach {out} geschrieben ({q.label}).")
    return 0

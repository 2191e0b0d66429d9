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

from core.areas import area, district
from core.escaping import is_formula, spreadsheet_text
from core.inventory import is_demo
from core.networks import youth_office_of, youth_offices
from core.offers import offer_landscape
from core.present.chain_tables import coverage_table
from core.present.indicator_tables import DEMO_NOTE, indicator_table  # noqa: F401 (DEMO_NOTE)
from core.present.network_tables import network_status_table
from core.present.offer_tables import offer_list_table
from core.present.quality_tables import evidence_of
from core.present.stand import Stand
from core.present.steering_tables import (
    decision_table,
    group_table,
    leitbild_table,
    post_table,
    steering_summary,
)
from core.present.tables import Table
from core.quality import quality_progress
from core.quarters import Quarter, parse_quarter

TABLES = ("indicators", "coverage", "networks", "quality", "steering", "offers")


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
    """The table ``indicators``, ``coverage``, ``networks``, ``quality`` (each
    Jugendamt's Qualitätsbausteine with evidence), ``steering`` (the steering summary
    per Jugendamt) or ``offers`` (the offer landscape) for a selection."""
    if municipality_id:
        area(conn, municipality_id)  # NotFoundError for an unknown AGS
    if table in OWN_WORK:
        return own_work_tables(conn, table, parse_quarter(quarter), municipality_id)[0].export
    if table == "indicators":
        return indicator_table(conn, parse_quarter(quarter), municipality_id, indicator_id).export
    if table == "coverage":
        return coverage_table(conn, parse_quarter(quarter), municipality_id).export
    if table == "networks":
        return network_status_table(conn, parse_quarter(quarter), municipality_id).export
    raise ValueError(table)


SHEET_NAMES = {
    "indicators": "Indikatoren",
    "coverage": "Versorgung",
    "networks": "Netzwerke",
    "quality": "Qualitätsbausteine",
    "steering": "Steuerung",
    "offers": "Angebote",
}
OWN_WORK = ("quality", "steering", "offers")
STEERING_SHEETS = ("Leitbild", "Steuerungsgruppe", "Koordinationsstelle", "Beschlüsse")


def own_work_tables(
    conn: Connection, table: str, quarter: Quarter, municipality_id: str | None = None
) -> list[Table]:
    """The tables of the Jugendämter's own records as their pages show them: the first
    is the one a CSV holds; an XLSX holds all (``steering``: the summary, then one
    sheet per kind of record). Records as of the quarter's end."""
    office = youth_office_of(conn, municipality_id) if municipality_id else None
    demo = is_demo(conn)
    if table == "quality":
        return [evidence_of(quality_progress(conn, quarter, office), quarter, demo)]
    if table == "offers":
        scope = str((area(conn, municipality_id) if municipality_id else district(conn))["name"])
        offers = offer_landscape(conn, quarter.end, municipality_id)
        return [offer_list_table(offers, quarter.end, scope)]
    offices = [office] if office else list(youth_offices(conn)["id"])
    summary = steering_summary(conn, offices, quarter.end)
    return [
        Table(summary, summary.copy(), Stand.of([quarter.end]), f"steuerung_{quarter.key}.csv"),
        leitbild_table(conn, office),
        group_table(conn, quarter, office),
        post_table(conn, quarter, office),
        decision_table(conn, office),
    ]


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
        sheets = {SHEET_NAMES[args.table]: df}
        if fmt == "xlsx" and args.table == "steering":
            details = own_work_tables(conn, "steering", q, args.kommune)[1:]
            sheets.update({STEERING_SHEETS[i]: t.export for i, t in enumerate(details)})
    data = to_xlsx_bytes(sheets) if fmt == "xlsx" else to_csv_bytes(df)
    out.write_bytes(data)
    print(f"{len(df)} Zeilen nach {out} geschrieben ({q.label}).")
    return 0

"""The Sozialraum-Steckbrief as a printable A4 PDF and as an Excel workbook (the same
content as the page).

Built from the same core functions as the page, so privacy suppression is the one the
page shows; pure Python (fpdf2), no browser.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from core.areas import area as area_row
from core.catalogue import indicators
from core.coverage import coverage_cells
from core.exporting import to_xlsx_bytes
from core.inventory import data_fingerprint, is_demo, quarters_with_data
from core.present.profile_tables import area_chain_table, indicator_table, population_table
from core.present.tables import Table
from core.present.vocabulary import WITHHELD_LEGEND
from core.privacy import PrivacyRules
from core.profile import history_until, indicator_panels, population_by_phase, profile_rows
from core.quarters import Quarter, parse_quarter
from core.reports.pdf import MUTED, Vorlage, _paragraph, _table

PROFILE_TABLES = ["area", "indicator_value", "population", "offer", "offer_life_phase"]


#: columns the one-page PDF leaves out (the sources are listed below the tables)
PDF_OMITS = ("Quelle", "Plätze", "Stand Kinder")


def _spec(table: Table) -> dict[str, Any]:
    """A Table's shown face as the PDF's table spec (the text the page shows)."""
    frame = table.shown.drop(columns=list(PDF_OMITS), errors="ignore")
    rows = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": rows,
        "decimals": [None] * len(frame.columns),
    }


def profile_tables(
    conn: Connection, area_id: str, quarter: Quarter, rules: PrivacyRules | None = None
) -> dict[str, Table]:
    """The Steckbrief's tables (population, indicators, chain), the same as the page's."""
    rules = rules or PrivacyRules.from_settings()
    me = area_row(conn, area_id)
    history = history_until(quarter, quarters_with_data(conn))
    profile = profile_rows(
        indicators(conn), indicator_panels(conn, history, rules), me, quarter, rules
    )
    cells = coverage_cells(conn, quarter, me["municipality_id"], rules)
    return {
        "population": population_table(
            population_by_phase(conn, area_id, quarter, rules), area_id, quarter
        ),
        "indicators": indicator_table(profile, area_id, quarter),
        "chain": area_chain_table(cells, area_id, quarter),
    }


#: sheet name -> table of :func:`profile_tables`
XLSX_SHEETS = {"Kennzahlen": "indicators", "Kinder": "population", "Präventionskette": "chain"}


def profile_xlsx_bytes(tables: dict[str, Table]) -> bytes:
    """The Steckbrief's tables as a workbook: their export faces (numbers as numbers,
    units and Stand in columns of their own, withheld cells as the sign)."""
    return to_xlsx_bytes({sheet: tables[key].export for sheet, key in XLSX_SHEETS.items()})


def profile_content(
    conn: Connection, area_id: str, quarter: str | Quarter, rules: PrivacyRules | None = None
) -> dict[str, Any]:
    """Everything the Steckbrief PDF shows, as plain data; its Datenstand is the union of
    the Stände of its tables."""
    q = parse_quarter(quarter)  # a Quarter; text still accepted for older callers
    me = area_row(conn, area_id)
    tables = profile_tables(conn, area_id, q, rules)
    stand = tables["population"].stand | tables["indicators"].stand | tables["chain"].stand
    sources = [*tables["indicators"].shown["Quelle"], *tables["population"].shown["Quelle"]]
    return {
        "meta": {
            "title": f"Steckbrief {me['name']}",
            "scope": f"{me['name']} ({me['municipality_name']})",
            "quarter_label": q.label,
            "demo": is_demo(conn),
            "data_as_of": stand.last.isoformat() if stand.last else None,
            "stand": stand.text,
            "data_hash": data_fingerprint(conn, PROFILE_TABLES),
        },
        **{key: _spec(table) for key, table in tables.items()},
        "sources": sorted(set(sources)),
    }


def profile_pdf_bytes(content: dict[str, Any]) -> bytes:
    """Render :func:`profile_content` as an A4 PDF with page numbers and sources."""
    return bytes(build_profile(content).output())


def build_profile(content: dict[str, Any]) -> Vorlage:
    """:func:`profile_content` set as an A4 document (tables as wide as their words)."""
    pdf = Vorlage(content)
    pdf.alias_nb_pages()
    pdf.add_page()
    meta = content["meta"]
    _paragraph(pdf, meta["title"], size=18, style="B")
    note = f"{meta['scope']} · {meta['quarter_label']}"
    if meta["demo"]:
        note += " · Demodaten (erfunden, nur zur Ansicht)"
    _paragraph(pdf, note, size=9, colour=MUTED)
    for heading, key in (
        ("Kinder und Jugendliche nach Lebensphase", "population"),
        ("Indikatoren", "indicators"),
        ("Präventionskette im Sozialraum", "chain"),
    ):
        _paragraph(pdf, heading, size=12, style="B")
        _table(pdf, content[key])
    _paragraph(pdf, "Quellen", size=10, style="B")
    _paragraph(pdf, "; ".join(content["sources"]), size=7.5, colour=MUTED)
    _paragraph(pdf, f"Datenschutz: {WITHHELD_LEGEND}", size=7.5, colour=MUTED)
    return pdf

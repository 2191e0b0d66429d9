"""The Sozialraum-Steckbrief as a printable A4 PDF (the same content as the page).

Built from the same core functions as the page, so privacy suppression is the one the
page shows; pure Python (fpdf2), no browser.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection

from core.areas import area as area_row
from core.catalogue import indicators
from core.coverage import coverage_cells
from core.inventory import data_fingerprint, is_demo, quarters_with_data
from core.present.numbers import format_date, format_number
from core.present.vocabulary import WITHHELD_LEGEND
from core.privacy import PrivacyRules, withheld
from core.profile import indicator_panels, population_by_phase, profile_rows
from core.quarters import parse_quarter
from core.reports.pdf import MUTED, Vorlage, _paragraph, _table

PROFILE_TABLES = ["area", "indicator_value", "population", "offer", "offer_life_phase"]


def chain_status(status: object, gap: object) -> str:
    """The status of a life phase in the Sozialraum: ``"erreicht"``, ``"Lücke"``, ``"–"``."""
    if isinstance(status, str):
        return status
    return "Lücke" if gap is True else "–"


def _spec(columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"columns": columns, "rows": rows, "decimals": [None] * len(columns)}


def profile_content(
    conn: Connection, area_id: str, quarter: str, rules: PrivacyRules | None = None
) -> dict[str, Any]:
    """Everything the Steckbrief PDF shows, as plain data."""
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    me = area_row(conn, area_id)
    panels = indicator_panels(conn, q, quarters_with_data(conn), rules)
    profile = profile_rows(indicators(conn), panels, me, q, rules)
    population = population_by_phase(conn, area_id, q, rules)
    cells = coverage_cells(conn, q, me["municipality_id"], rules)
    cells = cells[cells["area_id"] == area_id]
    stands = [d for d in profile["stand"] if d is not None and not pd.isna(d)]
    return {
        "meta": {
            "title": f"Steckbrief {me['name']}",
            "scope": f"{me['name']} ({me['municipality_name']})",
            "quarter_label": q.label,
            "demo": is_demo(conn),
            "data_as_of": max(stands).isoformat() if stands else None,
            "data_hash": data_fingerprint(conn, PROFILE_TABLES),
        },
        "population": _spec(
            ["Lebensphase", "Alter", "Anzahl"],
            [[r.phase, r.ages, r.display] for r in population.itertuples()],
        ),
        "indicators": _spec(
            ["Indikator", "Wert", "Stand", me["municipality_name"] or "Kommune", "Kreis"],
            [
                [
                    r.indicator,
                    r.display,
                    format_date(r.stand) if r.stand is not None and not pd.isna(r.stand) else "–",
                    r.municipality_display,
                    r.district_display,
                ]
                for r in profile.itertuples()
            ],
        ),
        "chain": _spec(
            ["Lebensphase", "Angebote", "Versorgung", "Ziel", "Status"],
            [
                [
                    r.phase,
                    int(r.offers),
                    withheld(f"{format_number(r.coverage, 1)} {r.metric_label}", r.suppressed),
                    format_number(r.target, 0),
                    withheld(chain_status(r.status, r.gap), r.suppressed),
                ]
                for r in cells.itertuples()
            ],
        ),
        "sources": sorted(set(profile["source"])),
    }


def profile_pdf_bytes(content: dict[str, Any]) -> bytes:
    """Render :func:`profile_content` as an A4 PDF with page numbers and sources."""
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
    return bytes(pdf.output())

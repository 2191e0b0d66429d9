"""One source for what is shown: every key figure and table of a quarter reads the same
on the page, in its CSV download, in the committee report's Excel file, on its slides
(PPTX) and in its handout (PDF) — the same figures, the same withheld signs, the same
Stand — for two quarters.

Page and CSV are taken from the running app (AppTest, the bytes a browser downloads);
PPTX, PDF and XLSX from the report the Ausschuss-Sitzung page and the CLI build.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from core.key_figures import key_figures
from core.present.numbers import format_date
from core.present.stand import Stand
from core.present.vocabulary import WITHHELD_SIGN
from core.quarters import parse_quarter
from core.reports.content import build_report
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.spec import report_stand, slide_stand
from core.reports.xlsx import to_report_xlsx_bytes
from tests.app_support import downloads, open_app, shown_text

QUARTERS = ["2026-Q3", "2025-Q2"]


@dataclass(frozen=True)
class Files:
    """The committee report of one quarter, as its three files read back."""

    report: dict
    slides: dict[str, str]  # slide key -> text of the PPTX slide
    pdf: str  # all pages, whitespace removed
    pdf_pages: list[str]
    xlsx: openpyxl.Workbook


def _squeeze(text: str) -> str:
    """Text without white space (PDF lines break anywhere) and without pictographs
    beyond the PDF font (the traffic light keeps its word: "🟢 grün" -> "grün")."""
    return re.sub(r"[\s\U0001F300-\U0001FAFF\u2B1C\u2705]+", "", text)


@pytest.fixture(scope="module", params=QUARTERS)
def files(request, demo_engine) -> Files:
    with demo_engine.connect() as conn:
        report = build_report(conn, parse_quarter(request.param))
    deck = Presentation(io.BytesIO(to_pptx_bytes(report)))
    slides = {
        s["key"]: "\n".join(sh.text_frame.text for sh in page.shapes if sh.has_text_frame)
        for s, page in zip(report["slides"], deck.slides, strict=True)
    }
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(to_pdf_bytes(report))).pages]
    workbook = openpyxl.load_workbook(io.BytesIO(to_report_xlsx_bytes(report)))
    return Files(report, slides, _squeeze("\n".join(pages)), pages, workbook)


def _quarter(files: Files) -> str:
    return files.report["meta"]["quarter"]


def _sheet(files: Files, name: str) -> pd.DataFrame:
    """An Excel sheet as German text cells, as the CSV writes them."""
    title = next(t for t in files.xlsx.sheetnames if t.split(" ", 1)[-1] == name)
    rows = [[_cell(c.value) for c in row] for row in files.xlsx[title].iter_rows()]
    return pd.DataFrame(rows[1:], columns=rows[0])


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", dtype=str, keep_default_na=False)


def sheet_rows(files: Files, name: str, key: str) -> list[str]:
    """The key column of a report sheet: the rows the handout carries."""
    return _sheet(files, name)[key].tolist()


def _slide(files: Files, key: str) -> dict:
    return next(s for s in files.report["slides"] if s["key"] == key)


def test_key_figures_read_the_same_everywhere(monkeypatch, demo_url, demo_engine, files) -> None:
    q = _quarter(files)
    with demo_engine.connect() as conn:
        figures = key_figures(conn, parse_quarter(q))
    at = open_app(monkeypatch, demo_url, params={"quartal": q})
    page = [(m.label, m.value) for m in at.metric if m.label in {f.label for f in figures}]
    assert page == [(f.label, f.value) for f in figures]
    on_page = shown_text(at)
    slide = _slide(files, "key_figures")
    assert [(f["label"], f["value"], f["stand"]) for f in slide["figures"]] == [
        (f.label, f.value, format_date(f.stand)) for f in figures
    ]
    sheet = _sheet(files, "Kennzahlen").set_index("Kennzahl")
    for f in figures:
        stand = f"Stand {format_date(f.stand)}"
        assert stand in on_page
        assert f.value in files.slides["key_figures"] and stand in files.slides["key_figures"]
        assert _squeeze(f.value) in files.pdf
        assert (sheet.loc[f.label, "Wert"], sheet.loc[f.label, "Stand"]) == (
            f.value,
            format_date(f.stand),
        )
    # the page's Stand and the report's agree: both end with the quarter's newest value
    header = next(c.value for c in at.caption if str(c.value).startswith("Datenstand: "))
    assert Stand.of(f.stand for f in figures).last == slide_stand(slide).last
    assert slide_stand(slide).text in header or slide_stand(slide).last.strftime("%d.%m.%Y") in str(
        header
    )


#: (page, CSV download, report sheet, key column, columns compared)
TABLES = {
    "map": (
        "karte",
        "karte_sgb2_u15_{q}_area.csv",
        "Karte",
        "Kennung",
        ["Sozialraum", "Kommune", "Wert (%)", "Stand", "Datenschutz"],
    ),
    "chain": (
        "praeventionskette",
        "praeventionskette_{q}_kreis.csv",
        "Präventionskette",
        "Lebensphase",
        ["Versorgung", "Ziel", "Zielerreichung %", "Status", "Kinder", "Sozialräume mit Lücke"],
    ),
    # the report lists the Sozialräume with high need and low coverage: rows of the page's
    # need table, read the same
    "gaps": (
        "praeventionskette",
        "bedarf_versorgung_{q}_kreis.csv",
        "Lücken",
        "Sozialraum",
        ["Kommune", "SGB-II-Quote u15 (%)", "Zielerreichung %", "Lücken", "Stand Bedarf"],
    ),
    "networks": (
        "netzwerke",
        "netzwerkstatus_{q}.csv",
        "Netzwerke Liste",
        "Netzwerk",
        ["Stufe", "Ampel", "Partner", "Treffen im Quartal", "Veränderung", "Stand"],
    ),
}


@pytest.mark.parametrize("table", list(TABLES))
def test_tables_read_the_same_on_page_csv_excel_slides_and_pdf(
    monkeypatch, demo_url, files, table: str
) -> None:
    page_path, csv_name, sheet_name, key, columns = TABLES[table]
    q = _quarter(files)
    offered = downloads(monkeypatch)
    at = open_app(monkeypatch, demo_url, page_path, params={"quartal": q})
    name = csv_name.format(q=q)
    assert name in offered, sorted(offered)
    page_csv = _csv(offered[name]).set_index(key)
    shown = next(
        d.value
        for d in at.dataframe
        if {key, *(c for c in columns if c != "Datenschutz")} <= set(d.value.columns)
    ).set_index(key)
    shown = shown.loc[[r for r in shown.index if r in set(sheet_rows(files, sheet_name, key))]]
    sheet = _sheet(files, sheet_name).set_index(key)
    # the same rows, the same figures and signs: CSV download and Excel sheet
    if table == "gaps":
        assert len(sheet) and set(sheet.index) <= set(page_csv.index)
        page_csv = page_csv.loc[sheet.index]
    assert list(sheet.index) == list(page_csv.index)
    for col in columns:
        if col in page_csv.columns:
            assert sheet[col].tolist() == page_csv[col].tolist(), col
    # the screen and the handout show the same text (shown face of the one table)
    for col in [c for c in columns if c in shown.columns]:
        for row, value in shown[col].items():
            text = str(value)
            if text and text not in ("–",):
                # a narrow PDF cell may break "74 %" over two lines: every word is there
                words = [_squeeze(w) for w in text.split()]
                assert all(w in files.pdf for w in words if w), (row, col, text)
    withheld_rows = page_csv.index[(page_csv == WITHHELD_SIGN).any(axis=1)].tolist()
    assert withheld_rows == sheet.index[(sheet == WITHHELD_SIGN).any(axis=1)].tolist()


def test_one_stand_on_page_title_slide_pdf_and_excel(monkeypatch, demo_url, files) -> None:
    stand = report_stand(files.report)
    q = parse_quarter(_quarter(files))
    assert stand.last is not None and stand.last <= q.end
    assert stand.label in files.slides["title"] or stand.text in files.slides["title"]
    assert all(p.count("Datenstand:") >= 1 for p in files.pdf_pages)
    assert stand.text in files.pdf_pages[0]
    overview = _sheet(files, "Übersicht")
    assert stand.text in overview.to_string()
    at = open_app(monkeypatch, demo_url, params={"quartal": q.key})
    header = next(str(c.value) for c in at.caption if str(c.value).startswith("Datenstand: "))
    assert header.endswith(format_date(stand.last))

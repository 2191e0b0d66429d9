"""One sign for every withheld cell, in every output (issue 14).

Every output of the demo data — CLI exports (CSV and XLSX), the committee report as PPTX,
PDF and XLSX, the Steckbrief PDF, the map table and the pages Sozialraumkarte,
Präventionskette and Steckbrief — shows the one sign where something is withheld, with
its legend text, never a reason that would separate a count of 1 or 2 from a secondary
suppression ("<3", "gesperrt", "weniger als …"), and no person count from 1 to
``min_count - 1``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.catalogue import indicator
from core.cli import main
from core.map_data import map_view
from core.present.indicator_tables import map_table
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN, WITHHELD_TEXT
from core.privacy import PrivacyRules
from core.quarters import parse_quarter
from core.reports.content import build_report
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.profile_pdf import profile_content, profile_pdf_bytes
from core.reports.xlsx import to_report_xlsx_bytes

QUARTER = "2026-Q3"
NEUSS = "05162024"
HAFENGEBIET = "05162024-03"  # small counts in the demo data
APP = str(Path(__file__).resolve().parent.parent / "app.py")
RULES = PrivacyRules.from_settings()
#: What an output must never say about a withheld cell (each would tell a reason).
FORBIDDEN = (
    f"<{RULES.min_count}",
    f"&lt;{RULES.min_count}",
    "gesperrt",
    "Gesperrt",
    "weniger als",
    "(Datenschutz)",
    "small_count",
    "small_denominator",
    "secondary",
    "sekundär",
)
#: Columns that hold counts of persons.
COUNT_COLUMNS = ("Kinder", "Zähler", "Nenner", "Anzahl")
#: Columns that explain a row's value.
NOTE_COLUMNS = (WITHHELD_COLUMN, "Hinweis")


@dataclass
class Output:
    """Everything an output shows: its text and its tables."""

    text: str
    tables: list[pd.DataFrame] = field(default_factory=list)
    withheld: bool = True  # the demo data withhold something in this output


def _cells(frame: pd.DataFrame) -> str:
    return frame.astype(str).to_csv(index=False)


def _german_number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None if pd.isna(value) else float(value)
    text = str(value).strip()
    if not re.fullmatch(r"-?[\d.]+(,\d+)?", text):
        return None
    return float(text.replace(".", "").replace(",", "."))


def _json_text(raw: str) -> str:
    """JSON as the reader sees it: ``\\uXXXX`` escapes decoded."""
    text = json.dumps(json.loads(raw), ensure_ascii=False)
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


# --- the outputs ------------------------------------------------------------------------


def _cli(demo_url: str, tmp_path: Path, table: str, fmt: str) -> Output:
    out = tmp_path / f"{table}.{fmt}"
    args = ["--database-url", demo_url, "export", table, "--quarter", QUARTER, "-o", str(out)]
    if table == "indicators":
        args += ["--kommune", NEUSS]
    assert main(args) == 0
    if fmt == "csv":
        frame = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    else:
        frame = pd.read_excel(out, dtype=object)
    return Output(_cells(frame), [frame], withheld=table != "networks")


def _report(demo_engine: Any) -> dict:
    with demo_engine.connect() as conn:
        return build_report(conn, parse_quarter(QUARTER))


def _report_tables(report: dict) -> list[pd.DataFrame]:
    specs = [t for s in report["slides"] for t in s["tables"]]
    return [pd.DataFrame(t["rows"], columns=t["columns"], dtype=object) for t in specs]


def _pptx(report: dict) -> Output:
    prs = Presentation(io.BytesIO(to_pptx_bytes(report)))
    parts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                parts += [str(c) for c in plot.categories]
                parts += [s.name for s in plot.series]
                parts += [str(v) for s in plot.series for v in s.values]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return Output("\n".join(parts), _report_tables(report))


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _pdf(report: dict) -> Output:
    return Output(_pdf_text(to_pdf_bytes(report)), _report_tables(report))


def _report_xlsx(report: dict) -> Output:
    book = openpyxl.load_workbook(io.BytesIO(to_report_xlsx_bytes(report)))
    tables = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        tables.append(pd.DataFrame(rows[1:], columns=rows[0], dtype=object))
    return Output("\n".join(_cells(t) for t in tables), tables)


def _profile_pdf(demo_engine: Any) -> Output:
    with demo_engine.connect() as conn:
        content = profile_content(conn, HAFENGEBIET, QUARTER)
    tables = [
        pd.DataFrame(content[k]["rows"], columns=content[k]["columns"], dtype=object)
        for k in ("population", "indicators", "chain")
    ]
    return Output(_pdf_text(profile_pdf_bytes(content)), tables)


def _map_table(demo_engine: Any) -> Output:
    with demo_engine.connect() as conn:
        view = map_view(conn, indicator(conn, "sgb2_u15"), parse_quarter(QUARTER), "area")
    tables = [map_table(view).shown, map_table(view).export]
    tooltips = [f["properties"]["tooltip"] for f in view.geojson["features"]]
    legend = [e.label for e in view.legend]
    return Output("\n".join([*map(_cells, tables), *tooltips, *legend]), tables)


def _page_output(at: AppTest) -> Output:
    assert not at.exception, [e.value for e in at.exception]
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [_json_text(c.proto.spec) for c in at.get("plotly_chart")]
    parts += [_json_text(c.proto.json_args) for c in at.get("component_instance")]
    tables = [d.value for d in at.dataframe]
    parts += [_cells(t) for t in tables]
    return Output("\n".join(parts), tables)


def _page(monkeypatch: pytest.MonkeyPatch, demo_url: str, page: str, **state: Any) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at


def _map_page(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> Output:
    return _page_output(_page(monkeypatch, demo_url, "pages/map.py", map_level="area"))


def _chain_page(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> Output:
    return _page_output(_page(monkeypatch, demo_url, "pages/prevention_chain.py"))


def _profile_page(monkeypatch: pytest.MonkeyPatch, demo_url: str) -> Output:
    at = _page(monkeypatch, demo_url, "pages/area_profile.py")
    at.selectbox(key="profile_area").set_value(HAFENGEBIET).run()
    assert at.header[0].value == "Hafengebiet"
    return _page_output(at)


OUTPUTS: dict[str, Callable[[dict[str, Any]], Output]] = {
    "cli_indicators_csv": lambda f: _cli(f["demo_url"], f["tmp_path"], "indicators", "csv"),
    "cli_indicators_xlsx": lambda f: _cli(f["demo_url"], f["tmp_path"], "indicators", "xlsx"),
    "cli_coverage_csv": lambda f: _cli(f["demo_url"], f["tmp_path"], "coverage", "csv"),
    "cli_coverage_xlsx": lambda f: _cli(f["demo_url"], f["tmp_path"], "coverage", "xlsx"),
    "cli_networks_csv": lambda f: _cli(f["demo_url"], f["tmp_path"], "networks", "csv"),
    "cli_networks_xlsx": lambda f: _cli(f["demo_url"], f["tmp_path"], "networks", "xlsx"),
    "report_pptx": lambda f: _pptx(f["report"]),
    "report_pdf": lambda f: _pdf(f["report"]),
    "report_xlsx": lambda f: _report_xlsx(f["report"]),
    "profile_pdf": lambda f: _profile_pdf(f["demo_engine"]),
    "map_table": lambda f: _map_table(f["demo_engine"]),
    "page_map": lambda f: _map_page(f["monkeypatch"], f["demo_url"]),
    "page_chain": lambda f: _chain_page(f["monkeypatch"], f["demo_url"]),
    "page_profile": lambda f: _profile_page(f["monkeypatch"], f["demo_url"]),
}


@pytest.fixture(scope="module")
def report(demo_engine) -> dict:
    return _report(demo_engine)


# --- the checks ---------------------------------------------------------------------------


def _one_sign_with_its_legend(output: Output) -> None:
    if output.withheld:
        assert WITHHELD_SIGN in output.text, "kein Zeichen für nicht ausgewiesene Werte"
        assert WITHHELD_TEXT in output.text.replace("\n", " "), "die Legende des Zeichens fehlt"
        cells = any(t.isin([WITHHELD_SIGN]).to_numpy().any() for t in output.tables)
        assert cells, "keine Tabellenzelle trägt das Zeichen"


def _no_reason(output: Output) -> None:
    found = [word for word in FORBIDDEN if word in output.text]
    assert found == [], f"verräterischer Text: {found}"


def _no_small_person_count(output: Output) -> None:
    for table in output.tables:
        for column in (c for c in COUNT_COLUMNS if c in table.columns):
            numbers = [_german_number(v) for v in table[column]]
            small = [n for n in numbers if n is not None and 0 < n < RULES.min_count]
            assert small == [], f"{column}: {small}"
    assert not re.search(rf"Kinder: [1-{RULES.min_count - 1}](?![\d.,])", output.text)


def _one_note(output: Output) -> None:
    for table in output.tables:
        marked = table.isin([WITHHELD_SIGN]).any(axis=1)
        for column in (c for c in NOTE_COLUMNS if c in table.columns):
            notes = set(table.loc[marked, column].dropna())
            assert notes <= {WITHHELD_TEXT}, f"{column}: {notes}"


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_output_shows_one_sign_and_no_small_count(
    name: str, demo_url, demo_engine, tmp_path, monkeypatch, request
) -> None:
    fixtures = {
        "demo_url": demo_url,
        "demo_engine": demo_engine,
        "tmp_path": tmp_path,
        "monkeypatch": monkeypatch,
        "report": request.getfixturevalue("report") if name.startswith("report_") else None,
    }
    output = OUTPUTS[name](fixtures)
    _one_sign_with_its_legend(output)
    _no_reason(output)
    _no_small_person_count(output)
    _one_note(output)

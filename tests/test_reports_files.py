"""The committee report as files: PPTX, PDF and Excel are opened again and checked against
the core values (slide count, titles, chart types, figures, suppressed cells)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches
from pypdf import PdfReader

from core.catalogue import indicator
from core.coverage import chain_summary
from core.errors import NotFoundError
from core.indicators import indicator_values
from core.key_figures import key_figures
from core.present.numbers import din_round
from core.present.stand import Stand
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN, WITHHELD_TEXT
from core.quarters import parse_quarter
from core.reports import SLIDE_KEYS
from core.reports.cli import add_report_parser, run_report
from core.reports.content import build_report, select_slides
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.spec import report_stand, slide_stand
from core.reports.xlsx import to_report_xlsx_bytes
from tests.conftest import skip_or_fail

QUARTER = "2026-Q3"
NEUSS = "05162024"
HAFENGEBIET = "05162024-03"


@pytest.fixture(scope="module")
def report(demo_engine) -> dict:
    with demo_engine.connect() as conn:
        return build_report(conn, parse_quarter(QUARTER))


@pytest.fixture(scope="module")
def deck(report):
    return Presentation(io.BytesIO(to_pptx_bytes(report)))


@pytest.fixture(scope="module")
def workbook(report):
    return openpyxl.load_workbook(io.BytesIO(to_report_xlsx_bytes(report)))


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def _charts(slide) -> list:
    return [s.chart for s in slide.shapes if s.has_chart]


def test_pptx_is_16_9_with_one_titled_slide_per_report_slide(report, deck) -> None:
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    assert len(deck.slides) == len(SLIDE_KEYS) == 8
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == [s["title"] for s in report["slides"]]
    assert titles[0] == "Präventionskette gegen Kinderarmut"
    assert titles[1] == "Kennzahlen 3. Quartal 2026"


@pytest.mark.parametrize(
    ("key", "chart_types"),
    [
        ("chain", [XL_CHART_TYPE.BAR_CLUSTERED]),
        ("networks", [XL_CHART_TYPE.BAR_STACKED, XL_CHART_TYPE.LINE_MARKERS]),
        ("quality", [XL_CHART_TYPE.BAR_STACKED]),
        ("key_figures", []),
        ("map", []),
    ],
)
def test_pptx_charts_are_native_and_editable(report, deck, key, chart_types) -> None:
    index = [s["key"] for s in report["slides"]].index(key)
    charts = _charts(deck.slides[index])
    assert [c.chart_type for c in charts] == chart_types
    for chart in charts:  # the data sit in the chart's own workbook, editable in PowerPoint
        assert chart.part.chart_workbook.xlsx_part is not None


def test_pptx_chain_chart_shows_the_core_attainment(demo_engine, report, deck) -> None:
    with demo_engine.connect() as conn:
        summary = chain_summary(conn, QUARTER)
    index = [s["key"] for s in report["slides"]].index("chain")
    plot = _charts(deck.slides[index])[0].plots[0]
    assert list(plot.categories) == summary["phase"].tolist()
    assert list(plot.series[0].values) == [din_round(r * 100, 0) for r in summary["ratio"]]


def test_pptx_key_figures_equal_core_and_every_slide_has_footer_and_notes(
    demo_engine, deck
) -> None:
    with demo_engine.connect() as conn:
        figures = key_figures(conn, parse_quarter(QUARTER))
    text = _texts(deck.slides[1])
    for fig in figures:
        assert fig.label in text and fig.value in text
    assert "14,1 %" in text  # de-DE
    for slide in deck.slides:
        assert "Demodaten" in _texts(slide)
        assert "Datenstand: " in _texts(slide)
        assert slide.notes_slide.notes_text_frame.text.strip()
    assert "So lesen Sie die Karte" in deck.slides[2].notes_slide.notes_text_frame.text


def test_pptx_map_is_a_picture_and_tables_are_native(report, deck) -> None:
    keys = [s["key"] for s in report["slides"]]
    map_slide = deck.slides[keys.index("map")]
    assert any(s.shape_type == 13 for s in map_slide.shapes)  # MSO_SHAPE_TYPE.PICTURE
    gaps = deck.slides[keys.index("gaps")]
    table = next(s.table for s in gaps.shapes if s.has_table)
    assert table.cell(0, 0).text == "Sozialraum"
    assert len(table.rows) == 1 + 8  # the eight most urgent; the rest in Excel and PDF


def test_xlsx_has_a_sheet_per_slide_table_and_definitions(report, workbook) -> None:
    names = workbook.sheetnames
    assert names[0] == "Übersicht"
    assert "Definitionen und Quellen" in names
    for number, spec in enumerate(report["slides"], 1):
        assert any(n.startswith(f"{number} ") for n in names), spec["key"]
    sheet = workbook["Definitionen und Quellen"]
    assert sheet["A1"].value == "Indikator"
    assert sheet.max_row - 1 == len(report["definitions"][0]["rows"])


def test_xlsx_map_values_equal_core_and_suppressed_cells_stay_suppressed(
    demo_engine, workbook
) -> None:
    with demo_engine.connect() as conn:
        core = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter(QUARTER), "area"
        ).set_index("name")
    sheet = workbook["3 Karte"]
    header = [c.value for c in sheet[1]]
    value = next(h for h in header if h.startswith("Wert"))  # "Wert (%)": the unit named
    rows = {
        r[0]: dict(zip(header, r, strict=True), Wert=r[header.index(value)])
        for r in sheet.iter_rows(2, values_only=True)
    }
    assert rows["Hafengebiet"]["Wert"] == WITHHELD_SIGN
    assert rows["Hafengebiet"]["Datenschutz"] == WITHHELD_TEXT
    assert rows["Erfttal"]["Datenschutz"] is None
    for name, row in core.iterrows():
        shown = row["display"] if row["suppressed"] else din_round(row["value"], 1)
        assert rows[name]["Wert"] == shown, name
    assert isinstance(rows["Erfttal"]["Wert"], float)  # numbers stay numbers


def test_suppressed_areas_never_show_a_number_anywhere(demo_engine, report) -> None:
    with demo_engine.connect() as conn:
        hidden = indicator_values(conn, indicator(conn, "sgb2_u15"), parse_quarter(QUARTER), "area")
    hidden = hidden[hidden["suppressed"]]
    assert HAFENGEBIET in set(hidden["area_id"])
    names = set(hidden["name"])
    map_slide = next(s for s in report["slides"] if s["key"] == "map")
    assert not any(b.split(":")[0] in names for b in map_slide["bullets"])
    gaps = next(s for s in report["slides"] if s["key"] == "gaps")["tables"][0]["rows"]
    assert not any(r[0] in names for r in gaps)


@pytest.fixture(scope="module")
def pdf_bytes(report) -> bytes:
    return to_pdf_bytes(report)


def test_pdf_is_a4_with_page_numbers_sources_and_umlauts(report, pdf_bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf_bytes))
    pages = len(reader.pages)
    assert pages >= 6
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    first = reader.pages[0].extract_text()
    assert "Präventionskette gegen Kinderarmut" in first
    assert "Sitzungsvorlage" in first and report_stand(report).text in first
    for i, page in enumerate(reader.pages, 1):
        assert f"Seite {i} von {pages}" in page.extract_text()
    text = "\n".join(p.extract_text() for p in reader.pages)
    for spec in report["slides"][1:]:
        assert spec["title"] in text.replace("\n", " "), spec["title"]
    assert "Quelle: Statistik der Bundesagentur für Arbeit" in text.replace("\n", " ")
    assert "Übergang Schule–Beruf" in text
    assert WITHHELD_SIGN in text  # Hafengebiet in the annex
    assert WITHHELD_LEGEND in text.replace("\n", " ")


def test_pdf_first_page_renders_to_png(pdf_bytes, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:  # CI installs poppler-utils: there it must run
        skip_or_fail("pdftoppm nicht gefunden: apt-get install poppler-utils")
    source = tmp_path / "vorlage.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(source), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    assert png.stat().st_size > 10_000  # a real page, not a blank one


def test_chosen_slides_keep_the_presenters_order(report) -> None:
    chosen = select_slides(report, ["map", "title", "chain"])
    deck = Presentation(io.BytesIO(to_pptx_bytes(chosen)))
    assert [s.shapes.title.text for s in deck.slides] == [
        "Karte: SGB-II-Quote u15",
        "Präventionskette gegen Kinderarmut",
        "Präventionskette: Zielerreichung je Lebensphase",
    ]
    with pytest.raises(NotFoundError, match="Möglich sind"):
        select_slides(report, ["karte"])


@pytest.mark.parametrize(
    ("municipality", "scope", "quality_by"),
    [
        (None, "Rhein-Kreis Neuss", "Jugendamt"),
        (NEUSS, "Neuss", "Qualitätsbaustein"),
        ("05162028", "Rommerskirchen", "Qualitätsbaustein"),  # the Kreisjugendamt
    ],
)
def test_report_for_kreis_and_kommunen(demo_engine, municipality, scope, quality_by) -> None:
    with demo_engine.connect() as conn:
        rep = build_report(conn, parse_quarter(QUARTER), municipality, indicator(conn, "u3_care"))
    assert rep["meta"]["scope"] == scope
    assert [s["key"] for s in rep["slides"]] == list(SLIDE_KEYS)
    assert rep["slides"][0]["lead"] == f"{scope} · 3. Quartal 2026"
    quality = next(s for s in rep["slides"] if s["key"] == "quality")
    assert quality["tables"][0]["columns"][0] == quality_by
    assert Presentation(io.BytesIO(to_pptx_bytes(rep))).slides[2].shapes.title.text == (
        "Karte: U3-Betreuungsquote"
    )


def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_report_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["report", *argv])


@pytest.mark.parametrize(
    ("name", "extra", "check"),
    [
        ("vorlage.pptx", [], lambda p: len(Presentation(str(p)).slides) == 8),
        ("vorlage.pdf", [], lambda p: len(PdfReader(str(p)).pages) >= 6),
        ("tabellen.xlsx", [], lambda p: "Übersicht" in openpyxl.load_workbook(p).sheetnames),
        ("kurz.bin", ["--format", "pptx", "--slides", "title,chain"],
         lambda p: len(Presentation(str(p)).slides) == 2),
    ],
)  # fmt: skip
def test_cli_writes_every_format(demo_engine, tmp_path, capsys, name, extra, check) -> None:
    out = tmp_path / name
    assert run_report(demo_engine, _cli(["--quarter", QUARTER, *extra, "-o", str(out)])) == 0
    assert check(out)
    assert "Datenstand: " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--quarter", QUARTER, "-o", "x.doc"], "Format"),
        (["--quarter", QUARTER], "-o"),
        (["-o", "x.pptx"], "--quarter"),
        (["--quarter", QUARTER, "--slides", "title,karte", "-o", "x.pptx"], "karte"),
        (["--snapshot", "999", "-o", "x.pptx"], "999"),
    ],
)
def test_cli_explains_wrong_arguments(demo_engine, tmp_path, argv, message) -> None:
    from core.errors import PraevError

    argv = [a if not a.startswith("x.") else str(tmp_path / a) for a in argv]
    with pytest.raises(PraevError, match=message):
        run_report(demo_engine, _cli(argv))


def test_profile_pdf_shows_what_the_page_shows(demo_engine, tmp_path) -> None:
    """The Steckbrief PDF of a small area: one A4 page, suppressed values suppressed."""
    import pypdf

    from core.reports.profile_pdf import profile_content, profile_pdf_bytes

    with demo_engine.connect() as conn:
        content = profile_content(conn, "05162024-03", "2026-Q3")
    path = tmp_path / "steckbrief.pdf"
    path.write_bytes(profile_pdf_bytes(content))
    reader = pypdf.PdfReader(str(path))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Steckbrief Hafengebiet" in text
    assert WITHHELD_SIGN in text and WITHHELD_LEGEND in text.replace("\n", " ")
    assert "Demodaten" in text
    assert "Seite 1 von 1" in text
    sgb2 = next(r for r in content["indicators"]["rows"] if r[0] == "SGB-II-Quote u15")
    assert sgb2[1] == WITHHELD_SIGN


def _german_dates(rows: list, columns: list[str]) -> list[dt.date]:
    """The dates in the ``Stand`` columns of a table spec."""
    found = []
    for i, name in enumerate(columns):
        if name.startswith("Stand"):
            for row in rows:
                for d, m, y in re.findall(r"(\d{2})\.(\d{2})\.(\d{4})", str(row[i] or "")):
                    found.append(dt.date(int(y), int(m), int(d)))
    return found


def test_one_stand_everywhere(report, deck, workbook, pdf_bytes) -> None:
    """The report's Stand is the union of its slides'; each slide's Stand covers the
    dates of its own rows; title slide, every slide footer, every PDF page and the Excel
    overview say the same."""
    stand = report_stand(report)
    assert not stand.empty
    for spec in report["slides"]:
        own = slide_stand(spec)
        assert stand.first <= (own.first or stand.first) and (own.last or stand.last) <= stand.last
        for table in spec["tables"]:
            for day in _german_dates(table["rows"], table["columns"]):
                assert own.first <= day <= own.last, (spec["key"], day, own.text)
        assert not spec["stand"].startswith("bis ")
    kennzahlen = next(s for s in report["slides"] if s["key"] == "key_figures")
    days = _german_dates(kennzahlen["tables"][0]["rows"], kennzahlen["tables"][0]["columns"])
    assert slide_stand(kennzahlen) == Stand.of(days)  # not only the indicators' dates
    assert stand.label in _texts(deck.slides[0])
    for slide, spec in zip(deck.slides, report["slides"], strict=True):
        if spec["key"] not in ("title", "sources"):
            assert slide_stand(spec).label in _texts(slide), spec["key"]
    overview = dict(workbook["Übersicht"].iter_rows(values_only=True))
    assert overview["Datenstand"] == stand.text
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        assert stand.label in page.extract_text().replace("\n", " ")


def test_a_chosen_subset_has_the_stand_of_its_own_slides(report) -> None:
    only = select_slides(report, ["title", "networks"])
    own = slide_stand(only["slides"][1])
    assert report_stand(only) == own
    assert own.label in only["slides"][0]["bullets"]

"""Data is never evaluated: every name, goal, note and title of the demo database is an
attack (template, Markdown, HTML, formula), and every page, the map, every export and
every report shows it as plain text."""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.catalogue import indicator
from core.cli import main
from core.db import make_engine
from core.escaping import (
    html_text,
    is_formula,
    markdown_lines,
    markdown_text,
    matplotlib_text,
    spreadsheet_text,
    template_inert,
)
from core.exporting import to_csv_bytes, to_xlsx_bytes
from core.map_data import map_view, offer_points
from core.present.indicator_tables import map_table
from core.quarters import Quarter, parse_quarter
from core.reports.content import build_report
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.profile_pdf import profile_content, profile_pdf_bytes
from core.reports.xlsx import to_report_xlsx_bytes
from tests.untrusted_support import (
    ATTACK,
    EVALUATED,
    EVIL_HOST,
    evaluated,
    evil_demo,
    markdown_leaks,
)
from ui.map_widget import build_map, clicked_area

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
NEUSS = "05162024"
ERFTTAL = "05162024-10"


@pytest.fixture(scope="module")
def evil_url(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return evil_demo(demo_url, tmp_path_factory.mktemp("evil"))


@pytest.fixture(scope="module")
def evil_engine(evil_url: str):
    engine = make_engine(evil_url)
    yield engine
    engine.dispose()


# --- the escaping rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("=1+1", True),
        ('=HYPERLINK("http://x";"y")', True),
        ("+49 2131", True),
        ("-2+3", True),
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("  =1", True),
        ("＝1", True),
        ("=cmd|' /C calc'!A0", True),
        ("-3", False),
        ("-1.234,5", False),
        ("+1,5", False),
        ("-", False),
        ("Neuss", False),
        ("a=b", False),
        ("", False),
    ],
)
def test_what_a_spreadsheet_would_evaluate(text: str, formula: bool) -> None:
    assert is_formula(text) is formula
    assert spreadsheet_text(text) == ("'" + text if formula else text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[klick](x)", r"\[klick\]\(x\)"),
        ("![b](i.png)", r"\!\[b\]\(i\.png\)"),
        ("http://x.de", "http\\:\u2060\\/\\/x\\.de"),
        ("HTTPS://x.de www.x.de", "HTTPS\\:\u2060\\/\\/x\\.de www\u2060\\.x\\.de"),
        ("info@x.de", "info\u2060\\@x\\.de"),
        ("**fett** _kursiv_", r"\*\*fett\*\* \_kursiv\_"),
        (":red[rot] :material/home:", r"\:red\[rot\] \:material\/home\:"),
        ("$x^2$", r"\$x\^2\$"),
        ("<img src=x>", r"\<img src\=x\>"),
        ("# Titel\n- Liste", r"\# Titel \- Liste"),
        ("Grefrath (Neuss) · „Süd“", r"Grefrath \(Neuss\) · „Süd“"),
    ],
)
def test_markdown_shows_text_as_written(text: str, shown: str) -> None:
    assert markdown_text(text) == shown


def test_messages_keep_their_lines_but_not_their_markup() -> None:
    assert (
        markdown_lines("Zeile 1: [x](y)\nZeile *2*") == "Zeile 1\\: \\[x\\]\\(y\\)  \nZeile \\*2\\*"
    )


def test_html_and_template_text_have_no_braces() -> None:
    assert html_text("{{ 7*7 }} <b>&") == "&#123;&#123; 7*7 &#125;&#125; &lt;b&gt;&amp;"
    assert html_text(None) == "" and html_text(float("nan")) == ""
    data = {"a": ["{%x%}", 1, None, {"{#": "#}"}], "b": True}
    assert template_inert(data) == {
        "a": ["&#123;%x%&#125;", 1, None, {"&#123;#": "#&#125;"}],
        "b": True,
    }
    assert matplotlib_text("1 $ bis 2 $") == r"1 \$ bis 2 \$"


# --- the map ---------------------------------------------------------------------------


def test_map_shows_template_syntax_in_names_without_running_it(evil_engine) -> None:
    with evil_engine.connect() as conn:
        view = map_view(conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", NEUSS)
        offers = offer_points(conn, "2026-Q3", NEUSS, ("kita",), ())
    assert len(offers), "die Angebotsebene braucht Angebote mit Angriffsnamen"
    page = build_map(view, offers, show_offers=True).get_root().render()
    assert EVALUATED not in page
    # the braces reach the browser as entities, so the name reads as typed
    assert "&#123;&#123; lipsum.__name__ &#125;&#125;" in page
    assert "&#123;% if true %&#125;JA&#123;% endif %&#125;" in page
    assert "<img src" not in page and f'src="http://{EVIL_HOST}' not in page
    # a click on an area still finds it
    first = view.values["area_id"].iloc[0]
    feature = {"properties": {"area_id": html_text(first)}}
    assert clicked_area({"last_active_drawing": feature}, set(view.values["area_id"])) == first


@pytest.mark.parametrize(
    "stray", ["{{", "{%", "{#", "x }}{{ y", "{{ ''.__class__ }}", "{%- raw %}"]
)
def test_stray_template_syntax_never_breaks_the_map(evil_engine, stray: str) -> None:
    with evil_engine.connect() as conn:
        view = map_view(conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", NEUSS)
    geojson = copy.deepcopy(view.geojson)
    for feature in geojson["features"]:  # raw text, as if the data layer forgot to escape
        feature["properties"]["tooltip"] = f"<b>{stray}</b>"
        feature["id"] = stray
    page = build_map(replace(view, geojson=geojson)).get_root().render()
    # as the browser reads the JSON: the braces arrive as entities, nothing was evaluated
    decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    assert template_inert(stray) in decoded
    assert stray not in decoded
    assert "<class" not in decoded


# --- every page ------------------------------------------------------------------------

PAGES = [
    ("pages/overview.py", {}),
    ("pages/map.py", {"map_selected": ERFTTAL}),
    ("pages/prevention_chain.py", {}),
    ("pages/networks.py", {}),
    ("pages/area_profile.py", {}),
    ("pages/session.py", {"session_source": "Eingefrorene Sitzung"}),
    ("pages/session.py", {"session_source": "Eingefrorene Sitzung", "session_presenting": True}),
    ("pages/data_admin.py", {}),
]


@pytest.mark.parametrize(("page", "state"), PAGES, ids=[f"{p}-{len(s)}" for p, s in PAGES])
def test_pages_show_attacks_as_plain_text(
    monkeypatch: pytest.MonkeyPatch, evil_url: str, page: str, state: dict
) -> None:
    monkeypatch.setenv("DATABASE_URL", evil_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["kommune"] = NEUSS
    at.query_params["gebiet"] = ERFTTAL
    at.run()
    at.switch_page(page).run()
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [t for _, _, t in _all_texts(at)]
    assert any("lipsum" in t for t in shown), "die Seite zeigt keinen Angriffsnamen"
    assert markdown_leaks(at) == []
    assert evaluated(at) == []
    for table in at.table:  # st.table reads cells as Markdown
        cells = table.value.astype(str).to_numpy().ravel().tolist()
        assert not [c for c in cells if f"](http://{EVIL_HOST}" in c]


def _all_texts(at: AppTest):
    from tests.untrusted_support import shown_texts

    return list(shown_texts(at))


def test_a_link_cannot_put_markdown_into_the_page(
    monkeypatch: pytest.MonkeyPatch, demo_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["kommune"] = f"![x](http://{EVIL_HOST}/i.png)"
    at.query_params["quartal"] = f"[klick](http://{EVIL_HOST})"
    at.run()
    notes = [w.value for w in at.sidebar.warning]
    assert len(notes) == 2
    assert all(f"](http://{EVIL_HOST}" not in n for n in notes)
    assert any(r"\!\[x\]\(http" in n for n in notes)


# --- exports: no live formula ----------------------------------------------------------


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]


def _xlsx_cells(data: bytes) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_no_formula_in_csv(data: bytes) -> None:
    cells = _csv_cells(data)
    assert [c for c in cells if is_formula(c)] == []
    assert any(c.startswith("'=HYPERLINK(") for c in cells), "kein Angriffsname im Export"


def _assert_no_formula_in_xlsx(data: bytes) -> None:
    cells = _xlsx_cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    attacks = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK(")]
    assert attacks, "kein Angriffsname im Export"
    assert all(c.data_type == "s" and c.quotePrefix for c in attacks)


@pytest.mark.parametrize("table", ["indicators", "coverage", "networks"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_exports_carry_no_live_formula(
    evil_url: str, tmp_path: Path, table: str, fmt: str
) -> None:
    out = tmp_path / f"{table}.{fmt}"
    assert main(["--database-url", evil_url, "export", table, "--quarter", "2026-Q3",
                 "-o", str(out)]) == 0  # fmt: skip
    check = _assert_no_formula_in_xlsx if fmt == "xlsx" else _assert_no_formula_in_csv
    check(out.read_bytes())


def test_page_csv_and_report_workbook_carry_no_live_formula(evil_engine) -> None:
    with evil_engine.connect() as conn:
        view = map_view(conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", NEUSS)
        report = build_report(conn, Quarter(2026, 3), NEUSS)
    _assert_no_formula_in_csv(to_csv_bytes(map_table(view).export))
    _assert_no_formula_in_xlsx(to_report_xlsx_bytes(report))


def test_spreadsheet_writers_neutralise_every_cell_and_header() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"=Kopf": ["=1+1", "@A1", "-3", 2.5, "Text\x01mit Steuerzeichen"], "Zahl": [1, 2, 3, 4, 5]}
    )
    cells = _csv_cells(to_csv_bytes(frame))
    assert cells[:2] == ["'=Kopf", "Zahl"]
    assert "'=1+1" in cells and "'@A1" in cells and "-3" in cells and "2,5" in cells
    xlsx = {c.coordinate: c for c in _xlsx_cells(to_xlsx_bytes({"Blatt": frame}))}
    assert xlsx["A1"].value == "=Kopf" and xlsx["A1"].data_type == "s"
    assert xlsx["A2"].value == "=1+1" and xlsx["A2"].quotePrefix
    assert xlsx["A6"].value == "Textmit Steuerzeichen"
    assert xlsx["B2"].value == 1 and xlsx["B2"].data_type == "n"


# --- reports: text, not links or code --------------------------------------------------


def test_slides_and_handouts_show_attacks_as_text(evil_engine) -> None:
    with evil_engine.connect() as conn:
        report = build_report(conn, Quarter(2026, 3))
        profile = profile_content(conn, ERFTTAL, "2026-Q3")
    deck = Presentation(io.BytesIO(to_pptx_bytes(report)))
    texts = [run.text for slide in deck.slides for shape in slide.shapes for run in _runs(shape)]
    joined = "\n".join(texts)
    assert "{{ lipsum.__name__ }}" in joined
    assert EVALUATED not in joined
    xml = b"".join(part.blob for part in deck.part.package.iter_parts())
    assert b"hlinkClick" not in xml
    for pdf in (to_pdf_bytes(report), profile_pdf_bytes(profile)):
        reader = PdfReader(io.BytesIO(pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert EVALUATED not in text
        assert "lipsum" in text
        assert not any("/Annots" in page for page in reader.pages)


def _runs(shape):
    if shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            yield from paragraph.runs
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            for cell in row.cells:
                for paragraph in cell.text_frame.paragraphs:
                    yield from paragraph.runs


def test_attack_text_is_what_the_tests_use() -> None:
    # the attack carries every kind of payload the tests look for
    for part in ("=HYPERLINK(", "{{", "{%", "{#", "![", "](http", "<img", ":red[", "$", "**"):
        assert part in ATTACK

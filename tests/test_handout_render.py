"""The handouts as the committee gets them, looked at as pictures and words: the slides
(PPTX) rendered by LibreOffice Impress, the Sitzungsvorlage and a Steckbrief (PDF), each
page turned into a PNG (``pdftoppm``) and into words with their boxes (``pdftotext``).

Checked: one rendered page per slide, no blank page, every word inside the page (the
PDF: inside its margins) and inside the box that holds it (text box, table; in the PDF
its table cell), and no number or word broken across lines except at a space or a
hyphen of a long compound ("Ziel-erreichung"): every rendered word is a word of the
text that was set. Needs LibreOffice and poppler; under ``CI=true`` they must be there.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pypdf import PdfReader

import core.reports.pdf as pdf_module
import core.reports.profile_pdf as profile_pdf_module
from core.present.vocabulary import WITHHELD_LEGEND
from core.quarters import parse_quarter
from core.reports.content import build_report
from core.reports.pdf import ANNEX_ROWS, MARGIN, TableRegion, Vorlage, build_vorlage
from core.reports.pptx import to_pptx_bytes
from core.reports.profile_pdf import build_profile, profile_content
from core.reports.spec import table_text
from core.reports.typesetting import MM, SOFT_HYPHEN, WORD_JOINER, hyphenate
from tests.handout_support import Page, Word, ink_share, pdf_pages, pdf_pngs, pptx_to_pdf

QUARTER = "2026-Q3"
HAFENGEBIET = "05162024-03"  # a Sozialraum with withheld cells in the demo
TOLERANCE = 3.0  # pt a word may reach beyond its box (rounding, italic overhang)
INK_FLOOR = 0.02  # share of non-white pixels: a page with less is as good as blank
PUNCTUATION = ".,:;()„“\"'"


@dataclass(frozen=True)
class RenderedDeck:
    deck: Any  # pptx.presentation.Presentation
    pages: list[Page]
    pngs: list[Path]


@dataclass(frozen=True)
class RenderedPdf:
    doc: Vorlage
    pages: list[Page]
    pngs: list[Path]
    pages_in_file: int


@pytest.fixture(scope="module")
def report(demo_engine) -> dict:
    with demo_engine.connect() as conn:
        return build_report(conn, parse_quarter(QUARTER))


@pytest.fixture(scope="module")
def slides(report, soffice_path, poppler, tmp_path_factory) -> RenderedDeck:
    out = tmp_path_factory.mktemp("folien")
    pptx = out / "sitzung.pptx"
    pptx.write_bytes(to_pptx_bytes(report))
    pdf = pptx_to_pdf(pptx, out)
    return RenderedDeck(Presentation(str(pptx)), pdf_pages(pdf), pdf_pngs(pdf, out))


def _rendered_pdf(doc: Vorlage, out: Path) -> RenderedPdf:
    path = out / "vorlage.pdf"
    data = bytes(doc.output())
    path.write_bytes(data)
    count = len(PdfReader(io.BytesIO(data)).pages)
    return RenderedPdf(doc, pdf_pages(path), pdf_pngs(path, out), count)


@pytest.fixture(scope="module")
def vorlage(report, poppler, tmp_path_factory) -> RenderedPdf:
    return _rendered_pdf(build_vorlage(report), tmp_path_factory.mktemp("vorlage"))


@pytest.fixture(scope="module")
def steckbrief(demo_engine, poppler, tmp_path_factory) -> tuple[dict, RenderedPdf]:
    with demo_engine.connect() as conn:
        content = profile_content(conn, HAFENGEBIET, parse_quarter(QUARTER))
    return content, _rendered_pdf(build_profile(content), tmp_path_factory.mktemp("steckbrief"))


# --- what was set: the words a rendered page may show ----------------------------------


def _bare(word: str) -> str:
    return word.replace(WORD_JOINER, "").strip(PUNCTUATION)


def _words_of(texts: Iterable[str]) -> set[str]:
    """The words of ``texts``, and the pieces of each at its compound breaks
    ("Ziel-", "erreichung"), without surrounding punctuation."""
    words: set[str] = set()
    for text in texts:
        for word in text.replace(WORD_JOINER, "").replace(SOFT_HYPHEN, "").split():
            words.add(_bare(word))
            pieces = hyphenate(word).split(SOFT_HYPHEN)
            for i in range(len(pieces)):
                for j in range(i + 1, len(pieces) + 1):
                    words.add(_bare("".join(pieces[i:j]) + ("-" if j < len(pieces) else "")))
    return words


def _strings(value: Any) -> Iterator[str]:
    """Every text in a JSON-like value, and the German text of every table spec in it."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if "columns" in value and "rows" in value:
            yield from (cell for row in table_text(value) for cell in row)
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _literals(module: Any) -> Iterator[str]:
    """The string literals of a module (fixed words of headers, footers, notes)."""
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _broken(words: Iterable[Word], known: set[str]) -> list[str]:
    """Rendered words that are not words of what was set: a number or word broken
    across lines (page and section numbers aside)."""
    return [
        w.text
        for w in words
        if _bare(w.text)
        and _bare(w.text) not in known
        and not re.fullmatch(r"\d{1,3}", _bare(w.text))
    ]


# --- slides ------------------------------------------------------------------------------


def _rect(shape: Any) -> tuple[float, float, float, float]:
    """A shape's rectangle in points (x0, y0, x1, y1); tables as wide and high as their
    columns and rows."""
    x, y = shape.left / 12700, shape.top / 12700
    if getattr(shape, "has_table", False) and shape.has_table:
        table = shape.table
        w = sum(c.width for c in table.columns) / 12700
        h = sum(r.height for r in table.rows) / 12700
        return x, y, x + w, y + h
    return x, y, x + shape.width / 12700, y + shape.height / 12700


def _inside(word: Word, rect: tuple[float, float, float, float], tol: float = TOLERANCE) -> bool:
    cx, cy = word.centre
    return rect[0] - tol <= cx <= rect[2] + tol and rect[1] - tol <= cy <= rect[3] + tol


def _shape_text(shape: Any) -> str:
    if getattr(shape, "has_table", False) and shape.has_table:
        return "\n".join(c.text for row in shape.table.rows for c in row.cells)
    if shape.has_text_frame:
        return shape.text_frame.text
    return ""


def test_every_slide_is_rendered_and_none_is_blank(report, slides) -> None:
    assert len(slides.pages) == len(report["slides"]) == len(slides.deck.slides)
    assert len(slides.pngs) == len(report["slides"])
    for spec, page, png in zip(report["slides"], slides.pages, slides.pngs, strict=True):
        assert (round(page.width), round(page.height)) == (960, 540), spec["key"]  # 16:9
        assert ink_share(png) > INK_FLOOR, (spec["key"], ink_share(png))
        shown = {_bare(w.text) for w in page.words}
        assert {_bare(w) for w in spec["title"].split()} <= shown, spec["key"]


def test_slide_boxes_do_not_overlap(report, slides) -> None:
    for spec, slide in zip(report["slides"], slides.deck.slides, strict=True):
        boxes = [
            (s.name, _rect(s))
            for s in slide.shapes
            if _shape_text(s).strip() or s.has_chart or s.shape_type == 13  # 13: picture
        ]
        for i, (name, a) in enumerate(boxes):
            for other, b in boxes[i + 1 :]:
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_x <= 1 or overlap_y <= 1, (spec["key"], name, other)


def test_slide_text_stays_inside_the_slide_and_its_box(report, slides) -> None:
    for spec, page, slide in zip(report["slides"], slides.pages, slides.deck.slides, strict=True):
        for w in page.words:
            assert w.x0 >= -TOLERANCE and w.x1 <= page.width + TOLERANCE, (spec["key"], w)
            assert w.y0 >= -TOLERANCE and w.y1 <= page.height + TOLERANCE, (spec["key"], w)
        shapes = list(slide.shapes)
        outside = [w.text for w in page.words if not any(_inside(w, _rect(s)) for s in shapes)]
        assert not outside, (spec["key"], "Wörter außerhalb jeder Form", outside)
        for shape in shapes:
            text = _shape_text(shape).replace(WORD_JOINER, "")
            if not text.strip() or shape.has_chart:
                continue
            rect = _rect(shape)
            inside = [w for w in page.words if _inside(w, rect)]
            # a box that overflows leaves some of its words outside its rectangle
            assert len(inside) >= len(text.split()), (
                spec["key"],
                shape.name,
                text,
                [w.text for w in inside],
            )


def test_slides_break_no_number_and_no_word(report, slides) -> None:
    for spec, page, slide in zip(report["slides"], slides.pages, slides.deck.slides, strict=True):
        known = _words_of(_shape_text(s) for s in slide.shapes)
        charts = [_rect(s) for s in slide.shapes if s.has_chart]  # set by LibreOffice itself
        words = [w for w in page.words if not any(_inside(w, c, 0) for c in charts)]
        assert not _broken(words, known), (spec["key"], _broken(words, known))


# --- the Sitzungsvorlage and the Steckbrief (PDF) -----------------------------------------


def test_vorlage_has_its_pages_and_none_is_blank(report, vorlage) -> None:
    doc, pages = vorlage.doc, vorlage.pages
    assert len(pages) == len(vorlage.pngs) == vorlage.pages_in_file == doc.pages_count
    for i, page in enumerate(pages, 1):
        text = " ".join(w.text for w in page.words)
        assert f"Seite {i} von {len(pages)}" in text
        assert ink_share(vorlage.pngs[i - 1]) > INK_FLOOR, i
    all_text = " ".join(w.text for p in pages for w in p.words)
    sections = [s for s in report["slides"] if s["key"] != "title"]
    for number, spec in enumerate(sections, 1):
        assert f"{number}. {spec['title']}" in all_text
    # the long tables in the annex, each starting a page of its own after the sections
    long_tables = [t for s in sections for t in s["tables"] if len(t["rows"]) > ANNEX_ROWS]
    assert long_tables
    last_section = f"{len(sections)}. {sections[-1]['title']}"
    texts = [" ".join(w.text for w in p.words) for p in pages]
    starts = [[i for i, t in enumerate(texts) if f"Anhang {n}:" in t] for n in range(1, 9)]
    starts = [found[0] for found in starts if found]
    end_of_sections = max(i for i, t in enumerate(texts) if last_section in t)
    assert len(starts) == len(long_tables)
    assert starts == sorted(set(starts)) and starts[0] > end_of_sections


def _check_pdf(rendered: RenderedPdf, known: set[str]) -> None:
    margin = MARGIN * MM
    for number, page in enumerate(rendered.pages, 1):
        for w in page.words:
            assert margin - TOLERANCE <= w.x0 and w.x1 <= page.width - margin + TOLERANCE, (
                number,
                w,
            )
            assert w.y0 >= 8 * MM and w.y1 <= page.height - 8 * MM, (number, w)
        regions = [r for r in rendered.doc.table_regions if r.page == number]
        across = _across_columns(page.words, regions)
        assert not across, (number, across)
        assert not _broken(page.words, known), (number, _broken(page.words, known))


def _across_columns(words: list[Word], regions: list[TableRegion]) -> list[str]:
    """Words of a table that reach over the edge of their column into the next."""
    out = []
    for region in regions:
        top, bottom = region.top * MM, region.bottom * MM
        left, right = region.edges[0] * MM, region.edges[-1] * MM
        for w in words:
            cx, cy = w.centre
            if not (top <= cy <= bottom and left <= cx <= right):
                continue
            if w.x1 > right + 0.5 or any(
                w.x0 < e * MM - 0.5 < e * MM + 0.5 < w.x1 for e in region.edges[1:-1]
            ):
                out.append(w.text)
    return out


def test_vorlage_words_stay_in_margins_and_cells_and_are_never_broken(report, vorlage) -> None:
    meta = report["meta"]
    known = _words_of([*_strings(report), *_literals(pdf_module), meta["data_hash"][:12]])
    assert vorlage.doc.table_regions
    _check_pdf(vorlage, known)


def test_steckbrief_words_stay_in_margins_and_cells_and_are_never_broken(steckbrief) -> None:
    content, rendered = steckbrief
    meta = content["meta"]
    known = _words_of([*_strings(content), *_literals(pdf_module), meta["data_hash"][:12]])
    known |= _words_of([*_literals(profile_pdf_module), WITHHELD_LEGEND])
    assert len(rendered.pages) == 1
    assert ink_share(rendered.pngs[0]) > INK_FLOOR
    _check_pdf(rendered, known)

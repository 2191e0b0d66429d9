"""The report as a printable A4 Sitzungsvorlage (fpdf2, pure Python).

One section per slide: heading, message, charts and map as images (matplotlib), the
slide's table in full, the reading aid and source with the slide's own Stand. The
report's Stand (the union of its slides', :func:`core.reports.spec.report_stand`) in
the header and footer of every page, with the page numbers. Text is set in DejaVu
Sans, which ships with matplotlib, so umlauts render without installing fonts.
"""

from __future__ import annotations

import base64
import io
import re
import struct
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN
from core.reports.figures import chart_png
from core.reports.spec import (
    BULLET,
    footer_text,
    report_stand,
    slide_stand,
    table_shows_withheld,
    table_text,
)
from core.reports.typesetting import (
    FONT,
    FONT_DIR,
    FONT_FILES,
    MM,
    NBSP,
    column_widths,
    glue,
    hyphenate_text,
    text_width,
)

ACCENT = (11, 85, 99)
MUTED = (85, 85, 85)
DEMO = (179, 92, 0)
PAGE_W, MARGIN = 210.0, 18.0
ANNEX_ROWS = 15
ANNEX_SIZE = 7.5  # pt, the annex tables' font before any shrinking


class Vorlage(FPDF):
    """A4 (portrait; landscape for wide annex tables) with a running header and a
    footer with page numbers; remembers where it set its tables (``table_regions``)."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.annex: list[tuple[str, dict[str, Any]]] = []
        self.table_regions: list[TableRegion] = []
        self.body_top = self.t_margin
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=20)
        meta = report["meta"]
        self.set_title(meta.get("session_title") or meta["title"])
        self.set_lang("de-DE")
        self.set_creator("Präventionsmonitor")

    def header(self) -> None:
        self.body_top = self.t_margin  # where the page's content starts, below the header
        if self.page_no() == 1:
            return
        meta = self.report["meta"]
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        text = (
            f"Präventionsmonitor · {meta['scope']} · {meta['quarter_label']} · "
            f"{report_stand(self.report).label}"
        )
        if meta.get("session_title"):
            text = f"{meta['session_title']} · " + text
        room = self.epw - (20 if meta.get("demo") else 0)
        self.set_font(FONT, "", _fitting_size(text, room, 8))
        self.cell(room, 6, text)
        if meta.get("demo"):
            self.set_text_color(*DEMO)
            self.set_font(FONT, "B", 8)
            self.cell(self.epw - room, 6, "Demodaten", align="R")
        self.ln(10)
        self.body_top = self.get_y()

    def footer(self) -> None:
        meta = self.report["meta"]
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        stand = report_stand(self.report).label
        text = f"{stand} · Prüfsumme {meta['data_hash'][:12]}"
        room = self.epw - 28
        self.set_font(FONT, "", _fitting_size(text, room, 8))
        self.cell(room, 6, text)
        self.set_font(FONT, "", 8)
        self.cell(self.epw - room, 6, f"Seite {self.page_no()} von {{nb}}", align="R")


def _fitting_size(text: str, width: float, size: float, least: float = 5.5) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width`` mm on one line."""
    while size > least and text_width(text, size) > (width - 2) * MM:
        size -= 0.5
    return size


def _paragraph(pdf: Vorlage, text: str, size: float = 10, style: str = "", colour=(26, 26, 26)):
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(pdf.epw, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)


#: (font size in pt, hyphenate long words in the body) tried in turn until a table's
#: widest tokens fit side by side; headers always break at their compound parts
TABLE_STAGES = ((0.0, False), (-0.5, False), (-1.0, False), (-1.0, True), (-1.5, True))
CELL_PADDING = 1.0  # mm left and right of a cell's text
_NUMBER = re.compile(rf"[+±\-−]?\d[\d.,]*( ?%)?|{re.escape(WITHHELD_SIGN)}")  # right-aligned
_NUMBER_CELL = re.compile(r"[+±\-−]?\d[\d.,]*( \S+){0,2}")


@dataclass(frozen=True)
class TableRegion:
    """Where a table was set on one page (mm): its rows' top and bottom and the x of
    its column edges, left to right; the handout tests check every word against it."""

    page: int
    top: float
    bottom: float
    edges: tuple[float, ...]


@dataclass(frozen=True)
class TableLayout:
    """A table ready to set: the columns kept, their text, widths (mm) and font size,
    and the note naming the values that every row shares."""

    header: list[str]
    body: list[list[str]]
    right: list[bool]
    widths: list[float]
    size: float
    note: str
    fits: bool


def _cell_text(text: str, hyphens: bool) -> str:
    """A body cell: a number with its unit never breaks, long words only at their
    compound parts (and only when ``hyphens``)."""
    if len(text) <= 16 and _NUMBER_CELL.fullmatch(text):
        return text.replace(" ", NBSP)
    text = glue(text)
    return hyphenate_text(text) if hyphens else text


def table_layout(spec: dict[str, Any], size: float, width: float) -> TableLayout:
    """Lay a table spec out ``width`` mm wide at ``size`` pt or smaller, its columns as
    wide as their widest number or word (never split). Empty columns are left out. When
    cells would wrap, columns with one value in every row (but the withheld sign) become
    a note below the table; when it still does not fit, the font shrinks."""
    columns = spec["columns"]
    body = table_text(spec)
    numeric = [
        all(isinstance(r[i], int | float) or r[i] in (WITHHELD_SIGN, None) for r in spec["rows"])
        or all(_NUMBER.fullmatch(r[i]) for r in body if r[i])
        for i in range(len(columns))
    ]
    keep = [i for i in range(len(columns)) if not body or any(r[i] for r in body)]
    shared = [
        i
        for i in keep
        if len(body) >= 3 and len({r[i] for r in body}) == 1 and body[0][i] != WITHHELD_SIGN
    ]
    if len(shared) > len(keep) - 2:  # a table keeps at least two columns
        shared = []
    pad = (2 * CELL_PADDING + 0.4) * MM
    stages: list[tuple[list[int], float, bool]] = [([], 0.0, False)] + [
        (shared, step, hyphens) for step, hyphens in TABLE_STAGES
    ]
    for folded, step, hyphens in stages:
        kept = [i for i in keep if i not in folded]
        header = [hyphenate_text(columns[i]) for i in kept]
        text = [[_cell_text(r[i], hyphens) for i in kept] for r in body]
        fit = column_widths(header, text, width * MM - 0.5, size + step, pad, width * MM / 3)
        if fit.fits and (folded or not shared or not fit.wraps):
            break
    note = " · ".join(f"{columns[i]}: {body[0][i]}" for i in folded)
    return TableLayout(
        header=header,
        body=text,
        right=[numeric[i] for i in kept],
        widths=[w / MM for w in fit.widths],
        size=size + step,
        note=f"Für alle Zeilen gilt: {note}" if note else "",
        fits=fit.fits,
    )


def _table(pdf: Vorlage, spec: dict[str, Any], size: float = 7.5) -> TableLayout:
    """Set a table spec, as wide as the page allows; returns its layout."""
    layout = table_layout(spec, size, pdf.epw)
    widths = layout.widths
    if not layout.fits:  # narrower than its words: squeezed (the handout tests catch it)
        widths = [w * (pdf.epw - 0.1) / sum(widths) for w in widths]
    pdf.set_font(FONT, "", layout.size)
    pdf.set_text_color(26, 26, 26)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    first_page, top = pdf.page, pdf.get_y()
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        headings_style=heading,
        line_height=layout.size * 0.5,
        text_align=["RIGHT" if r else "LEFT" for r in layout.right],
        cell_fill_color=(242, 246, 247),
        cell_fill_mode="ROWS",
        padding=(0.6, CELL_PADDING),
        borders_layout="HORIZONTAL_LINES",
    ) as tbl:
        tbl.row(layout.header)
        for values in layout.body:
            tbl.row(values)
    edges = tuple(pdf.l_margin + sum(widths[:i]) for i in range(len(widths) + 1))
    for page in range(first_page, pdf.page + 1):
        pdf.table_regions.append(
            TableRegion(
                page=page,
                top=top if page == first_page else pdf.body_top,
                bottom=pdf.get_y() if page == pdf.page else pdf.page_break_trigger,
                edges=edges,
            )
        )
    pdf.ln(1)
    if layout.note:
        _paragraph(pdf, layout.note, 7.5, "", MUTED)
    pdf.ln(2)
    return layout


def _image(pdf: Vorlage, png: bytes, width: float, alt: str) -> None:
    pdf.image(io.BytesIO(png), x=MARGIN, w=width, alt_text=alt)
    pdf.ln(2)


def _cover(pdf: Vorlage, spec: dict[str, Any]) -> None:
    pdf.ln(30)
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(pdf.epw, 11, spec["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(3)
    _paragraph(pdf, "Sitzungsvorlage", 14, "B", MUTED)
    _paragraph(pdf, spec["lead"], 14)
    pdf.ln(6)
    _table(pdf, spec["tables"][0], 10)
    if pdf.report["meta"].get("demo"):
        _paragraph(pdf, "Demodaten", 12, "B", DEMO)
    _paragraph(pdf, spec["reading_aid"], 9, "I", MUTED)


def _png_height(png: bytes, width: float) -> float:
    """Height in mm of a PNG set ``width`` mm wide."""
    w, h = struct.unpack(">II", png[16:24])  # the IHDR chunk: width, height in pixels
    return width * h / w


def _section(pdf: Vorlage, number: int, spec: dict[str, Any]) -> None:
    # heading, lead and the first picture or table stay together on one page
    image = base64.b64decode(spec["image"]["png_base64"]) if spec["image"] else None
    charts = [chart_png(chart) for chart in spec["charts"]]
    first = 30.0
    if image:
        first = _png_height(image, pdf.epw * 0.85)
    elif charts:
        first = _png_height(charts[0], pdf.epw * 0.9)
    if pdf.get_y() + 30 + first > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(pdf.epw, 7, f"{number}. {spec['title']}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if spec["lead"]:
        _paragraph(pdf, spec["lead"], 10.5, "B")
    if image:
        _image(pdf, image, pdf.epw * 0.85, spec["image"]["alt"])
    for bullet in spec["bullets"]:
        _paragraph(pdf, f"{BULLET} {bullet}", 9.5)
    for chart, png in zip(spec["charts"], charts, strict=True):
        _image(pdf, png, pdf.epw * 0.9, chart["title"])
    # every table of the slide is in the handout: short ones here, long ones in the annex
    for i, table in enumerate(spec["tables"]):
        if len(table["rows"]) > ANNEX_ROWS:
            title = spec["title"] if i == 0 else f"{spec['title']} – {table['name']}"
            pdf.annex.append((title, {**table, "_slide": spec}))
            _paragraph(
                pdf,
                f"{table['name']}: alle {len(table['rows'])} Zeilen in Anhang {len(pdf.annex)}.",
                9,
            )
        elif i == 0 or table.get("slide_columns") != []:
            _table(pdf, table)
    if spec["reading_aid"]:
        _paragraph(pdf, spec["reading_aid"], 8.5, "I", MUTED)
    _paragraph(pdf, footer_text(pdf.report, spec), 8, "", MUTED)
    pdf.ln(4)


def _annex_orientation(spec: dict[str, Any]) -> str:
    """Portrait, or landscape for a table too wide to fit a portrait page unshrunk."""
    portrait = table_layout(spec, ANNEX_SIZE, PAGE_W - 2 * MARGIN)
    return "P" if portrait.fits and portrait.size >= ANNEX_SIZE - 0.5 else "L"


def build_vorlage(report: dict[str, Any]) -> Vorlage:
    """The report set as an A4 document: a cover page, one section per slide, then an
    annex with the long tables (landscape where a table needs the width)."""
    pdf = Vorlage(report)
    pdf.add_page()
    slides = report["slides"]
    number = 0
    for spec in slides:
        if spec["key"] == "title":
            _cover(pdf, spec)
            pdf.add_page()
            continue
        number += 1
        _section(pdf, number, spec)
    if not slides:
        _paragraph(pdf, "Keine Folien ausgewählt.")
    for i, (title, spec) in enumerate(pdf.annex, 1):
        pdf.add_page(orientation=_annex_orientation(spec))
        pdf.set_font(FONT, "B", 14)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(pdf.epw, 7, f"Anhang {i}: {title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        _table(pdf, spec, ANNEX_SIZE)
        notes = [WITHHELD_LEGEND] if table_shows_withheld(spec) else []
        stand = slide_stand(spec["_slide"])
        if not stand.empty:
            notes.append(stand.label)
        _paragraph(pdf, " · ".join(notes), 8, "", MUTED)
    return pdf


def to_pdf_bytes(report: dict[str, Any]) -> bytes:
    """The report as an A4 PDF (:func:`build_vorlage`)."""
    return bytes(build_vorlage(report).output())

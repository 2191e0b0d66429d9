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
from pathlib import Path
from typing import Any

import matplotlib
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

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
ACCENT = (11, 85, 99)
MUTED = (85, 85, 85)
DEMO = (179, 92, 0)
PAGE_W, MARGIN = 210.0, 18.0
TEXT_W = PAGE_W - 2 * MARGIN
ANNEX_ROWS = 15


class Vorlage(FPDF):
    """A4 portrait with a running header and a footer with page numbers."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        self.annex: list[tuple[str, dict[str, Any]]] = []
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=20)
        meta = report["meta"]
        self.set_title(meta.get("session_title") or meta["title"])
        self.set_lang("de-DE")
        self.set_creator("Präventionsmonitor")

    def header(self) -> None:
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
        self.cell(TEXT_W * 0.8, 6, text)
        if meta.get("demo"):
            self.set_text_color(*DEMO)
            self.set_font(FONT, "B", 8)
            self.cell(TEXT_W * 0.2, 6, "Demodaten", align="R")
        self.ln(10)

    def footer(self) -> None:
        meta = self.report["meta"]
        self.set_y(-14)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        stand = report_stand(self.report).label
        self.cell(TEXT_W * 0.7, 6, f"{stand} · Prüfsumme {meta['data_hash'][:12]}")
        self.cell(TEXT_W * 0.3, 6, f"Seite {self.page_no()} von {{nb}}", align="R")


def _paragraph(pdf: Vorlage, text: str, size: float = 10, style: str = "", colour=(26, 26, 26)):
    pdf.set_font(FONT, style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(TEXT_W, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(1.5)


MIN_TEXT_COLUMN = 28.0  # mm: a wrapped text column never gets narrower
MIN_COLUMN = 9.0  # mm: any column holds at least a few characters


def column_widths(pdf: Vorlage, columns: list[str], body: list[list[str]]) -> list[float]:
    """Widths in mm: short columns as wide as their longest value (never wrapped), long
    text columns share the rest (however long a name is); the header may wrap at its
    spaces. No column gets too narrow for a character."""
    pad = 3.5
    size = pdf.font_size_pt
    pdf.set_font(FONT, "B", size)
    words = [max(pdf.get_string_width(w) for w in name.split() or [""]) for name in columns]
    pdf.set_font(FONT, "", size)
    natural = []
    for i, word in enumerate(words):
        values = max([pdf.get_string_width(r[i]) for r in body] or [0.0])
        natural.append(max(word, values) + pad)
    fixed = [n <= 40 for n in natural]
    flexible = [min(n, TEXT_W) for n, f in zip(natural, fixed, strict=True) if not f]
    used = sum(n for n, f in zip(natural, fixed, strict=True) if f)
    room = max(TEXT_W - used, MIN_TEXT_COLUMN * len(flexible))
    if used + room > TEXT_W:  # short columns give way, down to their minimum
        scale = (TEXT_W - room) / used if used else 1.0
        natural = [
            max(n * scale, MIN_COLUMN) if f else n for n, f in zip(natural, fixed, strict=True)
        ]
        used = sum(n for n, f in zip(natural, fixed, strict=True) if f)
        room = max(TEXT_W - used, MIN_TEXT_COLUMN * len(flexible))
    if flexible:
        total = sum(flexible)
        shares = iter(max(room * n / total, MIN_TEXT_COLUMN) for n in flexible)
        natural = [n if f else next(shares) for n, f in zip(natural, fixed, strict=True)]
    overflow = sum(natural) / (TEXT_W - 0.1)
    return [n / overflow for n in natural] if overflow > 1 else natural


def _table(pdf: Vorlage, spec: dict[str, Any], size: float = 7.5) -> None:
    columns = spec["columns"]
    body = table_text(spec)
    numeric = [
        all(isinstance(r[i], int | float) or r[i] in (WITHHELD_SIGN, None) for r in spec["rows"])
        for i in range(len(columns))
    ]
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(26, 26, 26)
    widths = column_widths(pdf, columns, body)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        headings_style=heading,
        line_height=size * 0.5,
        text_align=["RIGHT" if n else "LEFT" for n in numeric],
        cell_fill_color=(242, 246, 247),
        cell_fill_mode="ROWS",
        padding=1,
        borders_layout="HORIZONTAL_LINES",
    ) as tbl:
        tbl.row(columns)
        for values in body:
            tbl.row(values)
    pdf.ln(3)


def _image(pdf: Vorlage, png: bytes, width: float, alt: str) -> None:
    pdf.image(io.BytesIO(png), x=MARGIN, w=width, alt_text=alt)
    pdf.ln(2)


def _cover(pdf: Vorlage, spec: dict[str, Any]) -> None:
    pdf.ln(30)
    pdf.set_font(FONT, "B", 24)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(TEXT_W, 11, spec["title"], new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(3)
    _paragraph(pdf, "Sitzungsvorlage", 14, "B", MUTED)
    _paragraph(pdf, spec["lead"], 14)
    pdf.ln(6)
    _table(pdf, spec["tables"][0], 10)
    if pdf.report["meta"].get("demo"):
        _paragraph(pdf, "Demodaten", 12, "B", DEMO)
    _paragraph(pdf, spec["reading_aid"], 9, "I", MUTED)


def _section(pdf: Vorlage, number: int, spec: dict[str, Any]) -> None:
    if pdf.get_y() > 200:
        pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(TEXT_W, 7, f"{number}. {spec['title']}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if spec["lead"]:
        _paragraph(pdf, spec["lead"], 10.5, "B")
    if spec["image"]:
        png = base64.b64decode(spec["image"]["png_base64"])
        _image(pdf, png, TEXT_W * 0.85, spec["image"]["alt"])
    for bullet in spec["bullets"]:
        _paragraph(pdf, f"{BULLET} {bullet}", 9.5)
    for chart in spec["charts"]:
        _image(pdf, chart_png(chart), TEXT_W * 0.9, chart["title"])
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


def to_pdf_bytes(report: dict[str, Any]) -> bytes:
    """The report as an A4 PDF: a cover page, then one section per slide."""
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
        pdf.add_page()
        pdf.set_font(FONT, "B", 14)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(TEXT_W, 7, f"Anhang {i}: {title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        _table(pdf, spec)
        notes = [WITHHELD_LEGEND] if table_shows_withheld(spec) else []
        stand = slide_stand(spec["_slide"])
        if not stand.empty:
            notes.append(stand.label)
        _paragraph(pdf, " · ".join(notes), 8, "", MUTED)
    return bytes(pdf.output())

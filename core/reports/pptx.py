"""The report as a 16:9 PowerPoint file (python-pptx), editable in PowerPoint/LibreOffice.

Bars and lines are native charts (their data sit in the embedded workbook), tables are
native tables, the map is a PNG. Every slide has a footer with source, Stand and
"Demodaten" where it applies, and speaker notes with the reading aid.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from core.present.vocabulary import WITHHELD_SIGN
from core.reports.spec import BULLET, CUT_NOTE, footer_text, slide_table
from core.reports.typesetting import (
    break_lines,
    column_widths,
    glue,
    hyphenate_text,
    keep_ranges,
)

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_TOP, CONTENT_BOTTOM = Inches(1.95), Inches(6.85)
ACCENT = RGBColor(0x0B, 0x55, 0x63)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x55, 0x55, 0x55)
DEMO = RGBColor(0xB3, 0x5C, 0x00)
TILE_FILL = RGBColor(0xF2, 0xF6, 0xF7)
TITLE_ONLY_LAYOUT = 5
#: Text is measured in DejaVu Sans, what LibreOffice sets where the theme's Calibri is
#: missing and wider than Calibri, so text measured to fit fits in PowerPoint too.
EMU_PER_PT = 12700
LINE = 1.2  # height of a line of text / its font size, as LibreOffice and PowerPoint set it
BOX_INSET_X, BOX_INSET_Y = Inches(0.1), Inches(0.05)  # a text box's default insets
CELL_INSET_X, CELL_INSET_Y = Inches(0.06), Inches(0.05)
SLACK = 2.0  # pt a measured line keeps free for the renderer's rounding
LEAST_SIZE = 10  # pt: no text on a slide is set smaller
CHART_TYPES = {
    ("bar", False): XL_CHART_TYPE.COLUMN_CLUSTERED,
    ("bar", True): XL_CHART_TYPE.BAR_CLUSTERED,
    ("stacked_bar", False): XL_CHART_TYPE.COLUMN_STACKED,
    ("stacked_bar", True): XL_CHART_TYPE.BAR_STACKED,
    ("line", False): XL_CHART_TYPE.LINE_MARKERS,
}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


def text_height(
    text: str, width: float, size: float, bold: bool = False, space: float = 4
) -> float:
    """Height in pt of ``text`` set ``width`` pt wide: its lines, and ``space`` after
    each paragraph but the last."""
    paragraphs = text.split("\n")
    lines = sum(len(break_lines(p, width - SLACK, size, bold)) for p in paragraphs)
    return lines * size * LINE + (len(paragraphs) - 1) * space


def fitting_size(
    text: str,
    w: int,
    h: int,
    size: int,
    bold: bool = False,
    space: float = 4,
    least: int = LEAST_SIZE,
) -> int:
    """The largest font size from ``size`` down to ``least`` at which ``text`` fits a
    text box of ``w`` × ``h`` EMU."""
    inner_w, inner_h = _pt(w - 2 * BOX_INSET_X), _pt(h - 2 * BOX_INSET_Y)
    while size > least and text_height(text, inner_w, size, bold, space) > inner_h:
        size -= 1
    return size


def _text(slide: Any, x: int, y: int, w: int, h: int, text: str, size: int, **style: Any) -> Any:
    """A text box with one paragraph per line of ``text``, its font shrunk until the text
    fits the box (never below ``LEAST_SIZE``)."""
    space = style.get("space", 4)
    least = style.get("least", LEAST_SIZE)
    size = fitting_size(text, w, h, size, style.get("bold", False), space, least)
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = style.get("anchor", MSO_ANCHOR.TOP)
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = keep_ranges(line)
        para.alignment = style.get("align", PP_ALIGN.LEFT)
        para.font.size = Pt(size)
        para.font.bold = style.get("bold", False)
        para.font.color.rgb = style.get("colour", TEXT)
        para.space_after = Pt(space)
    return box


def _title(
    slide: Any, text: str, top: int = Inches(0.35), h: int = Inches(0.8), size: int = 30
) -> None:
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, top, WIDTH - 2 * MARGIN, h
    shape.text = text
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    size = fitting_size(text, shape.width, shape.height, size, bold=True, least=20)
    para.font.size, para.font.bold, para.font.color.rgb = Pt(size), True, ACCENT


def _footer(slide: Any, report: dict, spec: dict, number: int, total: int) -> None:
    y, h = HEIGHT - Inches(0.5), Inches(0.45)
    text = footer_text(report, spec)
    _text(slide, MARGIN, y, WIDTH - 2 * MARGIN - Inches(1.4), h, text, 10, colour=MUTED, least=8)
    _text(
        slide,
        WIDTH - MARGIN - Inches(1.3),
        y,
        Inches(1.3),
        h,
        f"{number} / {total}",
        10,
        colour=MUTED,
        align=PP_ALIGN.RIGHT,
    )
    line = slide.shapes.add_connector(1, MARGIN, y - Inches(0.05), WIDTH - MARGIN, y - Inches(0.05))
    line.line.color.rgb = RGBColor(0xCC, 0xCC, 0xCC)


def _chart(slide: Any, spec: dict, x: int, y: int, w: int, h: int) -> Any:
    """A native chart from a chart spec; None values stay empty points."""
    data = CategoryChartData(number_format="#,##0" if not spec["decimals"] else "#,##0.0")
    data.categories = spec["categories"]
    stacked = spec["kind"] == "stacked_bar"
    for series in spec["series"]:
        values = [None if stacked and v == 0 else v for v in series["values"]]  # no "0" labels
        data.add_series(series["name"], values)
    kind = CHART_TYPES[(spec["kind"], bool(spec.get("horizontal")))]
    chart = slide.shapes.add_chart(kind, x, y, w, h, data).chart
    chart.font.size = Pt(13)
    chart.has_title = True
    chart.chart_title.text_frame.text = spec["title"]
    chart.chart_title.text_frame.paragraphs[0].font.size = Pt(15)
    chart.chart_title.text_frame.paragraphs[0].font.bold = True
    many = len(spec["series"]) > 1
    chart.has_legend = many
    if many:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    if spec.get("horizontal"):
        chart.category_axis.reverse_order = True  # first category on top, as in the table
    value_axis = chart.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    value_axis.tick_labels.number_format = '#,##0" %"' if spec["unit"] == "%" else "#,##0"
    value_axis.tick_labels.number_format_is_linked = False
    points = [v for ser in spec["series"] for v in ser["values"] if v is not None]
    if points and min(points) >= 0:
        value_axis.minimum_scale = 0  # counts and rates from zero, as on the pages
    plot = chart.plots[0]
    if spec["kind"] != "line":
        plot.gap_width = 60
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = '#,##0" %"' if spec["unit"] == "%" else "#,##0"
        labels.number_format_is_linked = False
        labels.font.size = Pt(12)
    for series, meta in zip(plot.series, spec["series"], strict=True):
        colour = meta.get("colour")
        if spec["kind"] == "line":
            series.smooth = False
            if colour:
                series.format.line.color.rgb = _rgb(colour)
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(colour)
            series.format.line.width = Pt(2.5)
        elif colour:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(colour)
    if spec.get("point_colours"):
        series = plot.series[0]
        for i, colour in enumerate(spec["point_colours"]):
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)
    return chart


@dataclass(frozen=True)
class SlideTableLayout:
    """A table as set on a slide: the lines of every cell, column widths and row
    heights (EMU), its font size, and how many of the table's rows it shows."""

    cells: list[list[list[str]]]  # header first; every cell as its lines
    right: list[bool]
    widths: list[int]
    heights: list[int]
    size: int
    shown: int
    total: int


def table_layout(spec: dict, w: int, h: int, size: int) -> SlideTableLayout:
    """Lay a table spec out in ``w`` × ``h`` EMU: columns as wide as their widest number
    or word (headers may break at compound parts: "Ziel-erreichung"), rows as high as
    their wrapped text; the font shrinks (to ``LEAST_SIZE``) and at last rows are left
    out until the table fits."""
    header, body = slide_table(spec)
    total = len(spec["rows"])
    numeric = [
        all(isinstance(r[i], int | float) or r[i] in (WITHHELD_SIGN, None) for r in spec["rows"])
        for i in (spec["columns"].index(c) for c in header)
    ]
    head = [hyphenate_text(c) for c in header]
    rows = [[glue(v) for v in r] for r in body]
    pad = _pt(2 * CELL_INSET_X) + SLACK
    inset = 2 * CELL_INSET_Y
    for step in range(size, LEAST_SIZE - 1, -1):
        fit = column_widths(head, rows, _pt(w), step, pad)
        if fit.fits or step == LEAST_SIZE:
            break
    widths = [int(x * EMU_PER_PT) for x in fit.widths]
    if not fit.fits:  # narrower than its words (the render tests catch it)
        widths = [int(x * w / sum(widths)) for x in widths]
    # every cell broken into lines here, so the renderer never breaks a number or word
    cells = [
        [
            break_lines(text, _pt(width) - pad, step, r == 0)
            for text, width in zip(values, widths, strict=True)
        ]
        for r, values in enumerate([head, *rows])
    ]
    heights = [
        int(max(len(lines) for lines in row) * step * LINE * EMU_PER_PT + inset) for row in cells
    ]
    shown = len(body)
    note = Inches(0.35) if shown < total else 0
    while shown > 1 and sum(heights[: shown + 1]) > h - note:
        shown -= 1
        note = Inches(0.35)
    return SlideTableLayout(
        cells=cells[: shown + 1],
        right=numeric,
        widths=widths,
        heights=heights[: shown + 1],
        size=step,
        shown=shown,
        total=total,
    )


def _table(slide: Any, spec: dict, x: int, y: int, w: int, h: int, size: int = 13) -> Any:
    """A native table laid out by :func:`table_layout`, with a note below it when it
    shows fewer rows than the table has."""
    layout = table_layout(spec, w, h, size)
    shape = slide.shapes.add_table(
        len(layout.cells), len(layout.widths), x, y, sum(layout.widths), sum(layout.heights)
    )
    tbl = shape.table
    for i, width in enumerate(layout.widths):
        tbl.columns[i].width = Emu(width)
    for r, values in enumerate(layout.cells):
        tbl.rows[r].height = Emu(layout.heights[r])
        for c, value in enumerate(values):
            cell = tbl.cell(r, c)
            cell.margin_left = cell.margin_right = CELL_INSET_X
            cell.margin_top = cell.margin_bottom = CELL_INSET_Y
            para = cell.text_frame.paragraphs[0]
            para.text = "\v".join(keep_ranges(line) for line in value)  # \v: a line break
            para.font.size = Pt(layout.size)
            para.font.bold = r == 0
            para.alignment = PP_ALIGN.RIGHT if layout.right[c] and r else PP_ALIGN.LEFT
            if r == 0:
                para.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            if r == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = ACCENT
    if layout.shown < layout.total:
        note = CUT_NOTE.format(shown=layout.shown, total=layout.total)
        _text(slide, x, y + h - Inches(0.35), w, Inches(0.35), note, 11, colour=MUTED)
    return shape


def _tiles(slide: Any, figures: list[dict], x: int, y: int, w: int, h: int) -> None:
    per_row = 4
    rows = max(1, -(-len(figures) // per_row))
    gap = Inches(0.2)
    tile_w = (w - gap * (per_row - 1)) // per_row
    tile_h = (h - gap * (rows - 1)) // rows
    for i, fig in enumerate(figures):
        tx = x + (tile_w + gap) * (i % per_row)
        ty = y + (tile_h + gap) * (i // per_row)
        box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, tx, ty, tile_w, tile_h)
        box.adjustments[0] = 0.06
        box.fill.solid()
        box.fill.fore_color.rgb = TILE_FILL
        box.line.color.rgb = RGBColor(0xC8, 0xD6, 0xDA)
        inner = Inches(0.15)
        inner_w = tile_w - 2 * inner
        _text(slide, tx + inner, ty + inner, inner_w, Inches(0.6), fig["label"], 15, colour=MUTED)
        _text(
            slide,
            tx + inner,
            ty + Inches(0.8),
            inner_w,
            Inches(0.6),
            fig["value"],
            28,
            bold=True,
            colour=ACCENT,
        )
        sub = "\n".join(p for p in (fig["delta"], f"Stand {fig['stand']}") if p)
        _text(
            slide,
            tx + inner,
            ty + Inches(1.45),
            inner_w,
            Inches(0.6),
            sub,
            13,
            colour=MUTED,
            space=0,
        )


def _title_slide(slide: Any, report: dict, spec: dict) -> None:
    meta = report["meta"]
    _text(
        slide, MARGIN, Inches(2.3), WIDTH - 2 * MARGIN, Inches(0.8), spec["lead"], 26, colour=TEXT
    )
    lines = list(spec["bullets"])
    if meta.get("session_date"):
        lines.insert(0, next(r[1] for r in spec["tables"][0]["rows"] if r[0] == "Sitzungsdatum"))
    _text(
        slide,
        MARGIN,
        Inches(3.2),
        WIDTH - 2 * MARGIN,
        Inches(1.5),
        "\n".join(lines),
        20,
        colour=MUTED,
    )
    if meta.get("demo"):
        badge = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, MARGIN, Inches(4.9), Inches(2.2), Inches(0.5)
        )
        badge.fill.solid()
        badge.fill.fore_color.rgb = RGBColor(0xFF, 0xF1, 0xE0)
        badge.line.color.rgb = DEMO
        badge.text_frame.text = "Demodaten"
        para = badge.text_frame.paragraphs[0]
        para.font.size, para.font.bold, para.font.color.rgb = Pt(16), True, DEMO


def _body(slide: Any, report: dict, spec: dict) -> None:
    """Lay out lead, figures, image, charts and table of one slide."""
    if spec["key"] == "title":
        _title_slide(slide, report, spec)
        return
    x, w = int(MARGIN), int(WIDTH - 2 * MARGIN)
    top = Inches(1.2)
    if spec["lead"]:
        _text(slide, x, top, w, Inches(0.7), spec["lead"], 18)
    y = int(CONTENT_TOP) if spec["lead"] else int(top) + Inches(0.1)  # no lead: use its room
    h = int(CONTENT_BOTTOM) - y
    if spec["figures"]:
        _tiles(slide, spec["figures"], x, y, w, h)
        return
    if spec["image"]:
        png = base64.b64decode(spec["image"]["png_base64"])
        pic = slide.shapes.add_picture(io.BytesIO(png), x, y, height=h)
        pic.name = spec["image"]["alt"][:250]
        right = x + pic.width + Inches(0.3)
        text = "\n".join(f"{BULLET} {b}" for b in spec["bullets"])
        _text(slide, right, y + Inches(0.2), WIDTH - MARGIN - right, h - Inches(0.2), text, 18)
        return
    tables = [t for t in spec["tables"] if t.get("slide_columns") != []]
    if spec["bullets"]:
        text = "\n".join(f"{BULLET} {b}" for b in spec["bullets"])
        size = 14 if tables else 18
        height = h
        if tables:  # as high as the bullets need, at most half the room
            need = text_height(text, _pt(w - 2 * BOX_INSET_X), size) + _pt(2 * BOX_INSET_Y)
            height = min(int(need * EMU_PER_PT) + Inches(0.15), h // 2)
        _text(slide, x, y, w, height, text, size)
        y, h = y + height, h - height
    items = [("chart", c) for c in spec["charts"]] + [("table", t) for t in tables[:1]]
    if not items:
        return
    gap = Inches(0.3)
    if len(items) == 2 and items[1][0] == "table":
        widths = [int(w * 0.55), int(w * 0.45) - gap]
    else:
        widths = [(w - gap * (len(items) - 1)) // len(items)] * len(items)
    for (kind, item), item_w in zip(items, widths, strict=True):
        if kind == "chart":
            _chart(slide, item, x, y, item_w, h)
        else:
            size = 12 if len(items) > 1 or len(item["rows"]) > 6 or spec["bullets"] else 14
            _table(slide, item, x, y, item_w, h, size)
        x += item_w + gap


def _notes(slide: Any, spec: dict) -> None:
    parts = [spec["reading_aid"]]
    if spec["lead"] and spec["key"] != "title":
        parts.append(spec["lead"])
    if spec["bullets"] and spec["image"]:
        parts.append("; ".join(spec["bullets"]))
    slide.notes_slide.notes_text_frame.text = "\n\n".join(p for p in parts if p)


def to_pptx_bytes(report: dict[str, Any]) -> bytes:
    """The report as PPTX bytes: one slide per report slide, in order."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = report["meta"].get("session_title") or report["meta"]["title"]
    prs.core_properties.language = "de-DE"
    layout = prs.slide_layouts[TITLE_ONLY_LAYOUT]
    total = len(report["slides"])
    for number, spec in enumerate(report["slides"], 1):
        slide = prs.slides.add_slide(layout)
        if spec["key"] == "title":
            _title(slide, spec["title"], Inches(1.2), Inches(1.0), 40)
        else:
            _title(slide, spec["title"])
        _body(slide, report, spec)
        _footer(slide, report, spec, number, total)
        _notes(slide, spec)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()

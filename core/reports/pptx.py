"""The report as a 16:9 PowerPoint file (python-pptx), editable in PowerPoint/LibreOffice.

Bars and lines are native charts (their data sit in the embedded workbook), tables are
native tables, the map is a PNG. Every slide has a footer with source, Stand and
"Demodaten" where it applies, and speaker notes with the reading aid.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from core.present.vocabulary import WITHHELD_SIGN
from core.reports.spec import BULLET, footer_text, slide_table

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_TOP, CONTENT_BOTTOM = Inches(1.95), Inches(6.85)
ACCENT = RGBColor(0x0B, 0x55, 0x63)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x55, 0x55, 0x55)
DEMO = RGBColor(0xB3, 0x5C, 0x00)
TILE_FILL = RGBColor(0xF2, 0xF6, 0xF7)
TITLE_ONLY_LAYOUT = 5
CUT_NOTE = "Die ersten {shown} von {total}; alle in der Excel-Datei und der Sitzungsvorlage (PDF)."
CHART_TYPES = {
    ("bar", False): XL_CHART_TYPE.COLUMN_CLUSTERED,
    ("bar", True): XL_CHART_TYPE.BAR_CLUSTERED,
    ("stacked_bar", False): XL_CHART_TYPE.COLUMN_STACKED,
    ("stacked_bar", True): XL_CHART_TYPE.BAR_STACKED,
    ("line", False): XL_CHART_TYPE.LINE_MARKERS,
}


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _text(slide: Any, x: int, y: int, w: int, h: int, text: str, size: int, **style: Any) -> Any:
    """A text box with one paragraph per line of ``text``."""
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = style.get("anchor", MSO_ANCHOR.TOP)
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.text = line
        para.alignment = style.get("align", PP_ALIGN.LEFT)
        para.font.size = Pt(size)
        para.font.bold = style.get("bold", False)
        para.font.color.rgb = style.get("colour", TEXT)
        para.space_after = Pt(style.get("space", 4))
    return box


def _title(slide: Any, text: str) -> None:
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = (
        MARGIN,
        Inches(0.35),
        WIDTH - 2 * MARGIN,
        Inches(0.8),
    )
    shape.text = text
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    para = frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    para.font.size, para.font.bold, para.font.color.rgb = Pt(30), True, ACCENT


def _footer(slide: Any, report: dict, spec: dict, number: int, total: int) -> None:
    y, h = HEIGHT - Inches(0.5), Inches(0.35)
    text = footer_text(report, spec)
    _text(slide, MARGIN, y, WIDTH - 2 * MARGIN - Inches(1.4), h, text, 10, colour=MUTED)
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


def column_widths(header: list[str], body: list[list[str]], total: int, size: int) -> list[int]:
    """Column widths in EMU: short columns as wide as their longest value (one line),
    long text columns share the rest; scaled down when even the short ones do not fit."""
    char = Inches(size * 0.56 / 72)  # average character width of the theme font
    natural = []
    for i, name in enumerate(header):
        word = max((len(w) for w in name.split()), default=1) * 1.1  # bold header
        natural.append(int(max([word] + [len(r[i]) for r in body]) * char + Inches(0.2)))
    fixed = [n <= Inches(2.6) for n in natural]
    used = sum(n for n, f in zip(natural, fixed, strict=True) if f)
    flexible = sum(n for n, f in zip(natural, fixed, strict=True) if not f)
    if not flexible or used >= total * 0.75:
        return [int(total * n / sum(natural)) for n in natural]
    rest = total - used
    return [n if f else int(rest * n / flexible) for n, f in zip(natural, fixed, strict=True)]


def _table(slide: Any, spec: dict, x: int, y: int, w: int, h: int, size: int = 13) -> Any:
    header, body = slide_table(spec)
    numeric = [
        all(isinstance(r[i], int | float) or r[i] in (WITHHELD_SIGN, None) for r in spec["rows"])
        for i in (spec["columns"].index(c) for c in header)
    ]
    row_h = Inches(0.4)
    shape = slide.shapes.add_table(len(body) + 1, len(header), x, y, w, row_h * (len(body) + 1))
    tbl = shape.table
    for i, width in enumerate(column_widths(header, body, w, size)):
        tbl.columns[i].width = Emu(width)
    for r, values in enumerate([header, *body]):
        for c, value in enumerate(values):
            cell = tbl.cell(r, c)
            cell.text = value
            cell.margin_left = cell.margin_right = Inches(0.06)
            para = cell.text_frame.paragraphs[0]
            para.font.size = Pt(size)
            para.font.bold = r == 0
            para.alignment = PP_ALIGN.RIGHT if numeric[c] and r else PP_ALIGN.LEFT
            if r == 0:
                cell.fill.solid()
                cell.fill.fore_color.rgb = ACCENT
                para.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
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
    y, h = int(CONTENT_TOP), int(CONTENT_BOTTOM - CONTENT_TOP)
    if spec["figures"]:
        _tiles(slide, spec["figures"], x, y, w, h)
        return
    if spec["image"]:
        png = base64.b64decode(spec["image"]["png_base64"])
        pic = slide.shapes.add_picture(io.BytesIO(png), x, y, height=h)
        pic.name = spec["image"]["alt"][:250]
        right = x + pic.width + Inches(0.3)
        text = "\n".join(f"{BULLET} {b}" for b in spec["bullets"])
        _text(slide, right, y + Inches(0.2), WIDTH - MARGIN - right, h, text, 18)
        return
    tables = [t for t in spec["tables"] if t.get("slide_columns") != []]
    if spec["bullets"]:
        text = "\n".join(f"{BULLET} {b}" for b in spec["bullets"])
        size = 14 if tables else 18
        height = Inches(0.34) * len(spec["bullets"]) + Inches(0.2) if tables else h
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
            shown = item.get("slide_rows") or len(item["rows"])
            if shown < len(item["rows"]):
                note = CUT_NOTE.format(shown=shown, total=len(item["rows"]))
                _text(
                    slide,
                    x,
                    CONTENT_BOTTOM - Inches(0.3),
                    item_w,
                    Inches(0.3),
                    note,
                    11,
                    colour=MUTED,
                )
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
        _title(slide, spec["title"])
        if spec["key"] == "title":
            slide.shapes.title.top, slide.shapes.title.height = Inches(1.2), Inches(1.0)
            slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(40)
        _body(slide, report, spec)
        _footer(slide, report, spec, number, total)
        _notes(slide, spec)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()

"""Presentation mode: one slide of a report at a time, large and readable on a projector.

Slides come as plain data from ``core.reports`` (live or frozen in a snapshot); this
module only draws them: plotly charts from the chart specs, the map PNG, tables as
German text. Previous/next buttons answer the arrow keys (Streamlit's ``shortcut``),
and in presentation mode the sidebar and header are hidden by CSS.
"""

from __future__ import annotations

import base64
from typing import Any

import streamlit as st

from core.escaping import markdown_text
from core.present.changes import metric_delta
from core.present.tables import Table, with_withheld_note
from core.reports.content import select_slides
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.spec import (
    cut_note,
    footer_text,
    slide_stand,
    slide_table,
    table_shows_withheld,
    table_text,
)
from core.reports.xlsx import to_report_xlsx_bytes
from ui import charts
from ui.slide_charts import chart_figure
from ui.tables import table_with_csv

KEY_INDEX = "_session_slide"
KEY_PRESENTING = "session_presenting"
#: keys of the page's containers that presentation mode hides (Streamlit adds
#: the CSS class ``st-key-<key>``); their widgets stay rendered so their values hold
CONTROLS_KEY, EXTRAS_KEY, PREPARE_KEY = "session_controls", "session_extras", "session_prepare"
#: the slim bar of presentation mode, the slide and its body (map, charts, table)
BAR_KEY, SLIDE_KEY, BODY_KEY = "session_bar", "session_slide", "session_slide_body"
PREVIOUS, NEXT = "Zurück", "Weiter"
COUNTER = "Folie {number} von {total}"
KEYS_HINT = "Tasten ← und → blättern, Esc beendet den Präsentationsmodus."
SLIDE_DATA = "Daten dieser Folie"
DOWNLOAD_CSV = "{name} als CSV"
DEMO_BADGE = "Demodaten"
NO_SLIDES = "Bitte mindestens eine Folie auswählen."
END_PRESENTING = "Präsentation beenden"
DOWNLOADS = "Zum Mitnehmen"
PPTX_LABEL, PDF_LABEL, XLSX_LABEL = "PowerPoint (PPTX)", "Sitzungsvorlage (PDF)", "Tabellen (Excel)"
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: CSS of presentation mode: no sidebar, no header, a slim bar (previous, counter, next,
#: end), and one slide exactly as tall as the viewport: title, message and footer take
#: what they need, the body (map, charts, table) the rest, so nothing needs scrolling
#: at 1280 × 720 and everything grows on a 1920 × 1080 projector. Type scales with the
#: viewport height (``vh``), within readable bounds.
PRESENTING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"],
.st-key-session_controls, .st-key-session_extras, .st-key-session_prepare {
  display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 0.4rem 2rem 0 2rem !important; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { gap: 0.4rem; }
/* the slim bar: small buttons, the counter between them, the arrow keys as icons only */
.st-key-session_bar { gap: 0.75rem; min-height: 0; }
.st-key-session_bar button { min-height: 2rem; padding: 0.1rem 0.9rem; }
.st-key-session_bar button p, .st-key-session_bar [data-testid="stMarkdownContainer"] p {
  font-size: 1rem !important; }
/* the slide: the viewport's height less the bar; title, message and footer keep their
   height, the body (map, charts, table) takes the rest */
[data-testid="stLayoutWrapper"]:has(> .st-key-session_slide),
.st-key-session_slide {
  height: calc(100vh - 4rem) !important; flex: 0 0 auto !important; min-height: 0; }
.st-key-session_slide { gap: 0.35rem; overflow: hidden; }
.st-key-session_slide > * { flex-shrink: 0; }
.st-key-session_slide [data-testid="stVerticalBlock"] { gap: 0.35rem; }
.st-key-session_slide [data-testid="stMarkdownContainer"] p,
.st-key-session_slide [data-testid="stMarkdownContainer"] li {
  font-size: clamp(1.05rem, 2.5vh, 1.6rem); line-height: 1.35; color: #111111; }
.st-key-session_slide [data-testid="stMarkdownContainer"] li { margin-bottom: 0.1rem; }
.st-key-session_slide [data-testid="stMarkdownContainer"] h2 {
  font-size: clamp(1.6rem, 4.4vh, 3rem); color: #0B5563; padding: 0 0 0.6rem 0 !important; }
.st-key-session_slide [data-testid="stCaptionContainer"] p {
  font-size: clamp(0.8rem, 1.8vh, 1.2rem) !important; color: #333333; line-height: 1.3; }
.st-key-session_slide > [data-testid="stLayoutWrapper"]:has(> .st-key-session_slide_body) {
  flex: 1 1 0 !important; min-height: 0; }
.st-key-session_slide_body { height: 100%; min-height: 0; }
/* a row with a chart or the map: as tall as the body; the chart or the map fills its
   column below the chart's title */
.st-key-session_slide_body > [data-testid="stLayoutWrapper"]:has(:is(.stPlotlyChart, .stImage)),
.st-key-session_slide_body [data-testid="stHorizontalBlock"]:has(:is(.stPlotlyChart, .stImage)),
.st-key-session_slide_body [data-testid="stHorizontalBlock"]:has(:is(.stPlotlyChart, .stImage))
  > [data-testid="stColumn"],
.st-key-session_slide_body [data-testid="stColumn"]:has(:is(.stPlotlyChart, .stImage))
  > [data-testid="stVerticalBlock"] {
  height: 100%; min-height: 0; }
.st-key-session_slide_body [data-testid="stElementContainer"]:has(:is(.stPlotlyChart, .stImage)) {
  flex: 1 1 0; min-height: 0; }
.st-key-session_slide_body [data-testid="stPlotlyChart"] { height: 100% !important; }
.st-key-session_slide_body [data-testid="stFullScreenFrame"]:has(.stImage),
.st-key-session_slide_body [data-testid="stFullScreenFrame"]:has(.stImage) > div,
.st-key-session_slide_body [data-testid="stImage"],
.st-key-session_slide_body [data-testid="stImageContainer"] {
  height: 100%; min-height: 0; display: flex; flex-direction: column; }
.st-key-session_slide_body [data-testid="stImageContainer"] { align-items: flex-start; }
.st-key-session_slide_body [data-testid="stImageContainer"] img {
  flex: 0 1 auto; min-height: 0; max-width: 100%; object-fit: contain;
  object-position: left top; }
.st-key-session_slide [data-testid="stElementToolbar"] { display: none; }
/* tables: smaller type than the text, the last column as wide as the slide allows */
.st-key-session_slide_body [data-testid="stTable"] :is(td, th),
.st-key-session_slide_body [data-testid="stTable"] :is(td, th) p {
  font-size: clamp(0.85rem, 2.4vh, 1.4rem) !important; line-height: 1.25 !important; }
.st-key-session_slide_body [data-testid="stTable"] :is(td, th),
.st-key-session_slide_body [data-testid="stTable"] :is(td, th) * {
  max-width: none !important; }
.st-key-session_slide_body [data-testid="stTable"] :is(td, th) {
  padding: 0.2rem 0.5rem !important; }
/* key figures: larger than on the Übersicht, growing with the projector */
.st-key-session_slide [data-testid="stMetricValue"],
.st-key-session_slide [data-testid="stMetricValue"] p {
  font-size: clamp(2.5rem, 9vh, 5.5rem) !important; line-height: 1.15 !important; }
.st-key-session_slide [data-testid="stMetricValue"] { height: auto !important; }
.st-key-session_slide [data-testid="stMetricLabel"] p {
  font-size: clamp(1.05rem, 2.5vh, 1.6rem) !important; }
.st-key-session_slide [data-testid="stMetricDelta"],
.st-key-session_slide [data-testid="stMetricDelta"] p {
  font-size: clamp(1rem, 2.4vh, 1.5rem) !important; }
</style>
"""


#: the arrow of the previous/next buttons once, as their icon: Streamlit would add the
#: arrow key as a second hint ("← Zurück ←"); the keys are named in the help texts
NAVIGATION_CSS = """
<style>
.st-key-session_previous kbd, .st-key-session_next kbd { display: none; }
</style>
"""


def hide_chrome() -> None:
    """Hide sidebar and header, size the slide to the viewport (presentation mode)."""
    st.html(PRESENTING_CSS)


def current_index(total: int) -> int:
    """The shown slide's index, kept within ``0 .. total-1``."""
    index = min(max(int(st.session_state.get(KEY_INDEX, 0)), 0), max(total - 1, 0))
    st.session_state[KEY_INDEX] = index
    return index


def _step(delta: int, total: int) -> None:
    st.session_state[KEY_INDEX] = min(max(st.session_state.get(KEY_INDEX, 0) + delta, 0), total - 1)


def _stop_presenting() -> None:
    st.session_state[KEY_PRESENTING] = False


def _counter(index: int, total: int) -> str:
    return COUNTER.format(number=index + 1, total=total)


def _previous(target: Any, index: int, total: int, width: str) -> None:
    target.button(
        PREVIOUS,
        icon=":material/arrow_back:",
        on_click=_step,
        args=(-1, total),
        disabled=index == 0,
        shortcut="Left",
        key="session_previous",
        width=width,
    )


def _next(target: Any, index: int, total: int, width: str) -> None:
    target.button(
        NEXT,
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_step,
        args=(1, total),
        disabled=index >= total - 1,
        shortcut="Right",
        key="session_next",
        width=width,
    )


def navigation(total: int) -> int:
    """Previous/next buttons (arrow keys) and the slide counter; returns the index."""
    index = current_index(total)
    st.html(NAVIGATION_CSS)
    left, middle, right = st.columns([1, 3, 1], vertical_alignment="center")
    _previous(left, index, total, "stretch")
    middle.markdown(
        f"<div style='text-align:center;font-size:1.2rem'>{_counter(index, total)}</div>",
        unsafe_allow_html=True,
    )
    _next(right, index, total, "stretch")
    return index


def presenting_bar(total: int) -> int:
    """The slim bar of presentation mode: previous, counter, next (arrow keys) and the
    end of the presentation (Esc); returns the index."""
    index = current_index(total)
    st.html(NAVIGATION_CSS)
    with st.container(key=BAR_KEY, horizontal=True, vertical_alignment="center", gap="small"):
        _previous(st, index, total, "content")
        st.markdown(_counter(index, total), width="content")
        _next(st, index, total, "content")
        st.space("stretch")
        st.button(
            END_PRESENTING,
            icon=":material/close_fullscreen:",
            on_click=_stop_presenting,
            shortcut="Esc",
            key="session_end",
            type="tertiary",
        )
    return index


#: a table beside a chart with more columns than this gets half the slide's width
NARROW_TABLE_COLUMNS = 4


def _table_frame(spec: dict[str, Any]) -> Any:
    import pandas as pd

    header, body = slide_table(spec)  # st.table reads its cells as Markdown
    return pd.DataFrame(
        [[markdown_text(cell) for cell in row] for row in body],
        columns=[markdown_text(h) for h in header],
    )


def _figures(figures: list[dict[str, Any]]) -> None:
    """The key figures as cards; their change written by the one rule of
    :mod:`core.present.changes` (also for sessions frozen before it)."""
    for start in range(0, len(figures), 4):
        cols = st.columns(4)
        for col, fig in zip(cols, figures[start : start + 4], strict=False):
            col.metric(
                markdown_text(fig["label"]),
                fig["value"],
                **metric_delta(fig["delta"], fig.get("delta_color", "off")),
                help=markdown_text(fig.get("help")) or None,
                border=True,
            )
            col.caption(f"Stand {markdown_text(fig['stand'])}")


def _chart(target: Any, item: dict[str, Any], key: str) -> None:
    target.markdown(f"**{markdown_text(item['title'])}**")
    charts.show(chart_figure(item), key=f"{key}_{item['title']}", slide=True, container=target)


def _table(target: Any, item: dict[str, Any]) -> None:
    target.table(_table_frame(item), hide_index=True, border="horizontal")
    note = cut_note(item)
    if note:
        target.caption(markdown_text(note))


def _body(spec: dict[str, Any], key: str, presenting: bool) -> None:
    """The slide's body: key figures, the map beside its bullets, or charts and table."""
    bullets = "\n".join(f"- {markdown_text(b)}" for b in spec["bullets"])
    tables = [t for t in spec["tables"] if t.get("slide_columns") != []]
    if spec["figures"]:
        _figures(spec["figures"])
        return
    if spec["image"]:
        left, right = st.columns([3, 2])
        left.image(
            base64.b64decode(spec["image"]["png_base64"]),
            caption=markdown_text(spec["image"]["alt"]),
            width="content" if presenting else "stretch",
        )
        right.markdown(bullets)
        return
    if spec["bullets"]:
        st.markdown(bullets)
    items = [("chart", c) for c in spec["charts"]] + [("table", t) for t in tables[:1]]
    if not items:
        return
    widths: list[int] | int = len(items)
    if len(items) == 2 and items[1][0] == "table":
        wide = len(slide_table(items[1][1])[0]) > NARROW_TABLE_COLUMNS
        widths = [1, 1] if wide else [3, 2]
    cols = st.columns(widths)
    for col, (kind, item) in zip(cols, items, strict=True):
        _chart(col, item, key) if kind == "chart" else _table(col, item)


def render_slide(
    report: dict[str, Any], spec: dict[str, Any], key: str, presenting: bool = False
) -> None:
    """Draw one slide: title, message, body (figures, map, charts, table), reading aid,
    footer. In presentation mode the body takes the height the others leave."""
    st.markdown(f"## {markdown_text(spec['title'])}")
    if spec["lead"]:
        st.markdown(f"**{markdown_text(spec['lead'])}**")
    with st.container(key=BODY_KEY if presenting else None):
        _body(spec, key, presenting)
    if spec["reading_aid"]:
        st.caption(markdown_text(spec["reading_aid"]))
    footer = markdown_text(footer_text({**report, "meta": {**report["meta"], "demo": False}}, spec))
    if report["meta"].get("demo"):
        footer += f" · :orange-badge[:material/science: {DEMO_BADGE}]"
    st.caption(footer)


def slide_data(spec: dict[str, Any], key: str) -> None:
    """Every table of the slide in full, each with its legend, Stand and CSV download
    (the one table widget)."""
    import pandas as pd

    with st.expander(SLIDE_DATA):
        for i, table in enumerate(spec["tables"]):
            export = pd.DataFrame(table["rows"], columns=table["columns"], dtype=object)
            pair = Table(
                shown=pd.DataFrame(table_text(table), columns=table["columns"]),
                export=with_withheld_note(export) if table_shows_withheld(table) else export,
                stand=slide_stand(table if table.get("stand_dates") else spec),
                file_name=f"{table['name'].lower().replace(' ', '_')}.csv",
            )
            st.markdown(f"**{markdown_text(table['name'])}**")
            table_with_csv(pair, key=f"{key}_{i}", label=DOWNLOAD_CSV.format(name=table["name"]))


def downloads(report: dict[str, Any]) -> None:
    """The report to take home: PowerPoint, PDF and Excel of the shown slides."""
    st.markdown(f"#### {DOWNLOADS}")
    meta = report["meta"]
    base = f"praeventionsmonitor_{meta['quarter']}_{meta['municipality_id'] or 'kreis'}"
    makers = {
        "pptx": (PPTX_LABEL, to_pptx_bytes, ":material/slideshow:"),
        "pdf": (PDF_LABEL, to_pdf_bytes, ":material/picture_as_pdf:"),
        "xlsx": (XLSX_LABEL, to_report_xlsx_bytes, ":material/table_view:"),
    }
    for col, (fmt, (label, make, icon)) in zip(st.columns(3), makers.items(), strict=True):
        col.download_button(
            label,
            data=lambda make=make: make(report),
            file_name=f"{base}.{fmt}",
            mime=MIME[fmt],
            icon=icon,
            on_click="ignore",
            key=f"download_{fmt}",
            width="stretch",
        )


def show(report: dict[str, Any], chosen: list[str], presenting: bool) -> None:
    """The chosen slides one at a time, the current slide's data and the downloads."""
    if not chosen:
        st.info(NO_SLIDES, icon=":material/info:")
        return
    shown = select_slides(report, chosen)
    total = len(shown["slides"])
    index = presenting_bar(total) if presenting else navigation(total)
    spec = shown["slides"][index]
    with st.container(border=not presenting, key=SLIDE_KEY if presenting else None):
        render_slide(shown, spec, f"slide_{spec['key']}", presenting)
    with st.container(key=EXTRAS_KEY):
        st.caption(KEYS_HINT)
        slide_data(spec, key=f"data_{spec['key']}")
        downloads(shown)

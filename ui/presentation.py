"""Presentation mode: one slide of a report at a time, large and readable on a projector.

Slides come as plain data from ``core.reports`` (live or frozen in a snapshot); this
module only draws them: plotly charts from the chart specs, the map PNG, tables as
German text. Previous/next buttons answer the arrow keys (Streamlit's ``shortcut``),
and in presentation mode the sidebar and header are hidden by CSS.
"""

from __future__ import annotations

import base64
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from core.escaping import html_text, markdown_text
from core.present.numbers import format_number
from core.present.tables import Table, with_withheld_note
from core.present.vocabulary import REFERENCE_LINE_COLOUR
from core.reports.content import select_slides
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.spec import (
    footer_text,
    slide_stand,
    slide_table,
    table_shows_withheld,
    table_text,
)
from core.reports.xlsx import to_report_xlsx_bytes
from ui import charts
from ui.charts import german
from ui.tables import table_with_csv

KEY_INDEX = "_session_slide"
KEY_PRESENTING = "session_presenting"
#: keys of the page's containers that presentation mode hides (Streamlit adds
#: the CSS class ``st-key-<key>``); their widgets stay rendered so their values hold
CONTROLS_KEY, EXTRAS_KEY, PREPARE_KEY = "session_controls", "session_extras", "session_prepare"
PREVIOUS, NEXT = "Zurück", "Weiter"
COUNTER = "Folie {number} von {total}"
KEYS_HINT = "Tasten ← und → blättern."
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
PRESENTING_MAP_WIDTH = 640  # px: the map and the slide title fit a 1280 × 800 projector

#: CSS of presentation mode: no sidebar, no header, full width, large type, high contrast.
PRESENTING_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"],
.st-key-session_controls, .st-key-session_extras, .st-key-session_prepare {
  display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] {
  max-width: 100% !important; padding: 1.2rem 2.5rem 1rem 2.5rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.45rem; line-height: 1.45; color: #111111; }
[data-testid="stMarkdownContainer"] h2 { font-size: 2.6rem; color: #0B5563; }
[data-testid="stMetricValue"] { font-size: 3rem; }
[data-testid="stMetricLabel"] p { font-size: 1.35rem !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.05rem !important; color: #333333; }
</style>
"""


def hide_chrome() -> None:
    """Hide sidebar and header and enlarge the type (presentation mode)."""
    st.html(PRESENTING_CSS)


def current_index(total: int) -> int:
    """The shown slide's index, kept within ``0 .. total-1``."""
    index = min(max(int(st.session_state.get(KEY_INDEX, 0)), 0), max(total - 1, 0))
    st.session_state[KEY_INDEX] = index
    return index


def _step(delta: int, total: int) -> None:
    st.session_state[KEY_INDEX] = min(max(st.session_state.get(KEY_INDEX, 0) + delta, 0), total - 1)


def navigation(total: int) -> int:
    """Previous/next buttons (arrow keys) and the slide counter; returns the index."""
    index = current_index(total)
    left, middle, right = st.columns([1, 3, 1], vertical_alignment="center")
    left.button(
        PREVIOUS,
        icon=":material/arrow_back:",
        on_click=_step,
        args=(-1, total),
        disabled=index == 0,
        shortcut="Left",
        key="session_previous",
        width="stretch",
    )
    counter = COUNTER.format(number=index + 1, total=total)
    middle.markdown(
        f"<div style='text-align:center;font-size:1.2rem'>{counter}</div>", unsafe_allow_html=True
    )
    right.button(
        NEXT,
        icon=":material/arrow_forward:",
        icon_position="right",
        on_click=_step,
        args=(1, total),
        disabled=index >= total - 1,
        shortcut="Right",
        key="session_next",
        width="stretch",
    )
    return index


def chart_figure(spec: dict[str, Any], height: int = 460) -> go.Figure:
    """A plotly figure of a report chart spec (bar, stacked_bar or line), de-DE."""
    fig = go.Figure()
    # plotly reads labels as HTML: names from the data are escaped once, here
    spec = {
        **spec,
        "title": html_text(spec["title"]),
        "categories": [html_text(c) for c in spec["categories"]],
        "series": [{**s, "name": html_text(s["name"])} for s in spec["series"]],
    }
    horizontal = bool(spec.get("horizontal")) and spec["kind"] != "line"
    suffix = " %" if spec.get("unit") == "%" else ""
    for series in spec["series"]:
        values = series["values"]
        if spec["kind"] == "line":
            fig.add_trace(
                go.Scatter(
                    x=spec["categories"],
                    y=values,
                    name=series["name"],
                    mode="lines+markers",
                    line={"color": series.get("colour"), "width": 3},
                )
            )
            continue
        colours = spec.get("point_colours") if len(spec["series"]) == 1 else None
        decimals = int(spec.get("decimals") or 0)
        text = [format_number(v, decimals) + suffix if v else "" for v in values]
        fig.add_trace(
            go.Bar(
                x=values if horizontal else spec["categories"],
                y=spec["categories"] if horizontal else values,
                orientation="h" if horizontal else "v",
                name=series["name"],
                marker_color=colours or series.get("colour"),
                text=text,
                textposition="inside" if spec["kind"] == "stacked_bar" else "outside",
                cliponaxis=False,
            )
        )
    if spec["kind"] == "stacked_bar":
        fig.update_layout(barmode="stack")
    if spec.get("reference") is not None:
        if horizontal:
            fig.add_vline(x=spec["reference"], line_dash="dash", line_color=REFERENCE_LINE_COLOUR)
        else:
            fig.add_hline(y=spec["reference"], line_dash="dash", line_color=REFERENCE_LINE_COLOUR)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        totals = [
            sum(v or 0 for v in values)
            for values in zip(*(x["values"] for x in spec["series"]), strict=True)
        ]
        if spec["kind"] == "bar":
            totals = [max((v or 0) for v in x["values"]) for x in spec["series"]]
        fig.update_xaxes(range=[0, max([*totals, spec.get("reference") or 0, 1]) * 1.18])
    axis = {"ticksuffix": suffix}
    fig.update_xaxes(**axis) if horizontal else fig.update_yaxes(**axis)
    fig = german(fig, height)
    fig.update_layout(
        title={"text": spec["title"], "font": {"size": 20}},
        font={"size": 17},
        showlegend=len(spec["series"]) > 1,
        margin={"t": 90},
    )
    return fig


def _table_frame(spec: dict[str, Any]) -> Any:
    import pandas as pd

    header, body = slide_table(spec)  # st.table reads its cells as Markdown
    return pd.DataFrame(
        [[markdown_text(cell) for cell in row] for row in body],
        columns=[markdown_text(h) for h in header],
    )


def _figures(figures: list[dict[str, Any]]) -> None:
    for start in range(0, len(figures), 4):
        cols = st.columns(4)
        for col, fig in zip(cols, figures[start : start + 4], strict=False):
            col.metric(
                markdown_text(fig["label"]),
                fig["value"],
                fig["delta"] or None,
                delta_color=fig.get("delta_color", "off"),
                help=markdown_text(fig.get("help")) or None,
                border=True,
            )
            col.caption(f"Stand {markdown_text(fig['stand'])}")


def render_slide(
    report: dict[str, Any], spec: dict[str, Any], key: str, presenting: bool = False
) -> None:
    """Draw one slide: title, message, figures, map, charts, table, reading aid, footer."""
    st.markdown(f"## {markdown_text(spec['title'])}")
    if spec["lead"]:
        st.markdown(f"**{markdown_text(spec['lead'])}**")
    bullets = "\n".join(f"- {markdown_text(b)}" for b in spec["bullets"])
    tables = [t for t in spec["tables"] if t.get("slide_columns") != []]
    if spec["figures"]:
        _figures(spec["figures"])
    elif spec["image"]:
        left, right = st.columns([3, 2])
        left.image(
            base64.b64decode(spec["image"]["png_base64"]),
            caption=markdown_text(spec["image"]["alt"]),
            width=PRESENTING_MAP_WIDTH if presenting else "stretch",
        )
        right.markdown(bullets)
    else:
        if spec["bullets"]:
            st.markdown(bullets)
        items = [("chart", c) for c in spec["charts"]] + [("table", t) for t in tables[:1]]
        if items:
            cols = st.columns([3, 2] if len(items) == 2 and items[1][0] == "table" else len(items))
            for col, (kind, item) in zip(cols, items, strict=True):
                if kind == "chart":
                    charts.show(
                        chart_figure(item),
                        key=f"{key}_{item['title']}",
                        slide=True,
                        container=col,
                    )
                else:
                    col.table(_table_frame(item), hide_index=True, border="horizontal")
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


def _stop_presenting() -> None:
    st.session_state[KEY_PRESENTING] = False


def show(report: dict[str, Any], chosen: list[str], presenting: bool) -> None:
    """The chosen slides one at a time, the current slide's data and the downloads."""
    if not chosen:
        st.info(NO_SLIDES, icon=":material/info:")
        return
    shown = select_slides(report, chosen)
    if presenting:
        st.button(
            END_PRESENTING,
            icon=":material/close_fullscreen:",
            on_click=_stop_presenting,
            type="tertiary",
        )
    index = navigation(len(shown["slides"]))
    spec = shown["slides"][index]
    with st.container(border=not presenting):
        render_slide(shown, spec, f"slide_{spec['key']}", presenting)
    with st.container(key=EXTRAS_KEY):
        st.caption(KEYS_HINT)
        slide_data(spec, key=f"data_{spec['key']}")
        downloads(shown)

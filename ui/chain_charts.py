"""Plotly figures of the Präventionskette page (its widgets: :mod:`ui.chain_panels`).

The builders take the frames of :func:`core.coverage.chain_view` as they are and only
draw them: the chain of six links, the heatmap Sozialraum × life phase, the
completeness matrix, need against coverage with its quadrants, and the trend. Numbers,
percentages and status words come from :mod:`core.present.chain_tables` (the same as in
the tables and files), labels and colours from :mod:`core.present.vocabulary`; a status
is shown by colour *and* by symbol and word. Withheld values arrive empty from core and
are written as the one sign, never computed here.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from core.escaping import html_text
from core.present.chain_tables import (
    children_text,
    coverage_text,
    percent_text,
    status_text,
)
from core.present.numbers import format_date, format_number
from core.present.vocabulary import (
    MISSING_COLOUR,
    PALETTE,
    QUADRANT_STYLE,
    REFERENCE_LINE_COLOUR,
    STATUS_GAP,
    TEXT_COLOUR,
    WITHHELD_LEGEND,
    WITHHELD_SIGN,
    quadrant_label,
    status_term,
)
from ui.charts import german

GAP = STATUS_GAP
WEAKEST = "schwächstes Glied"
#: heatmap: orange below target, white at target, purple above (ColorBrewer PuOr)
RATIO_SCALE = "PuOr"
RATIO_MAX = 200
PHASE_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
PHASE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]

AXIS_ATTAINMENT = "Zielerreichung in %"
AXIS_QUARTER = "Quartal"
TARGET_LINE = "Ziel (100 %)"
KREIS_LINE = "Kreiswert {value}"
THRESHOLD_LINE = "{value} % des Ziels"
COLORBAR = "Zielerreichung"


def _wrap(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False)
    return "<br>".join(lines) or text


def chain_figure(summary: pd.DataFrame, height: int = 300) -> go.Figure:
    """The six life phases as one horizontal chain of links.

    Each link shows its coverage, target, attainment and status (symbol and word on a
    tinted box); the weakest link (lowest attainment) gets a heavy frame and a label.
    """
    fig = go.Figure()
    df = summary.sort_values("position").reset_index(drop=True)
    known = df.dropna(subset=["ratio"])
    weakest = known.sort_values(["ratio", "position"]).index[0] if len(known) else None
    half = 0.4
    for i, row in df.iterrows():
        status = None if row["suppressed"] else row["status"]
        term = status_term(status)
        strong, tint = term.colour, term.tint
        is_weak = i == weakest
        if i > 0:  # the chain's connecting piece
            fig.add_shape(
                type="line",
                x0=i - 1 + half,
                x1=i - half,
                y0=0.55,
                y1=0.55,
                line={"color": REFERENCE_LINE_COLOUR, "width": 6},
            )
        fig.add_shape(
            type="rect",
            x0=i - half,
            x1=i + half,
            y0=0.0,
            y1=1.1,
            fillcolor=tint,
            line={"color": strong, "width": 5 if is_weak else 2},
            layer="below",
        )
        title = _wrap(f"{i + 1}. {row['phase']}", 15)
        number = WITHHELD_SIGN if row["suppressed"] else format_number(row["coverage"], 1)
        details = [
            _wrap(str(row["metric_label"]), 14),
            f"Ziel {format_number(row['target'], 0)} · {percent_text(row['ratio'])}",
            f"<b>{status_text(status, bool(row['suppressed']))}</b>",
        ]
        for y, text, size in (
            (1.07, f"<b>{title}</b>", 13),
            (0.70, f"<b>{number}</b>", 24 if not row["suppressed"] else 16),
            (0.56, "<br>".join(details), 13),
        ):
            fig.add_annotation(
                x=i,
                y=y,
                text=text,
                showarrow=False,
                align="center",
                yanchor="top" if y != 0.70 else "middle",
                font={"size": size, "color": TEXT_COLOUR},
            )
        if is_weak:
            fig.add_annotation(
                x=i,
                y=-0.02,
                text=f"▲ {WEAKEST}",
                showarrow=False,
                yanchor="top",
                font={"size": 13, "color": strong},
            )
    fig.add_trace(
        go.Scatter(
            x=list(range(len(df))),
            y=[0.55] * len(df),
            mode="markers",
            marker={"size": 40, "opacity": 0},
            hovertext=[_chain_hover(r) for r in df.to_dict("records")],
            hoverinfo="text",
            showlegend=False,
        )
    )
    german(fig, height=height)
    fig.update_xaxes(visible=False, range=[-0.5, len(df) - 0.5], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.18, 1.14], fixedrange=True)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 4, "b": 4}, plot_bgcolor="white")
    return fig


def _chain_hover(row: dict) -> str:
    lines = [
        f"<b>{row['phase']}</b>",
        f"Versorgung: {coverage_text(row['coverage'], row['suppressed'], row['metric_label'])}",
        f"Ziel: {format_number(row['target'], 0)} · Zielerreichung {percent_text(row['ratio'])}",
        f"Angebote: {format_number(row['offers'], 0)} · Plätze: {format_number(row['places'], 0)}",
        f"Sozialräume mit Lücke: {row['gap_areas']} von {row['areas']}",
    ]
    if row["suppressed"]:
        lines.append(WITHHELD_LEGEND)
    return "<br>".join(lines)


def area_label(row: dict, with_municipality: bool) -> str:
    """``"Weckhoven (Neuss) · 27,6 %"``: the Sozialraum with its need."""
    name = (
        f"{row['area_name']} ({row['municipality_name']})"
        if with_municipality
        else row["area_name"]
    )
    name = html_text(name)  # plotly reads tick labels as HTML
    need = row.get("need_display")
    return f"{name} · {need}" if isinstance(need, str) and need else name


def heatmap_figure(cells: pd.DataFrame, with_municipality: bool) -> go.Figure:
    """Sozialraum × life phase: target attainment as colour, highest need on top.

    ``cells`` come in heatmap order (:class:`core.coverage.ChainView`). Suppressed
    cells stay grey with the one sign; colours stop at 200 % of the target.
    """
    phases = cells.drop_duplicates("life_phase_id").sort_values("position")
    areas = cells.drop_duplicates("area_id")
    order = {a: i for i, a in enumerate(areas["area_id"])}
    cols = {p: j for j, p in enumerate(phases["life_phase_id"])}
    z = [[None] * len(cols) for _ in order]
    text = [[""] * len(cols) for _ in order]
    hover = [[""] * len(cols) for _ in order]
    for r in cells.to_dict("records"):
        i, j = order[r["area_id"]], cols[r["life_phase_id"]]
        if r["suppressed"]:
            text[i][j] = WITHHELD_SIGN
        else:
            z[i][j] = min(float(r["ratio"]) * 100, RATIO_MAX) if pd.notna(r["ratio"]) else None
            text[i][j] = f"{status_term(r['status']).symbol} {percent_text(r['ratio'])}"
        hover[i][j] = _cell_hover(r)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_wrap(p, 12) for p in phases["phase"]],
            y=list(range(len(order))),
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            hovertext=hover,
            hoverinfo="text",
            colorscale=RATIO_SCALE,
            zmin=0,
            zmid=100,
            zmax=RATIO_MAX,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": COLORBAR, "side": "top"},
                "ticksuffix": " %",
                "orientation": "h",
                "len": 0.5,
                "thickness": 12,
                "y": -0.02 - 60 / (180 + 26 * max(len(order), 3)),
                "yanchor": "top",
            },
        )
    )
    german(fig, height=180 + 26 * max(len(order), 3))
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[area_label(r, with_municipality) for r in areas.to_dict("records")],
        autorange="reversed",
        fixedrange=True,
    )
    fig.update_xaxes(side="top", tickangle=0, tickfont={"size": 11}, fixedrange=True)
    fig.update_layout(plot_bgcolor=MISSING_COLOUR, margin={"t": 60, "b": 90})
    return fig


def _cell_hover(r: dict) -> str:
    lines = [
        f"<b>{html_text(r['area_name'])}</b> ({html_text(r['municipality_name'])})",
        f"{r['phase']}",
        f"Versorgung: {coverage_text(r['coverage'], r['suppressed'], r['metric_label'])}",
        f"Ziel: {format_number(r['target'], 0)} · Zielerreichung {percent_text(r['ratio'])}",
        f"Angebote: {format_number(r['offers'], 0)} · Plätze: {format_number(r['places'], 0)}",
        f"Kinder: {children_text(r['children'], bool(r['suppressed']))}"
        f" (Stand {format_date(r['children_stand']) if pd.notna(r['children_stand']) else '–'})",
    ]
    if isinstance(r.get("need_display"), str):
        lines.append(f"SGB-II-Quote unter 15: {r['need_display']}")
    if r["suppressed"] or r.get("need_display") == WITHHELD_SIGN:
        lines.append(WITHHELD_LEGEND)
    return "<br>".join(lines)


def completeness_figure(grid: pd.DataFrame) -> go.Figure:
    """Life phase × offer type with the number of offers; empty cells say "Lücke"."""
    phases = grid.drop_duplicates("life_phase_id").sort_values("phase_position")["phase"]
    types = grid.drop_duplicates("offer_type_id").sort_values("type_position")["offer_type"]
    table = grid.set_index(["phase", "offer_type"])["offers"]
    z = [[table[(p, t)] if table[(p, t)] > 0 else None for t in types] for p in phases]
    text = [
        [format_number(table[(p, t)], 0) if table[(p, t)] > 0 else GAP for t in types]
        for p in phases
    ]
    hover = [
        [
            f"{p}<br>{t}: "
            + (f"{format_number(table[(p, t)], 0)} Angebote" if table[(p, t)] else "kein Angebot")
            for t in types
        ]
        for p in phases
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(types),
            y=[_wrap(p, 18) for p in phases],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 13},
            hovertext=hover,
            hoverinfo="text",
            colorscale="Blues",
            zmin=0,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "Angebote"}, "len": 0.8},
        )
    )
    german(fig, height=380)
    fig.update_yaxes(autorange="reversed", fixedrange=True)
    fig.update_xaxes(side="top", fixedrange=True)
    fig.update_layout(plot_bgcolor=status_term(STATUS_GAP).tint, margin={"t": 50})
    return fig


def need_scatter(
    need: pd.DataFrame,
    need_label: str,
    need_unit: str,
    coverage_label: str,
    threshold: float,
) -> go.Figure:
    """Sozialräume by need (x) and target attainment (y) with the four quadrants.

    Lines at the Kreis value of the need indicator and at ``threshold`` (share of the
    target below which coverage counts as low); the quadrant names in the corners.
    Areas without a shown value (suppressed) are left out.
    """
    shown = need.dropna(subset=["quadrant"])
    fig = go.Figure()
    for quadrant, (colour, symbol) in QUADRANT_STYLE.items():
        part = shown[shown["quadrant"] == quadrant]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["need"],
                y=part["coverage_ratio"] * 100,
                mode="markers",
                name=quadrant,
                marker={"color": colour, "symbol": symbol, "size": 12, "line": {"width": 1}},
                hovertext=[
                    f"<b>{html_text(r['name'])}</b> ({html_text(r['municipality_name'])})<br>"
                    f"{need_label}: {r['need_display']}<br>"
                    f"{coverage_label}: {_percent(r['coverage_percent'])}<br>"
                    f"Lücken: {r['gaps'] or 'keine'}"
                    for r in part.to_dict("records")
                ],
                hoverinfo="text",
            )
        )
    kreis = shown["district_value"].dropna()
    if len(kreis):
        value = float(kreis.iloc[0])
        fig.add_vline(
            x=value,
            line={"color": REFERENCE_LINE_COLOUR, "dash": "dash"},
            annotation_text=KREIS_LINE.format(value=f"{format_number(value, 1)} {need_unit}"),
            annotation_position="top",
        )
    fig.add_hline(
        y=threshold * 100,
        line={"color": REFERENCE_LINE_COLOUR, "dash": "dash"},
        annotation_text=THRESHOLD_LINE.format(value=format_number(threshold * 100, 0)),
        annotation_position="bottom left",
    )
    corners = [
        (quadrant_label(True, True), 0.99, 0.01, "right", "bottom"),
        (quadrant_label(True, False), 0.99, 0.99, "right", "top"),
        (quadrant_label(False, True), 0.01, 0.01, "left", "bottom"),
        (quadrant_label(False, False), 0.01, 0.99, "left", "top"),
    ]
    for label, x, y, xa, ya in corners:
        fig.add_annotation(
            xref="paper",
            yref="paper",
            x=x,
            y=y,
            xanchor=xa,
            yanchor=ya,
            text=f"<i>{label}</i>",
            showarrow=False,
            font={"size": 12, "color": QUADRANT_STYLE[label][0]},
            bgcolor="rgba(255,255,255,0.8)",
        )
    german(fig, height=480)
    top = max([threshold * 100, *(shown["coverage_ratio"] * 100)]) * 1.18
    fig.update_xaxes(title=f"{need_label} ({need_unit})")
    fig.update_yaxes(title=AXIS_ATTAINMENT, ticksuffix=" %", range=[0, top])
    fig.update_layout(title={"text": coverage_label, "font": {"size": 14}, "x": 0, "y": 0.99})
    fig.update_layout(legend={"y": -0.18, "yanchor": "top"}, margin={"b": 60})
    return fig


def trend_figure(trend: pd.DataFrame) -> go.Figure:
    """Target attainment of each life phase over the quarters; gaps where suppressed."""
    fig = go.Figure()
    labels = trend.drop_duplicates("quarter").sort_values("quarter")["label"].tolist()
    for k, (phase, part) in enumerate(
        trend.sort_values(["position", "quarter"]).groupby("phase", sort=False)
    ):
        fig.add_trace(
            go.Scatter(
                x=part["label"],
                y=part["ratio"] * 100,
                mode="lines+markers",
                name=phase,
                line={
                    "color": PALETTE[k % len(PALETTE)],
                    "dash": PHASE_DASHES[k % 6],
                    "width": 2.5,
                },
                marker={"symbol": PHASE_SYMBOLS[k % 6], "size": 8},
                connectgaps=False,
                hovertext=[
                    f"<b>{phase}</b> · {r['label']}<br>"
                    f"{coverage_text(r['coverage'], r['suppressed'], r['metric_label'])}<br>"
                    f"Ziel {format_number(r['target'], 0)} · {percent_text(r['ratio'])}"
                    for r in part.to_dict("records")
                ],
                hoverinfo="text",
            )
        )
    fig.add_hline(
        y=100,
        line={"color": REFERENCE_LINE_COLOUR, "dash": "dash"},
        annotation_text=TARGET_LINE,
        annotation_position="top left",
        annotation_bgcolor="rgba(255,255,255,0.85)",
    )
    german(fig, height=440)
    fig.update_xaxes(title=AXIS_QUARTER, categoryorder="array", categoryarray=labels, tickangle=-45)
    fig.update_yaxes(title=AXIS_ATTAINMENT, ticksuffix=" %", rangemode="tozero")
    fig.update_layout(legend={"y": -0.3, "yanchor": "top"}, margin={"b": 80})
    return fig


def _percent(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{format_number(value, 0)} %"  # type: ignore[arg-type]

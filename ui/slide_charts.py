"""The charts of a slide on screen: a report chart spec (bar, stacked bar, line) as a
Plotly figure in the house style, readable from the back row of a committee room."""

from __future__ import annotations

import textwrap
from typing import Any

import plotly.graph_objects as go

from core.escaping import html_text
from core.present.numbers import format_number
from core.present.vocabulary import REFERENCE_LINE_COLOUR, TEXT_COLOUR
from core.reports.spec import integer_axis, integer_step, value_top
from ui.charts import german

#: type sizes of slide charts (px): axis labels and bar texts readable from the back row
CHART_FONT, TICK_FONT = 17, 16
#: characters per line of a bar's name beside a horizontal bar
LABEL_WIDTH = 26


def chart_figure(spec: dict[str, Any], height: int = 460) -> go.Figure:
    """A plotly figure of a report chart spec (bar, stacked_bar or line), de-DE.

    The chart's title is not part of the figure (:func:`ui.presentation.render_slide`
    writes it above), so the legend, on top of the plot, never runs into it. Counts have
    whole-number ticks only, and their lines start at zero. In presentation mode the
    figure takes the height of the slide's body instead of ``height``.
    """
    fig = go.Figure()
    # plotly reads labels as HTML: names from the data are escaped once, here
    spec = {
        **spec,
        # long names of bars in lines, so the bars keep their width on a slide
        "categories": [
            "<br>".join(html_text(line) for line in textwrap.wrap(c, LABEL_WIDTH) or [""])
            if spec.get("horizontal")
            else html_text(c)
            for c in spec["categories"]
        ],
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
            fig.add_vline(
                x=spec["reference"],
                line_dash="dash",
                line_color=REFERENCE_LINE_COLOUR,
                layer="below",
            )
        else:
            fig.add_hline(
                y=spec["reference"],
                line_dash="dash",
                line_color=REFERENCE_LINE_COLOUR,
                layer="below",
            )
    top = max(value_top(spec), float(spec.get("reference") or 0), 1.0)
    ticks = {"size": TICK_FONT, "color": TEXT_COLOUR}
    value_axis: dict[str, Any] = {"ticksuffix": suffix, "tickfont": ticks}
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        value_axis["range"] = [0, top * 1.18]
    if integer_axis(spec):
        value_axis.update(tick0=0, dtick=integer_step(top), tickformat=",d", rangemode="tozero")
    fig.update_xaxes(**value_axis) if horizontal else fig.update_yaxes(**value_axis)
    category_axis = {"tickfont": ticks, "automargin": True}
    fig.update_yaxes(**category_axis) if horizontal else fig.update_xaxes(**category_axis)
    fig = german(fig, height)
    fig.update_layout(
        font={"size": CHART_FONT},
        showlegend=len(spec["series"]) > 1,
        # the legend in the stacks' order, above the plot; the margin grows with it
        legend={"traceorder": "normal", "font": {"size": TICK_FONT}},
        margin={"t": 10, "b": 10},
    )
    return fig

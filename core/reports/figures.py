"""Chart specs of a report drawn as PNG with matplotlib (for the PDF), de-DE formatted.

No pyplot: each chart is its own ``Figure``, so rendering is thread-safe and needs no
display. Empty values (suppressed or missing) are gaps, never zeros.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.escaping import matplotlib_text
from core.present.numbers import format_number
from core.present.vocabulary import GRID_COLOUR, PALETTE, REFERENCE_LINE_COLOUR, TEXT_COLOUR
from core.reports.spec import integer_axis


def _values(series: dict[str, Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in series["values"]])


def _label(value: float, unit: str, decimals: int) -> str:
    if np.isnan(value):
        return ""
    text = format_number(value, decimals)
    return f"{text} %" if unit == "%" else text


def chart_png(spec: dict[str, Any], width_in: float = 7.0, height_in: float = 3.0) -> bytes:
    """A PNG of a ``bar``, ``stacked_bar`` or ``line`` chart spec."""
    fig = Figure(figsize=(width_in, height_in), dpi=150)
    ax = fig.add_subplot()
    unit, decimals = spec.get("unit", ""), int(spec.get("decimals") or 0)
    cats = [matplotlib_text(c) for c in spec["categories"]]
    pos = np.arange(len(cats))
    horizontal = bool(spec.get("horizontal"))
    colours = [s.get("colour") or PALETTE[i % len(PALETTE)] for i, s in enumerate(spec["series"])]
    if spec["kind"] == "line":
        for series, colour in zip(spec["series"], colours, strict=True):
            ax.plot(
                pos,
                _values(series),
                marker="o",
                color=colour,
                linewidth=2,
                label=matplotlib_text(series["name"]),
            )
        ax.set_xticks(pos, cats, fontsize=8)
    else:
        stacked = spec["kind"] == "stacked_bar"
        count = len(spec["series"])
        width = 0.7 if stacked else 0.7 / count
        base = np.zeros(len(cats))
        for i, (series, colour) in enumerate(zip(spec["series"], colours, strict=True)):
            vals = _values(series)
            offset = pos if stacked else pos - 0.35 + width * (i + 0.5)
            fill = spec.get("point_colours") if count == 1 else None
            colour_arg = fill or colour
            draw = ax.barh if horizontal else ax.bar
            kwargs: dict[str, Any] = {"left" if horizontal else "bottom": base} if stacked else {}
            bars = draw(
                offset,
                np.nan_to_num(vals),
                width,
                color=colour_arg,
                label=matplotlib_text(series["name"]),
                **kwargs,
            )
            labels = [_label(v, unit, decimals) if v else "" for v in vals]
            ax.bar_label(
                bars,
                labels=labels,
                label_type="center" if stacked else "edge",
                fontsize=8,
                color="white" if stacked and i >= 1 else TEXT_COLOUR,
            )
            if stacked:
                base = base + np.nan_to_num(vals)
        if horizontal:
            ax.set_yticks(pos, cats, fontsize=8)
            ax.invert_yaxis()
        else:
            ax.set_xticks(pos, cats, fontsize=8, rotation=0)
            ax.tick_params(axis="x", labelsize=7)
        if spec.get("reference") is not None:
            line = ax.axvline if horizontal else ax.axhline
            line(spec["reference"], color=REFERENCE_LINE_COLOUR, linestyle="--", linewidth=1)
    axis = ax.xaxis if horizontal and spec["kind"] != "line" else ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _: _label(v, unit, 0)))
    if integer_axis(spec):  # counts: whole-number ticks, lines from zero
        axis.set_major_locator(MaxNLocator(integer=True))
        if spec["kind"] == "line":
            ax.set_ylim(bottom=0)
    if not horizontal and spec["kind"] != "line":
        ax.set_xticks(pos, [textwrap.fill(c, 14) for c in cats], fontsize=7)
    ax.set_title(matplotlib_text(spec["title"]), fontsize=10, loc="left", weight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x" if horizontal and spec["kind"] != "line" else "y", color=GRID_COLOUR)
    ax.set_axisbelow(True)
    if len(spec["series"]) > 1:
        ax.legend(
            fontsize=7,
            frameon=False,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=min(len(spec["series"]), 4),
        )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", facecolor="white")
    return buf.getvalue()

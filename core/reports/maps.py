"""The indicator map as a PNG, rendered without a browser (matplotlib via geopandas).

Colours come from the privacy-suppressed values that ``indicator_values`` returns:
withheld Sozialräume are hatched grey (one hatching and one legend entry, whatever
the reason), Sozialräume without a value plain light grey, both named in the legend.
Class breaks are quantiles of the shown values, labelled de-DE (``"8,0 – 12,3 %"``).
An attribution line names the source of the boundaries.
"""

from __future__ import annotations

import io

import mapclassify
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from sqlalchemy import Connection, select

from core.areas import geometries
from core.catalogue import IndicatorEntry
from core.escaping import matplotlib_text
from core.inventory import is_demo
from core.models import AppMeta
from core.present.numbers import format_number
from core.present.vocabulary import WITHHELD_TEXT

CLASSES = 5
SUPPRESSED_COLOUR = "#d9d9d9"
MISSING_COLOUR = "#f4f4f4"
EDGE_COLOUR = "#ffffff"
BORDER_COLOUR = "#333333"
PALETTES = {"higher_worse": "OrRd", "higher_better": "Blues", "neutral": "Purples"}
LEGEND_SUPPRESSED = WITHHELD_TEXT
LEGEND_MISSING = "kein Wert"
DEMO_ATTRIBUTION = "Gebietsgrenzen: schematische Demodaten"
DEFAULT_ATTRIBUTION = "Gebietsgrenzen: Rhein-Kreis Neuss"


def attribution(conn: Connection) -> str:
    """The source line of the boundaries (stored at import, else demo or default)."""
    stored = conn.execute(
        select(AppMeta.value).where(AppMeta.key == "geometry_attribution")
    ).scalar()
    if stored:
        return f"Gebietsgrenzen: {stored}"
    return DEMO_ATTRIBUTION if is_demo(conn) else DEFAULT_ATTRIBUTION


def class_breaks(values: pd.Series, classes: int = CLASSES) -> list[float]:
    """Upper bounds of up to ``classes`` quantile classes of the shown values."""
    shown = values.dropna().astype(float)
    distinct = shown.nunique()
    if distinct == 0:
        return []
    if distinct <= classes:
        return sorted(shown.unique().tolist())
    return [float(b) for b in mapclassify.Quantiles(shown.to_numpy(), k=classes).bins]


def legend_labels(breaks: list[float], lowest: float, unit: str, decimals: int) -> list[str]:
    """``["8,0 – 12,3 %", …]`` for class bounds (the first class starts at ``lowest``)."""
    labels = []
    lower = lowest
    for upper in breaks:
        low, high = format_number(lower, decimals), format_number(upper, decimals)
        text = low if low == high else f"{low} – {high}"
        labels.append(f"{text} {unit}".strip())
        lower = upper
    return labels


def render_map(
    conn: Connection,
    values: pd.DataFrame,
    entry: IndicatorEntry,
    title: str,
    municipality_id: str | None = None,
    width_in: float = 8.0,
    height_in: float = 6.0,
    dpi: int = 150,
) -> bytes:
    """A choropleth PNG of Sozialraum ``values`` (``indicator_values`` at level area).

    Kommune borders are drawn thicker; for one Kommune only its Sozialräume are shown.
    """
    gdf = geometries(conn, "area")
    munis = geometries(conn, "municipality")
    if municipality_id:
        gdf = gdf[gdf["municipality_id"] == municipality_id]
        munis = munis[munis["id"] == municipality_id]
    cols = ["area_id", "value", "suppressed"]
    gdf = gdf.merge(values[cols], how="left", left_on="id", right_on="area_id")
    gdf["suppressed"] = gdf["suppressed"].fillna(False).astype(bool)
    decimals, unit = entry.decimals, entry.unit

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_axes((0.0, 0.06, 0.68, 0.86))
    ax.set_axis_off()
    ax.set_aspect(1 / np.cos(np.radians(51.1)))  # plate carrée looks squashed otherwise

    shown = gdf[gdf["value"].notna() & ~gdf["suppressed"]]
    breaks = class_breaks(shown["value"])
    handles: list[Patch] = []
    if breaks:
        palette = colormaps[PALETTES.get(entry.polarity, "Blues")]
        colours = [palette(0.2 + 0.75 * i / max(len(breaks) - 1, 1)) for i in range(len(breaks))]
        index = np.searchsorted(np.array(breaks), shown["value"].to_numpy(), side="left")
        index = np.clip(index, 0, len(breaks) - 1)
        shown.plot(ax=ax, color=[colours[i] for i in index], edgecolor=EDGE_COLOUR, linewidth=0.6)
        labels = legend_labels(breaks, float(shown["value"].min()), unit, decimals)
        handles += [
            Patch(facecolor=c, edgecolor="#999999", label=t)
            for c, t in zip(colours, labels, strict=True)
        ]
    hidden = gdf[gdf["suppressed"]]
    if len(hidden):
        hidden.plot(ax=ax, color=SUPPRESSED_COLOUR, edgecolor="#8c8c8c", hatch="///", linewidth=0.6)
        handles.append(
            Patch(
                facecolor=SUPPRESSED_COLOUR,
                edgecolor="#8c8c8c",
                hatch="///",
                label=LEGEND_SUPPRESSED,
            )
        )
    missing = gdf[gdf["value"].isna() & ~gdf["suppressed"]]
    if len(missing):
        missing.plot(ax=ax, color=MISSING_COLOUR, edgecolor="#bbbbbb", linewidth=0.6)
        handles.append(Patch(facecolor=MISSING_COLOUR, edgecolor="#bbbbbb", label=LEGEND_MISSING))
    munis.boundary.plot(ax=ax, color=BORDER_COLOUR, linewidth=1.2)
    if municipality_id is None:
        for row in munis.itertuples():
            point = row.geometry.representative_point()
            ax.annotate(
                matplotlib_text(row.name),
                (point.x, point.y),
                ha="center",
                fontsize=8,
                color="#111111",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
            )
    fig.text(0.01, 0.96, matplotlib_text(title), fontsize=12, weight="bold", va="top")
    fig.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(0.69, 0.5),
        frameon=False,
        fontsize=9,
        title=matplotlib_text(entry.short_name),
        title_fontsize=9,
    )
    fig.text(0.01, 0.015, matplotlib_text(attribution(conn)), fontsize=7, color="#555555")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()

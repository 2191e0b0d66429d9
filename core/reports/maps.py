"""The indicator map as a PNG, rendered without a browser (matplotlib via geopandas).

It paints what the screen map paints: the areas, classes, colours and legend lines of
:func:`core.map_data.map_values` with the screen's default style
(:data:`core.present.map_style.DEFAULT_STYLE`: same method and number of classes,
breaks from every Sozialraum of the Kreis). Withheld Sozialräume are hatched grey,
Sozialräume without a value light grey, both named in the legend. An attribution line
names the source of the boundaries.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from sqlalchemy import Connection, select

from core.areas import geometries
from core.catalogue import IndicatorEntry
from core.escaping import matplotlib_text
from core.inventory import is_demo
from core.map_data import MapValues, map_values
from core.models import AppMeta
from core.present.map_style import (
    AREA_EDGE_COLOR,
    BACKGROUND_COLOR,
    BORDER_COLOR,
    DEFAULT_STYLE,
    HATCH_COLOR,
    NOTE_COLOR,
    SWATCH_EDGE_COLOR,
    LegendEntry,
)
from core.privacy import PrivacyRules
from core.quarters import Quarter

HATCH = "///"
#: Characters per line of a legend label beside the map.
LEGEND_WIDTH = 22
LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": BACKGROUND_COLOR, "ec": "none", "alpha": 0.7}
DEMO_ATTRIBUTION = "Gebietsgrenzen: schematische Demodaten"
DEFAULT_ATTRIBUTION = "Gebietsgrenzen: Rhein-Kreis Neuss"


@dataclass(frozen=True)
class MapPicture:
    """The rendered map: the PNG and what was painted, read back from the figure
    (face colour and hatching per area id, the legend lines in order)."""

    png: bytes
    fills: dict[str, str] = field(default_factory=dict)
    hatched: frozenset[str] = frozenset()
    legend: tuple[str, ...] = ()


def attribution(conn: Connection) -> str:
    """The source line of the boundaries (stored at import, else demo or default)."""
    stored = conn.execute(
        select(AppMeta.value).where(AppMeta.key == "geometry_attribution")
    ).scalar()
    if stored:
        return f"Gebietsgrenzen: {stored}"
    return DEMO_ATTRIBUTION if is_demo(conn) else DEFAULT_ATTRIBUTION


def _handle(entry: LegendEntry) -> Patch:
    """A legend swatch; a long label is broken into lines so it fits beside the map."""
    return Patch(
        facecolor=entry.color,
        edgecolor=HATCH_COLOR if entry.hatched else SWATCH_EDGE_COLOR,
        hatch=HATCH if entry.hatched else None,
        label="\n".join(textwrap.wrap(matplotlib_text(entry.label), LEGEND_WIDTH)),
    )


def _paint(ax: Axes, shapes: gpd.GeoDataFrame, hatched: bool) -> dict[str, str]:
    """Draw ``shapes`` in their ``color``; returns the face colour painted per area id."""
    if shapes.empty:
        return {}
    edge = {"hatch": HATCH, "edgecolor": HATCH_COLOR} if hatched else {"edgecolor": AREA_EDGE_COLOR}
    shapes.plot(ax=ax, facecolor=list(shapes["color"]), linewidth=0.6, **edge)
    painted = np.asarray(ax.collections[-1].get_facecolor(), dtype=float)
    return {aid: to_hex(tuple(c.tolist())) for aid, c in zip(shapes["id"], painted, strict=True)}


def render_map(
    conn: Connection,
    mv: MapValues,
    title: str,
    municipality_id: str | None = None,
    width_in: float = 8.0,
    height_in: float = 6.0,
    dpi: int = 150,
) -> MapPicture:
    """A choropleth PNG of the classified Sozialraum values ``mv``.

    Kommune borders are drawn thicker; for one Kommune only its Sozialräume are shown.
    """
    gdf = geometries(conn, "area")
    munis = geometries(conn, "municipality")
    if municipality_id:
        munis = munis[munis["id"] == municipality_id]
    cols = ["area_id", "color", "hatched"]
    gdf = gdf.merge(mv.values[cols], how="inner", left_on="id", right_on="area_id")

    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    ax = fig.add_axes((0.0, 0.06, 0.62, 0.84))
    ax.set_axis_off()
    ax.set_aspect(1 / np.cos(np.radians(51.1)))  # plate carrée looks squashed otherwise
    hatched = gdf["hatched"].astype(bool)
    fills = _paint(ax, gdf[~hatched], hatched=False) | _paint(ax, gdf[hatched], hatched=True)
    munis.boundary.plot(ax=ax, color=BORDER_COLOR, linewidth=1.2)
    if municipality_id is None:
        for row in munis.itertuples():
            point = row.geometry.representative_point()
            ax.annotate(
                matplotlib_text(row.name),
                (point.x, point.y),
                ha="center",
                fontsize=10,
                color=BORDER_COLOR,
                bbox={
                    "boxstyle": "round,pad=0.15",
                    "fc": BACKGROUND_COLOR,
                    "ec": "none",
                    "alpha": 0.7,
                },
            )
    fig.text(0.01, 0.97, matplotlib_text(title), fontsize=14, weight="bold", va="top")
    legend = fig.legend(
        handles=[_handle(e) for e in mv.legend],
        loc="center left",
        bbox_to_anchor=(0.63, 0.5),
        frameon=False,
        fontsize=12,
        title=matplotlib_text(mv.indicator.short_name),
        title_fontsize=12,
    )
    fig.text(0.01, 0.015, matplotlib_text(attribution(conn)), fontsize=9, color=NOTE_COLOR)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor=BACKGROUND_COLOR)
    return MapPicture(
        png=buf.getvalue(),
        fills=fills,
        hatched=frozenset(gdf.loc[hatched, "id"]),
        legend=tuple(" ".join(t.get_text().split("\n")) for t in legend.get_texts()),
    )


def report_map(
    conn: Connection,
    entry: IndicatorEntry,
    q: Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> tuple[MapValues, MapPicture]:
    """The report's map of the Sozialräume (of one Kommune): the screen map's default
    style, classes from every Sozialraum of the Kreis."""
    mv = map_values(conn, entry, q, DEFAULT_STYLE, municipality_id=municipality_id, rules=rules)
    return mv, render_map(conn, mv, f"{entry.name} – {q.label}", municipality_id)

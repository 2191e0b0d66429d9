"""Data for the Sozialraumkarte: classified values joined to display geometry as GeoJSON,
borders and the offers layer.

Everything that ends up in HTML (names, tooltips, popups) is escaped here, so the map
widget can hand the GeoJSON to Leaflet as it is. Values are the privacy-suppressed
output of :func:`core.indicators.indicator_values`; a suppressed value is never used,
not even for class breaks.

:func:`map_values` classifies and colours the areas by the one map style
(:mod:`core.present.map_style`); the screen map (:func:`map_view`) and the report map
(:mod:`core.reports.maps`) both draw from it, so an area has one colour everywhere.

Geometry is simplified per level for display (``SIMPLIFY_TOLERANCE``, topology kept)
and rounded to ``COORD_DECIMALS`` decimals (about 1 m). Nothing is cached here: the
app caches whole views at its edge (``ui.query``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.errors
import shapely.ops
from shapely.geometry import mapping, shape
from sqlalchemy import Connection, select

from core.areas import areas_in
from core.catalogue import IndicatorEntry
from core.escaping import html_text
from core.indicators import indicator_values, panel
from core.inventory import is_demo, quarters_with_data
from core.models import AppMeta, Area
from core.offers import active_offers
from core.present.map_style import (
    DEFAULT_STYLE,
    OFFER_SYMBOLS,
    OTHER_SYMBOL,
    Classification,
    LegendEntry,
    MapStyle,
    area_fills,
    classification,
    legend_caption,
    legend_entries,
    occupied,
)
from core.present.numbers import format_number, format_value
from core.present.stand import Stand, stand_of_frame
from core.present.vocabulary import NO_DATA, WITHHELD_TEXT
from core.privacy import PrivacyRules
from core.quarters import Quarter

MAP_LEVELS = ("area", "municipality")
#: Douglas-Peucker tolerance in degrees (0.0001° ≈ 11 m north-south at 51° N).
SIMPLIFY_TOLERANCE = {"area": 0.0002, "municipality": 0.0004, "district": 0.0006}
COORD_DECIMALS = 5
ATTRIBUTION_KEY = "geometry_attribution"
DEMO_ATTRIBUTION = "Geometrie: Demodaten (schematisch)"
OWN_ATTRIBUTION = "Geometrie: eigene Gebietsdaten"
PROVISIONAL = "vorläufig"
#: Kinds of name labels on the map.
LABEL_MUNICIPALITY, LABEL_AREA = "municipality", "area"
#: Precision (degrees, about 100 m) of the point a name is placed at.
LABEL_TOLERANCE = 0.001


#: The columns of :attr:`MapValues.values`, in ranking order of the rows.
VALUE_COLUMNS = [
    "area_id",
    "name",
    "level",
    "municipality_id",
    "municipality_name",
    "value",
    "numerator",
    "denominator",
    "display",
    "stand",
    "suppressed",
    "provisional",
    "note",
    "class_index",
    "color",
    "hatched",
    "municipality_display",
    "district_display",
]


@dataclass(frozen=True)
class MapValues:
    """The classified and coloured values of one indicator, quarter and level: what
    every map of them paints (rows in ranking order, the most urgent first)."""

    indicator: IndicatorEntry
    quarter: Quarter
    level: str
    style: MapStyle
    values: pd.DataFrame
    classification: Classification
    legend: list[LegendEntry]
    district_value: float | None
    district_display: str

    @property
    def stand(self) -> Stand:
        """The Stand of the shown values (one rule, :mod:`core.present.stand`)."""
        return stand_of_frame(self.values)

    @property
    def caption(self) -> str:
        """The line under the legend: Stand, source, classification."""
        return legend_caption(
            self.stand, self.indicator.source, self.classification.method, self.style.fixed
        )


@dataclass(frozen=True)
class MapLabel:
    """A name shown on the map at a point well inside its area (the centre of the
    largest circle in its largest part). ``name`` is HTML-escaped; ``kind`` is
    ``"municipality"`` or ``"area"``."""

    kind: str
    area_id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class MapView:
    """Everything the map page shows for one indicator, quarter and level."""

    indicator: IndicatorEntry
    quarter: Quarter
    level: str
    values: pd.DataFrame
    classification: Classification
    legend: list[LegendEntry]
    caption: str
    geojson: dict[str, Any]
    municipality_outlines: dict[str, Any]
    district_outline: dict[str, Any]
    bounds: list[list[float]]
    district_display: str
    district_value: float | None
    stand: Stand
    attribution: str = OWN_ATTRIBUTION
    fixed: bool = False
    #: Names to show on the map, the largest area of each kind first.
    labels: tuple[MapLabel, ...] = ()


def esc(value: object) -> str:
    """HTML-escaped text of a value, braces included (None/NaN -> "");
    see :func:`core.escaping.html_text`."""
    return html_text(value)


def geometry_attribution(conn: Connection) -> str:
    """Attribution of the area geometry: demo, the ``geometry_attribution`` app_meta
    entry of imported areas, or a generic "own area data"."""
    if is_demo(conn):
        return DEMO_ATTRIBUTION
    text = conn.execute(select(AppMeta.value).where(AppMeta.key == ATTRIBUTION_KEY)).scalar()
    if not text or not text.strip():
        return OWN_ATTRIBUTION
    text = text.strip()
    return text if text.startswith("Geometrie") else f"Geometrie: {text}"


def display_shapes(conn: Connection, level: str) -> gpd.GeoDataFrame:
    """Simplified, rounded shapes of every area of ``level`` (id, geometry)."""
    rows = [
        (r.id, r.geometry)
        for r in conn.execute(
            select(Area.id, Area.geometry)
            .where(Area.level == level, Area.geometry.is_not(None))
            .order_by(Area.id)
        )
    ]
    geoms = [shape(json.loads(g)) for _, g in rows]
    arr = shapely.simplify(
        np.array(geoms, dtype=object), SIMPLIFY_TOLERANCE[level], preserve_topology=True
    )
    arr = shapely.set_precision(arr, 10**-COORD_DECIMALS)
    return gpd.GeoDataFrame({"id": [i for i, _ in rows]}, geometry=list(arr), crs="EPSG:4326")


def _geojson(gdf: gpd.GeoDataFrame, props: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": i, "properties": p, "geometry": mapping(g)}
            for i, p, g in zip(gdf["id"], props, gdf.geometry, strict=True)
        ],
    }


def label_point(geometry: Any) -> tuple[float, float]:
    """(lat, lon) of a point well inside ``geometry``: the centroid of its largest part
    when that lies well inside, else the part's pole of inaccessibility (the centre of
    the largest circle inside it)."""
    parts = list(getattr(geometry, "geoms", [geometry]))
    largest = max(parts, key=lambda g: g.area)
    try:
        pole = shapely.ops.polylabel(largest, LABEL_TOLERANCE)
    except shapely.errors.ShapelyError:  # degenerate shape: any inner point will do
        pole = largest.representative_point()
    centre = largest.centroid
    edge = largest.boundary
    inside = largest.contains(centre) and edge.distance(centre) >= 0.5 * edge.distance(pole)
    point = centre if inside else pole
    return round(float(point.y), COORD_DECIMALS), round(float(point.x), COORD_DECIMALS)


def map_labels(gdf: gpd.GeoDataFrame, names: dict[str, str], kind: str) -> list[MapLabel]:
    """Labels for the shapes in ``gdf`` with a name in ``names`` (raw names, escaped
    here), the largest area first."""
    rows = [(i, g) for i, g in zip(gdf["id"], gdf.geometry, strict=True) if i in names]
    rows.sort(key=lambda r: (-r[1].area, r[0]))
    return [MapLabel(kind, i, esc(names[i]), *label_point(g)) for i, g in rows]


def _fmt(value: float | None, entry: IndicatorEntry) -> str:
    """A comparison value as German text (DIN 1333), ``–`` without a value."""
    return format_value(value, entry.unit, entry.decimals)


def _note(row: pd.Series) -> str:
    if row["suppressed"]:
        return WITHHELD_TEXT
    if pd.isna(row["value"]):
        return NO_DATA
    return PROVISIONAL if bool(row.get("provisional")) else ""


def _tooltip(row: pd.Series, level: str) -> str:
    lines = [f"<b>{esc(row['name'])}</b>"]
    if level == "area":
        lines.append(f"Kommune: {esc(row['municipality_name'])}")
    stand = f" ({Stand.of([row['stand']]).short})" if pd.notna(row["stand"]) else ""
    lines.append(f"Wert: <b>{esc(row['display'])}</b>{esc(stand)}")
    if row["note"]:
        lines.append(f"<i>{esc(row['note'])}</i>")
    if level == "area":
        lines.append(f"Kommune gesamt: {esc(row['municipality_display'])}")
    lines.append(f"Kreis gesamt: {esc(row['district_display'])}")
    return "<br>".join(lines)


def _outline(
    conn: Connection,
    level: str,
    selected: str | None = None,
    shapes: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    shapes = display_shapes(conn, level) if shapes is None else shapes
    props = [{"area_id": esc(i), "selected": bool(selected and i == selected)} for i in shapes.id]
    return _geojson(shapes, props)


def _class_values(
    conn: Connection,
    entry: IndicatorEntry,
    level: str,
    current: pd.Series,
    fixed: bool,
    rules: PrivacyRules,
) -> pd.Series:
    """The values class breaks are computed from: this quarter's, or every quarter's."""
    if not fixed:
        return current
    allq = panel(conn, entry, quarters_with_data(conn), rules)
    return allq.loc[allq["level"] == level, "value"]


def map_values(
    conn: Connection,
    entry: IndicatorEntry,
    q: Quarter,
    style: MapStyle = DEFAULT_STYLE,
    *,
    level: str = "area",
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> MapValues:
    """Classified and coloured values of one indicator for the areas of ``level``.

    Class breaks come from every area of ``level`` in the Kreis (so colours mean the same
    with and without a Kommune selected); with ``style.fixed`` from all quarters with
    data. With ``municipality_id`` only that Kommune's Sozialräume are kept (level
    ``area``); at level ``municipality`` all Kommunen are kept. Classes none of the kept
    areas falls into are merged away (:func:`core.present.map_style.occupied`): every
    legend line counts at least one area, and every area keeps its colour.
    """
    if level not in MAP_LEVELS:
        raise ValueError(level)
    rules = rules or PrivacyRules.from_settings()
    vals = indicator_values(conn, entry, q, level, None, rules)
    cls = classification(
        _class_values(conn, entry, level, vals["value"], style.fixed, rules),
        style.method,
        style.k,
        entry.polarity,
        style.manual,
    )
    district_value = vals["district_value"].iloc[0] if len(vals) else None
    district_value = None if district_value is None or pd.isna(district_value) else district_value
    if municipality_id and level == "area":
        vals = vals[vals["municipality_id"] == municipality_id]
    df = vals.reset_index(drop=True)
    df["suppressed"] = df["suppressed"].fillna(False).astype(bool)
    df["display"] = [d if isinstance(d, str) and d else NO_DATA for d in df["display"].fillna("")]
    district_display = _fmt(district_value, entry)
    df["municipality_display"] = [_fmt(v, entry) for v in df["municipality_value"]]
    df["district_display"] = district_display
    df["note"] = [_note(r) for _, r in df.iterrows()]
    cls = occupied(cls, df["value"].where(~df["suppressed"]))
    fills = area_fills(cls, df["value"], df["suppressed"])
    df["class_index"] = [f.class_index for f in fills]
    df["color"] = [f.color for f in fills]
    df["hatched"] = [f.hatched for f in fills]
    order = df.assign(_missing=df["value"].isna()).sort_values(
        ["_missing", "value", "name"], ascending=[True, entry.higher_is_better, True]
    )
    return MapValues(
        indicator=entry,
        quarter=q,
        level=level,
        style=style,
        values=order[VALUE_COLUMNS].reset_index(drop=True),
        classification=cls,
        legend=legend_entries(cls, fills, entry.unit, entry.decimals),
        district_value=None if district_value is None else float(district_value),
        district_display=district_display,
    )


def map_view(
    conn: Connection,
    entry: IndicatorEntry,
    q: Quarter,
    level: str = "area",
    municipality_id: str | None = None,
    style: MapStyle = DEFAULT_STYLE,
    rules: PrivacyRules | None = None,
) -> MapView:
    """:func:`map_values` as GeoJSON for the screen map, with legend and borders.

    At level ``municipality`` the selected Kommune is marked; at level ``area`` its
    outline is.
    """
    muni = municipality_id
    mv = map_values(conn, entry, q, style, level=level, municipality_id=muni, rules=rules)
    shapes = display_shapes(conn, level)
    shapes = shapes[shapes["id"].isin(mv.values["area_id"])].reset_index(drop=True)
    rows = shapes[["id"]].merge(mv.values, how="left", left_on="id", right_on="area_id")
    props = [
        {
            "area_id": esc(r["id"]),
            "name": esc(r["name"]),
            "municipality": esc(r["municipality_name"]),
            "display": esc(r["display"]),
            "color": r["color"],
            "hatched": bool(r["hatched"]),
            "selected": bool(municipality_id and r["id"] == municipality_id),
            "tooltip": _tooltip(r, level),
        }
        for _, r in rows.iterrows()
    ]
    municipalities = display_shapes(conn, "municipality")
    muni_names = areas_in(conn, None, "municipality").set_index("id")["name"].to_dict()
    labels = map_labels(municipalities, muni_names, LABEL_MUNICIPALITY)
    if level == "area":
        own = dict(zip(mv.values["area_id"], mv.values["name"], strict=True))
        labels += map_labels(shapes, own, LABEL_AREA)
    minx, miny, maxx, maxy = shapes.total_bounds if len(shapes) else (0.0, 0.0, 0.0, 0.0)
    return MapView(
        indicator=entry,
        quarter=q,
        level=level,
        values=mv.values,
        classification=mv.classification,
        legend=mv.legend,
        caption=mv.caption,
        geojson=_geojson(shapes, props),
        municipality_outlines=_outline(
            conn, "municipality", municipality_id if level == "area" else None, municipalities
        ),
        district_outline=_outline(conn, "district"),
        bounds=[[float(miny), float(minx)], [float(maxy), float(maxx)]],
        district_display=mv.district_display,
        district_value=mv.district_value,
        stand=mv.stand,
        attribution=geometry_attribution(conn),
        fixed=style.fixed,
        labels=tuple(labels),
    )


def offer_points(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    phases: tuple[str, ...] = (),
    offer_types: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Active offers with a location for the map, every text HTML-escaped.

    Columns: lat, lon, offer_type_id, offer_type, name, provider, phases, places
    (``"61 Plätze"`` or ``"keine Angabe"``), area (``"Sozialraum (Kommune)"``), color,
    symbol.
    """
    df = active_offers(
        conn, quarter, municipality_id, list(phases) or None, list(offer_types) or None
    )
    df = df.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    symbols = [OFFER_SYMBOLS.get(t, OTHER_SYMBOL) for t in df["offer_type_id"]]
    return pd.DataFrame(
        {
            "lat": df["lat"].astype(float).round(COORD_DECIMALS),
            "lon": df["lon"].astype(float).round(COORD_DECIMALS),
            "offer_type_id": df["offer_type_id"],
            "offer_type": [esc(v) for v in df["offer_type"]],
            "name": [esc(v) for v in df["name"]],
            "provider": [esc(v) for v in df["provider"]],
            "phases": [esc(v) for v in df["phases"]],
            "places": [
                esc(f"{format_number(c, 0)} Plätze") if pd.notna(c) else "keine Angabe"
                for c in df["capacity"]
            ],
            "area": [
                esc(f"{a} ({m})")
                for a, m in zip(df["area_name"], df["municipality_name"], strict=True)
            ],
            "color": [c for c, _ in symbols],
            "symbol": [s for _, s in symbols],
        }
    )


def geojson_size(view: MapView) -> int:
    """Bytes of the compact JSON of the choropleth and border layers (for benchmarks)."""
    parts = (view.geojson, view.municipality_outlines, view.district_outline)
    return sum(len(json.dumps(p, separators=(",", ":"))) for p in parts)

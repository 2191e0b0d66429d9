"""Data for the Sozialraumkarte: classified values joined to display geometry as GeoJSON,
borders, the offers layer and the table beside the map.

Everything that ends up in HTML (names, tooltips, popups) is escaped here, so the map
widget can hand the GeoJSON to Leaflet as it is. Values are the privacy-suppressed
output of :func:`core.indicators.indicator_values`; a suppressed value is never used,
not even for class breaks.

Geometry is simplified per level for display (``SIMPLIFY_TOLERANCE``, topology kept)
and rounded to ``COORD_DECIMALS`` decimals (about 1 m); the prepared shapes are cached
in the process by the content of the stored geometry.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import Connection, select

from core.areas import areas
from core.catalogue import IndicatorEntry
from core.catalogue import indicator as indicator_entry
from core.escaping import html_text
from core.indicators import indicator_values, panel
from core.inventory import is_demo, quarters_with_data
from core.models import AppMeta, Area
from core.offers import active_offers
from core.present.map_style import (
    MISSING_COLOR,
    QUANTILES,
    SUPPRESSED_COLOR,
    Classification,
    LegendEntry,
    classification,
    classify,
    legend_caption,
    legend_entries,
)
from core.present.numbers import format_date, format_number
from core.present.vocabulary import LEVEL_LABELS, WITHHELD_TEXT
from core.privacy import PrivacyRules
from core.quarters import parse_quarter

MAP_LEVELS = ("area", "municipality")
#: Douglas-Peucker tolerance in degrees (0.0001° ≈ 11 m north-south at 51° N).
SIMPLIFY_TOLERANCE = {"area": 0.0002, "municipality": 0.0004, "district": 0.0006}
COORD_DECIMALS = 5
ATTRIBUTION_KEY = "geometry_attribution"
DEMO_ATTRIBUTION = "Geometrie: Demodaten (schematisch)"
OWN_ATTRIBUTION = "Geometrie: eigene Gebietsdaten"

#: Offer type -> (colour, symbol). Okabe-Ito colours (colour-blind safe) and six
#: shapes, so a type is recognisable by shape alone.
OFFER_SYMBOLS: dict[str, tuple[str, str]] = {
    "begleitung": ("#E69F00", "circle"),
    "begegnung": ("#56B4E9", "square"),
    "bildung": ("#009E73", "triangle"),
    "beratung": ("#0072B2", "diamond"),
    "betreuung": ("#D55E00", "pentagon"),
    "information": ("#CC79A7", "star"),
}
OTHER_SYMBOL = ("#6b6b6b", "circle")

_SHAPE_CACHE: OrderedDict[str, gpd.GeoDataFrame] = OrderedDict()
_SHAPE_CACHE_SIZE = 16


@dataclass(frozen=True)
class MapView:
    """Everything the map page shows for one indicator, quarter and level."""

    indicator: dict[str, Any]
    quarter: str
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
    stands: list[Any] = field(default_factory=list)
    attribution: str = OWN_ATTRIBUTION
    fixed: bool = False


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


def _prepare(rows: list[tuple[str, str]], level: str) -> gpd.GeoDataFrame:
    geoms = [shape(json.loads(g)) for _, g in rows]
    arr = shapely.simplify(
        np.array(geoms, dtype=object), SIMPLIFY_TOLERANCE[level], preserve_topology=True
    )
    arr = shapely.set_precision(arr, 10**-COORD_DECIMALS)
    return gpd.GeoDataFrame({"id": [i for i, _ in rows]}, geometry=list(arr), crs="EPSG:4326")


def display_shapes(conn: Connection, level: str) -> gpd.GeoDataFrame:
    """Simplified, rounded shapes of every area of ``level`` (id, geometry), cached by
    the content of the stored geometry."""
    rows = [
        (r.id, r.geometry)
        for r in conn.execute(
            select(Area.id, Area.geometry)
            .where(Area.level == level, Area.geometry.is_not(None))
            .order_by(Area.id)
        )
    ]
    digest = hashlib.sha1(level.encode())
    for aid, geom in rows:
        digest.update(aid.encode() + b"\0" + geom.encode() + b"\0")
    key = digest.hexdigest()
    if key in _SHAPE_CACHE:
        _SHAPE_CACHE.move_to_end(key)
        return _SHAPE_CACHE[key].copy()
    prepared = _prepare(rows, level)
    _SHAPE_CACHE[key] = prepared
    while len(_SHAPE_CACHE) > _SHAPE_CACHE_SIZE:
        _SHAPE_CACHE.popitem(last=False)
    return prepared.copy()


def _geojson(gdf: gpd.GeoDataFrame, props: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": i, "properties": p, "geometry": mapping(g)}
            for i, p, g in zip(gdf["id"], props, gdf.geometry, strict=True)
        ],
    }


def _fmt(value: float | None, entry: IndicatorEntry) -> str:
    if value is None or pd.isna(value):
        return "–"
    number = format_number(float(value), entry.decimals)
    return f"{number} {entry.unit}".strip()


def _note(row: pd.Series) -> str:
    if row["suppressed"]:
        return WITHHELD_TEXT
    if pd.isna(row["value"]):
        return "keine Daten"
    return "vorläufig" if bool(row.get("provisional")) else ""


def _tooltip(row: pd.Series, level: str) -> str:
    lines = [f"<b>{esc(row['name'])}</b>"]
    if level == "area":
        lines.append(f"Kommune: {esc(row['municipality_name'])}")
    stand = f" (Stand {format_date(row['stand'])})" if pd.notna(row["stand"]) else ""
    lines.append(f"Wert: <b>{esc(row['display'])}</b>{esc(stand)}")
    if row["note"]:
        lines.append(f"<i>{esc(row['note'])}</i>")
    if level == "area":
        lines.append(f"Kommune gesamt: {esc(row['municipality_display'])}")
    lines.append(f"Kreis gesamt: {esc(row['district_display'])}")
    return "<br>".join(lines)


def _outline(conn: Connection, level: str, selected: str | None = None) -> dict[str, Any]:
    shapes = display_shapes(conn, level)
    props = [{"area_id": esc(i), "selected": bool(selected and i == selected)} for i in shapes.id]
    return _geojson(shapes, props)


def _class_values(
    conn: Connection, entry: IndicatorEntry, level: str, current: pd.Series, fixed: bool
) -> pd.Series:
    """The values class breaks are computed from: this quarter's, or every quarter's."""
    if not fixed:
        return current
    quarters = quarters_with_data(conn)
    allq = panel(conn, entry, quarters)
    return allq.loc[allq["level"] == level, "value"]


def map_view(
    conn: Connection,
    indicator_id: str,
    quarter: str,
    level: str = "area",
    municipality_id: str | None = None,
    method: str = QUANTILES,
    k: int = 5,
    manual: tuple[float, ...] = (),
    fixed: bool = False,
    rules: PrivacyRules | None = None,
) -> MapView:
    """Classified values of one indicator as GeoJSON for the map, with legend and borders.

    Class breaks come from every area of ``level`` in the Kreis (so colours mean the same
    with and without a Kommune selected); with ``fixed`` from all quarters with data.
    With ``municipality_id`` only that Kommune's Sozialräume are drawn (level ``area``);
    at level ``municipality`` all Kommunen are drawn and the selected one is marked.
    """
    if level not in MAP_LEVELS:
        raise ValueError(level)
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    entry = indicator_entry(conn, indicator_id)
    vals = indicator_values(conn, entry, q, level, None, rules)
    cls = classification(
        _class_values(conn, entry, level, vals["value"], fixed),
        method,
        k,
        entry.polarity,
        manual,
    )
    if municipality_id and level == "area":
        vals = vals[vals["municipality_id"] == municipality_id]
    shapes = display_shapes(conn, level)
    meta = areas(conn).set_index("id")
    shapes = shapes[shapes["id"].isin(vals["area_id"])].reset_index(drop=True)
    df = shapes[["id"]].merge(vals, how="left", left_on="id", right_on="area_id")
    df["area_id"] = df["id"]
    df["name"] = df["area_id"].map(meta["name"])
    df["municipality_name"] = df["area_id"].map(meta["municipality_name"])
    df["suppressed"] = df["suppressed"].fillna(False).astype(bool)
    df["display"] = [
        d if isinstance(d, str) and d else "keine Daten" for d in df["display"].fillna("")
    ]
    district_value = vals["district_value"].iloc[0] if len(vals) else None
    district_value = None if district_value is None or pd.isna(district_value) else district_value
    district_display = _fmt(district_value, entry)
    df["municipality_display"] = [_fmt(v, entry) for v in df["municipality_value"]]
    df["district_display"] = district_display
    df["note"] = [_note(r) for _, r in df.iterrows()]
    idx = classify(df["value"], cls.edges)
    idx[df["suppressed"].to_numpy()] = -1
    df["class_index"] = idx
    df["color"] = [
        SUPPRESSED_COLOR if s else (cls.colors[i] if i >= 0 else MISSING_COLOR)
        for i, s in zip(idx, df["suppressed"], strict=True)
    ]
    props = [
        {
            "area_id": esc(r["area_id"]),
            "name": esc(r["name"]),
            "municipality": esc(r["municipality_name"]),
            "display": esc(r["display"]),
            "color": r["color"],
            "hatched": bool(r["suppressed"]),
            "selected": bool(municipality_id and r["area_id"] == municipality_id),
            "tooltip": _tooltip(r, level),
        }
        for _, r in df.iterrows()
    ]
    geo = _geojson(shapes, props)
    minx, miny, maxx, maxy = shapes.total_bounds if len(shapes) else (0.0, 0.0, 0.0, 0.0)
    stands = [d for d in df["stand"].dropna().unique()]
    source = entry.source
    legend = legend_entries(cls, idx, df["suppressed"], entry.unit, entry.decimals)
    order = df.assign(_missing=df["value"].isna()).sort_values(
        ["_missing", "value", "name"], ascending=[True, entry.polarity == "higher_better", True]
    )
    keep = [
        "area_id",
        "name",
        "municipality_id",
        "municipality_name",
        "value",
        "display",
        "stand",
        "suppressed",
        "provisional",
        "note",
        "class_index",
        "color",
        "municipality_display",
        "district_display",
    ]
    return MapView(
        indicator={
            k2: getattr(entry, k2)
            for k2 in ("id", "name", "short_name", "unit", "decimals", "polarity", "source")
        }
        | {"definition": entry.definition},
        quarter=q.key,
        level=level,
        values=order[keep].reset_index(drop=True),
        classification=cls,
        legend=legend,
        caption=legend_caption(stands, source, cls.method, fixed),
        geojson=geo,
        municipality_outlines=_outline(
            conn, "municipality", municipality_id if level == "area" else None
        ),
        district_outline=_outline(conn, "district"),
        bounds=[[float(miny), float(minx)], [float(maxy), float(maxx)]],
        district_display=district_display,
        district_value=None if district_value is None else float(district_value),
        stands=stands,
        attribution=geometry_attribution(conn),
        fixed=fixed,
    )


def map_table(view: MapView, export: bool = False) -> pd.DataFrame:
    """The table beside the map, German headers, withheld cells as the one sign with
    its legend text in ``Hinweis``.

    For the screen ``Wert`` is the formatted text; for ``export`` it is the rounded
    number (text only where suppressed) plus unit, indicator and source columns.
    """
    df = view.values
    level_label = LEVEL_LABELS[view.level]
    ind = view.indicator
    if export:
        rounded = df["value"].round(int(ind["decimals"]))
        value = [
            d if s or pd.isna(v) else v
            for v, d, s in zip(rounded, df["display"], df["suppressed"], strict=True)
        ]
    else:
        value = list(df["display"])
    out = pd.DataFrame(
        {
            level_label: df["name"],
            "Kennung": df["area_id"],
            "Kommune": df["municipality_name"],
            "Wert": value,
            "Stand": [format_date(d) if pd.notna(d) else "" for d in df["stand"]],
            "Hinweis": df["note"],
        }
    )
    if view.level == "municipality":
        out = out.drop(columns=["Kommune"])
    if export:
        out.insert(0, "Indikator", ind["name"])
        out.insert(out.columns.get_loc("Wert") + 1, "Einheit", ind["unit"])
        out["Quartal"] = parse_quarter(view.quarter).label
        out["Quelle"] = ind["source"]
    return out


def offer_points(
    conn: Connection,
    quarter: str,
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

"""Demo geography of the Rhein-Kreis Neuss: real AGS, names and youth offices;
schematic Sozialraum geometry (Voronoi cells around approximate centres).

The cells of all Sozialräume are cut from one outline, so they never overlap;
a Kommune is the union of its Sozialräume, so nesting holds by construction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

DISTRICT_ID = "05162"
DISTRICT_NAME = "Rhein-Kreis Neuss"

YOUTH_OFFICES = {
    "neuss": "Jugendamt der Stadt Neuss",
    "dormagen": "Jugendamt der Stadt Dormagen",
    "grevenbroich": "Jugendamt der Stadt Grevenbroich",
    "kaarst": "Jugendamt der Stadt Kaarst",
    "meerbusch": "Jugendamt der Stadt Meerbusch",
    "kreis": "Kreisjugendamt Rhein-Kreis Neuss",
}


@dataclass(frozen=True)
class DemoArea:
    """A Sozialraum of the demo: name, approximate centre, relative size, need (0..1)."""

    name: str
    lat: float
    lon: float
    weight: float = 1.0
    need: float = 0.3


@dataclass(frozen=True)
class DemoMunicipality:
    """A Kommune of the demo with its real AGS and an approximate population."""

    ags: str
    name: str
    youth_office: str
    population: int
    areas: tuple[DemoArea, ...]


A = DemoArea
MUNICIPALITIES: tuple[DemoMunicipality, ...] = (
    DemoMunicipality(
        "05162004",
        "Dormagen",
        "dormagen",
        65_300,
        (
            A("Dormagen-Mitte", 51.094, 6.842, 1.3, 0.45),
            A("Horrem", 51.103, 6.822, 1.0, 0.85),
            A("Hackenbroich", 51.072, 6.812, 1.0, 0.8),
            A("Nievenheim", 51.118, 6.790, 1.1, 0.2),
            A("Zons", 51.122, 6.850, 0.6, 0.15),
            A("Delhoven", 51.083, 6.792, 0.7, 0.25),
        ),
    ),
    DemoMunicipality(
        "05162008",
        "Grevenbroich",
        "grevenbroich",
        64_700,
        (
            A("Stadtmitte", 51.090, 6.585, 1.3, 0.6),
            A("Südstadt", 51.077, 6.595, 1.0, 0.7),
            A("Wevelinghoven", 51.113, 6.610, 1.0, 0.3),
            A("Kapellen", 51.136, 6.607, 0.9, 0.15),
            A("Gustorf/Gindorf", 51.063, 6.555, 0.8, 0.35),
            A("Neurath/Frimmersdorf", 51.040, 6.590, 0.7, 0.4),
        ),
    ),
    DemoMunicipality(
        "05162012",
        "Jüchen",
        "kreis",
        23_900,
        (
            A("Jüchen-Mitte", 51.101, 6.503, 1.2, 0.25),
            A("Hochneukirch", 51.114, 6.455, 1.0, 0.35),
            A("Bedburdyck/Gierath", 51.075, 6.525, 0.8, 0.2),
            A("Garzweiler/Otzenrath", 51.082, 6.470, 0.6, 0.25),
        ),
    ),
    DemoMunicipality(
        "05162016",
        "Kaarst",
        "kaarst",
        44_100,
        (
            A("Kaarst-Mitte", 51.230, 6.617, 1.3, 0.25),
            A("Büttgen", 51.199, 6.602, 1.1, 0.2),
            A("Vorst", 51.217, 6.585, 0.7, 0.15),
            A("Holzbüttgen", 51.224, 6.645, 0.9, 0.3),
        ),
    ),
    DemoMunicipality(
        "05162020",
        "Korschenbroich",
        "kreis",
        33_600,
        (
            A("Korschenbroich-Mitte", 51.191, 6.513, 1.2, 0.25),
            A("Kleinenbroich", 51.203, 6.560, 1.0, 0.2),
            A("Glehn", 51.164, 6.578, 0.8, 0.15),
            A("Liedberg/Steinforth", 51.165, 6.535, 0.6, 0.2),
            A("Pesch/Herrenshoff", 51.180, 6.480, 0.6, 0.2),
        ),
    ),
    DemoMunicipality(
        "05162022",
        "Meerbusch",
        "meerbusch",
        56_900,
        (
            A("Büderich", 51.252, 6.700, 1.4, 0.15),
            A("Osterath", 51.268, 6.625, 1.2, 0.2),
            A("Lank-Latum", 51.302, 6.685, 0.9, 0.15),
            A("Strümp", 51.283, 6.660, 0.6, 0.05),
            A("Bösinghoven/Ossum", 51.305, 6.640, 0.4, 0.1),
        ),
    ),
    DemoMunicipality(
        "05162024",
        "Neuss",
        "neuss",
        155_400,
        (
            A("Innenstadt", 51.198, 6.690, 1.3, 0.6),
            A("Dreikönigenviertel", 51.193, 6.677, 1.0, 0.35),
            A("Hafengebiet", 51.214, 6.712, 0.01, 0.6),
            A("Hammfeld", 51.203, 6.725, 0.035, 0.4),
            A("Augustinusviertel", 51.186, 6.701, 1.0, 0.3),
            A("Gnadental", 51.176, 6.714, 1.0, 0.3),
            A("Grimlinghausen", 51.170, 6.738, 0.9, 0.3),
            A("Uedesheim", 51.156, 6.768, 0.7, 0.1),
            A("Weckhoven", 51.164, 6.658, 1.0, 0.85),
            A("Erfttal", 51.167, 6.690, 0.9, 0.95),
            A("Selikum", 51.158, 6.688, 0.2, 0.3),
            A("Reuschenberg", 51.180, 6.668, 1.0, 0.3),
            A("Pomona", 51.186, 6.679, 0.8, 0.45),
            A("Stadionviertel", 51.191, 6.665, 1.0, 0.35),
            A("Westfeld", 51.199, 6.672, 0.9, 0.4),
            A("Morgensternsheide", 51.201, 6.651, 0.6, 0.3),
            A("Furth-Süd", 51.205, 6.686, 1.1, 0.6),
            A("Furth-Mitte", 51.211, 6.681, 1.1, 0.75),
            A("Furth-Nord", 51.219, 6.680, 1.0, 0.6),
            A("Weißenberg", 51.212, 6.664, 0.8, 0.5),
            A("Vogelsang", 51.223, 6.663, 0.8, 0.4),
            A("Barbaraviertel", 51.216, 6.696, 0.9, 0.9),
            A("Holzheim", 51.160, 6.635, 1.0, 0.25),
            A("Grefrath", 51.176, 6.615, 0.5, 0.2),
            A("Hoisten", 51.140, 6.660, 0.5, 0.2),
            A("Speck/Wehl/Helpenstein", 51.150, 6.630, 0.4, 0.15),
            A("Norf", 51.140, 6.715, 1.1, 0.3),
            A("Rosellen", 51.124, 6.705, 0.9, 0.2),
        ),
    ),
    DemoMunicipality(
        "05162028",
        "Rommerskirchen",
        "kreis",
        13_700,
        (
            A("Rommerskirchen-Mitte", 51.034, 6.690, 1.2, 0.3),
            A("Eckum", 51.053, 6.708, 0.8, 0.25),
            A("Nettesheim-Butzheim", 51.047, 6.645, 0.7, 0.2),
        ),
    ),
)

_TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True).transform
_TO_DEGREES = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform


def area_id(ags: str, index: int) -> str:
    """Sozialraum id in the ``05162024-07`` style."""
    return f"{ags}-{index:02d}"


def build_geometries() -> dict[str, BaseGeometry]:
    """Polygons in EPSG:4326 for the Kreis, every Kommune and every Sozialraum, by id."""
    seeds: list[tuple[str, str, Point]] = []
    for m in MUNICIPALITIES:
        for i, a in enumerate(m.areas, 1):
            x, y = _TO_METRES(a.lon, a.lat)
            seeds.append((m.ags, area_id(m.ags, i), Point(x, y)))
    points = MultiPoint([p for _, _, p in seeds])
    outline = points.convex_hull.buffer(3_000, quad_segs=4).buffer(-1_000, quad_segs=4)
    cells = shapely.voronoi_polygons(points, extend_to=outline, ordered=True)
    out: dict[str, BaseGeometry] = {}
    by_municipality: dict[str, list[BaseGeometry]] = {}
    for (ags, aid, _), cell in zip(seeds, cells.geoms, strict=True):
        clipped = shapely.set_precision(cell.intersection(outline), 1.0)
        out[aid] = clipped
        by_municipality.setdefault(ags, []).append(clipped)
    for ags, parts in by_municipality.items():
        out[ags] = shapely.set_precision(unary_union(parts), 1.0)
    out[DISTRICT_ID] = shapely.set_precision(unary_union([out[a] for a in by_municipality]), 1.0)
    return {k: _to_degrees(g) for k, g in out.items()}


def _to_degrees(geom: BaseGeometry) -> BaseGeometry:
    g = shapely.transform(geom, lambda xy: np.column_stack(_TO_DEGREES(xy[:, 0], xy[:, 1])))
    return shapely.set_precision(g, 1e-6)


def geojson(geom: BaseGeometry) -> str:
    """Compact GeoJSON text of a geometry."""
    return json.dumps(mapping(geom), separators=(",", ":"))

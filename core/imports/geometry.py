"""Checks of imported area geometries: finite coordinates, a non-empty valid (Multi)Polygon
after transformation, and a location in Germany that fits the declared coordinate system.

A file that declares EPSG:25832 but holds degrees used to be "transformed" to a speck
near the equator and stored as an empty polygon; every report drawing it crashed. Such
a file is refused here with the coordinate system its coordinates look like.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPolygon, shape
from shapely.geometry.base import BaseGeometry

from core.errors import DataError
from core.imports.options import ImportOptions
from core.imports.tables import Findings, ImportFile
from core.present.numbers import format_number

GEOMETRY = "Geometrie"
PRECISION = 1e-6
#: share of a Sozialraum that may lie outside its Kommune without a warning
OUTSIDE_TOLERANCE = 0.01
#: Germany in degrees (lon 5.5–15.5, lat 47–55.5) with half a degree to spare
GERMANY = (5.0, 46.5, 16.0, 56.0)
#: coordinate systems German GIS files come in, in the order a guess is offered
CANDIDATES = {
    "EPSG:4326": "Grad (EPSG:4326, WGS 84)",
    "EPSG:25832": "Meter in ETRS89/UTM Zone 32N (EPSG:25832)",
    "EPSG:25833": "Meter in ETRS89/UTM Zone 33N (EPSG:25833)",
    "EPSG:4647": "Meter in ETRS89/UTM Zone 32N mit Zonenkennung 32 (EPSG:4647)",
    "EPSG:5650": "Meter in ETRS89/UTM Zone 33N mit Zonenkennung 33 (EPSG:5650)",
    "EPSG:31466": "Meter in Gauß-Krüger Zone 2 (EPSG:31466)",
    "EPSG:31467": "Meter in Gauß-Krüger Zone 3 (EPSG:31467)",
    "EPSG:31468": "Meter in Gauß-Krüger Zone 4 (EPSG:31468)",
    "EPSG:3857": "Meter in Web-Mercator (EPSG:3857)",
}


#: GEOS validity reasons in German (the coordinates in brackets are added as "bei …")
REASONS = {
    "Self-intersection": "die Umrisslinie schneidet sich selbst",
    "Ring Self-intersection": "ein Ring berührt sich selbst",
    "Too few points in geometry component": "ein Ring hat zu wenige Punkte (mindestens 4)",
    "Interior is disconnected": "das Innere der Fläche zerfällt in Teile",
    "Hole lies outside shell": "ein Loch liegt außerhalb der Fläche",
    "Holes are nested": "Löcher liegen ineinander",
    "Nested shells": "Teilflächen liegen ineinander",
    "Duplicate Rings": "ein Ring kommt doppelt vor",
    "Invalid Coordinate": "eine Koordinate ist ungültig",
    "Ring is not closed": "ein Ring ist nicht geschlossen",
}
_REASON = re.compile(r"^(?P<what>[^\[]+?)\s*(?:\[(?P<x>[-\d.eE+]+) (?P<y>[-\d.eE+]+)\])?$")


def reason_de(reason: str) -> str:
    """A GEOS validity reason (``Self-intersection[6.55 51.15]``) in German."""
    m = _REASON.match(reason.strip())
    if m is None:
        return "die Geometrie ist ungültig"
    text = REASONS.get(m["what"].strip(), "die Geometrie ist ungültig")
    if m["x"] and m["y"]:
        try:
            x, y = float(m["x"]), float(m["y"])
        except ValueError:
            return text
        text += f" (bei Länge {format_number(x, 5)}, Breite {format_number(y, 5)})"
    return text


def coordinate_problem(geom: BaseGeometry | None) -> str | None:
    """Why the coordinates of ``geom`` are unusable (NaN or infinite), or None."""
    if geom is None or geom.is_empty:
        return None
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        return "Die Geometrie enthält ungültige Koordinaten (keine Zahl oder unendlich)"
    return None


def repair(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """A valid, non-empty (Multi)Polygon rounded to 6 decimals (about 10 cm), and the
    reason it was invalid (None when it was valid). None when no area remains."""
    if geom is None or geom.is_empty or coordinate_problem(geom):
        return None, None
    reason = None
    if not geom.is_valid:
        reason = reason_de(shapely.is_valid_reason(geom))
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    if not polys:
        return None, reason
    out = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    out = shapely.set_precision(out, PRECISION)
    if out.is_empty or not out.is_valid or out.area <= 0:
        return None, reason or "nach der Umrechnung in Grad bleibt keine Fläche übrig"
    return out, reason


def germany_in(crs: CRS) -> tuple[float, float, float, float] | None:
    """Germany's bounding box (with margin) in ``crs``; None when it cannot be computed."""
    try:
        transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        box = transformer.transform_bounds(*GERMANY, densify_pts=21)
    except Exception:  # noqa: BLE001 - pyproj cannot express Germany in this CRS
        return None
    return box if all(math.isfinite(v) for v in box) else None


def _inside(bounds: Sequence[float], box: Sequence[float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return box[0] <= minx <= maxx <= box[2] and box[1] <= miny <= maxy <= box[3]


def guess_crs(bounds: Sequence[float], declared: CRS | None) -> str | None:
    """The first usual coordinate system in which ``bounds`` lie in Germany (not the
    declared one), or None."""
    for code in CANDIDATES:
        crs = CRS.from_user_input(code)
        if declared is not None and crs.equals(declared):
            continue
        box = germany_in(crs)
        if box is not None and _inside(bounds, box):
            return code
    return None


def crs_text(crs: CRS) -> str:
    """``EPSG:25832`` (or the system's name when it has no EPSG code)."""
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


@dataclass
class Feature:
    """A feature that passed the row checks: its row, its label and its geometry."""

    row: int
    label: str
    geom: BaseGeometry


def check_location(
    features: list[Feature],
    findings: Findings,
    declared: Callable[[], CRS | None],
    crs_given: bool,
) -> None:
    """Errors for features outside Germany after the transformation to degrees.

    When no feature lies in Germany, the declared coordinate system is wrong: one error
    for the file names it and the system the coordinates look like. Otherwise each
    feature outside gets its own error."""
    if not features:
        return
    inside = [_inside(f.geom.bounds, GERMANY) for f in features]
    if any(inside):
        for f, ok in zip(features, inside, strict=True):
            if not ok:
                x, y = f.geom.representative_point().coords[0]
                findings.error(
                    f.row,
                    GEOMETRY,
                    f.label,
                    f"Das Gebiet liegt nicht in Deutschland (umgerechnet bei Länge "
                    f"{format_number(x, 2)}°, Breite {format_number(y, 2)}°), anders als die "
                    "übrigen Gebiete der Datei",
                    "Die Koordinaten dieses Objekts im GIS-Programm prüfen (vertauscht, "
                    "falsches Koordinatensystem beim Zeichnen?).",
                )
        return
    crs = declared()
    total = gpd.GeoSeries([f.geom for f in features], crs="EPSG:4326")
    x, y = total.union_all().representative_point().coords[0]
    where = f"umgerechnet bei Länge {format_number(x, 2)}°, Breite {format_number(y, 2)}°"
    guess = None
    if crs is not None:
        source = total.to_crs(crs).total_bounds
        if all(math.isfinite(v) for v in source):
            guess = guess_crs(source, crs)
    system = crs_text(crs) if crs is not None else "ein Koordinatensystem"
    who = f"Angegeben ist {system}" if crs_given else f"Die Datei gibt {system} an"
    problem = f"{who}, damit liegen die Gebiete aber nicht in Deutschland ({where})"
    if guess:
        problem += f"; die Koordinaten sehen nach {CANDIDATES[guess]} aus"
        fix = (
            f"Die Angabe korrigieren: --crs {guess} (Seite: Feld „Koordinatensystem“) – oder "
            "sie weglassen, wenn die Datei selbst ein richtiges Koordinatensystem hat."
            if crs_given
            else f"Das Koordinatensystem der Datei (.prj bzw. „crs“) prüfen oder {guess} "
            f"angeben (Kommandozeile: --crs {guess}; Seite: Feld „Koordinatensystem“)."
        )
    else:
        fix = (
            "Das Koordinatensystem der Datei (.prj bzw. „crs“) prüfen und das richtige "
            "angeben (Kommandozeile: --crs, z. B. EPSG:25832; Seite: Feld „Koordinatensystem“)."
        )
    findings.error(None, GEOMETRY, None, problem, fix)


def declared_crs(files: list[ImportFile], options: ImportOptions) -> CRS | None:
    """The coordinate system the coordinates were read in: the given one, else the file's
    (read again only for the message of a misplaced file); None when unknown."""
    from core.imports.geofiles import Workspace

    try:
        if options.crs:
            return CRS.from_user_input(options.crs.strip())
        ws = Workspace(files)
        try:
            crs = pyogrio.read_info(ws.main_file(), layer=options.layer)["crs"]
        finally:
            ws.close()
        return CRS.from_user_input(crs) if crs else None
    except (DataError, CRSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return None


def check_within(
    rows: list[dict[str, Any]],
    lines: Sequence[int | None],
    geoms: list[BaseGeometry],
    db: pd.DataFrame,
    findings: Findings,
) -> None:
    """Warn about Sozialräume reaching out of their Kommune by more than 1 % of their area
    (a stored Kommune without a usable geometry is skipped)."""
    wanted = {r["parent_id"] for r in rows}
    parents = {}
    for r in db.itertuples():
        if r.id in wanted and isinstance(r.geometry, str) and r.geometry:
            pgeom, _ = repair(shape(json.loads(r.geometry)))
            if pgeom is not None:
                parents[r.id] = (r.name, pgeom)
    if not parents:
        return
    series = gpd.GeoSeries(geoms, crs="EPSG:4326")
    metric = series.estimate_utm_crs()
    local = series.to_crs(metric)
    for i, r in enumerate(rows):
        if r["parent_id"] not in parents:
            continue
        pname, pgeom = parents[r["parent_id"]]
        pm = gpd.GeoSeries([pgeom], crs="EPSG:4326").to_crs(metric).iloc[0]
        g = local.iloc[i]
        if g.area <= 0:
            continue
        share = g.difference(pm).area / g.area
        if share > OUTSIDE_TOLERANCE:
            findings.warn(
                lines[i],
                GEOMETRY,
                f"{r['id']} {r['name']}",
                f"Der Sozialraum liegt zu {format_number(share * 100, 1)} % außerhalb "
                f"seiner Kommune {pname}",
                "Grenzen und Zuordnung zur Kommune prüfen; sonst akzeptieren.",
            )

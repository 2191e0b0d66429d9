"""GIS files of an area import: unpacking, sidecar checks, layers, fields, reading and
transforming to EPSG:4326 (via pyogrio)."""

from __future__ import annotations

import logging
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pyogrio.raw
import shapely
import shapely.errors
from pyproj import CRS
from pyproj.exceptions import CRSError

from core.errors import DataError, Problem
from core.imports.archive import Budget, Limits, check_upload, is_zip, safe_file_name, unpack
from core.imports.options import ImportOptions
from core.imports.tables import Findings, ImportFile

GEOMETRY = "Geometrie"
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


def file_problem(file: str, problem: str, fix: str, value: str | None = None) -> DataError:
    """A DataError about the whole file (no row or column)."""
    return DataError(Problem(file, None, None, value, problem, fix))


class Workspace:
    """The uploaded files in a temporary folder, ZIP archives unpacked within the limits."""

    def __init__(self, files: list[ImportFile]):
        self.name = files[0].name if len(files) == 1 else ", ".join(f.name for f in files)
        limits = Limits.current()
        budget = Budget.of(limits)
        self._dir = tempfile.TemporaryDirectory(prefix="praev-import-")
        self.root = Path(self._dir.name)
        try:
            for f in files:
                check_upload(f.name, len(f.data), limits)
                target = self.root / safe_file_name(f.name)
                if target.suffix.lower() == ".zip" or is_zip(f.data[:4]):
                    if target.suffix.lower() in (".gpkg", ".geojson", ".json", ".shp"):
                        raise file_problem(
                            f.name,
                            "Die Datei ist ein ZIP-Archiv, hat aber eine andere Endung",
                            "Die Datei mit der Endung .zip hochladen oder vorher auspacken.",
                        )
                    unpack(f.data, f.name, self.root, limits, budget)
                else:
                    target.write_bytes(f.data)
        except BaseException:
            self._dir.cleanup()
            raise

    def main_file(self) -> Path:
        """The GIS file to read; DataError when there is none or a sidecar is missing."""
        found = sorted(p for p in self.root.iterdir() if p.suffix.lower() in GEO_SUFFIXES)
        if not found:
            raise file_problem(
                self.name,
                "Keine Geodatei gefunden (erwartet: GeoJSON, Shapefile oder GeoPackage)",
                "Eine .geojson-, .gpkg- oder .shp-Datei (mit .shx, .dbf und .prj, gern als "
                "ZIP) hochladen.",
            )
        path = found[0]
        if path.suffix.lower() == ".shp":
            have = {p.suffix.lower() for p in self.root.iterdir() if p.stem == path.stem}
            missing = [s for s in (".shx", ".dbf") if s not in have]
            if missing:
                raise file_problem(
                    self.name,
                    f"Zum Shapefile fehlen die Begleitdateien {', '.join(missing)}",
                    "Alle Dateien des Shapefiles (.shp, .shx, .dbf, .prj) zusammen oder als "
                    "ZIP hochladen.",
                )
        return path

    def close(self) -> None:
        """Delete the temporary folder."""
        self._dir.cleanup()


log = logging.getLogger(__name__)
FIX_RESAVE_GIS = (
    "Die Datei im GIS-Programm (z. B. QGIS) öffnen und neu als GeoPackage oder GeoJSON "
    "(bzw. als Shapefile mit .shx, .dbf, .prj) speichern."
)
FIX_CRS = (
    "Die .prj-Datei aus dem GIS-Programm neu exportieren oder das Koordinatensystem "
    "angeben (Kommandozeile: --crs EPSG:25832; Seite: Feld „Koordinatensystem“)."
)


def layers(files: list[ImportFile]) -> list[str]:
    """The layers of the GIS file (several only for GeoPackages); empty when unreadable
    (the check of the import then names the problem)."""
    try:
        ws = Workspace(files)
    except DataError:
        return []
    try:
        return [str(name) for name, _ in pyogrio.list_layers(ws.main_file())]
    except Exception as exc:  # noqa: BLE001 - only a choice list; preview reports the problem
        log.info("no layers of %r: %r", ws.name, exc)
        return []
    finally:
        ws.close()


def fields(files: list[ImportFile], layer: str | None = None) -> list[str]:
    """The attribute fields of the GIS file (for the field mapping); empty when unreadable."""
    try:
        ws = Workspace(files)
    except DataError:
        return []
    try:
        return [str(f) for f in pyogrio.read_info(ws.main_file(), layer=layer)["fields"]]
    except Exception as exc:  # noqa: BLE001 - only a choice list; preview reports the problem
        log.info("no fields of %r: %r", ws.name, exc)
        return []
    finally:
        ws.close()


def gis_problem(name: str, exc: BaseException, suffix: str = "") -> DataError:
    """The German DataError for an error of GDAL, pyogrio, shapely or pyproj (their text
    is English and names temporary paths, so it is only logged)."""
    log.warning("cannot read GIS file %r: %r", name, exc)
    errors = pyogrio.errors
    if isinstance(exc, CRSError | errors.CRSError):
        return file_problem(
            name, "Das Koordinatensystem der Datei (.prj bzw. „crs“) ist ungültig", FIX_CRS
        )
    if isinstance(exc, UnicodeError):
        return file_problem(
            name,
            "Die Sachdaten (Attribute) sind in einer unbekannten Zeichenkodierung gespeichert",
            "Die Datei als GeoPackage oder GeoJSON (UTF-8) speichern oder beim Shapefile eine "
            ".cpg-Datei mit der Kodierung (z. B. UTF-8) beilegen.",
        )
    if isinstance(exc, MemoryError):
        return file_problem(
            name,
            "Die Geodatei ist zu groß, um sie zu lesen",
            "Nur die benötigten Gebiete exportieren (z. B. nur den eigenen Kreis).",
        )
    if isinstance(exc, errors.FieldError):
        what = "Ein Attributfeld der Geodatei kann nicht gelesen werden"
    elif isinstance(exc, errors.GeometryError | shapely.errors.ShapelyError):
        what = "Die Geometrien der Datei können nicht gelesen werden"
    elif isinstance(exc, errors.DataLayerError):
        what = "Die Ebene (Layer) der Geodatei kann nicht gelesen werden"
    elif isinstance(exc, errors.DataSourceError) and suffix in (".geojson", ".json"):
        what = (
            "Die GeoJSON-Datei kann nicht gelesen werden (unvollständig oder kein gültiges "
            "JSON/GeoJSON)"
        )
    elif isinstance(exc, errors.DataSourceError):
        what = (
            "Die Datei kann nicht als Geodatei gelesen werden (beschädigt, unvollständig oder "
            "kein GeoJSON, Shapefile oder GeoPackage)"
        )
    else:
        what = "Die Geodatei ist beschädigt und kann nicht gelesen werden"
    return file_problem(name, what, FIX_RESAVE_GIS)


def _read(path: Path, layer: str | None, findings: Findings) -> gpd.GeoDataFrame:
    """Read a layer; features with unreadable geometry (an unclosed ring, too few points)
    are errors with their row: a ring is never closed by guessing."""
    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except shapely.errors.GEOSException as exc:
        log.info("invalid geometry in %r: %r", findings.file, exc)
    _, _, wkb, _ = pyogrio.raw.read(path, layer=layer)
    parsed = shapely.from_wkb(wkb, on_invalid="ignore")
    gdf = gpd.read_file(path, layer=layer, engine="pyogrio", on_invalid="fix")
    for i, (raw, geom) in enumerate(zip(wkb, parsed, strict=True)):
        if raw is None or geom is not None:
            continue
        if gdf.geometry.iloc[i] is not None:
            findings.error(
                i + 1,
                GEOMETRY,
                None,
                "Ein Ring der Fläche ist nicht geschlossen (der letzte Punkt muss gleich dem "
                "ersten sein)",
                "Die Fläche im GIS-Programm reparieren (QGIS: „Geometrien reparieren“) und "
                "die Datei neu speichern.",
            )
        else:
            findings.error(
                i + 1,
                GEOMETRY,
                None,
                "Die Geometrie ist ungültig und kann nicht gelesen werden (z. B. ein Ring mit "
                "zu wenigen Punkten)",
                "Die Fläche im GIS-Programm reparieren (QGIS: „Geometrien reparieren“) und "
                "die Datei neu speichern.",
            )
    return gdf


def read_geodata(
    files: list[ImportFile], options: ImportOptions, findings: Findings
) -> gpd.GeoDataFrame:
    """The features in EPSG:4326; DataError for unreadable files or a missing CRS."""
    ws = Workspace(files)
    name = findings.file
    try:
        path = ws.main_file()
        is_shp = path.suffix.lower() == ".shp"
        has_prj = any(p.stem == path.stem and p.suffix.lower() == ".prj" for p in ws.root.iterdir())
        try:
            names = [str(n) for n, _ in pyogrio.list_layers(path)]
            layer = options.layer
            if layer and layer not in names:
                raise file_problem(
                    name,
                    "Diese Ebene (Layer) gibt es nicht",
                    f"Eine davon wählen: {', '.join(names)}.",
                    layer,
                )
            if not layer and len(names) > 1:
                raise file_problem(
                    name,
                    f"Die Datei hat {len(names)} Ebenen (Layer)",
                    f"Eine Ebene wählen (--layer): {', '.join(names)}.",
                )
            gdf = _read(path, layer or None, findings)
        except DataError:
            raise
        except Exception as exc:  # GDAL/pyogrio/shapely on untrusted input
            raise gis_problem(name, exc, path.suffix.lower()) from exc
    finally:
        ws.close()
    if gdf.empty:
        raise file_problem(
            name, "Die Geodatei enthält keine Objekte", "Eine Datei mit Flächen wählen."
        )
    gdf = _with_crs(gdf, name, options, findings, is_shp, has_prj)
    try:
        gdf = gdf.to_crs("EPSG:4326")
    except Exception as exc:  # pyproj on a CRS read from the file
        raise gis_problem(name, exc) from exc
    finite = gdf.geometry[~gdf.geometry.is_empty & gdf.geometry.notna()]
    if len(finite):
        bounds = finite.total_bounds
        if not all(math.isfinite(b) for b in bounds):
            raise file_problem(
                name,
                "Die Koordinaten sind ungültig (unendlich oder keine Zahl)",
                "Die Flächen im GIS-Programm prüfen und die Datei neu speichern.",
            )
        minx, miny, maxx, maxy = bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise file_problem(
                name,
                "Die Koordinaten passen nicht zum Koordinatensystem der Datei (Meter statt Grad?)",
                "Das richtige Koordinatensystem angeben, z. B. --crs EPSG:25832.",
            )
    return gdf


def _with_crs(
    gdf: gpd.GeoDataFrame,
    name: str,
    options: ImportOptions,
    findings: Findings,
    is_shp: bool,
    has_prj: bool,
) -> gpd.GeoDataFrame:
    """The features with the given CRS, or the file's; DataError when there is none."""
    if options.crs:
        try:
            crs = CRS.from_user_input(options.crs.strip())
        except CRSError as exc:
            raise file_problem(
                name,
                "Das angegebene Koordinatensystem ist unbekannt",
                "Als EPSG-Code angeben, z. B. EPSG:25832 (ETRS89/UTM 32N) oder EPSG:4326.",
                options.crs,
            ) from exc
        if gdf.crs is not None and not CRS(gdf.crs).equals(crs):
            findings.warn(
                None,
                None,
                options.crs,
                f"Die Datei gibt das Koordinatensystem {CRS(gdf.crs).to_string()} an; "
                "verwendet wird das angegebene",
                "Nur angeben, wenn die Angabe in der Datei falsch ist.",
            )
        return gdf.set_crs(crs, allow_override=True)
    if gdf.crs is not None:
        return gdf
    if is_shp and has_prj:
        raise file_problem(
            name, "Das Koordinatensystem in der .prj-Datei ist ungültig (nicht lesbar)", FIX_CRS
        )
    raise file_problem(
        name,
        "Die Datei hat kein Koordinatensystem" + (" (die .prj-Datei fehlt)" if is_shp else ""),
        "Die .prj-Datei mitliefern oder das Koordinatensystem angeben "
        "(Kommandozeile: --crs EPSG:25832; Seite: Feld „Koordinatensystem“).",
    )

"""GIS files of an area import: unpacking, sidecar checks, layers, fields, reading and
transforming to EPSG:4326 (via pyogrio)."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from core.errors import DataError, Problem
from core.imports.options import ImportOptions
from core.imports.tables import Findings, ImportFile

GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


def file_problem(file: str, problem: str, fix: str, value: str | None = None) -> DataError:
    """A DataError about the whole file (no row or column)."""
    return DataError(Problem(file, None, None, value, problem, fix))


class Workspace:
    """The uploaded files in a temporary folder, zip archives unpacked."""

    def __init__(self, files: list[ImportFile]):
        self._dir = tempfile.TemporaryDirectory(prefix="praev-import-")
        self.root = Path(self._dir.name)
        self.name = files[0].name if len(files) == 1 else ", ".join(f.name for f in files)
        for f in files:
            target = self.root / Path(f.name).name
            target.write_bytes(f.data)
            if target.suffix.lower() == ".zip":
                self._unzip(target, f.name)

    def _unzip(self, path: Path, name: str) -> None:
        try:
            with zipfile.ZipFile(path) as zf:
                for member in zf.namelist():
                    if member.endswith("/") or Path(member).name.startswith("."):
                        continue
                    (self.root / Path(member).name).write_bytes(zf.read(member))
        except zipfile.BadZipFile as exc:
            raise file_problem(
                name, "Die ZIP-Datei ist beschädigt", "Die ZIP-Datei neu erstellen."
            ) from exc

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


def layers(files: list[ImportFile]) -> list[str]:
    """The layers of the GIS file (several only for GeoPackages)."""
    ws = Workspace(files)
    try:
        return [str(name) for name, _ in pyogrio.list_layers(ws.main_file())]
    except (pyogrio.errors.DataSourceError, OSError):
        return []
    finally:
        ws.close()


def fields(files: list[ImportFile], layer: str | None = None) -> list[str]:
    """The attribute fields of the GIS file (for the field mapping)."""
    ws = Workspace(files)
    try:
        return [str(f) for f in pyogrio.read_info(ws.main_file(), layer=layer)["fields"]]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError):
        return []
    finally:
        ws.close()


def read_geodata(
    files: list[ImportFile], options: ImportOptions, findings: Findings
) -> gpd.GeoDataFrame:
    """The features in EPSG:4326; DataError for unreadable files or a missing CRS."""
    ws = Workspace(files)
    name = findings.file
    try:
        path = ws.main_file()
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
            gdf = gpd.read_file(path, layer=layer or None, engine="pyogrio")
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError) as exc:
            raise file_problem(
                name,
                f"Die Geodatei kann nicht gelesen werden ({str(exc).splitlines()[0][:150]})",
                "Die Datei im GIS-Programm öffnen und neu als GeoJSON oder GeoPackage speichern.",
            ) from exc
        is_shp = path.suffix.lower() == ".shp"
    finally:
        ws.close()
    if gdf.empty:
        raise file_problem(
            name, "Die Geodatei enthält keine Objekte", "Eine Datei mit Flächen wählen."
        )
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
        gdf = gdf.set_crs(crs, allow_override=True)
    elif gdf.crs is None:
        raise file_problem(
            name,
            "Die Datei hat kein Koordinatensystem" + (" (die .prj-Datei fehlt)" if is_shp else ""),
            "Die .prj-Datei mitliefern oder das Koordinatensystem angeben "
            "(Kommandozeile: --crs EPSG:25832; Seite: Feld „Koordinatensystem“).",
        )
    gdf = gdf.to_crs("EPSG:4326")
    finite = gdf.geometry[~gdf.geometry.is_empty & gdf.geometry.notna()]
    if len(finite):
        minx, miny, maxx, maxy = finite.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise file_problem(
                name,
                "Die Koordinaten passen nicht zum Koordinatensystem der Datei (Meter statt Grad?)",
                "Das richtige Koordinatensystem angeben, z. B. --crs EPSG:25832.",
            )
    return gdf

"""Which fields of a GIS file of areas hold the id, name, parent and youth office, and
which level (Kreis, Kommune, Sozialraum) its areas have."""

from __future__ import annotations

import geopandas as gpd

from core.imports.geofiles import file_problem
from core.imports.hierarchy import PARENT_FIELDS
from core.imports.options import ImportOptions
from core.imports.tables import Findings, normalize

ID_FIELDS = ("ags", "id", "gebiet_id", "kennung", "sozialraum_id", "area_id", "schluessel", "nr")
NAME_FIELDS = ("gen", "name", "bezeichnung", "sozialraum", "gebietsname", "stadtteil", "gebiet")
OFFICE_FIELDS = ("jugendamt", "youth_office", "youth_office_id")
LEVELS = {"municipality": "municipality", "kommune": "municipality", "gemeinde": "municipality"}
LEVELS |= {"area": "area", "sozialraum": "area", "district": "district", "kreis": "district"}


def field_of(gdf: gpd.GeoDataFrame, given: str | None, candidates: tuple[str, ...]) -> str | None:
    """The file's field given by the user, else the first candidate present (or None)."""
    cols = {normalize(c): c for c in gdf.columns if c != gdf.geometry.name}
    if given:
        return cols.get(normalize(given))
    return next((cols[c] for c in candidates if c in cols), None)


def level_of(
    gdf: gpd.GeoDataFrame, ids: list[str], vg250: bool, options: ImportOptions, name: str
) -> str:
    """The level of the file's areas: given, or detected from the ids and fields."""
    level = LEVELS.get(normalize(options.level or ""))
    if options.level and level is None:
        raise file_problem(
            name,
            "Unbekannte Ebene",
            "Als Ebene municipality (Kommunen), area (Sozialräume) oder district (Kreis) angeben.",
            options.level,
        )
    if level is not None:
        return level
    digits = all(i.isdigit() for i in ids)
    if vg250 or (digits and all(len(i) in (7, 8) for i in ids)):
        return "municipality"
    if digits and all(len(i) in (4, 5) for i in ids):
        return "district"
    if options.parent_field or field_of(gdf, None, PARENT_FIELDS["area"]):
        return "area"
    raise file_problem(
        name,
        "Die Ebene der Gebiete ist nicht erkennbar",
        "Die Ebene angeben: --level municipality (Kommunen), area (Sozialräume) "
        "oder district (Kreis).",
    )


def fields_missing(
    findings: Findings, options: ImportOptions, id_f: str | None, name_f: str | None, shown: str
) -> None:
    """Errors for an id or name field that was not found."""
    for label, field, given, opt in (
        ("die Kennung", id_f, options.id_field, "--id-field"),
        ("den Namen", name_f, options.name_field, "--name-field"),
    ):
        if field is None:
            findings.error(
                None,
                given,
                given,
                f"Das Feld für {label} wurde nicht gefunden (Felder: {shown})",
                f"Das Feld angeben ({opt}; Seite: Feldzuordnung) oder in der Datei z. B. "
                "„id“ und „name“ nennen.",
            )

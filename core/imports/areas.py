"""Import of areas (Kreis, Kommunen or Sozialräume) from GIS files (read by geofiles).

GeoJSON, Shapefile (zipped, or ``.shp`` with its ``.shx``/``.dbf``/``.prj``),
GeoPackage (choose the layer). Any CRS with a definition is transformed to EPSG:4326;
a file without one is rejected unless ``crs`` is given. The fields for id, name and
parent are detected (the BKG VG250 fields ``AGS``/``GEN`` included) or given.
Invalid geometries are repaired with ``make_valid`` and a warning; coordinates that do
not fit the declared CRS, non-finite ones and geometries left empty are refused
(:mod:`core.imports.geometry`); so is any damage to the hierarchy
(:mod:`core.imports.hierarchy`). Sozialräume are checked to lie within their Kommune.
Kommunen without a Kreis get one (id = the first five digits of the AGS). Geometry is
stored as GeoJSON text in EPSG:4326.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping
from sqlalchemy import Connection, Table, select

from core.imports.area_fields import (
    ID_FIELDS,
    NAME_FIELDS,
    OFFICE_FIELDS,
    field_of,
    fields_missing,
    level_of,
)
from core.imports.batch import Plan, TableWrite, classify
from core.imports.geofiles import file_problem, read_geodata
from core.imports.geometry import (
    Feature,
    check_location,
    check_within,
    coordinate_problem,
    declared_crs,
    repair,
)
from core.imports.hierarchy import (
    PARENT_FIELDS,
    SELF_FIELDS,
    Known,
    check_hierarchy,
    check_self_column,
    districts,
)
from core.imports.options import ImportOptions, file_hash
from core.imports.tables import AreaResolver, Findings, ImportFile, normalize, text_of
from core.models import Area, YouthOffice
from core.present.vocabulary import LEVEL_LABELS

VG250_ATTRIBUTION = "© GeoBasis-DE / BKG (Daten verändert)"
GEOMETRY = "Geometrie"


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify a GIS file of areas; DataError lists every problem."""
    name = files[0].name if len(files) == 1 else Path(files[0].name).stem + ".shp"
    findings = Findings(name)
    if options.boundary_change and options.valid_from is None:
        raise file_problem(
            name,
            "Für eine Grenzänderung fehlt das Datum, ab dem sie gilt",
            "Das Datum angeben (Kommandozeile: --valid-from TT.MM.JJJJ; Seite: „gültig ab“).",
        )
    if options.valid_from is not None and not options.boundary_change:
        raise file_problem(
            name,
            "Ein Datum „gültig ab“ gilt nur für eine bestätigte Grenzänderung",
            "Die Grenzänderung bestätigen (--boundary-change) oder das Datum weglassen.",
        )
    gdf = read_geodata(files, options, findings)
    fields_found = [c for c in gdf.columns if c != gdf.geometry.name and not c.startswith("_")]
    vg250 = {"ags", "gen"} <= {normalize(c) for c in fields_found}
    id_f = field_of(gdf, options.id_field, ID_FIELDS)
    name_f = field_of(gdf, options.name_field, NAME_FIELDS)
    office_f = field_of(gdf, options.youth_office_field, OFFICE_FIELDS)
    fields_missing(findings, options, id_f, name_f, ", ".join(fields_found) or "keine")
    findings.raise_if_errors()
    ids = [text_of(v) for v in gdf[id_f]]
    level = level_of(gdf, ids, vg250, options, name)
    parent_f = None
    if level != "district":
        parent_f = field_of(gdf, options.parent_field, PARENT_FIELDS[level])
        if options.parent_field and parent_f is None:
            raise file_problem(
                name,
                "Das Feld für das übergeordnete Gebiet gibt es in der Datei nicht",
                f"Eines dieser Felder angeben: {', '.join(fields_found)}.",
                options.parent_field,
            )
    if level in ("municipality", "district") and all(i.isdigit() for i in ids):
        width = 8 if level == "municipality" else 5
        ids = [i.zfill(width) if len(i) == width - 1 else i for i in ids]
    gdf = gdf.assign(_id=ids, _row=range(1, len(gdf) + 1), _name=[text_of(v) for v in gdf[name_f]])
    if options.ags_prefix:
        prefix = options.ags_prefix.strip()
        gdf = gdf[gdf["_id"].str.startswith(prefix)]
        if gdf.empty:
            raise file_problem(
                name,
                f"Kein Gebiet hat eine Kennung, die mit {prefix} beginnt",
                "Den AGS-Anfang prüfen (Rhein-Kreis Neuss: 05162).",
                prefix,
            )
    geom_col = gdf.geometry.name
    records = gdf.to_dict("records")
    features = [
        Feature(int(r["_row"]), f"{r['_id']} {r['_name']}".strip(), r[geom_col])
        for r in records
        if r[geom_col] is not None
        and not r[geom_col].is_empty
        and not coordinate_problem(r[geom_col])
    ]
    check_location(features, findings, lambda: declared_crs(files, options), bool(options.crs))
    if any(p.row is None for p in findings.problems):
        findings.raise_if_errors()  # a wrong coordinate system: every row would follow
    db = pd.DataFrame(
        conn.execute(
            select(
                Area.id,
                Area.name,
                Area.level,
                Area.parent_id,
                Area.youth_office_id,
                Area.geometry,
                Area.valid_from,
            )
        )
        .mappings()
        .all(),
        columns=["id", "name", "level", "parent_id", "youth_office_id", "geometry", "valid_from"],
    )
    file_names = {r["_id"]: r["_name"] for r in records}
    resolver = AreaResolver(
        [*db["id"], *file_names], dict(zip(db["id"], db["name"], strict=True)) | file_names
    )
    if level == "municipality":
        for field in [c for c in fields_found if normalize(c) in SELF_FIELDS]:
            if field not in (parent_f, id_f, name_f):
                check_self_column(records, field, resolver, findings)
    offices = {r.id: r.id for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}
    offices |= {
        r.name.casefold(): r.id for r in conn.execute(select(YouthOffice.id, YouthOffice.name))
    }
    new_offices: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    lines: list[int | None] = []
    geoms = []
    seen: dict[str, int] = {}
    for rec in records:
        row_no, area_id = int(rec["_row"]), str(rec["_id"])
        label = rec["_name"]
        where = f"{area_id} {label}".strip()
        if not area_id:
            findings.error(
                row_no, id_f, None, "Die Kennung fehlt", "Jedem Objekt eine Kennung geben."
            )
            continue
        if area_id in seen:
            findings.error(
                row_no,
                id_f,
                area_id,
                f"Doppelte Kennung: dieselbe Kennung hat schon Objekt {seen[area_id]}",
                "Kennungen eindeutig machen oder die doppelten Flächen zusammenfassen.",
            )
            continue
        seen[area_id] = row_no
        if not label:
            findings.error(
                row_no, name_f, None, "Der Name fehlt", "Jedem Gebiet einen Namen geben."
            )
        bad_coords = coordinate_problem(rec[geom_col])
        if bad_coords:
            findings.error(
                row_no,
                GEOMETRY,
                where,
                bad_coords,
                "Die Fläche im GIS-Programm prüfen und neu speichern (JSON kennt keine "
                "Werte wie NaN oder Infinity).",
            )
            continue
        geom, reason = repair(rec[geom_col])
        if geom is None:
            findings.error(
                row_no,
                GEOMETRY,
                where,
                "Das Objekt hat keine Fläche (leer, Punkt oder Linie)"
                + (f"; ungültig: {reason}" if reason else ""),
                "Im GIS-Programm eine Fläche (Polygon) für das Gebiet zeichnen.",
            )
            continue
        if reason:
            findings.warn(
                row_no,
                GEOMETRY,
                where,
                f"Die Geometrie war ungültig ({reason}) und wurde repariert (make_valid)",
                "Die Fläche im GIS-Programm prüfen; sonst die Reparatur akzeptieren.",
            )
        parent = None
        if parent_f is not None:
            cell = rec[parent_f]
            parent = resolver.resolve(cell)
            if parent is None and text_of(cell):
                findings.error(
                    row_no,
                    parent_f,
                    text_of(cell),
                    "Das übergeordnete Gebiet gibt es weder in der Datenbank noch in der Datei",
                    "Zuerst die übergeordneten Gebiete importieren (Kommunen vor Sozialräumen) "
                    "oder die Kennung (AGS) prüfen.",
                )
                continue
        if parent is None and level == "area" and area_id not in set(db["id"]):
            findings.error(
                row_no,
                parent_f,
                where,
                "Für einen Sozialraum fehlt die übergeordnete Kommune",
                "Ein Feld mit der AGS der Kommune ergänzen (z. B. „kommune“) oder "
                "--parent-field angeben.",
            )
            continue
        row: dict[str, Any] = {
            "id": area_id,
            "name": label,
            "level": level,
            "parent_id": parent,
            "geometry": json.dumps(mapping(geom), separators=(",", ":")),
        }
        if office_f is not None:
            row["youth_office_id"] = _office(
                text_of(rec[office_f]), offices, new_offices, findings, row_no, office_f
            )
        rows.append(row)
        lines.append(row_no)
        geoms.append(geom)
    district_rows = districts(rows, geoms, level, parent_f, db, options, findings)
    known = {
        r.id: Known(r.name, r.level, r.parent_id if isinstance(r.parent_id, str) else None)
        for r in db.itertuples()
    }
    known |= {r["id"]: Known(r["name"], "district", None) for r in district_rows}
    moved = check_hierarchy(rows, lines, known, findings, parent_f, options.boundary_change)
    findings.raise_if_errors()
    if level == "area":
        check_within(rows, lines, geoms, db, findings)
        parents = {
            i: o if isinstance(o, str) else None
            for i, o in zip(db["id"], db["youth_office_id"], strict=True)
        }
        for r in rows:
            r.setdefault("youth_office_id", parents.get(r["parent_id"]))
    findings.raise_if_errors()
    columns = ("name", "level", "parent_id", "geometry") + (
        ("youth_office_id",) if office_f or level == "area" else ()
    )
    if options.boundary_change:
        columns += ("valid_from",)
        _valid_from(rows, moved, db, options)
    writes = [
        TableWrite(cast(Table, YouthOffice.__table__), ("id",), (), list(new_offices.values())),
        TableWrite(cast(Table, Area.__table__), ("id",), (), district_rows),
        TableWrite(cast(Table, Area.__table__), ("id",), columns, rows, lines),
    ]
    for w in writes:
        classify(conn, w)
    attribution = options.attribution or (VG250_ATTRIBUTION if vg250 else None)
    plan = Plan("areas", name, file_hash(files), writes, findings.warnings)
    if attribution:
        plan.meta["geometry_attribution"] = attribution
    plan.preview = _preview(writes)
    plan.geometries = gpd.GeoDataFrame(
        {
            "id": [r["id"] for r in rows],
            "name": [r["name"] for r in rows],
            "status": writes[-1].status,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    return plan


def _office(
    text: str,
    offices: dict[str, str],
    new_offices: dict[str, dict[str, Any]],
    findings: Findings,
    row_no: int,
    field: str,
) -> str | None:
    """The youth office id of a cell; an unknown one is created (with a warning)."""
    office = offices.get(text) or offices.get(text.casefold())
    if office is None and text:
        office = normalize(text)[:32]
        if office not in new_offices:
            new_offices[office] = {"id": office, "name": text}
            findings.warn(
                row_no,
                field,
                text,
                "Dieses Jugendamt ist neu und wird angelegt",
                "Schreibweise prüfen, wenn es das Jugendamt schon gibt.",
            )
    return office


def _valid_from(
    rows: list[dict[str, Any]], moved: list[int], db: pd.DataFrame, options: ImportOptions
) -> None:
    """In a boundary change, new and moved areas are valid from the given day; the others
    keep their date."""
    old = {r.id: (None if pd.isna(r.valid_from) else r.valid_from) for r in db.itertuples()}
    for i, r in enumerate(rows):
        r["valid_from"] = options.valid_from if i in moved or r["id"] not in old else old[r["id"]]


def _preview(writes: list[TableWrite]) -> pd.DataFrame:
    main = writes[-1]
    return pd.DataFrame(
        [
            {
                "Objekt": str(main.lines[i]),
                "Kennung": r["id"],
                "Name": r["name"],
                "Ebene": LEVEL_LABELS[r["level"]],
                "Übergeordnet": r["parent_id"] or "",
                "Status": main.status[i],
            }
            for i, r in enumerate(main.rows)
        ]
        + [
            {
                "Objekt": "",
                "Kennung": r["id"],
                "Name": r["name"],
                "Ebene": LEVEL_LABELS["district"],
                "Übergeordnet": "",
                "Status": "neu (aus den Kommunen gebildet)",
            }
            for r, s in zip(writes[1].rows, writes[1].status, strict=True)
            if s == "neu"
        ]
    )

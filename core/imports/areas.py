"""Import of areas (Kreis, Kommunen or Sozialräume) from GIS files (read by geofiles).

GeoJSON, Shapefile (zipped, or ``.shp`` with its ``.shx``/``.dbf``/``.prj``),
GeoPackage (choose the layer). Any CRS with a definition is transformed to EPSG:4326;
a file without one is rejected unless ``crs`` is given. The fields for id, name and
parent are detected (the BKG VG250 fields ``AGS``/``GEN`` included) or given.
Invalid geometries are repaired with ``make_valid`` and a warning; Sozialräume are
checked to lie within their Kommune. Kommunen without a Kreis get one (id = the
first five digits of the AGS). Geometry is stored as GeoJSON text in EPSG:4326.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, select

from core.areas import LEVEL_LABELS
from core.format import format_number
from core.imports.batch import Plan, TableWrite, classify
from core.imports.geofiles import file_problem, read_geodata
from core.imports.options import ImportOptions, file_hash
from core.imports.tables import AreaResolver, Findings, ImportFile, normalize, text_of
from core.models import Area, YouthOffice

VG250_ATTRIBUTION = "© GeoBasis-DE / BKG (Daten verändert)"
ID_FIELDS = ("ags", "id", "gebiet_id", "kennung", "sozialraum_id", "area_id", "schluessel", "nr")
NAME_FIELDS = ("gen", "name", "bezeichnung", "sozialraum", "gebietsname", "stadtteil", "gebiet")
PARENT_FIELDS = ("parent_id", "parent", "kommune", "kommune_ags", "ags_kommune", "gemeinde")
OFFICE_FIELDS = ("jugendamt", "youth_office", "youth_office_id")
LEVELS = {"municipality": "municipality", "kommune": "municipality", "gemeinde": "municipality"}
LEVELS |= {"area": "area", "sozialraum": "area", "district": "district", "kreis": "district"}
OUTSIDE_TOLERANCE = 0.01
GEOMETRY = "Geometrie"


def _field(gdf: gpd.GeoDataFrame, given: str | None, candidates: tuple[str, ...]) -> str | None:
    cols = {normalize(c): c for c in gdf.columns if c != gdf.geometry.name}
    if given:
        return cols.get(normalize(given))
    return next((cols[c] for c in candidates if c in cols), None)


def _repair(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """A valid (Multi)Polygon and the reason it was invalid (None when it was valid)."""
    if geom is None or geom.is_empty:
        return None, None
    reason = None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        geom = shapely.make_valid(geom)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    if not polys:
        return None, reason
    out = polys[0] if len(polys) == 1 else MultiPolygon(polys)
    return shapely.set_precision(out, 1e-6), reason


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify a GIS file of areas; DataError lists every problem."""
    name = files[0].name if len(files) == 1 else Path(files[0].name).stem + ".shp"
    findings = Findings(name)
    gdf = read_geodata(files, options, findings)
    fields_found = [c for c in gdf.columns if c != gdf.geometry.name]
    norm = {normalize(c) for c in fields_found}
    vg250 = {"ags", "gen"} <= norm
    id_f = _field(gdf, options.id_field, ID_FIELDS)
    name_f = _field(gdf, options.name_field, NAME_FIELDS)
    parent_f = _field(gdf, options.parent_field, PARENT_FIELDS)
    office_f = _field(gdf, options.youth_office_field, OFFICE_FIELDS)
    shown = ", ".join(fields_found) or "keine"
    for label, field, given, opt in (
        ("Kennung", id_f, options.id_field, "--id-field"),
        ("Name", name_f, options.name_field, "--name-field"),
    ):
        if field is None:
            findings.error(
                None,
                given,
                given,
                f"Das Feld für die {label} wurde nicht gefunden (Felder: {shown})",
                f"Das Feld angeben ({opt}) oder in der Datei z. B. „id“ und „name“ nennen.",
            )
    findings.raise_if_errors()
    ids = [text_of(v) for v in gdf[id_f]]
    level = LEVELS.get(normalize(options.level or ""))
    if options.level and level is None:
        raise file_problem(
            name, "Unbekannte Ebene", "municipality, area oder district angeben.", options.level
        )
    digits = all(i.isdigit() for i in ids)
    if level is None:
        if vg250 or (digits and all(len(i) in (7, 8) for i in ids)):
            level = "municipality"
        elif digits and all(len(i) in (4, 5) for i in ids):
            level = "district"
        elif parent_f:
            level = "area"
        else:
            raise file_problem(
                name,
                "Die Ebene der Gebiete ist nicht erkennbar",
                "Die Ebene angeben: --level municipality (Kommunen), area (Sozialräume) "
                "oder district (Kreis).",
            )
    if level in ("municipality", "district") and digits:
        width = 8 if level == "municipality" else 5
        ids = [i.zfill(width) if len(i) == width - 1 else i for i in ids]
    gdf = gdf.assign(_id=ids, _row=range(1, len(gdf) + 1))
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
    db = pd.DataFrame(
        conn.execute(select(Area.id, Area.name, Area.level, Area.youth_office_id, Area.geometry))
        .mappings()
        .all(),
        columns=["id", "name", "level", "youth_office_id", "geometry"],
    )
    resolver = AreaResolver(db["id"], dict(zip(db["id"], db["name"], strict=True)))
    offices = {r.id: r.id for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}
    offices |= {
        r.name.casefold(): r.id for r in conn.execute(select(YouthOffice.id, YouthOffice.name))
    }
    new_offices: dict[str, dict[str, Any]] = {}
    rows, lines, geoms = [], [], []
    seen: dict[str, int] = {}
    geom_col = gdf.geometry.name
    for rec in gdf.to_dict("records"):
        row_no, area_id = int(rec["_row"]), str(rec["_id"])
        label = text_of(rec[name_f])
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
        geom, reason = _repair(rec[geom_col])
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
        if parent_f is not None and level != "district":
            cell = rec[parent_f]
            parent = resolver.resolve(cell)
            if parent is None:
                findings.error(
                    row_no,
                    parent_f,
                    text_of(cell),
                    "Die übergeordnete Kommune gibt es in der Datenbank nicht",
                    "Zuerst die Kommunen importieren oder die Kennung (AGS) prüfen.",
                )
                continue
        elif level == "area":
            findings.error(
                row_no,
                None,
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
            office_text = text_of(rec[office_f])
            office = offices.get(office_text) or offices.get(office_text.casefold())
            if office is None and office_text:
                office = normalize(office_text)[:32]
                if office not in new_offices:
                    new_offices[office] = {"id": office, "name": office_text}
                    findings.warn(
                        row_no,
                        office_f,
                        office_text,
                        "Dieses Jugendamt ist neu und wird angelegt",
                        "Schreibweise prüfen, wenn es das Jugendamt schon gibt.",
                    )
            row["youth_office_id"] = office
        rows.append(row)
        lines.append(row_no)
        geoms.append(geom)
    findings.raise_if_errors()
    district_rows = _districts(rows, geoms, level, parent_f, db, options, findings)
    if level == "area":
        _check_within(rows, geoms, db, findings)
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
    writes = [
        TableWrite(YouthOffice.__table__, ("id",), (), list(new_offices.values())),
        TableWrite(Area.__table__, ("id",), (), district_rows),
        TableWrite(Area.__table__, ("id",), columns, rows, lines),
    ]
    for w in writes:
        classify(conn, w)
    main = writes[-1]
    attribution = options.attribution or (VG250_ATTRIBUTION if vg250 else None)
    plan = Plan("areas", name, file_hash(files), writes, findings.warnings)
    if attribution:
        plan.meta["geometry_attribution"] = attribution
    plan.preview = pd.DataFrame(
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
    plan.geometries = gpd.GeoDataFrame(
        {"id": [r["id"] for r in rows], "name": [r["name"] for r in rows], "status": main.status},
        geometry=geoms,
        crs="EPSG:4326",
    )
    return plan


def _districts(
    rows: list[dict[str, Any]],
    geoms: list[BaseGeometry],
    level: str,
    parent_f: str | None,
    db: pd.DataFrame,
    options: ImportOptions,
    findings: Findings,
) -> list[dict[str, Any]]:
    """Kommunen without a parent field get the Kreis of their AGS (created when missing)."""
    if level != "municipality" or parent_f is not None:
        return []
    prefixes = sorted({r["id"][:5] for r in rows if len(r["id"]) == 8 and r["id"].isdigit()})
    if not prefixes:
        districts = db[db["level"] == "district"]["id"].tolist()
        for r in rows:
            r["parent_id"] = districts[0] if len(districts) == 1 else None
        return []
    if len(prefixes) > 1:
        shown = ", ".join(prefixes[:8]) + (" …" if len(prefixes) > 8 else "")
        findings.error(
            None,
            None,
            shown,
            f"Die Datei enthält Kommunen aus {len(prefixes)} Kreisen",
            "Mit --ags-prefix einen Kreis wählen, z. B. --ags-prefix 05162 für den "
            "Rhein-Kreis Neuss.",
        )
        return []
    prefix = prefixes[0]
    for r in rows:
        r["parent_id"] = prefix if len(r["id"]) == 8 else None
    existing = db[db["id"] == prefix]
    if not existing.empty and existing.iloc[0]["level"] != "district":
        findings.error(
            None,
            None,
            prefix,
            "Die Kennung des Kreises ist schon für ein anderes Gebiet vergeben",
            "Die Gebietskennungen in der Datenbank prüfen.",
        )
        return []
    union = shapely.set_precision(shapely.union_all(geoms), 1e-6)
    return [
        {
            "id": prefix,
            "name": (options.district_name or "").strip() or f"Kreis {prefix}",
            "level": "district",
            "parent_id": None,
            "youth_office_id": None,
            "geometry": json.dumps(mapping(union), separators=(",", ":")),
        }
    ]


def _check_within(
    rows: list[dict[str, Any]], geoms: list[BaseGeometry], db: pd.DataFrame, findings: Findings
) -> None:
    """Warn about Sozialräume reaching out of their Kommune by more than 1 % of their area."""
    parents = {
        r.id: (r.name, shape(json.loads(r.geometry)))
        for r in db.itertuples()
        if isinstance(r.geometry, str) and r.geometry
    }
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
                None,
                GEOMETRY,
                f"{r['id']} {r['name']}",
                f"Der Sozialraum liegt zu {format_number(share * 100, 1)} % außerhalb "
                f"seiner Kommune {pname}",
                "Grenzen und Zuordnung zur Kommune prüfen; sonst akzeptieren.",
            )

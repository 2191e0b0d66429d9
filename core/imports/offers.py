"""Import of offers: name, provider, offer type, life phases, area and/or coordinates.

An offer is matched by its ``ID`` column (an offer number of this database, e.g. from
an export) or else by (name, provider, area). With coordinates but no area, the
Sozialraum (or else the Kommune) containing the point is looked up.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pandas as pd
from shapely import STRtree
from shapely.geometry import Point
from sqlalchemy import Connection, Table, select

from core.areas import geometries
from core.catalogue import life_phases, offer_types
from core.imports.batch import Plan, TableWrite, classify
from core.imports.cells import Cells, code_lookup
from core.imports.options import MAX_CAPACITY, ImportOptions, file_hash
from core.imports.tables import (
    AreaResolver,
    Findings,
    ImportFile,
    find_columns,
    normalize,
    parse_number,
    read_table,
    require_columns,
    text_of,
)
from core.models import Area, Network, Offer
from core.present.numbers import format_date, format_number

TEMPLATE = "angebote.csv"
DEFAULT_START = dt.date(2000, 1, 1)
ALIASES = {
    "id": ("id", "angebot_id", "angebots_id", "angebotsnummer", "offer_id"),
    "name": ("name", "angebot", "bezeichnung", "angebotsname"),
    "provider": ("traeger", "provider", "anbieter"),
    "offer_type": ("angebotsart", "art", "offer_type", "typ"),
    "phases": ("lebensphasen", "lebensphase", "phasen", "phases"),
    "area": ("gebiet", "gebiet_id", "sozialraum", "sozialraum_id", "ags", "kommune", "area_id"),
    "lat": ("breite", "breitengrad", "lat", "latitude"),
    "lon": ("laenge", "laengengrad", "lon", "lng", "longitude"),
    "capacity": ("plaetze", "kapazitaet", "capacity"),
    "active_from": ("aktiv_ab", "beginn", "start", "von", "active_from"),
    "active_to": ("aktiv_bis", "ende", "bis", "active_to"),
    "network": ("netzwerk", "network"),
}


class _Locator:
    """Finds the Sozialraum (else the Kommune) that contains a point."""

    def __init__(self, conn: Connection):
        gdf = geometries(conn)
        order = {"area": 0, "municipality": 1, "district": 2}
        gdf = gdf.assign(_o=gdf["level"].map(order)).sort_values("_o") if len(gdf) else gdf
        self.ids = list(gdf["id"]) if len(gdf) else []
        self.geoms = list(gdf.geometry) if len(gdf) else []
        self.tree = STRtree(self.geoms) if self.geoms else None

    def area_at(self, lat: float, lon: float) -> str | None:
        if self.tree is None:
            return None
        hits = sorted(self.tree.query(Point(lon, lat), predicate="within"))
        return self.ids[hits[0]] if hits else None

    def contains(self, area_id: str, lat: float, lon: float) -> bool | None:
        if area_id not in self.ids:
            return None
        return self.geoms[self.ids.index(area_id)].covers(Point(lon, lat))


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify an offer file; DataError lists every problem."""
    file = files[0]
    table = read_table(file, options.sheet)
    findings = Findings(file.name)
    found = find_columns(table, ALIASES)
    required = {
        "name": "Name",
        "provider": "Träger",
        "offer_type": "Angebotsart",
        "phases": "Lebensphasen",
    }
    if not {"lat", "lon"} <= set(found):
        required["area"] = "Gebiet (oder Breite und Länge)"
    require_columns(table, found, required, TEMPLATE)
    cells = Cells(table, findings, found)
    types = code_lookup(offer_types(conn).to_dict("records"), "id", "label")
    phases = code_lookup(life_phases(conn).to_dict("records"), "id", "label")
    area_rows = conn.execute(select(Area.id, Area.name)).all()
    resolver = AreaResolver([r.id for r in area_rows], {r.id: r.name for r in area_rows})
    networks = {str(r.id): r.id for r in conn.execute(select(Network.id, Network.name))}
    networks |= {r.name.casefold(): r.id for r in conn.execute(select(Network.id, Network.name))}
    offer_ids = set(conn.execute(select(Offer.id)).scalars())
    locator = _Locator(conn) if {"lat", "lon"} <= set(found) else None
    rows: list[dict[str, Any]] = []
    links: list[tuple[str, ...]] = []
    lines: list[int | None] = []
    seen: dict[tuple[Any, ...], int] = {}
    no_start = 0
    for line, row in table.rows:
        ok = True
        before = len(findings.problems)
        values: dict[str, Any] = {}
        for canonical in ("name", "provider"):
            values[canonical] = text_of(cells.raw(row, canonical))
            if not values[canonical]:
                findings.error(
                    line,
                    cells.label(canonical),
                    None,
                    f"Die Pflichtangabe „{cells.label(canonical)}“ fehlt",
                    "In jeder Zeile den Namen des Angebots und seinen Träger eintragen.",
                )
                ok = False
        type_cell = text_of(cells.raw(row, "offer_type"))
        values["offer_type_id"] = types.get(normalize(type_cell))
        if values["offer_type_id"] is None:
            findings.error(
                line,
                cells.label("offer_type"),
                type_cell,
                "Diese Angebotsart gibt es nicht",
                "Eine der sechs Arten eintragen: Begleitung, Begegnung, Bildung, Beratung, "
                "Betreuung, Information.",
            )
            ok = False
        phase_cell = text_of(cells.raw(row, "phases"))
        parts = [p for p in re.split(r"[,;|/+]", phase_cell) if p.strip()]
        phase_ids = tuple(sorted({phases.get(normalize(p), "?" + p.strip()) for p in parts}))
        bad = [p[1:] for p in phase_ids if p.startswith("?")]
        if bad or not phase_ids:
            findings.error(
                line,
                cells.label("phases"),
                phase_cell,
                "Unbekannte Lebensphase: " + ", ".join(bad) if bad else "Die Lebensphase fehlt",
                "Eine oder mehrere, durch Komma getrennt: birth, crib, kita, primary, "
                "secondary, transition (oder die Bezeichnungen wie „Kita“).",
            )
            ok = False
        lat = lon = None
        coords_written = any(text_of(cells.raw(row, c)) for c in ("lat", "lon"))
        if locator is not None:
            lat, lon, ok_coords = _coords(cells, findings, line, row)
            ok = ok and ok_coords
        area_cell = cells.raw(row, "area")
        area_id = resolver.resolve(area_cell) if text_of(area_cell) else None
        if text_of(area_cell) and area_id is None:
            findings.error(
                line,
                cells.label("area"),
                text_of(area_cell),
                "Dieses Gebiet gibt es in der Datenbank nicht",
                "Die Kennung prüfen oder zuerst die Gebiete importieren.",
            )
            ok = False
        elif area_id is None and lat is not None and lon is not None and locator is not None:
            area_id = locator.area_at(lat, lon)
            if area_id is None:
                findings.error(
                    line,
                    cells.label("lat"),
                    f"{format_number(lat, 5)}, {format_number(lon, 5)}",
                    "Der Ort liegt in keinem bekannten Gebiet",
                    "Koordinaten prüfen oder die Spalte „Gebiet“ ausfüllen.",
                )
                ok = False
        elif area_id is None and coords_written and locator is None:
            missing = "lon" if "lat" in found else "lat"
            findings.error(
                line,
                cells.label("lat" if missing == "lon" else "lon"),
                text_of(cells.raw(row, "lat" if missing == "lon" else "lon")),
                f"Die Gebietskennung fehlt, und die Koordinate allein reicht nicht: die Spalte "
                f"„{'Länge' if missing == 'lon' else 'Breite'}“ fehlt in der Datei",
                "Die Gebietskennung eintragen oder die Spalten „Breite“ und „Länge“ anlegen "
                "und beide ausfüllen.",
            )
            ok = False
        elif area_id is None and not coords_written:
            findings.error(
                line,
                cells.label("area"),
                None,
                "Die Gebietskennung fehlt, und es sind keine Koordinaten angegeben",
                "Die Gebietskennung eintragen (z. B. 05162024-07) oder Breite und Länge "
                "(Dezimalgrad, z. B. 51,19876 und 6,69123).",
            )
            ok = False
        elif area_id is None:
            ok = False  # the coordinates were wrong: _coords has said why
        elif (
            lat is not None
            and lon is not None
            and locator is not None
            and locator.contains(area_id, lat, lon) is False
        ):
            findings.warn(
                line,
                cells.label("lat"),
                f"{format_number(lat, 5)}, {format_number(lon, 5)}",
                f"Der Ort liegt nicht im angegebenen Gebiet {area_id}",
                "Koordinaten oder Gebiet prüfen; übernommen wird das angegebene Gebiet.",
            )
        capacity = cells.number(line, row, "capacity", integer=True, maximum=MAX_CAPACITY)
        start = cells.date(
            line,
            cells.raw(row, "active_from"),
            cells.label("active_from"),
            future_ok=True,
            required=False,
        )
        end = cells.date(
            line,
            cells.raw(row, "active_to"),
            cells.label("active_to"),
            future_ok=True,
            required=False,
        )
        if start is None and text_of(cells.raw(row, "active_from")) == "":
            start = DEFAULT_START
            no_start += 1
        if start and end and end < start:
            findings.error(
                line,
                cells.label("active_to"),
                format_date(end),
                f"Das Ende liegt vor dem Beginn ({format_date(start)})",
                "Beginn und Ende prüfen.",
            )
            ok = False
        network_id = None
        net_cell = text_of(cells.raw(row, "network"))
        if net_cell:
            network_id = networks.get(net_cell) or networks.get(net_cell.casefold())
            if network_id is None:
                findings.error(
                    line,
                    cells.label("network"),
                    net_cell,
                    "Dieses Netzwerk gibt es nicht",
                    "Den Namen genau wie auf der Seite „Netzwerke“ schreiben oder leer lassen.",
                )
                ok = False
        offer_id = None
        id_cell = text_of(cells.raw(row, "id"))
        if id_cell:
            offer_id = int(id_cell) if id_cell.isdigit() else None
            if offer_id not in offer_ids:
                findings.error(
                    line,
                    cells.label("id"),
                    id_cell,
                    "Ein Angebot mit dieser Nummer gibt es nicht",
                    "Für neue Angebote die Spalte „ID“ leer lassen.",
                )
                ok = False
        if not ok or len(findings.problems) > before or start is None:
            continue
        key = ("id", offer_id) if offer_id else (values["name"], values["provider"], area_id)
        if key in seen:
            findings.error(
                line,
                cells.label("name"),
                values["name"],
                f"Doppeltes Angebot: derselbe Name, Träger und dasselbe Gebiet stehen schon "
                f"in Zeile {seen[key]}",
                "Eine der Zeilen löschen oder die Namen unterscheidbar machen.",
            )
            continue
        seen[key] = line
        rows.append(
            values
            | {
                "area_id": area_id,
                "lat": lat,
                "lon": lon,
                "capacity": int(capacity) if capacity is not None else None,
                "active_from": start,
                "active_to": end,
                "network_id": network_id,
            }
            | ({"id": offer_id} if offer_id else {})
        )
        links.append(phase_ids)
        lines.append(line)
    if no_start:
        findings.warn(
            None,
            cells.label("active_from") if "active_from" in found else "Aktiv ab",
            None,
            f"{no_start} Angebot(e) ohne Beginn: sie gelten als seit {format_date(DEFAULT_START)} "
            "aktiv",
            "Den Beginn (Aktiv ab) eintragen, wenn er bekannt ist.",
        )
    if not rows and not findings.problems:
        findings.error(
            None,
            None,
            None,
            "Die Datei enthält keine Angebote",
            f"Angebote eintragen; Muster: Vorlage „{TEMPLATE}“.",
        )
    findings.raise_if_errors()
    by_id = [r for r in rows if "id" in r]
    write = TableWrite(
        cast(Table, Offer.__table__),
        ("id",) if by_id and len(by_id) == len(rows) else ("name", "provider", "area_id"),
        (
            "name",
            "provider",
            "offer_type_id",
            "area_id",
            "lat",
            "lon",
            "capacity",
            "active_from",
            "active_to",
            "network_id",
        ),
        rows,
        lines,
        links=links,
    )
    if by_id and len(by_id) != len(rows):
        findings.error(
            None,
            cells.label("id"),
            None,
            "Die Spalte „ID“ ist nur teilweise ausgefüllt",
            "Entweder für alle Zeilen die Angebotsnummer eintragen oder die Spalte löschen.",
        )
        findings.raise_if_errors()
    classify(conn, write)
    preview = pd.DataFrame(
        [
            {
                "Zeile": write.lines[i],
                "Angebot": r["name"],
                "Träger": r["provider"],
                "Gebiet": r["area_id"],
                "Lebensphasen": ", ".join(links[i]),
                "Plätze": format_number(r["capacity"], 0),
                "Status": write.status[i],
            }
            for i, r in enumerate(write.rows[:500])
        ]
    )
    return Plan("offers", file.name, file_hash(files), [write], findings.warnings, preview)


def _coords(
    cells: Cells, findings: Findings, line: int, row: dict[str, Any]
) -> tuple[float | None, float | None, bool]:
    """Latitude and longitude in degrees (both or none), checked to lie in Germany."""
    lat_cell, lon_cell = cells.raw(row, "lat"), cells.raw(row, "lon")
    try:
        lat = parse_number(lat_cell, cells.table.decimal)
        lon = parse_number(lon_cell, cells.table.decimal)
    except ValueError:
        findings.error(
            line,
            cells.label("lat"),
            f"{text_of(lat_cell)}, {text_of(lon_cell)}",
            "Breite/Länge sind keine Zahlen",
            "Dezimalgrad eintragen, z. B. 51,19876 und 6,69123.",
        )
        return None, None, False
    if lat is None and lon is None:
        return None, None, True
    if lat is None or lon is None:
        findings.error(
            line,
            cells.label("lat" if lat is None else "lon"),
            None,
            "Nur eine der beiden Koordinaten ist angegeben",
            "Breite und Länge eintragen oder beide leer lassen.",
        )
        return None, None, False
    if 47 <= lon <= 55.1 and 5.8 <= lat <= 15.1:
        findings.error(
            line,
            cells.label("lat"),
            f"{format_number(lat, 5)}, {format_number(lon, 5)}",
            "Breite und Länge sind offenbar vertauscht",
            "Die Werte der Spalten Breite und Länge tauschen (Breite ≈ 51, Länge ≈ 6,7).",
        )
        return None, None, False
    if not (47 <= lat <= 55.1 and 5.8 <= lon <= 15.1):
        findings.error(
            line,
            cells.label("lat"),
            f"{format_number(lat, 5)}, {format_number(lon, 5)}",
            "Der Ort liegt nicht in Deutschland (Koordinaten in Metern statt Grad?)",
            "Koordinaten als Dezimalgrad in WGS84 (EPSG:4326) eintragen.",
        )
        return None, None, False
    return lat, lon, True

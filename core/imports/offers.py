"""Import of offers: name, provider, offer type, life phases, area and/or coordinates,
places per life phase ("Plätze U3", "Plätze Ü3" or "Plätze <Lebensphase>"), target
group, access features (kostenfrei, aufsuchend, Sprachen), funding end and network.

Every row meets the same rules as the offer form (:func:`core.offer_entry.check`);
this module reads the cells and the columns only. Files of the older format (without
the newer columns) still import, and leave those fields of existing offers as they are.

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
from core.imports.batch import Plan, TableWrite, classify
from core.imports.cells import Cells
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
from core.offer_entry import OfferEntry, OfferRules, check, rules, split_languages
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
    "target_group": ("zielgruppe", "target_group"),
    "free_of_charge": ("kostenfrei", "kostenlos", "free_of_charge"),
    "outreach": ("aufsuchend", "outreach"),
    "languages": ("sprachen", "sprache", "languages"),
    "funded_until": ("gefoerdert_bis", "foerderung_bis", "foerderende", "funded_until"),
}
#: Columns every offer row writes (as before the optional ones existed).
BASE_COLUMNS = (
    "name",
    "provider",
    "offer_type_id",
    "area_id",
    "capacity",
    "active_from",
    "active_to",
    "network_id",
)
#: Columns written only when the file has them (older files keep what is stored):
#: canonical column -> offer column.
OPTIONAL_COLUMNS = {
    "target_group": "target_group",
    "free_of_charge": "free_of_charge",
    "outreach": "outreach",
    "languages": "languages",
    "funded_until": "funded_until",
}
#: "Plätze U3"/"Plätze Ü3": a Kita's places under and over three.
PLACE_SHORTCUTS = {"plaetze_u3": "crib", "plaetze_ue3": "kita"}
YES = {"ja", "j", "x", "1", "wahr", "true", "yes"}
NO = {"nein", "n", "0", "falsch", "false", "no"}


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
    offer_rules = rules(conn)
    place_columns = _place_columns(table, found, offer_rules)
    cells.columns.update({f"places:{pid}": key for key, pid in place_columns.items()})
    labels = {
        "name": cells.label("name"),
        "provider": cells.label("provider"),
        "offer_type": cells.label("offer_type"),
        "phases": cells.label("phases"),
        "area": cells.label("area") if "area" in found else "Breite",
        **{k: cells.label(k) for k in OPTIONAL_COLUMNS if k in found},
        **{f"places:{pid}": table.labels.get(key, key) for key, pid in place_columns.items()},
    }
    optional = {OPTIONAL_COLUMNS[k] for k in OPTIONAL_COLUMNS if k in found}
    area_rows = conn.execute(select(Area.id, Area.name)).all()
    resolver = AreaResolver([r.id for r in area_rows], {r.id: r.name for r in area_rows})
    networks = {str(r.id): r.id for r in conn.execute(select(Network.id, Network.name))}
    networks |= {r.name.casefold(): r.id for r in conn.execute(select(Network.id, Network.name))}
    offer_ids = set(conn.execute(select(Offer.id)).scalars())
    locator = _Locator(conn) if {"lat", "lon"} <= set(found) else None
    rows: list[dict[str, Any]] = []
    links: list[tuple[str, ...]] = []
    row_places: list[dict[str, int | None]] = []
    lines: list[int | None] = []
    seen: dict[tuple[Any, ...], int] = {}
    no_start = 0
    for line, row in table.rows:
        ok = True
        before = len(findings.problems)
        lat = lon = None
        coords_written = any(text_of(cells.raw(row, c)) for c in ("lat", "lon"))
        if locator is not None:
            lat, lon, ok_coords = _coords(cells, findings, line, row)
            ok = ok and ok_coords
        area_cell = cells.raw(row, "area")
        area_id = resolver.resolve(area_cell) if text_of(area_cell) else None
        if text_of(area_cell) and area_id is None:
            area_id = text_of(area_cell)  # the shared rules say it does not exist
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
        places = {
            pid: cells.number(line, row, f"places:{pid}", integer=True, maximum=MAX_CAPACITY)
            for pid in place_columns.values()
        }
        start, end, funded = (
            cells.date(line, cells.raw(row, c), cells.label(c), future_ok=True, required=False)
            for c in ("active_from", "active_to", "funded_until")
        )
        if start is None and text_of(cells.raw(row, "active_from")) == "":
            start = DEFAULT_START
            no_start += 1
        flags = {c: _yes_no(cells, findings, line, row, c) for c in ("free_of_charge", "outreach")}
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
        if len(findings.problems) > before or not ok:
            continue
        phase_cell = text_of(cells.raw(row, "phases"))
        entry = OfferEntry(
            name=text_of(cells.raw(row, "name")),
            provider=text_of(cells.raw(row, "provider")),
            offer_type=text_of(cells.raw(row, "offer_type")),
            area_id=area_id,
            phases=tuple(p for p in re.split(r"[,;|/+]", phase_cell) if p.strip()),
            places=places,
            capacity=capacity,
            active_from=start,
            active_to=end,
            funded_until=funded,
            network_id=network_id,
            target_group=text_of(cells.raw(row, "target_group")),
            free_of_charge=flags["free_of_charge"],
            outreach=flags["outreach"],
            languages=split_languages(text_of(cells.raw(row, "languages"))),
        )
        problems, values = check(entry, offer_rules, findings.file, line, labels)
        if problems:
            findings.problems.extend(problems)
            continue
        phase_places = values.pop("phase_places")
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
            {k: v for k, v in values.items() if k in BASE_COLUMNS or k in optional}
            | {"lat": lat, "lon": lon}
            | ({"id": offer_id} if offer_id else {})
        )
        links.append(tuple(phase_places))
        row_places.append(phase_places)
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
            *OPTIONAL_COLUMNS.values(),
        ),
        rows,
        lines,
        links=links,
        places=row_places if place_columns else None,
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


def _place_columns(table: Any, found: dict[str, str], r: OfferRules) -> dict[str, str]:
    """The file's "Plätze <Lebensphase>" columns: column key -> life phase id."""
    wanted = dict(PLACE_SHORTCUTS)
    for label_or_id, pid in r.phases.items():
        wanted.setdefault(normalize(f"plaetze {label_or_id}"), pid)
    taken = set(found.values())
    return {k: wanted[k] for k in table.labels if k in wanted and k not in taken}


def _yes_no(
    cells: Cells, findings: Findings, line: int, row: dict[str, Any], canonical: str
) -> bool | None:
    """A ja/nein cell: True, False or None (empty); a problem for anything else."""
    cell = text_of(cells.raw(row, canonical))
    if not cell:
        return None
    word = normalize(cell)
    if word in YES or word in NO:
        return word in YES
    findings.error(
        line,
        cells.label(canonical),
        cell,
        "Hier wird ja oder nein erwartet",
        "„ja“, „nein“ eintragen oder leer lassen, wenn es nicht bekannt ist.",
    )
    return None


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

"""Import of the quarterly network status (stage, partners, meetings, traffic light, …).

Old files keep importing: the partner count ("Partner") is taken where the network has
no partner register; where it has one, the count is derived from the register
(partners active at the quarter's end) and a differing number in the file is reported
as a note. A column "Qualitätsbausteine" is ignored with a note: the quality blocks are
reported per Jugendamt on the page „Qualitätsbausteine“. Notes stand in the preview's
column "Hinweis" and do not stop the import (unlike warnings, which must be accepted).

A network is named by its number or its exact name. A name the database does not
know creates a new network when the row also gives its kind (Netzwerkart), scope area
(Gebiet) and youth office (Jugendamt); an unknown youth office is created with a
warning. Upsert key (network, quarter); a changed status gets a new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, select

from core.catalogue import network_criteria, network_kinds, network_stages
from core.imports.batch import Plan, Ref, TableWrite, classify
from core.imports.cells import Cells, code_lookup
from core.imports.options import MAX_PARTNERS, ImportOptions, file_hash, today
from core.imports.tables import (
    AreaResolver,
    Findings,
    ImportFile,
    find_columns,
    normalize,
    parse_quarter_cell,
    read_table,
    require_columns,
    text_of,
)
from core.imports.values import ImpossibleDateError
from core.models import Area, Network, NetworkStatus, YouthOffice
from core.partners import active_count, registers
from core.present.numbers import format_number
from core.quarters import quarter_of

TEMPLATE = "netzwerkstatus.csv"
ALIASES = {
    "network": ("netzwerk", "netzwerk_id", "network", "network_id"),
    "quarter": ("quartal", "berichtsquartal", "quarter"),
    "stage": ("stufe", "entwicklungsstufe", "stage"),
    "partners": ("partner", "anzahl_partner", "partners"),
    "meetings": ("treffen", "sitzungen", "meetings"),
    "traffic_light": ("ampel", "traffic_light"),
    "quality_blocks": ("qualitaetsbausteine", "bausteine", "quality_blocks"),
    "criteria": ("kriterien", "stufenkriterien", "erfuellte_kriterien", "criteria"),
    "goals": ("ziele", "ziel", "goals"),
    "note": ("notiz", "bemerkung", "anmerkung", "note"),
    "kind": ("netzwerkart", "art", "kind"),
    "scope": ("gebiet", "gebiet_id", "scope", "scope_area_id"),
    "youth_office": ("jugendamt", "youth_office"),
}
LIGHTS = {"gruen": "gruen", "grun": "gruen", "green": "gruen", "gelb": "gelb", "yellow": "gelb"}
LIGHTS |= {"rot": "rot", "red": "rot"}
#: the preview's column of notes that do not stop the import
NOTE = "Hinweis"
BLOCKS_IGNORED = (
    "Qualitätsbausteine nicht übernommen (sie gelten je Jugendamt: Seite „Qualitätsbausteine“)"
)
PARTNERS_DERIVED = "Partner aus dem Partnerverzeichnis: {derived} (Datei: {given})"


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify a network status file; DataError lists every problem."""
    file = files[0]
    table = read_table(file, options.sheet)
    findings = Findings(file.name)
    found = find_columns(table, ALIASES)
    required = {
        "network": "Netzwerk",
        "quarter": "Quartal",
        "stage": "Stufe",
        "traffic_light": "Ampel",
    }
    require_columns(table, found, required, TEMPLATE)
    cells = Cells(table, findings, found)
    nets = conn.execute(select(Network.id, Network.name)).all()
    by_name = {r.name.casefold(): r.id for r in nets} | {str(r.id): r.id for r in nets}
    kinds = code_lookup(network_kinds(conn).to_dict("records"), "id", "label")
    stages = code_lookup(network_stages(conn).to_dict("records"), "label")
    ignored_blocks = "quality_blocks" in found
    criteria_table = network_criteria(conn)
    criteria_ids = criteria_table["id"].tolist() if len(criteria_table) else []
    criteria = code_lookup(criteria_table.to_dict("records"), "id", "label")
    with_criteria = "criteria" in found
    area_rows = conn.execute(select(Area.id, Area.name)).all()
    resolver = AreaResolver([r.id for r in area_rows], {r.id: r.name for r in area_rows})
    offices = {r.id: r.id for r in conn.execute(select(YouthOffice.id))}
    offices |= {
        r.name.casefold(): r.id for r in conn.execute(select(YouthOffice.id, YouthOffice.name))
    }
    new_offices: dict[str, dict[str, Any]] = {}
    new_networks: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    lines: list[int | None] = []
    seen: dict[tuple[Any, str], int] = {}
    current = quarter_of(today())
    for line, row in table.rows:
        before = len(findings.problems)
        net_text = text_of(cells.raw(row, "network"))
        network: Any = by_name.get(net_text) or by_name.get(net_text.casefold())
        if network is None and net_text in new_networks:
            network = Ref("network", (net_text,))
        elif network is None and net_text:
            network = _new_network(
                cells, findings, line, row, net_text, kinds, resolver, offices, new_offices
            )
            if network is not None:
                new_networks.setdefault(net_text, network)
                network = Ref("network", (net_text,))
        elif network is None:
            findings.error(
                line,
                cells.label("network"),
                None,
                "Der Name des Netzwerks fehlt",
                "Den Namen genau wie auf der Seite „Netzwerke“ eintragen (oder die Nummer).",
            )
        q_cell = cells.raw(row, "quarter")
        impossible = False
        try:
            quarter = parse_quarter_cell(q_cell)
        except ImpossibleDateError as exc:
            quarter, impossible = None, True
            findings.error(
                line,
                cells.label("quarter"),
                text_of(q_cell),
                exc.reason,
                "Das Quartal in der Form 2025-Q3 oder „3. Quartal 2025“ eintragen (Quartale "
                "1 bis 4, Monate 1 bis 12).",
            )
        except ValueError:
            quarter = None
        if quarter is None and not impossible:
            findings.error(
                line,
                cells.label("quarter"),
                text_of(q_cell),
                "Das Quartal ist nicht lesbar",
                "In der Form 2025-Q3 oder „3. Quartal 2025“ eintragen.",
            )
        elif quarter is not None and quarter > current:
            findings.error(
                line,
                cells.label("quarter"),
                text_of(q_cell),
                "Das Quartal liegt in der Zukunft",
                f"Den Status höchstens bis zum laufenden Quartal ({current.label}) eintragen.",
            )
        stage = _stage(text_of(cells.raw(row, "stage")), stages)
        if stage is None:
            findings.error(
                line,
                cells.label("stage"),
                text_of(cells.raw(row, "stage")),
                "Unbekannte Entwicklungsstufe",
                "1, 2 oder 3 eintragen (Informations-, Kooperations-, Produktionsnetzwerk).",
            )
        light_text = text_of(cells.raw(row, "traffic_light"))
        light = LIGHTS.get(normalize(light_text))
        if light is None:
            findings.error(
                line,
                cells.label("traffic_light"),
                light_text,
                "Unbekannte Ampelfarbe",
                "grün, gelb oder rot eintragen.",
            )
        partners = cells.number(line, row, "partners", integer=True, maximum=MAX_PARTNERS)
        meetings = cells.number(line, row, "meetings", integer=True, maximum=MAX_PARTNERS)
        met = _criteria(cells, findings, line, row, criteria, criteria_ids) if with_criteria else []
        if len(findings.problems) > before or network is None or quarter is None:
            continue
        key = (network, quarter.key)
        if key in seen:
            findings.error(
                line,
                cells.label("quarter"),
                f"{net_text} / {quarter.key}",
                f"Doppelter Eintrag: dasselbe Netzwerk und Quartal stehen schon in Zeile "
                f"{seen[key]}",
                "Eine der beiden Zeilen löschen.",
            )
            continue
        seen[key] = line
        rows.append(
            {
                "network_id": network,
                "quarter": quarter.key,
                "stage": stage,
                "partners": int(partners or 0),
                "meetings": int(meetings or 0),
                "traffic_light": light,
                "goals": text_of(cells.raw(row, "goals")),
                "note": text_of(cells.raw(row, "note")),
                **({"criteria": met} if with_criteria else {}),
            }
        )
        lines.append(line)
    for office in new_offices.values():
        findings.warn(
            office["_line"],
            cells.label("youth_office"),
            office["name"],
            "Dieses Jugendamt ist neu und wird angelegt",
            "Schreibweise prüfen, wenn das Jugendamt schon existiert.",
        )
    if not rows and not findings.problems:
        findings.error(
            None,
            None,
            None,
            "Die Datei enthält keine Einträge",
            f"Je Netzwerk und Quartal eine Zeile eintragen; Muster: Vorlage „{TEMPLATE}“.",
        )
    notes = _derive_partners(conn, rows)
    if ignored_blocks:
        for i, note in enumerate(notes):
            notes[i] = "; ".join(filter(None, [note, BLOCKS_IGNORED]))
    findings.raise_if_errors()
    office_write = TableWrite(
        cast(Table, YouthOffice.__table__),
        ("id",),
        (),
        [{"id": o["id"], "name": o["name"]} for o in new_offices.values()],
    )
    network_write = TableWrite(
        cast(Table, Network.__table__),
        ("name",),
        (),
        list(new_networks.values()),
        referenced=True,
    )
    write = TableWrite(
        cast(Table, NetworkStatus.__table__),
        ("network_id", "quarter"),
        (
            "stage",
            "partners",
            "meetings",
            "traffic_light",
            "goals",
            "note",
            *(("criteria",) if with_criteria else ()),  # old files keep the saved criteria
        ),
        rows,
        lines,
    )
    for w in (office_write, network_write, write):
        classify(conn, w)
    names = {r.id: r.name for r in nets}
    preview = pd.DataFrame(
        [
            {
                "Zeile": write.lines[i],
                "Netzwerk": r["network_id"].key[0]
                if isinstance(r["network_id"], Ref)
                else names[r["network_id"]],
                "Quartal": r["quarter"],
                "Stufe": r["stage"],
                "Partner": format_number(r["partners"], 0),
                "Ampel": r["traffic_light"],
                "Status": write.status[i],
                NOTE: notes[i],
            }
            for i, r in enumerate(write.rows[:500])
        ]
    )
    return Plan(
        "networks",
        file.name,
        file_hash(files),
        [office_write, network_write, write],
        findings.warnings,
        preview,
    )


def _derive_partners(conn: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """Set the partner count of rows whose network has a register to the register's
    count at the quarter's end; returns the preview's note for each row (empty where
    the file's count is taken)."""
    from core.quarters import parse_quarter

    known = [r["network_id"] for r in rows if isinstance(r["network_id"], int)]
    found = registers(conn, sorted(set(known)))
    notes = []
    for row in rows:
        partners = found.get(row["network_id"]) if isinstance(row["network_id"], int) else None
        if not partners:
            notes.append("")
            continue
        derived = active_count(partners, parse_quarter(row["quarter"]).end)
        notes.append(
            PARTNERS_DERIVED.format(
                derived=format_number(derived, 0), given=format_number(row["partners"], 0)
            )
            if row["partners"] != derived
            else ""
        )
        row["partners"] = derived
    return notes


def _criteria(
    cells: Cells,
    findings: Findings,
    line: int,
    row: dict[str, Any],
    known: Mapping[str, str],
    order: list[str],
) -> list[str]:
    """The met stage criteria of a cell ("vereinbarung, ziele" or their labels), in
    catalogue order; an unknown one is an error naming the valid ids."""
    text = text_of(cells.raw(row, "criteria"))
    met: set[str] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        found = known.get(normalize(part))
        if found is None:
            findings.error(
                line,
                cells.label("criteria"),
                part,
                "Unbekanntes Stufenkriterium",
                "Kriterien durch Komma getrennt mit ihrer Kennung oder Bezeichnung eintragen: "
                + ", ".join(order)
                + ".",
            )
            continue
        met.add(str(found))
    return [c for c in order if c in met]


def _stage(text: str, stages: Mapping[str, str | int]) -> int | None:
    if text in {"1", "2", "3"}:
        return int(text)
    norm = normalize(text)
    for key, value in stages.items():
        if norm and (norm == key or key.startswith(norm)):
            return int(value)
    return None


def _new_network(
    cells: Cells,
    findings: Findings,
    line: int,
    row: dict[str, Any],
    name: str,
    kinds: dict[str, str],
    resolver: AreaResolver,
    offices: dict[str, str],
    new_offices: dict[str, dict[str, Any]],
) -> dict[str, Any] | None:
    """The row of a network to create, or None (with a problem) when data are missing."""
    kind = kinds.get(normalize(text_of(cells.raw(row, "kind"))))
    scope = resolver.resolve(cells.raw(row, "scope"))
    office_text = text_of(cells.raw(row, "youth_office"))
    if kind is None or scope is None or not office_text:
        findings.error(
            line,
            cells.label("network"),
            name,
            "Dieses Netzwerk gibt es nicht; für ein neues fehlen Netzwerkart, Gebiet "
            "oder Jugendamt",
            "Den Namen genau wie auf der Seite „Netzwerke“ schreiben – oder für ein neues "
            "Netzwerk die Spalten Netzwerkart, Gebiet und Jugendamt ausfüllen.",
        )
        return None
    office = offices.get(office_text) or offices.get(office_text.casefold())
    if office is None:
        office = normalize(office_text)[:32] or "jugendamt"
        new_offices.setdefault(office, {"id": office, "name": office_text, "_line": line})
        offices[office_text.casefold()] = office
    return {"name": name, "kind_id": kind, "scope_area_id": scope, "youth_office_id": office}

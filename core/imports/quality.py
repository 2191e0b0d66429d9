"""Import of the Qualitätsbausteine: one row per youth office, quarter and item.

Columns (template ``qualitaetsbausteine.csv``): Jugendamt (name or id), Quartal, Punkt
(``1.1`` … ``4.4``), Stand (offen, begonnen, erreicht), Datum, Nachweis (title),
Nachweis-Datum, Nachweis-Link (https link or file reference), Steuerungsnachweis (the
number of a steering record, block 4 only), Notiz. Each youth office and quarter in the
file is a whole report: all 13 items, checked by the same rules as the form
(:func:`core.quality_entry.item_problems`). All or nothing: one problem and nothing is
written. Every report gets a :class:`~core.models.QualityReport` row with the import
batch (a report that exists gets a new version, so an open form sees the change); a
rollback deletes what the batch added and restores what it changed.
"""

from __future__ import annotations

from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, select

from core.imports.batch import CHANGED, NEW, Plan, TableWrite, classify
from core.imports.cells import Cells
from core.imports.options import ImportOptions, file_hash, today
from core.imports.tables import (
    Findings,
    ImportFile,
    find_columns,
    normalize,
    parse_quarter_cell,
    read_table,
    require_columns,
    text_of,
)
from core.imports.values import ImpossibleDateError, parse_number
from core.models import QualityProgress, QualityReport, SteeringRecord, YouthOffice
from core.present.vocabulary import QUALITY_STATES
from core.quality_entry import ITEM_FIELDS, ItemEntry, item_ids, item_problems
from core.quarters import quarter_of

TEMPLATE = "qualitaetsbausteine.csv"
ALIASES = {
    "youth_office": ("jugendamt", "youth_office", "youth_office_id"),
    "quarter": ("quartal", "berichtsquartal", "quarter"),
    "item": ("punkt", "item", "item_id", "nr"),
    "state": ("stand", "state", "umsetzung"),
    "state_date": ("datum", "seit", "state_date"),
    "evidence_title": ("nachweis", "nachweis_titel", "evidence_title"),
    "evidence_date": ("nachweis_datum", "evidence_date"),
    "evidence_ref": ("nachweis_link", "link", "ablage", "evidence_ref"),
    "steering_record_id": ("steuerungsnachweis", "steering_record_id"),
    "note": ("notiz", "bemerkung", "anmerkung", "note"),
}
#: what a user may write in "Stand" → state id
STATES = {normalize(t.word): s for s, t in QUALITY_STATES.items()}
STATES |= {normalize(t.text): s for s, t in QUALITY_STATES.items()}
STATES |= {s: s for s in QUALITY_STATES} | {"erledigt": "done", "in_arbeit": "in_progress"}


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify a Qualitätsbausteine file; DataError lists every problem."""
    file = files[0]
    table = read_table(file, options.sheet)
    findings = Findings(file.name)
    found = find_columns(table, ALIASES)
    required = {"youth_office": "Jugendamt", "quarter": "Quartal", "item": "Punkt"}
    required |= {"state": "Stand"}
    require_columns(table, found, required, TEMPLATE)
    cells = Cells(table, findings, found)
    offices = {str(r.id).casefold(): str(r.id) for r in conn.execute(select(YouthOffice.id))}
    names = {str(r.id): str(r.name) for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}
    offices |= {n.casefold(): i for i, n in names.items()}
    steering: dict[str, set[int]] = {}
    for r in conn.execute(select(SteeringRecord.id, SteeringRecord.youth_office_id)):
        steering.setdefault(str(r.youth_office_id), set()).add(int(r.id))
    known_items = item_ids(conn)
    day, current = today(), quarter_of(today())
    rows: list[dict[str, Any]] = []
    lines: list[int | None] = []
    seen: dict[tuple[str, str, str], int] = {}
    reports: dict[tuple[str, str], list[str]] = {}
    report_lines: dict[tuple[str, str], int] = {}
    flawed: set[tuple[str, str]] = set()  # reports with a faulty row: no "missing" on top
    for line, row in table.rows:
        before = len(findings.problems)
        office_text = text_of(cells.raw(row, "youth_office"))
        office = offices.get(office_text.casefold())
        if office is None:
            findings.error(
                line,
                cells.label("youth_office"),
                office_text,
                "Dieses Jugendamt ist unbekannt" if office_text else "Das Jugendamt fehlt",
                "Den Namen genau wie in der Auswahl der Seite „Qualitätsbausteine“ schreiben "
                "(z. B. „Jugendamt der Stadt Neuss“).",
            )
        quarter = _quarter(cells, findings, line, row, current)
        item = text_of(cells.raw(row, "item")).split(" ")[0].strip()
        if item not in known_items:
            findings.error(
                line,
                cells.label("item"),
                item,
                "Diesen Punkt der Qualitätsbausteine gibt es nicht",
                f"Eine der Nummern {', '.join(known_items)} eintragen.",
            )
        state_text = text_of(cells.raw(row, "state"))
        state = STATES.get(normalize(state_text))
        if state is None:
            findings.error(
                line,
                cells.label("state"),
                state_text,
                "Unbekannter Stand" if state_text else "Der Stand fehlt",
                "offen, begonnen oder erreicht eintragen.",
            )
        dates = {
            name: cells.date(line, cells.raw(row, name), cells.label(name), required=False)
            for name in ("state_date", "evidence_date")
            if name in found
        }
        record = _record_number(cells, findings, line, row)
        if office is not None and quarter is not None and len(findings.problems) > before:
            flawed.add((office, quarter.key))
        if len(findings.problems) > before or office is None or quarter is None:
            continue
        entry = ItemEntry(
            item_id=item,
            state=state,
            state_date=dates.get("state_date"),
            evidence_title=text_of(cells.raw(row, "evidence_title")),
            evidence_date=dates.get("evidence_date"),
            evidence_ref=text_of(cells.raw(row, "evidence_ref")),
            steering_record_id=record,
            note=text_of(cells.raw(row, "note")),
        )
        values = entry.values()
        for p in item_problems(item, values, quarter.end, day, steering.get(office, set())):
            name = p.column.split("·")[-1].strip() if p.column else None
            column = _file_label(cells, name)
            findings.error(line, column, p.value, p.problem, p.fix)
        if len(findings.problems) > before:
            flawed.add((office, quarter.key))
            continue
        key = (office, quarter.key, item)
        if key in seen:
            findings.error(
                line,
                cells.label("item"),
                f"{names[office]} / {quarter.key} / {item}",
                f"Doppelter Eintrag: dieser Punkt steht für dasselbe Jugendamt und Quartal "
                f"schon in Zeile {seen[key]}",
                "Eine der beiden Zeilen löschen.",
            )
            continue
        seen[key] = line
        reports.setdefault((office, quarter.key), []).append(item)
        report_lines.setdefault((office, quarter.key), line)
        rows.append({"youth_office_id": office, "quarter": quarter.key, "item_id": item, **values})
        lines.append(line)
    for (office, quarter_key), given in reports.items():
        missing = [i for i in known_items if i not in given]
        if missing and (office, quarter_key) not in flawed:
            findings.error(
                report_lines[(office, quarter_key)],
                cells.label("item"),
                ", ".join(missing),
                f"Für {names[office]}, {quarter_key} fehlen Punkte; ein Bericht umfasst alle "
                f"{len(known_items)} Punkte",
                "Für jedes Jugendamt und Quartal eine Zeile je Punkt eintragen (auch „offen“).",
            )
    if not rows and not findings.problems:
        findings.error(
            None,
            None,
            None,
            "Die Datei enthält keine Einträge",
            f"Je Jugendamt, Quartal und Punkt eine Zeile eintragen; Muster: Vorlage „{TEMPLATE}“.",
        )
    findings.raise_if_errors()
    item_write = TableWrite(
        cast(Table, QualityProgress.__table__),
        ("youth_office_id", "quarter", "item_id"),
        ITEM_FIELDS,
        rows,
        lines,
    )
    classify(conn, item_write)
    report_write = _report_write(conn, item_write, report_lines)
    preview = pd.DataFrame(
        [
            {
                "Zeile": item_write.lines[i],
                "Jugendamt": names[r["youth_office_id"]],
                "Quartal": r["quarter"],
                "Punkt": r["item_id"],
                "Stand": QUALITY_STATES[r["state"]].text,
                "Nachweis": r["evidence_title"],
                "Status": item_write.status[i],
            }
            for i, r in enumerate(item_write.rows[:500])
        ]
    )
    return Plan(
        "quality",
        file.name,
        file_hash(files),
        [report_write, item_write],
        findings.warnings,
        preview,
    )


def _report_write(
    conn: Connection, items: TableWrite, report_lines: dict[tuple[str, str], int]
) -> TableWrite:
    """One report row per youth office and quarter: new, or changed (a new version,
    stamped with the batch) when any of its items is new or changed."""
    touched = {
        (r["youth_office_id"], r["quarter"])
        for r, s in zip(items.rows, items.status, strict=True)
        if s in (NEW, CHANGED)
    }
    existing = {
        (str(r.youth_office_id), str(r.quarter)): {"id": r.id, "import_batch_id": r.import_batch_id}
        for r in conn.execute(
            select(
                QualityReport.id,
                QualityReport.youth_office_id,
                QualityReport.quarter,
                QualityReport.import_batch_id,
            )
        )
    }
    keys = list(report_lines)
    write = TableWrite(
        cast(Table, QualityReport.__table__),
        ("youth_office_id", "quarter"),
        (),
        [{"youth_office_id": o, "quarter": q} for o, q in keys],
        [report_lines[k] for k in keys],
    )
    for i, key in enumerate(keys):
        if key not in existing:
            write.status.append(NEW)
        elif key in touched:
            write.status.append(CHANGED)
            write.existing[i] = existing[key]
        else:
            write.status.append("unverändert")
    return write


def _quarter(cells: Cells, findings: Findings, line: int, row: dict[str, Any], current: Any) -> Any:
    cell = cells.raw(row, "quarter")
    try:
        quarter = parse_quarter_cell(cell)
    except (ImpossibleDateError, ValueError):
        quarter = None
    if quarter is None:
        findings.error(
            line,
            cells.label("quarter"),
            text_of(cell),
            "Das Quartal ist nicht lesbar",
            "In der Form 2025-Q3 oder „3. Quartal 2025“ eintragen.",
        )
        return None
    if quarter > current:
        findings.error(
            line,
            cells.label("quarter"),
            text_of(cell),
            "Das Quartal liegt in der Zukunft",
            f"Höchstens bis zum laufenden Quartal ({current.label}) eintragen.",
        )
        return None
    return quarter


def _record_number(cells: Cells, findings: Findings, line: int, row: dict[str, Any]) -> int | None:
    text = text_of(cells.raw(row, "steering_record_id"))
    if not text:
        return None
    try:
        number = parse_number(text)
    except ValueError:
        number = None
    if number is None or number != int(number) or number <= 0:
        findings.error(
            line,
            cells.label("steering_record_id"),
            text,
            "Die Nummer des Steuerungsnachweises ist keine ganze Zahl",
            "Die Nummer aus der Liste der Steuerung eintragen oder die Zelle leer lassen.",
        )
        return None
    return int(number)


def _file_label(cells: Cells, field_label: str | None) -> str | None:
    """The file's column for a field named by its German label (as the form says it)."""
    from core.quality_entry import FIELD_LABELS

    for name, label in FIELD_LABELS.items():
        if label == field_label:
            return cells.label(name) if name in cells.columns else label
    return field_label

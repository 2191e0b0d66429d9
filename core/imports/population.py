"""Import of population figures: children per area and life phase at a reference date.

Long format (Gebiet; Stichtag; Lebensphase; Kinder) or wide format with one column per
life phase (Gebiet; Stichtag; rund um die Geburt; Krippe; Kita; …). Upsert key
(area, reference date, life phase).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, select

from core.catalogue import life_phases
from core.imports.batch import Plan, TableWrite, classify
from core.imports.cells import Cells, code_lookup
from core.imports.options import AREA_ALIASES, MAX_CHILDREN, ImportOptions, file_hash
from core.imports.tables import (
    AreaResolver,
    Findings,
    ImportFile,
    find_columns,
    normalize,
    read_table,
    require_columns,
    text_of,
)
from core.models import Area, Population
from core.present.numbers import format_date, format_number

TEMPLATE = "bevoelkerung.csv"
ALIASES = {
    "area": AREA_ALIASES,
    "period_end": ("stichtag", "datum", "period_end", "stand"),
    "life_phase": ("lebensphase", "phase", "altersgruppe", "life_phase", "life_phase_id"),
    "children": ("kinder", "anzahl", "anzahl_kinder", "children"),
}


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify a population file; DataError lists every problem."""
    file = files[0]
    table = read_table(file, options.sheet)
    findings = Findings(file.name)
    found = find_columns(table, ALIASES)
    phases = life_phases(conn).to_dict("records")
    lookup = code_lookup(phases, "id", "label")
    phase_cols = {k: lookup[k] for k in table.labels if k in lookup and k not in found.values()}
    wide = "life_phase" not in found and bool(phase_cols)
    required = {"area": "Gebiet", "period_end": "Stichtag"}
    if not wide:
        required |= {"life_phase": "Lebensphase", "children": "Kinder"}
    require_columns(table, found, required, TEMPLATE)
    area_rows = conn.execute(select(Area.id, Area.name)).all()
    resolver = AreaResolver([r.id for r in area_rows], {r.id: r.name for r in area_rows})
    cells = Cells(table, findings, found)
    for key in phase_cols:
        cells.columns[f"_p_{key}"] = key
    rows: list[dict[str, Any]] = []
    lines: list[int | None] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    for line, row in table.rows:
        area_cell = cells.raw(row, "area")
        area_id = resolver.resolve(area_cell)
        if area_id is None:
            findings.error(
                line,
                cells.label("area"),
                text_of(area_cell),
                "Dieses Gebiet gibt es in der Datenbank nicht"
                if text_of(area_cell)
                else "Die Gebietskennung fehlt",
                "Die Kennung (AGS oder Sozialraum-Kennung wie 05162024-07) prüfen oder "
                "zuerst die Gebiete importieren.",
            )
        day = cells.date(line, cells.raw(row, "period_end"), cells.label("period_end"))
        if wide:
            pairs = [(phase, f"_p_{key}", table.labels[key]) for key, phase in phase_cols.items()]
        else:
            cell = cells.raw(row, "life_phase")
            phase = lookup.get(normalize(text_of(cell)))
            if phase is None:
                findings.error(
                    line,
                    cells.label("life_phase"),
                    text_of(cell),
                    "Diese Lebensphase gibt es nicht",
                    f"Eine dieser Kennungen verwenden: {', '.join(p['id'] for p in phases)}.",
                )
                continue
            pairs = [(phase, "children", cells.label("children"))]
        for phase, canonical, label in pairs:
            n = cells.number(line, row, canonical, integer=True, maximum=MAX_CHILDREN)
            if n is None or area_id is None or day is None:
                continue
            natural_key = (area_id, day, phase)
            if natural_key in seen:
                findings.error(
                    line,
                    label,
                    f"{area_id} / {format_date(day)} / {phase}",
                    f"Doppelter Eintrag: dasselbe Gebiet, derselbe Stichtag und dieselbe "
                    f"Lebensphase stehen schon in Zeile {seen[natural_key]}",
                    "Eine der beiden Zeilen löschen.",
                )
                continue
            seen[natural_key] = line
            rows.append(
                {"area_id": area_id, "period_end": day, "life_phase_id": phase, "children": int(n)}
            )
            lines.append(line)
    if not rows and not findings.problems:
        findings.error(
            None,
            None,
            None,
            "Die Datei enthält keine Bevölkerungszahlen",
            f"Zahlen eintragen; Muster: Vorlage „{TEMPLATE}“.",
        )
    findings.raise_if_errors()
    write = TableWrite(
        cast(Table, Population.__table__),
        ("area_id", "period_end", "life_phase_id"),
        ("children",),
        rows,
        lines,
    )
    classify(conn, write)
    labels = {p["id"]: p["label"] for p in phases}
    preview = pd.DataFrame(
        [
            {
                "Zeile": write.lines[i],
                "Gebiet": r["area_id"],
                "Stichtag": format_date(r["period_end"]),
                "Lebensphase": labels[r["life_phase_id"]],
                "Kinder": format_number(r["children"], 0),
                "Status": write.status[i],
            }
            for i, r in enumerate(write.rows[:500])
        ]
    )
    return Plan("population", file.name, file_hash(files), [write], findings.warnings, preview)

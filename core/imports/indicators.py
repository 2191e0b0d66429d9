"""Import of indicator values, in the long format or the wide format planners keep.

* Long: one row per indicator, area and reference date with numerator (Zähler),
  denominator (Nenner) and/or value (Wert).
* Wide: one row per area (and indicator), one column per year, quarter or date
  (``2023``, ``2024-Q3``, ``31.12.2024``); a bare year stands for 31.12. unless
  ``year_day`` says otherwise (e.g. ``01.03.`` for the Kita-Stichtag).

Rates are computed from numerator and denominator (never taken from a rounded
value when both are given); upsert key (indicator, area, reference date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, select

from core.catalogue import IndicatorEntry, indicator_entries
from core.errors import DataError, Problem
from core.imports.batch import Plan, TableWrite, classify
from core.imports.cells import IMPOSSIBLE_DATE_FIX, Cells, code_lookup, flag
from core.imports.indicator_numbers import check_numbers, fractional_counts
from core.imports.options import AREA_ALIASES, MAX_COUNT, ImportOptions, file_hash
from core.imports.tables import (
    AreaResolver,
    Findings,
    ImportFile,
    find_columns,
    normalize,
    parse_period,
    read_table,
    require_columns,
    text_of,
)
from core.imports.values import ImpossibleDateError
from core.models import Area, IndicatorValue
from core.present.numbers import format_date, format_number

TEMPLATE = "indikatorwerte.csv"
ALIASES = {
    "indicator": ("indikator", "indikator_id", "kennzahl", "indicator", "indicator_id"),
    "area": AREA_ALIASES,
    "period_end": ("stichtag", "datum", "period_end", "stand", "zeitpunkt"),
    "numerator": ("zaehler", "numerator"),
    "denominator": ("nenner", "denominator", "bezugsgroesse"),
    "value": ("wert", "value", "quote", "anteil", "anzahl"),
    "provisional": ("vorlaeufig", "provisional"),
}
LABELS = {"indicator": "Indikator", "area": "Gebiet", "period_end": "Stichtag"}


def _year_day(options: ImportOptions, findings: Findings) -> tuple[int, int]:
    text = (options.year_day or "31.12.").strip().rstrip(".")
    try:
        day, month = (int(x) for x in text.split("."))
        dt.date(2023, month, day)  # not a leap year: 29.02. is no day of every year
    except ValueError:
        findings.error(
            None,
            None,
            options.year_day,
            "Der Stichtag für Jahresspalten ist nicht lesbar oder kein Tag jedes Jahres",
            "Als TT.MM. angeben, z. B. 31.12. oder 01.03. (nicht 29.02.).",
        )
        return (12, 31)
    return (month, day)


def prepare(conn: Connection, files: list[ImportFile], options: ImportOptions) -> Plan:
    """Read, check and classify an indicator file; DataError lists every problem."""
    file = files[0]
    table = read_table(file, options.sheet)
    findings = Findings(file.name)
    found = find_columns(table, ALIASES)
    year_day = _year_day(options, findings)
    period_cols: dict[str, dt.date] = {}
    impossible_headers = 0
    for key, label in table.labels.items():
        if key in found.values():
            continue
        try:
            day = parse_period(label, (year_day[0], year_day[1]))
        except ImpossibleDateError as exc:
            if "period_end" not in found:
                impossible_headers += 1
                findings.error(
                    None,
                    label,
                    label,
                    f"Die Spaltenüberschrift ist als Stichtag gemeint, aber: {exc.reason}",
                    IMPOSSIBLE_DATE_FIX + " Ein Schuljahr wie 2023-24 als Stichtag angeben "
                    "(z. B. 31.07.2024).",
                )
            continue
        except ValueError:
            continue
        if day is not None:
            period_cols[key] = day
    wide = "period_end" not in found and bool(period_cols or impossible_headers)
    required = {"area": LABELS["area"]}
    if not options.indicator:
        required["indicator"] = LABELS["indicator"]
    if not wide:
        required["period_end"] = LABELS["period_end"]
        if not {"numerator", "value"} & set(found):
            required["value"] = "Zähler oder Wert"
    require_columns(table, found, required, TEMPLATE)

    entries = {e.id: e for e in indicator_entries(conn)}
    lookup = code_lookup([vars(e) for e in entries.values()], "id", "short_name", "name")
    area_rows = conn.execute(select(Area.id, Area.name)).all()
    resolver = AreaResolver([r.id for r in area_rows], {r.id: r.name for r in area_rows})
    cells = Cells(table, findings, found)
    records = (
        _long_rows(table, cells, options) if not wide else _wide_rows(table, cells, period_cols)
    )
    rows: list[dict[str, Any]] = []
    lines: list[int | None] = []
    seen: dict[tuple[str, str, dt.date], int] = {}
    value_only = 0
    for line, ind_cell, area_cell, day, num, den, val, prov, col in records:
        ind_text = text_of(ind_cell) or (options.indicator or "")
        ind_id = ind_text if ind_text in entries else lookup.get(normalize(ind_text))
        if ind_id is None:
            findings.error(
                line,
                cells.label("indicator") if ind_cell is not None else "Indikator",
                ind_text,
                "Diesen Indikator gibt es im Katalog nicht",
                f"Eine dieser Kennungen verwenden: {', '.join(entries)}.",
            )
        area_id = resolver.resolve(area_cell)
        if area_id is None:
            findings.error(
                line,
                cells.label("area"),
                text_of(area_cell),
                "Dieses Gebiet gibt es in der Datenbank nicht"
                if text_of(area_cell)
                else "Die Gebietskennung fehlt",
                "Die Kennung (AGS der Kommune, z. B. 05162024, oder des Sozialraums, "
                "z. B. 05162024-07) prüfen oder zuerst die Gebiete importieren.",
            )
        if ind_id is None or area_id is None or day is None:
            continue
        entry = entries[ind_id]
        labels = (
            col or cells.label("numerator"),
            col or cells.label("denominator"),
            col or cells.label("value"),
        )
        if fractional_counts(findings, line, labels, entry, num, den, val):
            continue
        checked = check_numbers(findings, line, col, entry, num, den, val)
        if checked is None:
            continue
        num, den, val, only_value = checked
        value_only += only_value
        natural_key = (ind_id, area_id, day)
        if natural_key in seen:
            findings.error(
                line,
                col or cells.label("period_end"),
                f"{ind_id} / {area_id} / {format_date(day)}",
                f"Doppelter Eintrag: derselbe Indikator, dasselbe Gebiet und derselbe Stichtag "
                f"stehen schon in Zeile {seen[natural_key]}",
                "Eine der beiden Zeilen löschen.",
            )
            continue
        seen[natural_key] = line
        rows.append(
            {
                "indicator_id": ind_id,
                "area_id": area_id,
                "period_end": day,
                "numerator": num,
                "denominator": den,
                "value": val,
                "provisional": prov,
            }
        )
        lines.append(line)
    if not rows and not findings.problems:
        findings.error(
            None,
            None,
            None,
            "Die Datei enthält keine Werte",
            f"Werte eintragen; Muster: Vorlage „{TEMPLATE}“.",
        )
    if value_only:
        findings.warn(
            None,
            None,
            None,
            f"{format_number(value_only, 0)} Quote(n) ohne Zähler und Nenner: sie lassen sich "
            "nicht zu Kommune und Kreis zusammenfassen, und kleine Fallzahlen können nicht "
            "geschützt werden",
            "Wenn möglich Zähler und Nenner importieren; sonst nur bereits "
            "veröffentlichte Werte verwenden.",
        )
    findings.raise_if_errors()
    write = TableWrite(
        cast(Table, IndicatorValue.__table__),
        ("indicator_id", "area_id", "period_end"),
        ("numerator", "denominator", "value", "provisional"),
        rows,
        lines,
    )
    classify(conn, write)
    plan = Plan("indicators", file.name, file_hash(files), [write], findings.warnings)
    plan.preview = _preview(write, entries)
    return plan


Record = tuple[int, Any, Any, dt.date | None, Any, Any, Any, bool, str | None]


def _long_rows(table: Any, cells: Cells, options: ImportOptions) -> list[Record]:
    out: list[Record] = []
    for line, row in table.rows:
        day = cells.date(line, cells.raw(row, "period_end"), cells.label("period_end"))
        out.append(
            (
                line,
                cells.raw(row, "indicator") if "indicator" in cells.columns else None,
                cells.raw(row, "area"),
                day,
                _num(cells, line, row, "numerator"),
                _num(cells, line, row, "denominator"),
                _num(cells, line, row, "value"),
                flag(cells.raw(row, "provisional")),
                None,
            )
        )
    return out


def _num(cells: Cells, line: int, row: dict[str, Any], canonical: str) -> float | None:
    if canonical not in cells.columns:
        return None
    return cells.number(line, row, canonical, maximum=MAX_COUNT * 10)


def _wide_rows(table: Any, cells: Cells, period_cols: dict[str, dt.date]) -> list[Record]:
    usable = {}
    for key in period_cols:
        label = table.labels[key]
        if cells.date(1, period_cols[key].isoformat(), label) is not None:
            usable[key] = period_cols[key]
            cells.columns[f"_p_{key}"] = key
    out: list[Record] = []
    for line, row in table.rows:
        for key, day in usable.items():
            value = cells.number(line, row, f"_p_{key}", maximum=MAX_COUNT * 10)
            if value is None:
                continue
            out.append(
                (
                    line,
                    cells.raw(row, "indicator") if "indicator" in cells.columns else None,
                    cells.raw(row, "area"),
                    day,
                    None,
                    None,
                    value,
                    False,
                    table.labels[key],
                )
            )
    return out


def _preview(
    write: TableWrite, entries: dict[str, IndicatorEntry], limit: int = 500
) -> pd.DataFrame:
    rows = []
    order = sorted(range(len(write.rows)), key=lambda i: (write.status[i] == "unverändert", i))
    for i in order[:limit]:
        r = write.rows[i]
        entry = entries[r["indicator_id"]]
        rows.append(
            {
                "Zeile": write.lines[i],
                "Indikator": entry.short_name,
                "Gebiet": r["area_id"],
                "Stichtag": format_date(r["period_end"]),
                "Zähler": format_number(r["numerator"], 0),
                "Nenner": format_number(r["denominator"], 0),
                "Wert": format_number(r["value"], entry.decimals),
                "Status": write.status[i],
            }
        )
    return pd.DataFrame(rows)


__all__ = ["DataError", "Problem", "prepare"]

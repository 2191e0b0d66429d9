"""Checking cells of a table: numbers, dates, codes, each with a German problem on failure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.imports.options import EARLIEST, today
from core.imports.tables import Findings, Table, is_missing, normalize, parse_period, text_of
from core.imports.values import ImpossibleDateError
from core.present.numbers import format_date, format_number

#: the fix for a day, month or quarter that does not exist
IMPOSSIBLE_DATE_FIX = (
    "Das Datum prüfen: Tag passend zum Monat, Monat 1 bis 12, Quartal 1 bis 4; als TT.MM.JJJJ "
    "(z. B. 31.12.2024), Monat als MM/JJJJ (12/2024) oder Quartal als 2024-Q4 eintragen."
)


class Cells:
    """Reads typed values from the rows of ``table``, recording problems in ``findings``."""

    def __init__(self, table: Table, findings: Findings, columns: dict[str, str]):
        self.table = table
        self.findings = findings
        self.columns = columns

    def label(self, canonical: str) -> str:
        """The column's label as written in the file."""
        key = self.columns.get(canonical, canonical)
        return self.table.labels.get(key, key)

    def raw(self, row: dict[str, Any], canonical: str) -> Any:
        """The cell of a canonical column (None when the column is absent)."""
        key = self.columns.get(canonical)
        return row.get(key) if key else None

    def number(
        self,
        line: int,
        row: dict[str, Any],
        canonical: str,
        *,
        integer: bool = False,
        maximum: float | None = None,
        required: bool = False,
    ) -> float | None:
        """A non-negative number (None when missing); problems for text, negatives,
        fractions where a count is expected, and absurd sizes."""
        cell = self.raw(row, canonical)
        label = self.label(canonical)
        try:
            from core.imports.tables import parse_number

            value = parse_number(cell, self.table.decimal)
        except ValueError:
            self.findings.error(
                line,
                label,
                cell,
                "Hier wird eine Zahl erwartet, die Zelle enthält Text",
                "Nur Ziffern eintragen (Dezimalkomma erlaubt, z. B. 12,5); fehlende Werte "
                "leer lassen oder „k.A.“ schreiben.",
            )
            return None
        if value is None:
            if required:
                self.findings.error(
                    line, label, cell, "Der Pflichtwert fehlt", "Einen Wert eintragen."
                )
            return None
        if value < 0:
            self.findings.error(
                line,
                label,
                cell,
                "Negative Anzahlen sind nicht möglich",
                "Den Wert prüfen; Anzahlen sind 0 oder größer.",
            )
            return None
        if integer and not float(value).is_integer():
            self.findings.error(
                line,
                label,
                cell,
                "Hier wird eine ganze Zahl (Anzahl) erwartet",
                "Eine ganze Zahl ohne Nachkommastellen eintragen.",
            )
            return None
        if maximum is not None and value > maximum:
            self.findings.error(
                line,
                label,
                cell,
                f"Der Wert ist unplausibel groß (mehr als {format_number(maximum, 0)})",
                "Tippfehler, Einheit und Spaltenzuordnung prüfen.",
            )
            return None
        return value

    def date(
        self, line: int, cell: Any, label: str, *, future_ok: bool = False, required: bool = True
    ) -> dt.date | None:
        """A reference date; problems when unreadable, before 1990 or in the future."""
        try:
            value = parse_period(cell)
        except ImpossibleDateError as exc:
            self.findings.error(line, label, cell, exc.reason, IMPOSSIBLE_DATE_FIX)
            return None
        except ValueError:
            self.findings.error(
                line,
                label,
                cell,
                "Das Datum ist nicht lesbar",
                "Als TT.MM.JJJJ eintragen, z. B. 31.12.2024 (oder 2024-12-31).",
            )
            return None
        if value is None:
            if required:
                self.findings.error(
                    line, label, cell, "Das Datum fehlt", "Den Stichtag als TT.MM.JJJJ eintragen."
                )
            return None
        if value < EARLIEST:
            self.findings.error(
                line,
                label,
                cell,
                f"Das Datum liegt vor dem {format_date(EARLIEST)} und ist unplausibel",
                "Jahreszahl prüfen (vierstellig eintragen).",
            )
            return None
        if not future_ok and value > today():
            self.findings.error(
                line,
                label,
                cell,
                "Der Stichtag liegt in der Zukunft",
                f"Nur Werte mit Stichtag bis heute ({format_date(today())}) importieren; "
                "Jahreszahl prüfen.",
            )
            return None
        return value


def code_lookup(entries: list[dict[str, Any]], *fields: str) -> dict[str, str]:
    """Normalised id/label variants -> id, for matching what users write to catalogue ids."""
    out: dict[str, str] = {}
    for e in entries:
        for f in fields:
            text = str(e.get(f) or "")
            if not text:
                continue
            out.setdefault(normalize(text), e["id"])
            short = normalize(text.split("(")[0])
            if short:
                out.setdefault(short, e["id"])
    return out


def flag(cell: Any) -> bool:
    """A yes/no cell: ja, x, 1, wahr, true, vorläufig mean yes."""
    if is_missing(cell) and text_of(cell) != "x":
        return False
    return normalize(text_of(cell)) in {"ja", "j", "x", "1", "wahr", "true", "yes", "vorlaeufig"}

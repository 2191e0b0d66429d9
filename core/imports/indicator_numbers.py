"""Checks of the numbers of one indicator value: counts are whole numbers, a numerator
is not larger than its denominator, a rate is within its scale."""

from __future__ import annotations

from core.catalogue import IndicatorEntry
from core.imports.options import MAX_COUNT
from core.imports.tables import Findings
from core.indicators import rate_value
from core.present.numbers import format_number


def fractional_counts(
    findings: Findings,
    line: int,
    labels: tuple[str, str, str],
    entry: IndicatorEntry,
    num: float | None,
    den: float | None,
    val: float | None,
) -> bool:
    """Record an error for every count with a fraction; True when there was one.

    Numerators and denominators count people or cases; so does the value of a count
    indicator (e.g. births). Only rates may have decimals."""
    counts = [
        (labels[0], num, f"Der Zähler ({entry.numerator_label})"),
        (labels[1], den, f"Der Nenner ({entry.denominator_label})"),
    ]
    if entry.kind == "count":
        counts.append((labels[2], val, f"„{entry.short_name}“"))
    bad = False
    for label, value, what in counts:
        if value is None or float(value).is_integer():
            continue
        bad = True
        findings.error(
            line,
            label,
            f"{value:g}".replace(".", ","),
            f"{what} ist eine Anzahl; eine Zahl mit Nachkommastellen ist nicht möglich",
            "Die ganze Zahl eintragen (Personen oder Fälle, ohne Komma); eine Quote gehört "
            "in die Spalte „Wert“ eines Quoten-Indikators.",
        )
    return bad


def check_numbers(
    findings: Findings,
    line: int,
    col: str | None,
    entry: IndicatorEntry,
    num: float | None,
    den: float | None,
    val: float | None,
) -> tuple[float | None, float | None, float | None, int] | None:
    """Numerator, denominator and value of one row, checked; None when rejected."""
    where = col or "Zähler"
    if entry.kind == "count":
        count = num if num is not None else val
        if count is None:
            return None
        if count > MAX_COUNT:
            findings.error(
                line,
                where,
                format_number(count, 0),
                "Die Anzahl ist unplausibel groß",
                "Tippfehler und Spaltenzuordnung prüfen.",
            )
            return None
        return count, None, count, 0
    scale = entry.scale
    if num is not None and den is not None:
        if num > den:
            findings.error(
                line,
                where,
                f"{format_number(num, 0)} / {format_number(den, 0)}",
                f"Der Zähler ist größer als der Nenner – „{entry.short_name}“ wäre über "
                f"{format_number(scale, 0)} {entry.unit}",
                "Zähler und Nenner prüfen (vertauscht?).",
            )
            return None
        computed = rate_value(num, den, entry)
        if (
            val is not None
            and computed is not None
            and abs(val - computed) > 0.05 * max(1, scale / 100)
        ):
            findings.warn(
                line,
                col or "Wert",
                format_number(val, 2),
                f"Der Wert weicht vom Quotienten aus Zähler und Nenner ab "
                f"({format_number(computed, 2)})",
                "Übernommen wird der aus Zähler und Nenner berechnete Wert.",
            )
        return num, den, computed, 0
    if num is not None or den is not None:
        findings.error(
            line,
            where if num is None else "Nenner",
            None,
            "Für eine Quote werden Zähler und Nenner gebraucht, einer von beiden fehlt",
            "Beide eintragen – oder nur den Wert und Zähler/Nenner leer lassen.",
        )
        return None
    if val is None:
        return None
    if val > scale:
        findings.error(
            line,
            col or "Wert",
            format_number(val, 2),
            f"Der Wert ist unplausibel: „{entry.short_name}“ ist höchstens "
            f"{format_number(scale, 0)} {entry.unit}",
            "Einheit prüfen (Prozent als 12,5 eintragen, nicht 0,125 oder 1250).",
        )
        return None
    return None, None, val, 1

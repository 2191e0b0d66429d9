"""Reading tables as users write them: CSV from German Excel and XLSX, cell by cell.

* CSV in UTF-8, UTF-8 with BOM, Windows-1252 or UTF-16 with BOM ("Unicode-Text"),
  separated by ``;``, ``,`` or tabs; the decimal comma and thousands point of German
  Excel; ``k.A.``, ``-``, ``.``, ``x`` and ``/`` mean "no value".
* XLSX: the first or a named sheet; cells keep their native type (numbers, dates).
* Cells are read by :mod:`core.imports.values` (re-exported here).

Row numbers are those a user sees in Excel: the header is row 1 of an ordinary file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import DataError, Problem
from core.imports.archive import Limits, whole
from core.imports.values import (
    AreaResolver,
    is_missing,
    normalize,
    parse_number,
    parse_period,
    parse_quarter_cell,
    text_of,
)
from core.imports.workbook import CFB_MAGIC, check_container, read_sheet, worksheet_names

log = logging.getLogger(__name__)

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}
_MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2013-\u2026\u20ac]"
)


@dataclass(frozen=True)
class ImportFile:
    """An uploaded or given file: its name (as the user knows it) and its bytes."""

    name: str
    data: bytes


@dataclass
class Table:
    """A read table: normalised column keys, the original labels and the data rows."""

    file: str
    labels: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]
    decimal: str = ","
    delimiter: str | None = None

    @property
    def keys(self) -> list[str]:
        """The normalised column names in file order."""
        return list(self.labels)


@dataclass
class Findings:
    """Problems (errors) and warnings collected while checking one file."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(
        self, row: int | None, column: str | None, value: Any, problem: str, fix: str
    ) -> None:
        """Record an error that blocks the import."""
        self.problems.append(Problem(self.file, row, column, _shown(value), problem, fix))

    def warn(self, row: int | None, column: str | None, value: Any, problem: str, fix: str) -> None:
        """Record a warning the user may accept."""
        self.warnings.append(Problem(self.file, row, column, _shown(value), problem, fix))

    def raise_if_errors(self) -> None:
        """Raise :class:`DataError` with every problem found so far."""
        if self.problems:
            raise DataError(self.problems, self.warnings)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def decode_text(file: ImportFile) -> str:
    """The text of a CSV file; DataError with a German explanation when it is not text."""
    data = file.data
    fix_enc = (
        "Die Datei in Excel mit „Speichern unter“ als „CSV UTF-8 (durch Trennzeichen "
        "getrennt)“ speichern."
    )
    if data.startswith(CFB_MAGIC):
        check_container(file.name, data)
    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            Problem(
                file.name,
                None,
                None,
                None,
                "Die Datei ist eine Excel-Arbeitsmappe (XLSX), hat aber nicht die Endung .xlsx",
                "Die Datei mit der Endung .xlsx hochladen oder als CSV speichern.",
            )
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem(
                    file.name,
                    None,
                    None,
                    None,
                    "Die Datei ist als UTF-16 gekennzeichnet, aber beschädigt",
                    fix_enc,
                )
            ) from exc
    if b"\x00" in data[:4096]:
        raise DataError(
            Problem(
                file.name,
                None,
                None,
                None,
                "Die Datei ist keine Textdatei in UTF-8 oder Windows-1252 (sie enthält "
                "Null-Bytes, z. B. UTF-16 ohne Kennung oder eine Binärdatei)",
                fix_enc,
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise DataError(
                Problem(
                    file.name,
                    text_line(data, exc.start),
                    None,
                    None,
                    "Die Zeichenkodierung der Datei ist weder UTF-8 noch Windows-1252",
                    fix_enc,
                )
            ) from exc
    if m := _MOJIBAKE.search(text):
        raise DataError(
            Problem(
                file.name,
                text.count("\n", 0, m.start()) + 1,
                None,
                m.group(0),
                "Umlaute sind falsch kodiert (doppelt als UTF-8 gespeichert, z. B. „Ã¼“ statt „ü“)",
                fix_enc,
            )
        )
    return text


def text_line(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _delimiter(header_line: str) -> str | None:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else None


def read_csv(file: ImportFile) -> Table:
    """Read a CSV file into a :class:`Table` of text cells."""
    text = decode_text(file)
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = _delimiter(first) or ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    raw: list[tuple[int, list[str]]] = []
    max_rows = Limits.current().rows
    try:
        for record in reader:
            if any(c.strip() for c in record):
                raw.append((reader.line_num, [c.strip() for c in record]))
                if len(raw) > max_rows + 1:
                    raise DataError(
                        Problem(
                            file.name,
                            reader.line_num,
                            None,
                            None,
                            f"Die Tabelle hat mehr als {whole(max_rows)} Datenzeilen",
                            "Die Datei aufteilen (z. B. je Jahr) oder die Verwaltung bitten, "
                            "PRAEV_IMPORT_MAX_ROWS zu erhöhen.",
                        )
                    )
    except csv.Error as exc:
        raise DataError(
            Problem(file.name, reader.line_num, None, None, *_csv_problem(exc))
        ) from exc
    return _table(file.name, raw, "," if delimiter != "," else ".", delimiter)


def _csv_problem(exc: csv.Error) -> tuple[str, str]:
    """Problem and fix for an error of Python's csv reader (its text is English)."""
    log.info("csv error: %s", exc)
    text = str(exc)
    if "field larger" in text:
        return (
            f"Ein Feld ist länger als {whole(csv.field_size_limit())} Zeichen – meist fehlt "
            "ein schließendes Anführungszeichen",
            'Anführungszeichen (") in dieser Zeile prüfen oder die Datei aus Excel neu als '
            "CSV speichern.",
        )
    if "NUL" in text:
        return (
            "Die Zeile enthält Null-Bytes (die Datei ist keine reine Textdatei)",
            "Die Datei aus Excel neu als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern.",
        )
    return (
        "Die CSV-Datei ist beschädigt (Anführungszeichen oder Zeilenumbrüche passen nicht)",
        "Anführungszeichen prüfen oder die Datei aus Excel neu als CSV speichern.",
    )


def read_xlsx(file: ImportFile, sheet: str | None = None) -> Table:
    """Read the first (or the named) sheet of an XLSX file into a :class:`Table`."""
    raw = read_sheet(file.name, file.data, sheet, Limits.current())
    return _table(file.name, raw, ",", None)


def sheet_names(file: ImportFile) -> list[str]:
    """The sheet names of an XLSX file (empty for other files or unreadable ones)."""
    if not file.name.lower().endswith((".xlsx", ".xlsm")):
        return []
    try:
        return worksheet_names(file.name, file.data, Limits.current())
    except DataError:
        return []


def _table(
    name: str, raw: list[tuple[int, list[Any]]], decimal: str, delimiter: str | None
) -> Table:
    if not raw:
        raise DataError(
            Problem(
                name,
                None,
                None,
                None,
                "Die Datei ist leer (keine Kopfzeile, keine Daten)",
                "Die Vorlage herunterladen, ausfüllen und erneut hochladen.",
            )
        )
    header_row, header = raw[0]
    labels: dict[str, str] = {}
    positions: list[tuple[int, str]] = []
    problems: list[Problem] = []
    for pos, cell in enumerate(header):
        label = text_of(cell) if not isinstance(cell, dt.date) else cell.isoformat()
        if not label:
            continue
        key = normalize(label) or f"spalte_{pos + 1}"
        if key in labels:
            problems.append(
                Problem(
                    name,
                    header_row,
                    label,
                    None,
                    "Die Spalte kommt in der Kopfzeile zweimal vor",
                    "Eine der beiden Spalten umbenennen oder löschen.",
                )
            )
            continue
        labels[key] = label
        positions.append((pos, key))
    width = len(header)
    rows = []
    for line, cells in raw[1:]:
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            problems.append(
                Problem(
                    name,
                    line,
                    None,
                    None,
                    f"Die Zeile hat {len(cells)} Felder, die Kopfzeile nur {width}",
                    "Trennzeichen innerhalb von Werten in Anführungszeichen setzen "
                    "oder überzählige Felder löschen.",
                )
            )
            continue
        rows.append((line, {k: cells[p] if p < len(cells) else None for p, k in positions}))
    if problems:
        raise DataError(problems)
    return Table(name, labels, rows, decimal, delimiter)


def read_table(file: ImportFile, sheet: str | None = None) -> Table:
    """Read a CSV/TXT or XLSX file (by its name's ending) into a :class:`Table`."""
    lower = file.name.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        return read_xlsx(file, sheet)
    if lower.endswith(".xls"):
        raise DataError(
            Problem(
                file.name,
                None,
                None,
                None,
                "Das alte Excel-Format .xls wird nicht unterstützt",
                "Die Datei in Excel als „Excel-Arbeitsmappe (*.xlsx)“ oder als CSV speichern.",
            )
        )
    if not file.data.strip():
        return _table(file.name, [], ",", None)
    return read_csv(file)


def find_columns(table: Table, aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Map canonical column names to the table's keys by their aliases (first match)."""
    found: dict[str, str] = {}
    for canonical, names in aliases.items():
        for alias in names:
            if alias in table.labels and alias not in found.values():
                found[canonical] = alias
                break
    return found


def require_columns(
    table: Table, found: dict[str, str], required: dict[str, str], template: str
) -> None:
    """DataError naming every missing required column (``canonical -> German label``)."""
    missing = [label for canonical, label in required.items() if canonical not in found]
    if not missing:
        return
    shown = ", ".join(f"„{v}“" for v in table.labels.values()) or "keine"
    hint = ""
    if len(table.labels) == 1 and any(d in next(iter(table.labels.values())) for d in "|:"):
        hint = " Die Kopfzeile wurde als eine einzige Spalte gelesen."
    elif len(table.labels) == 1:
        hint = " Die Kopfzeile wurde als eine einzige Spalte gelesen – falsches Trennzeichen?"
    problems = [
        Problem(
            table.file,
            1,
            label,
            None,
            f"Die Pflichtspalte fehlt (gefunden: {shown}).{hint}",
            f"Die Spalte „{label}“ ergänzen, Trennzeichen Semikolon (;) oder Komma (,) "
            f"verwenden; Muster: Vorlage „{template}“.",
        )
        for label in missing
    ]
    raise DataError(problems)


__all__ = [
    "AreaResolver",
    "Findings",
    "ImportFile",
    "Table",
    "find_columns",
    "is_missing",
    "normalize",
    "parse_number",
    "parse_period",
    "parse_quarter_cell",
    "read_table",
    "require_columns",
    "sheet_names",
    "text_of",
]

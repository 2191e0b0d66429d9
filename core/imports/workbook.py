"""Reading XLSX workbooks from untrusted uploads: every failure a German problem.

* An OLE container (the magic ``D0 CF 11 E0``) is either a password-protected workbook
  (it holds an ``EncryptedPackage``) or the old ``.xls`` format: both are named as such.
* The ZIP is checked against the import limits (:mod:`core.imports.archive`) before
  openpyxl opens it; zipfile never inflates a member beyond its declared size.
* The sheet's stored dimension is ignored (a forged ``A1:XFD1048576`` would make
  openpyxl pad every row); rows and columns are capped while reading.
* Whatever openpyxl, lxml, zlib or zipfile raise becomes one German problem, logged
  with the original for the administrator.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from typing import Any

from core.errors import DataError, Problem
from core.imports.archive import Budget, Limits, check_members, is_zip, open_zip, whole
from core.imports.values import is_missing

log = logging.getLogger(__name__)

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
#: Excel's own maximum rows; a row number beyond it means a forged sheet
EXCEL_MAX_ROW = 1_048_576
#: non-empty columns a table may have (wide tables: one column per quarter or month)
MAX_COLUMNS = 2_000
UNREADABLE_ZIP = (
    "Die Excel-Datei kann nicht gelesen werden (beschädigt oder unvollständig: das "
    "Inhaltsverzeichnis der Arbeitsmappe fehlt)"
)
BROKEN = "Die Excel-Datei ist beschädigt und kann nicht gelesen werden"
FIX_RESAVE = "Die Datei in Excel öffnen und neu als „Excel-Arbeitsmappe (*.xlsx)“ speichern."


def _problem(name: str, row: int | None, what: str, fix: str = FIX_RESAVE) -> DataError:
    return DataError(Problem(name, row, None, None, what, fix))


def check_container(name: str, data: bytes) -> None:
    """DataError unless ``data`` is a ZIP (an XLSX); names encrypted and ``.xls`` files."""
    if data.startswith(CFB_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise _problem(
                name,
                None,
                "Die Excel-Datei ist mit einem Kennwort geschützt (verschlüsselt) und kann "
                "nicht gelesen werden",
                "Die Datei in Excel öffnen, unter „Datei → Informationen → Arbeitsmappe "
                "schützen → Mit Kennwort verschlüsseln“ das Kennwort löschen, ohne Kennwort "
                "speichern und erneut hochladen.",
            )
        raise _problem(
            name,
            None,
            "Die Datei ist im alten Excel-Format (.xls) oder einem anderen Office-Format "
            "gespeichert, nicht als Excel-Arbeitsmappe (.xlsx)",
            FIX_RESAVE,
        )
    if not is_zip(data):
        raise _problem(
            name,
            None,
            "Die Datei ist keine Excel-Arbeitsmappe im XLSX-Format (z. B. eine umbenannte "
            "CSV- oder HTML-Datei, oder sie ist beschädigt)",
            FIX_RESAVE + " Eine CSV-Datei mit der Endung .csv hochladen.",
        )


def _explain(exc: BaseException) -> str:
    """The German problem for a library error while reading a workbook."""
    from openpyxl.utils.exceptions import InvalidFileException

    defused: tuple[type[BaseException], ...]
    try:
        from defusedxml import DefusedXmlException

        defused = (DefusedXmlException,)
    except ImportError:  # pragma: no cover - defusedxml is optional for openpyxl
        defused = ()
    if any(isinstance(e, defused) for e in _chain(exc)):
        return (
            "Die Excel-Datei enthält XML-Definitionen (DTD oder Entitäten), die Excel nie "
            "schreibt; sie wird aus Sicherheitsgründen nicht gelesen"
        )
    if isinstance(exc, KeyError):
        return (
            "In der Excel-Datei fehlt ein notwendiger Teil (z. B. ein Tabellenblatt oder das "
            "Verzeichnis der Blätter)"
        )
    if isinstance(exc, SyntaxError):  # lxml XMLSyntaxError and ElementTree ParseError
        return "Die Excel-Datei ist beschädigt (ein Teil der Arbeitsmappe ist kein gültiges XML)"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return (
            "Die Excel-Datei ist beschädigt oder unvollständig (ein Teil lässt sich nicht "
            "entpacken)"
        )
    if isinstance(exc, InvalidFileException):
        return "Die Datei ist keine Excel-Arbeitsmappe im XLSX-Format"
    return BROKEN


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes (openpyxl wraps parser errors in a ValueError)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    return chain


def _failure(name: str, exc: Exception, row: int | None = None) -> DataError:
    log.warning("cannot read workbook %r (row %s): %r", name, row, exc)
    what = _explain(exc)
    if row is not None and what == BROKEN:
        what = (
            "Ein Wert in dieser Zeile kann nicht gelesen werden (z. B. ein Datum außerhalb des "
            "gültigen Bereichs oder eine beschädigte Zelle)"
        )
    return _problem(name, row, what)


def _open(name: str, data: bytes, limits: Limits) -> Any:
    check_container(name, data)
    with open_zip(data, name, UNREADABLE_ZIP) as zf:
        check_members(zf, name, limits, Budget.of(limits), "Die Excel-Datei")
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any library error on untrusted input
        raise _failure(name, exc) from exc


def worksheet_names(name: str, data: bytes, limits: Limits) -> list[str]:
    """The names of the worksheets (chart sheets left out)."""
    wb = _open(name, data, limits)
    try:
        return [ws.title for ws in wb.worksheets]
    except Exception as exc:  # any library error on untrusted input
        raise _failure(name, exc) from exc
    finally:
        wb.close()


def read_sheet(
    name: str, data: bytes, sheet: str | None, limits: Limits
) -> list[tuple[int, list[Any]]]:
    """The non-empty rows of the first (or the named) worksheet as (Excel row, cells)."""
    wb = _open(name, data, limits)
    row: int | None = None
    try:
        names = [ws.title for ws in wb.worksheets]
        if not names:
            raise _problem(
                name,
                None,
                "Die Arbeitsmappe enthält kein Tabellenblatt mit Daten",
                "Die Daten auf das erste Tabellenblatt legen und neu speichern.",
            )
        if sheet and sheet not in names:
            raise DataError(
                Problem(
                    name,
                    None,
                    None,
                    sheet,
                    "Dieses Tabellenblatt gibt es in der Datei nicht",
                    f"Eines dieser Blätter angeben: {', '.join(names)}.",
                )
            )
        ws = wb[sheet or names[0]]
        ws.reset_dimensions()
        raw: list[tuple[int, list[Any]]] = []
        for row, values in enumerate(ws.iter_rows(values_only=True), 1):
            _check_size(name, row, values, len(raw), limits)
            cells = [v.strip() if isinstance(v, str) else v for v in values]
            if any(not is_missing(c) or c == "." for c in cells if c is not None):
                raw.append((row, cells))
        return raw
    except DataError:
        raise
    except Exception as exc:  # any library error on untrusted input
        raise _failure(name, exc, None if row is None else row + 1) from exc
    finally:
        wb.close()


def _check_size(name: str, row: int, values: tuple[Any, ...], rows: int, limits: Limits) -> None:
    if row > EXCEL_MAX_ROW:
        raise _problem(name, None, "Die Excel-Datei ist beschädigt (mehr Zeilen, als Excel kennt)")
    if rows > limits.rows:
        raise _problem(
            name,
            row,
            f"Die Tabelle hat mehr als {whole(limits.rows)} Datenzeilen",
            "Die Datei aufteilen (z. B. je Jahr) oder die Verwaltung bitten, "
            "PRAEV_IMPORT_MAX_ROWS zu erhöhen.",
        )
    if len(values) > MAX_COLUMNS:
        last = max((i for i, v in enumerate(values) if v is not None), default=-1)
        if last >= MAX_COLUMNS:
            raise _problem(
                name,
                row,
                f"Die Zeile hat Werte in mehr als {whole(MAX_COLUMNS)} Spalten",
                "Überflüssige Spalten löschen; eine Spalte je Merkmal oder Zeitraum.",
            )

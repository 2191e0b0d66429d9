"""Reading single cells as users write them: numbers with decimal comma, "k.A.",
dates, months, quarters and years, and area ids whose leading zero Excel dropped."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from core.quarters import Quarter

MISSING = {"", "k.a.", "k. a.", "ka", "-", "–", "—", ".", "x", "/", "n.v.", "nv", "na", "null"}
_THOUSANDS_DE = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
_THOUSANDS_EN = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_DATE_DE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$|^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(
    r"^(?:(\d{4})\s*[-/ ]?\s*Q(\d)|Q(\d)\s*[-/ ]?\s*(\d{4})|(\d)\.?\s*Quartal\s*(\d{4}))$",
    re.IGNORECASE,
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize(name: Any) -> str:
    """Column key of a header: lower case, umlauts spelled out, non-alphanumerics as ``_``."""
    text = str(name if name is not None else "").strip().lower().translate(_UMLAUTS)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def is_missing(cell: Any) -> bool:
    """True for an empty cell or one of the usual "no value" marks (k.A., -, ., x, /)."""
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip().lower() in MISSING


def parse_number(cell: Any, decimal: str = ",") -> float | None:
    """A number from a cell; None when missing. ValueError for text.

    With ``decimal=","`` (German) ``1.234,5`` is 1234.5 and ``1.234`` is 1234; a lone
    decimal point (``12.5``) is still read as a decimal point.
    """
    if isinstance(cell, str) and cell.isdigit():
        return float(cell)
    if is_missing(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        if isinstance(cell, float) and math.isinf(cell):
            raise ValueError(cell)
        return float(cell)
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    text = text.removesuffix("%").removesuffix("€")
    if decimal == ",":
        if _THOUSANDS_DE.match(text):
            text = text.replace(".", "")
        text = text.replace(",", ".") if text.count(",") == 1 else text
    elif _THOUSANDS_EN.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueError(cell)
    value = float(text)
    if math.isinf(value):
        raise ValueError(cell)
    return value


class ImpossibleDateError(ValueError):
    """A cell written like a date, month or quarter that does not exist (``13/2024``,
    ``31.02.2024``, ``2024-Q5``); ``reason`` says why in German."""

    def __init__(self, cell: Any, reason: str):
        super().__init__(cell)
        self.reason = reason


def _day(cell: Any, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ImpossibleDateError(cell, f"Den Monat {month} gibt es nicht (1 bis 12)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImpossibleDateError(
            cell, f"Den Tag {day:02d}.{month:02d}.{year:04d} gibt es nicht"
        ) from None


def _month_end(cell: Any, year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ImpossibleDateError(cell, f"Den Monat {month} gibt es nicht (1 bis 12)")
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _quarter_end(cell: Any, year: int, q: int) -> dt.date:
    if not 1 <= q <= 4:
        raise ImpossibleDateError(cell, f"Das Quartal {q} gibt es nicht (1 bis 4)")
    return Quarter(year, q).end


def parse_period(cell: Any, year_day: tuple[int, int] = (12, 31)) -> dt.date | None:
    """A reference date from a date, a month (``12/2024``), a quarter (``2024-Q4``,
    ``4. Quartal 2024``) or a year (``2024`` -> ``year_day``); None when missing.

    Months and quarters stand for their last day. ValueError when unreadable,
    :class:`ImpossibleDateError` when the day, month or quarter does not exist
    (nothing is wrapped into the next year).
    """
    if is_missing(cell):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and 1900 <= cell <= 2200:
            return _day(cell, int(cell), *year_day)
        raise ValueError(cell)
    text = str(cell).strip()
    if m := _DATE_DE.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        year = year + 2000 if year < 100 else year
        return _day(cell, year, month, day)
    if m := _DATE_ISO.match(text):
        return _day(cell, int(m[1]), int(m[2]), int(m[3]))
    if m := _QUARTER.match(text):
        year_text, q = (m[1], m[2]) if m[1] else (m[4], m[3]) if m[3] else (m[6], m[5])
        return _quarter_end(cell, int(year_text), int(q))
    if m := _MONTH.match(text):
        month_text, year_text = (m[1], m[2]) if m[1] else (m[4], m[3])
        return _month_end(cell, int(year_text), int(month_text))
    if m := _YEAR.match(text):
        return _day(cell, int(m[1]), *year_day)
    raise ValueError(cell)


def parse_quarter_cell(cell: Any) -> Quarter | None:
    """A quarter from ``2025-Q3``, ``Q3/2025``, ``3. Quartal 2025`` or a date in it."""
    day = parse_period(cell)
    if day is None:
        return None
    if isinstance(cell, str) and _YEAR.match(cell.strip()):
        raise ValueError(cell)
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def text_of(cell: Any) -> str:
    """A cell as text; numbers that Excel stored as floats lose their ``.0``."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    text = str(cell).strip()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


# ---------------------------------------------------------------------------- decoding


class AreaResolver:
    """Turns what a user wrote in an area column into an area id.

    Accepts the id itself, an AGS whose leading zero Excel dropped (``5162024``), a
    float-ish ``5162024.0`` and a unique area name (case-insensitive).
    """

    def __init__(self, ids: Iterable[str], names: dict[str, str] | None = None):
        self.ids = set(ids)
        by_name: dict[str, list[str]] = {}
        for area_id, name in (names or {}).items():
            by_name.setdefault(str(name).strip().casefold(), []).append(area_id)
        self.by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}

    def resolve(self, cell: Any) -> str | None:
        """The area id, or None when it cannot be found."""
        text = text_of(cell)
        if not text:
            return None
        if text in self.ids:
            return text
        head, sep, tail = text.partition("-")
        if head.isdigit():
            padded = head.zfill(len(head) + 1) + sep + tail
            if padded in self.ids:
                return padded
        return self.by_name.get(text.casefold())

"""German (de-DE) formatting of numbers, dates and quarters for every output."""

from __future__ import annotations

import datetime as dt
import math


def format_number(value: float | int | None, decimals: int = 1, missing: str = "–") -> str:
    """``1234.5`` -> ``"1.234,5"``; None/NaN -> ``missing``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value: float | None, unit: str, decimals: int = 1) -> str:
    """A value with its unit: ``"12,3 %"``, ``"245,0 je 10.000"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = format_number(value, decimals)
    return f"{number} {unit}".strip() if unit else number


def format_date(value: dt.date | None) -> str:
    """``date(2026, 9, 30)`` -> ``"30.09.2026"``."""
    return value.strftime("%d.%m.%Y") if value else "–"

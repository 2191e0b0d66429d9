"""German (de-DE) numbers, dates, times and quarters for every output, rounded by DIN 1333.

Times are stored in UTC and always shown as Europe/Berlin local time
(:func:`format_datetime`).

DIN 1333 rounds a 5 in the first dropped place away from zero (``40,25`` -> ``40,3``,
``-0,5`` -> ``-1``), unlike Python's ``round`` (banker's rounding, and binary floats:
``round(40.25, 1) == 40.2``). Every figure shown or exported is rounded here, once:
:func:`din_round` for numbers that stay numbers (CSV, XLSX, charts), the ``format_*``
functions for text.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pandas as pd

#: Shown for a figure that does not exist (no value, no data).
MISSING = "–"
#: Guard digits: a float is first cleaned to this many decimals (``40.24999999999999``
#: is the float nearest ``40.25``), then rounded by DIN 1333.
_GUARD = Decimal(10) ** -9


def _is_missing(value: object) -> bool:
    """None, NaN, ``pd.NA`` or ``pd.NaT``."""
    return value is None or bool(pd.isna(value))


def din_round(value: float | int | None, decimals: int = 1) -> float | None:
    """``value`` rounded half away from zero to ``decimals`` places; None for None/NaN."""
    if _is_missing(value):
        return None
    assert value is not None
    if isinstance(value, float) and math.isinf(value):
        return value
    exact = Decimal(repr(float(value))).quantize(_GUARD, rounding=ROUND_HALF_EVEN)
    rounded = exact.quantize(Decimal(10) ** -decimals, rounding=ROUND_HALF_UP)
    return float(rounded) + 0.0  # no "-0,0"


def format_number(value: float | int | None, decimals: int = 1, missing: str = MISSING) -> str:
    """``1234.5`` -> ``"1.234,5"`` (DIN 1333); None/NaN -> ``missing``."""
    rounded = din_round(value, decimals)
    if rounded is None:
        return missing
    if math.isinf(rounded):
        return "∞" if rounded > 0 else "-∞"
    text = f"{rounded:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value: float | None, unit: str, decimals: int = 1) -> str:
    """A value with its unit: ``"12,3 %"``, ``"245,0 je 10.000"``."""
    if _is_missing(value):
        return MISSING
    number = format_number(value, decimals)
    return f"{number} {unit}".strip() if unit else number


def format_percent(ratio: float | None, decimals: int = 0) -> str:
    """A ratio as German percent: ``0.786`` -> ``"79 %"``; None/NaN -> ``"–"``."""
    if _is_missing(ratio):
        return MISSING
    assert ratio is not None
    return f"{format_number(ratio * 100, decimals)} %"


def format_signed(value: float, decimals: int, unit: str = "") -> str:
    """A change with its sign: ``"+1,2 Pp."``, ``"-0,4 Pp."``, ``"±0,0 Pp."``."""
    rounded = din_round(value, decimals) or 0.0
    sign = "+" if rounded > 0 else ("±" if rounded == 0 else "")
    return f"{sign}{format_number(rounded, decimals)} {unit}".strip()


def format_date(value: dt.date | None) -> str:
    """``date(2026, 9, 30)`` -> ``"30.09.2026"``."""
    if value is None or _is_missing(value):
        return MISSING
    return value.strftime("%d.%m.%Y")


#: The time zone of every time shown (the district's offices); the database stores UTC.
LOCAL_ZONE = ZoneInfo("Europe/Berlin")


def local_time(value: dt.datetime) -> dt.datetime:
    """A stored time as Europe/Berlin wall-clock time. Times without a zone are UTC (as
    every time the database holds)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(LOCAL_ZONE)


def format_datetime(value: dt.datetime | None) -> str:
    """A stored (UTC) time as German local time: ``"24.11.2026, 12:30 Uhr"``; the one
    format of every time shown (forms, change logs, audit log, import list)."""
    if value is None or _is_missing(value):
        return MISSING
    return local_time(pd.Timestamp(value).to_pydatetime()).strftime("%d.%m.%Y, %H:%M Uhr")


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC times (without zone, as stored) from the start of local day ``first`` to
    the start of the local day after ``last``: a filter by calendar day in Germany."""
    start = dt.datetime.combine(first, dt.time.min, LOCAL_ZONE)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, LOCAL_ZONE)
    return (
        start.astimezone(dt.UTC).replace(tzinfo=None),
        end.astimezone(dt.UTC).replace(tzinfo=None),
    )

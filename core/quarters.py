"""Quarters: keys like ``"2025-Q3"``, German labels, end dates and as-of selection.

Filtering by quarter means *as of the quarter's end*: for each series the latest
value whose reference date is on or before that day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.errors import NotFoundError

_KEY = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([1-4])\.\s*Quartal\s*(\d{4})\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter."""

    year: int
    q: int

    @property
    def key(self) -> str:
        """``"2025-Q3"``."""
        return f"{self.year}-Q{self.q}"

    @property
    def label(self) -> str:
        """``"3. Quartal 2025"``."""
        return f"{self.q}. Quartal {self.year}"

    @property
    def short_label(self) -> str:
        """``"Q3/2025"`` for axes."""
        return f"Q{self.q}/{self.year}"

    @property
    def start(self) -> dt.date:
        """First day of the quarter."""
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def end(self) -> dt.date:
        """Last day of the quarter (the as-of day)."""
        nxt = self.next()
        return nxt.start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        """The following quarter."""
        return Quarter(self.year + (self.q == 4), self.q % 4 + 1)

    def previous(self) -> Quarter:
        """The preceding quarter."""
        return Quarter(self.year - (self.q == 1), (self.q - 2) % 4 + 1)

    def __str__(self) -> str:
        return self.key


def parse_quarter(text: str | Quarter) -> Quarter:
    """Parse ``"2025-Q3"``, ``"2025Q3"`` or ``"3. Quartal 2025"``; NotFoundError otherwise."""
    if isinstance(text, Quarter):
        return text
    m = _KEY.match(text or "")
    if m:
        return Quarter(int(m.group(1)), int(m.group(2)))
    m = _LABEL.match(text or "")
    if m:
        return Quarter(int(m.group(2)), int(m.group(1)))
    raise NotFoundError(
        f"„{text}“ ist kein Quartal. Bitte in der Form 2025-Q3 oder „3. Quartal 2025“ angeben."
    )


def quarter_of(day: dt.date) -> Quarter:
    """The quarter a date falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """All quarters from ``first`` to ``last`` inclusive."""
    out: list[Quarter] = []
    q = first
    while q <= last:
        out.append(q)
        q = q.next()
    return out

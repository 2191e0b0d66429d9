"""The one Datenstand rule of every output.

* A **figure** has the Stand of its value: the reference date (Stichtag) of the value
  that is shown, the newest on or before the end of the Berichtsquartal.
* A **table, chart or slide** has the Stand of the values it shows: one date when all
  agree, else the range from the oldest to the newest ("31.12.2025 bis 30.09.2026").
  Annual and quarterly data side by side are a mixed Stand, and the range says so.
* A **time series** (trend chart, development over quarters) has a Stand per point; its
  table carries it in a ``Stand`` column and its caption the range of those dates.
* A **page, report or file** has the Stand of the values it shows as of the
  Berichtsquartal: the union of the Stände of its figures and tables, by the same rule
  (time series, which look back by design, are not part of it). Header, key figures,
  tables, slides, PDF pages and export rows therefore never contradict each other.
* What the database holds beyond the Berichtsquartal is not a Stand of the page; it is
  named "jüngster Stichtag in der Datenbank".

Every output writes a Stand through :meth:`Stand.text` / :meth:`Stand.label`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from core.present.numbers import MISSING, format_date

LABEL = "Datenstand"
NEWEST_IN_DATABASE = "Jüngster Stichtag in der Datenbank"


def _dates(values: Iterable[object]) -> list[dt.date]:
    out = []
    for v in values:
        if v is None or v is pd.NaT or (not isinstance(v, dt.date) and pd.isna(v)):
            continue
        if isinstance(v, pd.Timestamp):
            if pd.isna(v):
                continue
            v = v.date()
        if isinstance(v, dt.datetime):
            v = v.date()
        if isinstance(v, dt.date):
            out.append(v)
    return out


@dataclass(frozen=True)
class Stand:
    """The reference dates of what an output shows: oldest and newest."""

    first: dt.date | None = None
    last: dt.date | None = None

    @classmethod
    def of(cls, dates: Iterable[object]) -> Stand:
        """The Stand of values with these reference dates (None/NaT are ignored)."""
        found = _dates(dates)
        return cls(min(found), max(found)) if found else cls()

    def __or__(self, other: Stand) -> Stand:
        """The Stand of two outputs shown together."""
        return Stand.of([self.first, self.last, other.first, other.last])

    @property
    def empty(self) -> bool:
        """True when nothing with a date is shown."""
        return self.last is None

    @property
    def mixed(self) -> bool:
        """True when the shown values have different reference dates."""
        return self.first is not None and self.first != self.last

    @property
    def text(self) -> str:
        """``"30.09.2026"``, ``"31.12.2025 bis 30.09.2026"`` or ``"–"``."""
        if self.last is None:
            return MISSING
        if self.mixed:
            return f"{format_date(self.first)} bis {format_date(self.last)}"
        return format_date(self.last)

    @property
    def label(self) -> str:
        """``"Datenstand: 30.09.2026"`` for headers, slides and PDF footers."""
        return f"{LABEL}: {self.text}"

    @property
    def short(self) -> str:
        """``"Stand 30.09.2026"`` under a figure or in a legend."""
        return f"Stand {self.text}"


def stand_of_frame(frame: pd.DataFrame, column: str = "stand") -> Stand:
    """The Stand of the rows of a frame (its ``column`` of reference dates)."""
    if frame is None or column not in frame:
        return Stand()
    return Stand.of(frame[column].tolist())

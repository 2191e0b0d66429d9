"""Tables as every output shows them: one builder, two faces.

A table builder returns a :class:`Table`: ``shown`` holds German text
(``1.234,5``, ``79 %``, the withheld sign) for the screen, slides and PDF, ``export``
the same rows and columns with numbers as numbers (rounded by DIN 1333) for CSV and
XLSX, plus the rows' :class:`~core.present.stand.Stand`. Page, download, CLI export,
PPTX and PDF all take the same :class:`Table`, so "the export is what the page
shows" holds by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.present.numbers import din_round, format_number
from core.present.stand import Stand
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN, WITHHELD_TEXT


@dataclass(frozen=True)
class Table:
    """One table in its two faces and with its Stand."""

    shown: pd.DataFrame
    export: pd.DataFrame
    stand: Stand = field(default_factory=Stand)
    file_name: str = "tabelle.csv"

    @property
    def withheld(self) -> bool:
        """True when a cell shows the withheld sign (then its legend belongs beside it)."""
        return shows_withheld(self.shown)


def shows_withheld(frame: pd.DataFrame) -> bool:
    """True when any cell of ``frame`` is the withheld sign."""
    return bool(frame.isin([WITHHELD_SIGN]).to_numpy().any()) if len(frame) else False


def with_withheld_note(frame: pd.DataFrame) -> pd.DataFrame:
    """An export frame with the ``Datenschutz`` column explaining the sign on every row
    that shows it (empty elsewhere); an existing column of that name is replaced."""
    out = frame.drop(columns=[WITHHELD_COLUMN], errors="ignore")
    marked = out.isin([WITHHELD_SIGN]).any(axis=1) if len(out.columns) else []
    out[WITHHELD_COLUMN] = [WITHHELD_TEXT if m else "" for m in marked]
    return out


def numbers(values: Iterable[object], decimals: int, hidden: Sequence[bool] | None = None) -> list:
    """Export cells: numbers rounded by DIN 1333, the sign where ``hidden``, None where
    there is no value."""
    vals = list(values)
    flags = list(hidden) if hidden is not None else [False] * len(vals)
    out: list = []
    for v, h in zip(vals, flags, strict=True):
        if h is not None and not pd.isna(h) and bool(h):
            out.append(WITHHELD_SIGN)
        else:
            r = din_round(v, decimals)  # type: ignore[arg-type]
            out.append(int(r) if r is not None and decimals == 0 else r)
    return out


def texts(values: Iterable[object], decimals: int, hidden: Sequence[bool] | None = None) -> list:
    """Shown cells: de-DE numbers, the sign where ``hidden``, ``–`` where none."""
    return [
        v if v == WITHHELD_SIGN else format_number(v, decimals)
        for v in numbers(values, decimals, hidden)
    ]

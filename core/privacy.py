"""Statistical disclosure control, applied inside every query function.

Rules (DESIGN.md, Datenschutz):

* Primary: a count of persons from 1 to ``min_count - 1`` is withheld and is not used
  as the numerator of a shown rate. A zero is shown (as the Federal Employment Agency
  does: "nichts vorhanden" reveals no individual).
* Primary: a rate whose denominator is below ``min_denominator`` (or unknown zero)
  is not shown.
* Secondary: within a group whose total is shown (the Sozialräume of a Kommune,
  the Kommunen of the Kreis), when exactly one cell is hidden it could be recovered
  as total minus the shown cells. Then the shown cell with the smallest numerator
  is hidden as well (secondary suppression).

Suppressed cells keep their row but lose numerator and value; a denominator that is
itself a small count of persons is emptied as well.

Output: every withheld cell, whatever the reason, shows one sign (``WITHHELD_SIGN``)
with one legend text (``WITHHELD_TEXT``), as official statistics do. A reason that
separated a count of 1 or 2 from a secondary suppression would disclose the small
count, so the internal ``suppression`` reason never reaches an output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.config import setting
from core.present.vocabulary import WITHHELD_SIGN

REASON_SMALL_COUNT = "small_count"
REASON_SMALL_DENOMINATOR = "small_denominator"
REASON_SECONDARY = "secondary"


@dataclass(frozen=True)
class PrivacyRules:
    """Thresholds of the suppression rules."""

    min_count: int = 3
    min_denominator: int = 20

    @classmethod
    def from_settings(cls) -> PrivacyRules:
        """Thresholds from ``PRAEV_MIN_COUNT`` and ``PRAEV_MIN_DENOMINATOR``."""
        return cls(int(setting("PRAEV_MIN_COUNT")), int(setting("PRAEV_MIN_DENOMINATOR")))


def is_small_count(count: float | None, rules: PrivacyRules) -> bool:
    """True for a person count that must not be shown (1 .. min_count-1)."""
    return count is not None and not pd.isna(count) and 0 < count < rules.min_count


def suppress(
    frame: pd.DataFrame,
    rules: PrivacyRules,
    *,
    kind: str,
    group: str | None = None,
) -> pd.DataFrame:
    """Apply primary and secondary suppression to a frame of cells.

    ``frame`` has ``numerator``, ``denominator`` and ``value``; ``kind`` is ``"rate"``
    or ``"count"``; ``group`` names the column whose groups have a shown total.
    Returns a copy with ``suppressed`` (bool) and ``suppression`` (reason or None),
    numerator and value emptied where suppressed.
    """
    out = frame.copy()
    num = pd.to_numeric(out["numerator"], errors="coerce").to_numpy(dtype=float)
    den = pd.to_numeric(out["denominator"], errors="coerce").to_numpy(dtype=float)
    small = (num > 0) & (num < rules.min_count)
    with np.errstate(invalid="ignore"):
        small_den = (
            (~np.isnan(num) & (np.isnan(den) | (den < rules.min_denominator)))
            if kind == "rate"
            else np.zeros(len(out), dtype=bool)
        )
    reasons = np.full(len(out), None, dtype=object)
    reasons[small_den] = REASON_SMALL_DENOMINATOR
    reasons[small] = REASON_SMALL_COUNT
    if group is not None and len(out):
        hidden = pd.Series(reasons != None, index=out.index)  # noqa: E711
        per_group = hidden.groupby(out[group].to_numpy()).transform("sum")
        for key in out.loc[per_group == 1, group].unique():
            members = out[group] == key
            shown = members & ~hidden & ~np.isnan(num)
            if shown.any():
                victim = pd.Series(num, index=out.index)[shown].idxmin()
                reasons[out.index.get_loc(victim)] = REASON_SECONDARY
    out["suppression"] = pd.Series(reasons, index=out.index, dtype=object)
    out["suppressed"] = out["suppression"].notna()
    out.loc[out["suppressed"], ["numerator", "value"]] = None
    small_den = [is_small_count(d, rules) for d in out["denominator"]]
    out.loc[small_den, "denominator"] = None
    return out


def display_value(
    value: float | None,
    suppression: str | None,
    rules: PrivacyRules,
    decimals: int,
    unit: str = "",
    kind: str = "rate",
) -> str:
    """German display text of a cell: the number, or ``WITHHELD_SIGN`` for any
    suppression (``rules`` and ``kind`` are kept for the callers; the sign is the same
    for every reason and kind)."""
    from core.present.numbers import format_value

    if suppression:
        return WITHHELD_SIGN
    return format_value(value, unit, decimals)


def withheld(value: Any, hidden: Any) -> Any:
    """A cell as output: ``WITHHELD_SIGN`` where ``hidden``, else ``value`` unchanged."""
    return WITHHELD_SIGN if _truthy(hidden) else value


def withheld_values(values: Iterable[Any], hidden: Iterable[Any]) -> list[Any]:
    """:func:`withheld` for a column: the sign on the hidden rows, the values elsewhere."""
    return [withheld(v, h) for v, h in zip(values, hidden, strict=True)]


def _truthy(flag: Any) -> bool:
    """A suppressed flag as bool; None, NaN and NA are False."""
    return flag is not None and not pd.isna(flag) and bool(flag)

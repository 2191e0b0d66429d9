"""Statistical disclosure control, applied inside every query function.

Rules (DESIGN.md, Datenschutz):

* Primary: a count of persons from 1 to ``min_count - 1`` is shown as ``"<3"`` and is
  not used as the numerator of a shown rate. A zero is shown (as the Federal
  Employment Agency does: "nichts vorhanden" reveals no individual).
* Primary: a rate whose denominator is below ``min_denominator`` (or unknown zero)
  is not shown.
* Secondary: within a group whose total is shown (the Sozialräume of a Kommune,
  the Kommunen of the Kreis), when exactly one cell is hidden it could be recovered
  as total minus the shown cells. Then the shown cell with the smallest numerator
  is hidden as well ("sekundär gesperrt").

Suppressed cells keep their row but lose numerator and value; a denominator that is
itself a small count of persons is emptied as well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.config import setting

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

    def reason_text(self, reason: str | None) -> str:
        """German explanation of a suppression reason, for legends and tooltips."""
        return {
            REASON_SMALL_COUNT: f"weniger als {self.min_count} Fälle (Datenschutz)",
            REASON_SMALL_DENOMINATOR: f"Bezugsgröße unter {self.min_denominator} (Datenschutz)",
            REASON_SECONDARY: "gesperrt, damit gesperrte Werte nicht errechenbar sind",
        }.get(reason or "", "")

    def mask(self) -> str:
        """What a suppressed small count shows, e.g. ``"<3"``."""
        return f"<{self.min_count}"


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
    """German display text of a cell: the number, ``"<3"`` (counts) or ``"gesperrt"``."""
    from core.format import format_value

    if suppression == REASON_SMALL_COUNT and kind == "count":
        return rules.mask()
    if suppression:
        return "gesperrt"
    return format_value(value, unit, decimals)

"""The privacy rules and how a withheld cell is written in an output.

Rules (DESIGN.md, Datenschutz), applied once for every quarter by the protected
publication (:mod:`core.publication`, :mod:`core.protection`, audited by
:mod:`core.privacy_audit`) and read by every output:

* Primary: a count of persons from 1 to ``min_count - 1`` is withheld and is not used
  as the numerator of a shown rate. A zero is shown (as the Federal Employment Agency
  does: "nichts vorhanden" reveals no individual).
* Primary: a rate whose denominator is below ``min_denominator`` (or unknown zero)
  is not shown.
* Secondary: whatever else is withheld so that no withheld count can be recovered or
  narrowed from everything published (totals, other levels, other quarters).

Output: every withheld cell, whatever the reason, shows one sign (``WITHHELD_SIGN``)
with one legend text (``WITHHELD_TEXT``), as official statistics do; no reason ever
reaches an output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.config import setting
from core.present.vocabulary import WITHHELD_SIGN


@dataclass(frozen=True)
class PrivacyRules:
    """Thresholds of the suppression rules."""

    min_count: int = 3
    min_denominator: int = 20

    @classmethod
    def from_settings(cls) -> PrivacyRules:
        """Thresholds from ``PRAEV_MIN_COUNT`` and ``PRAEV_MIN_DENOMINATOR``."""
        return cls(int(setting("PRAEV_MIN_COUNT")), int(setting("PRAEV_MIN_DENOMINATOR")))


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

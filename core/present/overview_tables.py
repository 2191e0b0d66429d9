"""The tables of the Übersicht (start page), built once for the screen and the CSV.

:func:`trend_table` is the data behind the trend charts: one row per indicator and
quarter, the selection's value beside the Kreis value, each with the indicator's
decimals (DIN 1333), the withheld sign where the selection's value is withheld, and the
Stand of each value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.catalogue import IndicatorEntry
from core.present.numbers import format_date
from core.present.stand import Stand
from core.present.tables import Table, numbers, texts, with_withheld_note

COL_INDICATOR = "Indikator"
COL_UNIT = "Einheit"
COL_QUARTER = "Quartal"
COL_SELECTION = "Auswahl"
COL_STAND = "Stand"
TREND_FILE = "entwicklung.csv"


@dataclass(frozen=True)
class Trend:
    """One indicator's time series: the selection's value and the Kreis value per quarter.

    ``series`` has the columns of :func:`core.indicators.time_series` (quarter, label,
    stand, value, suppressed, suppression, district_value).
    """

    entry: IndicatorEntry
    series: pd.DataFrame


def _face(trend: Trend, district_name: str, shown: bool) -> pd.DataFrame:
    df, entry = trend.series, trend.entry
    # quarters before an indicator's first delivery have nothing to show
    df = df[df["value"].notna() | df["suppressed"].astype(bool) | df["district_value"].notna()]
    cells = texts if shown else numbers
    hidden = [bool(h) for h in df["suppressed"]]
    return pd.DataFrame(
        {
            COL_INDICATOR: entry.short_name,
            COL_UNIT: entry.unit,
            COL_QUARTER: df["label"].tolist(),
            COL_SELECTION: cells(df["value"], entry.decimals, hidden),
            district_name: cells(df["district_value"], entry.decimals),
            COL_STAND: [format_date(d) for d in df["stand"]],
        },
        index=range(len(df)),
    )


def trend_table(trends: Sequence[Trend], district_name: str = "Rhein-Kreis Neuss") -> Table:
    """The data of the trend charts as a :class:`Table` (shown: de-DE text; export:
    DIN-rounded numbers and the ``Datenschutz`` column)."""
    columns = [COL_INDICATOR, COL_UNIT, COL_QUARTER, COL_SELECTION, district_name, COL_STAND]
    frames = [t for t in trends if len(t.series)]
    if not frames:
        empty = pd.DataFrame(columns=columns)
        return Table(empty, with_withheld_note(empty), Stand(), TREND_FILE)
    shown = pd.concat([_face(t, district_name, True) for t in frames], ignore_index=True)
    export = pd.concat([_face(t, district_name, False) for t in frames], ignore_index=True)
    stand = Stand.of(d for t in frames for d in t.series["stand"])
    return Table(shown, with_withheld_note(export), stand, TREND_FILE)

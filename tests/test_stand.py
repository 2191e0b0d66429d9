"""The one rounding (DIN 1333), the German number format and the one Datenstand rule."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from core.present.numbers import (
    MISSING,
    din_round,
    format_date,
    format_number,
    format_percent,
    format_signed,
    format_value,
)
from core.present.stand import LABEL, NEWEST_IN_DATABASE, Stand, stand_of_frame

D = dt.date


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (161 / 400 * 100, 1, "40,3"),  # 40.25 as a float is 40.24999…: still half up
        (40.25, 1, "40,3"),
        (-0.5, 0, "-1"),
        (0.5, 0, "1"),
        (2.5, 0, "3"),  # banker's rounding would give 2
        (2.675, 2, "2,68"),  # round(2.675, 2) == 2.67 in Python
        (0.45, 1, "0,5"),
        (-0.45, 1, "-0,5"),
        (59.97, 1, "60,0"),
        (59.94, 1, "59,9"),
        (1234567.89, 1, "1.234.567,9"),
        (1234567, 0, "1.234.567"),
        (-1234.5, 0, "-1.235"),
        (0.04, 1, "0,0"),
        (-0.04, 1, "0,0"),  # never "-0,0"
        (1e-10, 2, "0,00"),
        (12, 2, "12,00"),
    ],
)
def test_din_1333_rounding_and_german_format(value, decimals, expected) -> None:
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT, math.nan])
def test_missing_values_are_a_dash(missing) -> None:
    assert format_number(missing) == MISSING == "–"
    assert format_value(missing, "%") == MISSING
    assert format_percent(missing) == MISSING
    assert din_round(missing) is None


def test_missing_dates_are_a_dash() -> None:
    assert format_date(None) == MISSING
    assert format_date(pd.NaT) == MISSING
    assert format_date(D(2026, 9, 30)) == "30.09.2026"


def test_din_round_keeps_numbers_as_numbers() -> None:
    assert din_round(161 / 400 * 100, 1) == 40.3
    assert din_round(-0.5, 0) == -1.0
    assert din_round(2.675, 2) == 2.68
    assert din_round(-0.04, 1) == 0.0 and math.copysign(1, din_round(-0.04, 1)) == 1
    assert din_round(7, 0) == 7.0


def test_values_percent_and_signed_changes() -> None:
    assert format_value(12.345, "%", 1) == "12,3 %"
    assert format_value(245, "je 10.000", 1) == "245,0 je 10.000"
    assert format_value(3.0, "", 0) == "3"
    assert format_percent(0.786) == "79 %"
    assert format_percent(0.405, 0) == "41 %"  # 40.5 half away from zero
    assert format_signed(1.25, 1, "Pp.") == "+1,3 Pp."
    assert format_signed(-0.45, 1, "Pp.") == "-0,5 Pp."
    assert format_signed(0.04, 1, "Pp.") == "±0,0 Pp."
    assert format_signed(-0.04, 1, "Pp.") == "±0,0 Pp."
    assert format_signed(3, 0) == "+3"
    assert format_signed(1234.5, 0) == "+1.235"


def test_stand_of_one_date() -> None:
    stand = Stand.of([D(2026, 9, 30), D(2026, 9, 30), None])
    assert not stand.empty and not stand.mixed
    assert stand.text == "30.09.2026"
    assert stand.label == f"{LABEL}: 30.09.2026" == "Datenstand: 30.09.2026"
    assert stand.short == "Stand 30.09.2026"


def test_stand_of_mixed_dates_is_the_range() -> None:
    stand = Stand.of([D(2026, 9, 30), pd.Timestamp("2025-12-31"), pd.NaT, D(2026, 6, 30)])
    assert stand.mixed
    assert (stand.first, stand.last) == (D(2025, 12, 31), D(2026, 9, 30))
    assert stand.text == "31.12.2025 bis 30.09.2026"
    assert stand.label == "Datenstand: 31.12.2025 bis 30.09.2026"


def test_empty_stand_shows_a_dash() -> None:
    for stand in (Stand(), Stand.of([]), Stand.of([None, pd.NaT, float("nan")])):
        assert stand.empty and not stand.mixed
        assert stand.text == "–"
        assert stand.label == "Datenstand: –"


def test_union_of_stands_covers_both() -> None:
    figures = Stand.of([D(2026, 6, 30)])
    table = Stand.of([D(2025, 12, 31), D(2026, 3, 1)])
    both = figures | table
    assert both == Stand(D(2025, 12, 31), D(2026, 6, 30))
    assert both.text == "31.12.2025 bis 30.06.2026"
    assert figures | Stand() == figures
    assert Stand() | Stand() == Stand()
    assert figures | figures == figures


def test_stand_of_a_frame_reads_its_column() -> None:
    df = pd.DataFrame({"stand": [D(2026, 3, 1), None, D(2025, 12, 31)], "x": [1, 2, 3]})
    assert stand_of_frame(df).text == "31.12.2025 bis 01.03.2026"
    assert stand_of_frame(df, "missing").empty
    assert stand_of_frame(pd.DataFrame()).empty
    renamed = df.rename(columns={"stand": "need_stand"})
    assert stand_of_frame(renamed, "need_stand") == stand_of_frame(df)


def test_newest_in_database_is_not_called_a_datenstand() -> None:
    assert NEWEST_IN_DATABASE == "Jüngster Stichtag in der Datenbank"
    assert LABEL not in NEWEST_IN_DATABASE

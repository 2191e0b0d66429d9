"""Impossible dates and fractional counts are rejected, never wrapped or rounded.

A month 13, a day 31.02. or a quarter 5 used to be carried into the next year and to
overwrite a real value; a count of 2,5 births was stored. Each case must now be an
error naming row, column, value and fix, with the database unchanged.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from core.errors import DataError, Problem
from core.imports import ImportFile, ImportOptions, run_import
from core.imports.values import ImpossibleDateError, parse_period, parse_quarter_cell
from core.models import IndicatorValue
from core.permissions import SYSTEM
from tests.imports_support import (
    OFFERS,
    POP_LONG,
    STATUS,
    add_test_areas,
    csv_file,
    fingerprint,
    xlsx_file,
)

HEADER = ["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner"]


@pytest.fixture
def areas(engine: Engine) -> Engine:
    """The Testkreis with real SGB-II values at the days a wrapped date would hit."""
    add_test_areas(engine)
    rows = [HEADER]
    for day in ("31.12.2023", "31.01.2025", "31.12.2025", "31.03.2024"):
        rows.append(["sgb2_u15", "05999004-01", day, "45", "300"])
    run_import(engine, "indicators", [csv_file("echt.csv", rows)], user=SYSTEM)
    return engine


def sgb2_values(engine: Engine) -> dict[dt.date, float]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(IndicatorValue.period_end, IndicatorValue.numerator).where(
                IndicatorValue.area_id == "05999004-01"
            )
        ).all()
    return {r[0]: r[1] for r in rows}


def rejected(engine: Engine, kind: str, file: ImportFile, **options: object) -> list[Problem]:
    """Import ``file``; assert it is refused and nothing changed; return the problems."""
    before = fingerprint(engine)
    with pytest.raises(DataError) as info:
        run_import(
            engine, kind, [file], ImportOptions(**options), accept_warnings=True, user=SYSTEM
        )
    assert fingerprint(engine) == before
    for p in info.value.problems:
        assert p.fix and "/tmp" not in p.as_text()
    return info.value.problems


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("13/2024", "Den Monat 13 gibt es nicht"),
        ("00/2024", "Den Monat 0 gibt es nicht"),
        ("2024-24", "Den Monat 24 gibt es nicht"),
        ("13.2024", "Den Monat 13 gibt es nicht"),
        ("31.02.2024", "Den Tag 31.02.2024 gibt es nicht"),
        ("29.02.2023", "Den Tag 29.02.2023 gibt es nicht"),
        ("2024-13-01", "Den Monat 13 gibt es nicht"),
        ("2024-02-30", "Den Tag 30.02.2024 gibt es nicht"),
        ("2024-Q5", "Das Quartal 5 gibt es nicht"),
        ("Q0/2024", "Das Quartal 0 gibt es nicht"),
        ("5. Quartal 2024", "Das Quartal 5 gibt es nicht"),
    ],
)
def test_impossible_reference_dates_are_errors_not_wrapped(
    areas: Engine, cell: str, reason: str
) -> None:
    values = sgb2_values(areas)
    file = csv_file("werte.csv", [HEADER, ["sgb2_u15", "05999004-01", cell, "99", "300"]])
    (problem,) = rejected(areas, "indicators", file)
    assert (problem.row, problem.column, problem.value) == (2, "Stichtag", cell)
    assert reason in problem.problem
    assert "Monat 1 bis 12" in problem.fix
    assert sgb2_values(areas) == values  # the real values at 31.01.2025 etc. are untouched


@pytest.mark.parametrize("cell", ["13/2024", "31.02.2024"])
def test_impossible_dates_in_xlsx_text_cells_too(areas: Engine, cell: str) -> None:
    file = xlsx_file("werte.xlsx", [HEADER, ["sgb2_u15", "05999004-01", cell, 99, 300]])
    (problem,) = rejected(areas, "indicators", file)
    assert (problem.row, problem.column) == (2, "Stichtag")


def test_all_impossible_dates_of_a_file_are_reported_at_once(areas: Engine) -> None:
    file = csv_file(
        "werte.csv",
        [
            HEADER,
            ["sgb2_u15", "05999004-01", "13/2024", "1", "30"],
            ["sgb2_u15", "05999004-02", "31.12.2024", "1", "30"],
            ["sgb2_u15", "05999004-02", "2024-Q5", "1", "30"],
        ],
    )
    problems = rejected(areas, "indicators", file)
    assert [p.row for p in problems] == [2, 4]


@pytest.mark.parametrize("header", ["13/2024", "00/2024", "2024-24", "2024-Q5", "30.02.2024"])
def test_impossible_wide_format_headers_name_the_column(areas: Engine, header: str) -> None:
    values = sgb2_values(areas)
    file = csv_file(
        "breit.csv",
        [["Indikator", "Gebiet", "2023", header], ["sgb2_u15", "05999004-01", "12,5", "13,1"]],
    )
    problems = rejected(areas, "indicators", file)
    (problem,) = [p for p in problems if p.column == header]
    assert "Spaltenüberschrift" in problem.problem and "gibt es nicht" in problem.problem
    assert "Schuljahr" in problem.fix
    assert sgb2_values(areas) == values


def test_wide_file_with_only_an_impossible_header_says_so(areas: Engine) -> None:
    file = csv_file(
        "breit.csv", [["Indikator", "Gebiet", "13/2024"], ["sgb2_u15", "05999004-01", "5"]]
    )
    problems = rejected(areas, "indicators", file)
    assert [p.column for p in problems] == ["13/2024"]


def test_year_day_that_is_not_in_every_year_is_refused(areas: Engine) -> None:
    file = csv_file(
        "breit.csv", [["Indikator", "Gebiet", "2023"], ["sgb2_u15", "05999004-01", "5"]]
    )
    problems = rejected(areas, "indicators", file, year_day="29.02.")
    assert any("kein Tag jedes Jahres" in p.problem for p in problems)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("13/2025", "Den Monat 13 gibt es nicht"),
        ("00/2025", "Den Monat 0 gibt es nicht"),
        ("2025-Q5", "Das Quartal 5 gibt es nicht"),
        ("31.09.2024", "Den Tag 31.09.2024 gibt es nicht"),
    ],
)
def test_impossible_network_quarters_are_errors(areas: Engine, cell: str, reason: str) -> None:
    row = [*STATUS[1]]
    row[1] = cell
    (problem,) = rejected(areas, "networks", csv_file("status.csv", [STATUS[0], row]))
    assert (problem.row, problem.column, problem.value) == (2, "Quartal", cell)
    assert reason in problem.problem
    assert "2025-Q3" in problem.fix


def test_impossible_population_date(areas: Engine) -> None:
    file = csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.04.2024", "crib", "12"]])
    (problem,) = rejected(areas, "population", file)
    assert (problem.row, problem.column) == (2, "Stichtag")
    assert "Den Tag 31.04.2024 gibt es nicht" in problem.problem


@pytest.mark.parametrize(("column", "cell"), [("Aktiv ab", "31.06.2022"), ("Aktiv bis", "13/2026")])
def test_impossible_offer_dates(areas: Engine, column: str, cell: str) -> None:
    row = [*OFFERS[1]]
    row[OFFERS[0].index(column)] = cell
    (problem,) = rejected(areas, "offers", csv_file("angebote.csv", [OFFERS[0], row]))
    assert (problem.row, problem.column, problem.value) == (2, column, cell)
    assert "gibt es nicht" in problem.problem


FRACTIONS = [
    (
        "births-count",
        "indicators",
        [HEADER, ["births", "05999008-01", "31.12.2024", "2,5", ""]],
        "Zähler",
        "Der Zähler (Lebendgeborene) ist eine Anzahl",
    ),
    (
        "numerator",
        "indicators",
        [HEADER, ["sgb2_u15", "05999004-02", "31.12.2024", "12,5", "300"]],
        "Zähler",
        "Der Zähler",
    ),
    (
        "denominator",
        "indicators",
        [HEADER, ["sgb2_u15", "05999004-02", "31.12.2024", "12", "300,5"]],
        "Nenner",
        "Der Nenner",
    ),
    (
        "births-in-a-value-column",
        "indicators",
        [["Indikator", "Gebiet", "Stichtag", "Anzahl"], ["births", "05999008-01", "2024", "2,5"]],
        "Anzahl",
        "ist eine Anzahl",
    ),
    (
        "offer-places",
        "offers",
        [OFFERS[0], [*OFFERS[1][:7], "12,5", *OFFERS[1][8:]]],
        "Plätze",
        "ganze Zahl",
    ),
    (
        "network-partners",
        "networks",
        [STATUS[0], [*STATUS[1][:4], "3,5", *STATUS[1][5:]]],
        "Partner",
        "ganze Zahl",
    ),
    (
        "network-meetings",
        "networks",
        [STATUS[0], [*STATUS[1][:5], "1,5", *STATUS[1][6:]]],
        "Treffen",
        "ganze Zahl",
    ),
    (
        "population-children",
        "population",
        [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "12,5"]],
        "Kinder",
        "ganze Zahl",
    ),
]


@pytest.mark.parametrize(
    ("kind", "rows", "column", "message"),
    [f[1:] for f in FRACTIONS],
    ids=[f[0] for f in FRACTIONS],
)
def test_fractional_counts_are_errors(
    areas: Engine, kind: str, rows: list[list[str]], column: str, message: str
) -> None:
    problems = rejected(areas, kind, csv_file("datei.csv", rows))
    (problem,) = [p for p in problems if p.column == column]
    assert problem.row == 2
    assert message in problem.problem
    assert "," in (problem.value or "")


def test_fractional_count_in_a_wide_file_names_the_year_column(areas: Engine) -> None:
    file = xlsx_file("breit.xlsx", [["Gebiet", "2023", "2024"], ["05999008-01", 117, 2.5]])
    problems = rejected(areas, "indicators", file, indicator="births")
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "2024", "2,5")]


def test_rates_keep_their_decimals(areas: Engine) -> None:
    file = csv_file(
        "quote.csv",
        [["Indikator", "Gebiet", "Stichtag", "Wert"], ["sgb2_u15", "05999004-02", "2024", "12,5"]],
    )
    result = run_import(areas, "indicators", [file], accept_warnings=True, user=SYSTEM)
    assert result.counts["neu"] == 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12/2024", dt.date(2024, 12, 31)),
        ("01/2024", dt.date(2024, 1, 31)),
        ("2024-02", dt.date(2024, 2, 29)),
        ("29.02.2024", dt.date(2024, 2, 29)),
        ("2024-Q4", dt.date(2024, 12, 31)),
        ("1. Quartal 2025", dt.date(2025, 3, 31)),
        ("2024", dt.date(2024, 12, 31)),
    ],
)
def test_possible_dates_still_read(cell: str, expected: dt.date) -> None:
    assert parse_period(cell) == expected


def test_quarter_cell_parser_refuses_month_13() -> None:
    with pytest.raises(ImpossibleDateError):
        parse_quarter_cell("13/2025")

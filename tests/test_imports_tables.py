"""Reading cells as German Excel writes them: numbers, dates, quarters, area ids."""

from __future__ import annotations

import datetime as dt

import pytest

from core.imports.tables import AreaResolver, ImportFile, parse_number, parse_period, read_table

D = dt.date


@pytest.mark.parametrize(
    ("cell", "decimal", "expected"),
    [
        ("1.234,5", ",", 1234.5),
        ("1.234", ",", 1234.0),
        ("12,5", ",", 12.5),
        ("12.5", ",", 12.5),
        ("1.234.567", ",", 1234567.0),
        ("12,5 %", ",", 12.5),
        ("1234.5", ".", 1234.5),
        ("1,234.5", ".", 1234.5),
        (" 7 ", ",", 7.0),
        (42, ",", 42.0),
        (3.25, ",", 3.25),
        ("k.A.", ",", None),
        ("-", ",", None),
        (".", ",", None),
        ("x", ",", None),
        ("", ",", None),
        (None, ",", None),
    ],
)
def test_numbers(cell, decimal: str, expected: float | None) -> None:
    assert parse_number(cell, decimal) == expected


@pytest.mark.parametrize("cell", ["viele", "1,2,3", "12a", "inf", True])
def test_text_is_not_a_number(cell) -> None:
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("31.12.2024", D(2024, 12, 31)),
        ("1.3.24", D(2024, 3, 1)),
        ("2024-12-31", D(2024, 12, 31)),
        ("2024-12-31 00:00:00", D(2024, 12, 31)),
        (dt.datetime(2024, 3, 1, 0, 0), D(2024, 3, 1)),
        ("2024", D(2024, 12, 31)),
        (2024, D(2024, 12, 31)),
        ("2024-Q3", D(2024, 9, 30)),
        ("Q1/2025", D(2025, 3, 31)),
        ("3. Quartal 2024", D(2024, 9, 30)),
        ("02/2024", D(2024, 2, 29)),
        ("2023-11", D(2023, 11, 30)),
        ("k.A.", None),
    ],
)
def test_reference_dates(cell, expected: dt.date | None) -> None:
    assert parse_period(cell) == expected


@pytest.mark.parametrize("cell", ["Ende 2024", "31.02.2024", "2024-Q5", 1.5])
def test_unreadable_dates(cell) -> None:
    with pytest.raises(ValueError):
        parse_period(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05162024", "05162024"),
        (5162024, "05162024"),
        (5162024.0, "05162024"),
        ("5162024.0", "05162024"),
        ("5162024-07", "05162024-07"),
        ("05162", "05162"),
        ("5162", "05162"),
        ("neuss", "05162024"),
        ("Erfttal", "05162024-07"),
        ("05162099", None),
        ("", None),
    ],
)
def test_area_resolver_repairs_what_excel_did(cell, expected: str | None) -> None:
    resolver = AreaResolver(
        ["05162", "05162024", "05162024-07"],
        {"05162": "Rhein-Kreis Neuss", "05162024": "Neuss", "05162024-07": "Erfttal"},
    )
    assert resolver.resolve(cell) == expected


@pytest.mark.parametrize(
    ("data", "delimiter"),
    [
        (b"a;b\r\n1;2\r\n", ";"),
        (b"a,b\n1,2\n", ","),
        (b"a\tb\n1\t2\n", "\t"),
        ("\ufeffa;b\n1;2\n".encode(), ";"),
    ],
)
def test_delimiters_are_detected(data: bytes, delimiter: str) -> None:
    table = read_table(ImportFile("t.csv", data))
    assert table.delimiter == delimiter
    assert table.keys == ["a", "b"]
    assert table.rows == [(2, {"a": "1", "b": "2"})]


def test_umlauts_in_headers_are_normalised_and_rows_keep_their_line() -> None:
    data = "Zähler;Träger\r\n\r\n1;Straße\r\n".encode("cp1252")
    table = read_table(ImportFile("t.csv", data))
    assert table.labels == {"zaehler": "Zähler", "traeger": "Träger"}
    assert table.rows == [(3, {"zaehler": "1", "traeger": "Straße"})]

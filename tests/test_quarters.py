"""Quarters: parsing, German labels, end dates (the as-of day), neighbours."""

import datetime as dt

import pytest

from core.errors import NotFoundError
from core.quarters import Quarter, parse_quarter, quarter_of, quarter_range


@pytest.mark.parametrize(
    ("text", "year", "q"),
    [
        ("2025-Q3", 2025, 3),
        ("2025Q3", 2025, 3),
        ("2025-q1", 2025, 1),
        (" 2026-Q4 ", 2026, 4),
        ("3. Quartal 2025", 2025, 3),
        ("1. quartal 2024", 2024, 1),
    ],
)
def test_parse_quarter(text: str, year: int, q: int) -> None:
    assert parse_quarter(text) == Quarter(year, q)


@pytest.mark.parametrize("text", ["2025-Q5", "Q3", "2025", "", "drittes Quartal", "2025-Q0"])
def test_invalid_quarter_says_the_form(text: str) -> None:
    with pytest.raises(NotFoundError, match="2025-Q3"):
        parse_quarter(text)


@pytest.mark.parametrize(
    ("key", "start", "end"),
    [
        ("2025-Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2025-Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025-Q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ],
)
def test_quarter_bounds(key: str, start: dt.date, end: dt.date) -> None:
    q = parse_quarter(key)
    assert (q.start, q.end) == (start, end)


def test_labels_and_neighbours() -> None:
    q = parse_quarter("2025-Q1")
    assert q.key == "2025-Q1"
    assert q.label == "1. Quartal 2025"
    assert q.short_label == "Q1/2025"
    assert q.previous() == Quarter(2024, 4)
    assert q.next() == Quarter(2025, 2)
    assert Quarter(2024, 4).next() == q
    assert quarter_of(dt.date(2025, 9, 30)) == Quarter(2025, 3)
    assert [x.key for x in quarter_range(Quarter(2024, 3), Quarter(2025, 2))] == [
        "2024-Q3",
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
    ]

"""Bad population, offer and network status files: each rejected with its own German
message naming file, row, column and fix, and the database unchanged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from core.errors import DataError
from core.imports import ImportFile, run_import
from core.permissions import SYSTEM
from tests.imports_support import (
    OFFERS,
    POP_LONG,
    STATUS,
    add_test_areas,
    children,
    csv_file,
    fingerprint,
)


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


BAD: list[tuple[str, str, ImportFile, str, int | None, str | None]] = [
    (
        "population-negative-count",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "-5"]]),
        "Negative Anzahlen",
        2,
        "Kinder",
    ),
    (
        "population-fraction",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "12,5"]]),
        "ganze Zahl",
        2,
        "Kinder",
    ),
    (
        "population-absurd",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "5.000.000"]]),
        "unplausibel groß",
        2,
        "Kinder",
    ),
    (
        "population-unknown-phase",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "Studium", "5"]]),
        "Diese Lebensphase gibt es nicht",
        2,
        "Lebensphase",
    ),
    (
        "population-future",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2099", "crib", "5"]]),
        "in der Zukunft",
        2,
        "Stichtag",
    ),
    (
        "offers-unknown-type",
        "offers",
        csv_file(
            "a.csv", [OFFERS[0], ["A", "T", "Party", "Kita", "05999004-01", "", "", "", "", ""]]
        ),
        "Diese Angebotsart gibt es nicht",
        2,
        "Angebotsart",
    ),
    (
        "offers-swapped-coordinates",
        "offers",
        csv_file(
            "a.csv", [OFFERS[0], ["A", "T", "Bildung", "Kita", "", "6,55", "51,12", "", "", ""]]
        ),
        "vertauscht",
        2,
        "Breite",
    ),
    (
        "offers-duplicate",
        "offers",
        csv_file("a.csv", [OFFERS[0], OFFERS[1], OFFERS[1]]),
        "Doppeltes Angebot",
        3,
        "Name",
    ),
    (
        "offers-end-before-start",
        "offers",
        csv_file(
            "a.csv",
            [
                OFFERS[0],
                [
                    "A",
                    "T",
                    "Bildung",
                    "Kita",
                    "05999004-01",
                    "",
                    "",
                    "",
                    "01.01.2024",
                    "01.01.2023",
                ],
            ],
        ),
        "Das Ende liegt vor dem Beginn",
        2,
        "Aktiv bis",
    ),
    (
        "offers-missing-columns",
        "offers",
        csv_file("a.csv", [["Name", "Gebiet"], ["A", "05999004"]]),
        "Die Pflichtspalte fehlt",
        1,
        "Träger",
    ),
    (
        "networks-future-quarter",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2099-Q1",
                    "1",
                    "grün",
                    "",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Das Quartal liegt in der Zukunft",
        2,
        "Quartal",
    ),
    (
        "networks-unknown-traffic-light",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2025-Q1",
                    "1",
                    "lila",
                    "",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Unbekannte Ampelfarbe",
        2,
        "Ampel",
    ),
    (
        "networks-unknown-network",
        "networks",
        csv_file("s.csv", [STATUS[0][:4], ["Gibt es nicht", "2025-Q1", "1", "grün"]]),
        "Dieses Netzwerk gibt es nicht",
        2,
        "Netzwerk",
    ),
    (
        "networks-negative-partners",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2025-Q1",
                    "1",
                    "grün",
                    "-3",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Negative Anzahlen",
        2,
        "Partner",
    ),
]


@pytest.mark.parametrize(
    ("kind", "file", "message", "row", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_files_are_rejected_and_nothing_changes(
    areas: Engine, kind: str, file: ImportFile, message: str, row: int | None, column: str | None
) -> None:
    before = fingerprint(areas)
    with pytest.raises(DataError) as info:
        run_import(areas, kind, [file], accept_warnings=True, user=SYSTEM)
    matching = [p for p in info.value.problems if message in p.problem]
    assert matching, [p.problem for p in info.value.problems]
    assert (matching[0].file, matching[0].row, matching[0].column) == (file.name, row, column)
    assert matching[0].fix
    assert fingerprint(areas) == before


def test_today_is_the_limit_for_reference_dates(areas: Engine) -> None:
    today = dt.date.today().strftime("%d.%m.%Y")
    run_import(
        areas,
        "population",
        [csv_file("bev.csv", [POP_LONG[0], ["05999004-01", today, "crib", "5"]])],
        user=SYSTEM,
    )
    assert children(areas)[("05999004-01", "crib")] == 5

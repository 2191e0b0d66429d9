"""Importing indicator values: every format round trip, idempotence, rollback, bad files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from core.catalogue import indicator
from core.errors import ConflictError, DataError
from core.imports import (
    ImportFile,
    ImportOptions,
    WarningsNotAcceptedError,
    preview,
    rollback_batch,
    run_import,
)
from core.indicators import indicator_values
from core.inventory import data_fingerprint
from core.models import IndicatorValue
from core.permissions import SYSTEM
from core.quarters import parse_quarter
from tests.imports_support import add_test_areas, csv_file, fingerprint, xlsx_file

HEADER = ["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner"]
GOOD = [
    HEADER,
    ["sgb2_u15", "05999004-01", "31.12.2024", "1.234", "9.876"],
    ["sgb2_u15", "05999004-02", "31.12.2024", "45", "300"],
    ["births", "05999008-01", "31.12.2024", "118", ""],
]


@pytest.fixture
def areas(engine: Engine) -> Engine:
    """The engine with the Testkreis loaded."""
    add_test_areas(engine)
    return engine


def stored(engine: Engine) -> dict[tuple[str, str, dt.date], tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                IndicatorValue.indicator_id,
                IndicatorValue.area_id,
                IndicatorValue.period_end,
                IndicatorValue.numerator,
                IndicatorValue.denominator,
                IndicatorValue.value,
            )
        ).all()
    return {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in rows}


def values_fingerprint(engine: Engine) -> str:
    with engine.connect() as conn:
        return data_fingerprint(conn, ["indicator_value"])


FORMATS: list[tuple[str, Callable[[], ImportFile]]] = [
    ("utf8-bom-semicolon", lambda: csv_file("werte.csv", GOOD)),
    (
        "utf8-comma-iso-dates",
        lambda: csv_file(
            "werte.csv",
            [
                HEADER,
                ["sgb2_u15", "05999004-01", "2024-12-31", "1234", "9876.0"],
                ["sgb2_u15", "05999004-02", "2024-12-31", "45", "300"],
                ["births", "05999008-01", "2024-12-31", "118", "-"],
            ],
            ",",
            "utf-8",
        ),
    ),
    ("windows-1252", lambda: csv_file("werte.csv", GOOD, ";", "cp1252")),
    ("utf16-excel-unicode-text", lambda: csv_file("werte.txt", GOOD, "\t", "utf-16")),
    (
        "xlsx-numbers-and-dates",
        lambda: xlsx_file(
            "werte.xlsx",
            [
                HEADER,
                ["sgb2_u15", "05999004-01", dt.datetime(2024, 12, 31), 1234, 9876],
                ["sgb2_u15", "05999004-02", dt.datetime(2024, 12, 31), 45, 300],
                ["births", "05999008-01", dt.datetime(2024, 12, 31), 118, None],
            ],
        ),
    ),
]


@pytest.mark.parametrize("make", [f for _, f in FORMATS], ids=[n for n, _ in FORMATS])
def test_every_format_imports_the_same_values(
    areas: Engine, make: Callable[[], ImportFile]
) -> None:
    result = run_import(areas, "indicators", [make()], user=SYSTEM)
    assert result.counts == {"neu": 3, "geändert": 0, "unverändert": 0}
    values = stored(areas)
    num, den, value = values[("sgb2_u15", "05999004-01", dt.date(2024, 12, 31))]
    assert (num, den) == (1234, 9876)
    assert value == pytest.approx(1234 / 9876 * 100)
    assert values[("births", "05999008-01", dt.date(2024, 12, 31))][2] == 118


def test_the_imported_rate_appears_with_privacy_and_stand(areas: Engine) -> None:
    run_import(areas, "indicators", [csv_file("werte.csv", GOOD)], user=SYSTEM)
    with areas.connect() as conn:
        df = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2025-Q1"), "area", None
        ).set_index("area_id")
    assert df.loc["05999004-01", "display"] == "12,5 %"
    assert df.loc["05999004-01", "stand"] == dt.date(2024, 12, 31)


def test_importing_the_same_file_again_changes_nothing(areas: Engine) -> None:
    file = csv_file("werte.csv", GOOD)
    first = run_import(areas, "indicators", [file], user=SYSTEM)
    before = fingerprint(areas)
    again = run_import(areas, "indicators", [file], user=SYSTEM)
    assert first.batch_id > 0
    assert again.batch_id == 0
    assert again.counts == {"neu": 0, "geändert": 0, "unverändert": 3}
    assert fingerprint(areas) == before


def test_a_corrected_file_changes_rows_and_rollback_restores_them(areas: Engine) -> None:
    first = run_import(areas, "indicators", [csv_file("werte.csv", GOOD)], user=SYSTEM)
    after_first = values_fingerprint(areas)
    corrected = [r[:] for r in GOOD]
    corrected[2][3] = "50"
    corrected.append(["sgb2_u15", "05999008-01", "31.12.2024", "10", "200"])
    plan = preview(areas, "indicators", [csv_file("werte_korr.csv", corrected)])
    assert plan.counts() == {"neu": 1, "geändert": 1, "unverändert": 2}
    second = run_import(areas, "indicators", [csv_file("werte_korr.csv", corrected)], user=SYSTEM)
    assert stored(areas)[("sgb2_u15", "05999004-02", dt.date(2024, 12, 31))][0] == 50
    assert rollback_batch(areas, second.batch_id, user=SYSTEM) == 2
    assert stored(areas)[("sgb2_u15", "05999004-02", dt.date(2024, 12, 31))][0] == 45
    assert ("sgb2_u15", "05999008-01", dt.date(2024, 12, 31)) not in stored(areas)
    assert values_fingerprint(areas) == after_first
    rollback_batch(areas, first.batch_id, user=SYSTEM)
    assert stored(areas) == {}
    with pytest.raises(ConflictError, match="bereits zurückgenommen"):
        rollback_batch(areas, first.batch_id, user=SYSTEM)


def test_wide_format_with_years_and_the_kita_stichtag(areas: Engine) -> None:
    rows = [
        ["Indikator", "Gebiet", "Name", "2022", "2023"],
        ["u3_care", "05999004-01", "Nord", "38,5", "41,2"],
        ["u3_care", "05999004-02", "Süd", "k.A.", "35"],
    ]
    with pytest.raises(WarningsNotAcceptedError, match="ohne Zähler und Nenner"):
        run_import(areas, "indicators", [csv_file("breit.csv", rows)], user=SYSTEM)
    result = run_import(
        areas,
        "indicators",
        [csv_file("breit.csv", rows)],
        ImportOptions(year_day="01.03."),
        accept_warnings=True,
        user=SYSTEM,
    )
    assert result.counts["neu"] == 3
    values = stored(areas)
    assert values[("u3_care", "05999004-01", dt.date(2023, 3, 1))][2] == pytest.approx(41.2)
    assert ("u3_care", "05999004-02", dt.date(2022, 3, 1)) not in values


def test_wide_format_by_quarter_with_the_indicator_as_option(areas: Engine) -> None:
    rows = [["Gebiet", "2024-Q3", "4. Quartal 2024"], ["5999004", "120", "1.130"]]
    run_import(
        areas,
        "indicators",
        [xlsx_file("geburten.xlsx", rows, first="Hinweise")],
        ImportOptions(indicator="births", sheet="Daten"),
        user=SYSTEM,
    )
    values = stored(areas)
    assert values[("births", "05999004", dt.date(2024, 9, 30))][2] == 120
    assert values[("births", "05999004", dt.date(2024, 12, 31))][2] == 1130


def test_ags_that_excel_turned_into_a_number_is_recognised(areas: Engine) -> None:
    rows = [HEADER, ["births", 5999004, dt.datetime(2024, 12, 31), 512, None]]
    run_import(areas, "indicators", [xlsx_file("zahl.xlsx", rows)], user=SYSTEM)
    assert ("births", "05999004", dt.date(2024, 12, 31)) in stored(areas)


def test_real_data_into_the_demo_database_needs_replace_demo(engine: Engine) -> None:
    from core.demo import build_demo
    from core.inventory import is_demo

    build_demo(engine)
    before = fingerprint(engine)
    rows = [HEADER, ["births", "05162024", "31.12.2024", "1.500", ""]]
    with pytest.raises(ConflictError, match="Demodaten"):
        run_import(engine, "indicators", [csv_file("werte.csv", rows)], user=SYSTEM)
    assert fingerprint(engine) == before
    # with replace_demo the demo areas are gone too, so the value has no area: nothing changes
    with pytest.raises(DataError, match="gibt es in der Datenbank nicht"):
        run_import(
            engine, "indicators", [csv_file("werte.csv", rows)], replace_demo=True, user=SYSTEM
        )
    assert fingerprint(engine) == before
    with engine.connect() as conn:
        assert is_demo(conn)


# ------------------------------------------------------------------ the library of bad files

BAD_FILES: list[tuple[str, ImportFile, str, int | None, str | None]] = [
    (
        "wrong-encoding-utf16-without-bom",
        ImportFile("werte.csv", "Indikator;Gebiet\r\nbirths;05999004\r\n".encode("utf-16-le")),
        "keine Textdatei",
        None,
        None,
    ),
    (
        "wrong-encoding-double-utf8",
        ImportFile(
            "werte.csv",
            "Indikator;Gebiet;Stichtag;Zähler\nbirths;05999004;31.12.2024;1\n".encode()
            .decode("cp1252")
            .encode("utf-8"),
        ),
        "falsch kodiert",
        1,
        None,
    ),
    (
        "wrong-delimiter",
        csv_file("werte.csv", GOOD, "|"),
        "eine einzige Spalte",
        1,
        "Gebiet",
    ),
    (
        "duplicate-ids",
        csv_file("werte.csv", [*GOOD, GOOD[1]]),
        "Doppelter Eintrag",
        5,
        "Stichtag",
    ),
    (
        "unknown-area",
        csv_file("werte.csv", [HEADER, ["sgb2_u15", "05162024-99", "31.12.2024", "1", "50"]]),
        "Dieses Gebiet gibt es in der Datenbank nicht",
        2,
        "Gebiet",
    ),
    (
        "unknown-indicator",
        csv_file("werte.csv", [HEADER, ["armut", "05999004", "31.12.2024", "1", "50"]]),
        "Diesen Indikator gibt es im Katalog nicht",
        2,
        "Indikator",
    ),
    (
        "text-in-number-column",
        csv_file("werte.csv", [HEADER, ["sgb2_u15", "05999004", "31.12.2024", "viele", "50"]]),
        "Hier wird eine Zahl erwartet",
        2,
        "Zähler",
    ),
    ("empty-file", ImportFile("werte.csv", b""), "Die Datei ist leer", None, None),
    (
        "only-a-bom",
        ImportFile("werte.csv", "\ufeff\r\n".encode()),
        "Die Datei ist leer",
        None,
        None,
    ),
    (
        "missing-column",
        csv_file("werte.csv", [["Indikator", "Gebiet", "Zähler"], ["births", "05999004", "3"]]),
        "Die Pflichtspalte fehlt",
        1,
        "Stichtag",
    ),
    (
        "absurd-numerator-above-denominator",
        csv_file("werte.csv", [HEADER, ["sgb2_u15", "05999004", "31.12.2024", "900", "90"]]),
        "Der Zähler ist größer als der Nenner",
        2,
        "Zähler",
    ),
    (
        "absurd-percentage",
        csv_file(
            "werte.csv",
            [["Indikator", "Gebiet", "Stichtag", "Wert"], ["ogs", "05999004", "31.12.2024", "250"]],
        ),
        "Der Wert ist unplausibel",
        2,
        "Wert",
    ),
    (
        "negative-count",
        csv_file("werte.csv", [HEADER, ["births", "05999004", "31.12.2024", "-4", ""]]),
        "Negative Anzahlen",
        2,
        "Zähler",
    ),
    (
        "date-in-the-future",
        csv_file("werte.csv", [HEADER, ["births", "05999004", "31.12.2099", "4", ""]]),
        "in der Zukunft",
        2,
        "Stichtag",
    ),
    (
        "unreadable-date",
        csv_file("werte.csv", [HEADER, ["births", "05999004", "Ende 2024", "4", ""]]),
        "Das Datum ist nicht lesbar",
        2,
        "Stichtag",
    ),
    (
        "too-many-fields",
        csv_file("werte.csv", [HEADER, ["births", "05999004", "31.12.2024", "4", "", "x", "7"]]),
        "Die Zeile hat 7 Felder",
        2,
        None,
    ),
    (
        "xlsx-named-csv",
        ImportFile("werte.csv", xlsx_file("x.xlsx", GOOD).data),
        "Excel-Arbeitsmappe",
        None,
        None,
    ),
    (
        "broken-xlsx",
        ImportFile("werte.xlsx", b"PK\x03\x04 kaputt"),
        "Excel-Datei kann nicht gelesen werden",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("file", "message", "row", "column"),
    [b[1:] for b in BAD_FILES],
    ids=[b[0] for b in BAD_FILES],
)
def test_bad_files_are_rejected_with_their_own_message_and_nothing_changes(
    areas: Engine, file: ImportFile, message: str, row: int | None, column: str | None
) -> None:
    before = fingerprint(areas)
    with pytest.raises(DataError) as info:
        run_import(areas, "indicators", [file], accept_warnings=True, user=SYSTEM)
    matching = [p for p in info.value.problems if message in p.problem]
    assert matching, [p.problem for p in info.value.problems]
    problem = matching[0]
    assert problem.file == file.name
    assert problem.row == row
    assert problem.column == column
    assert problem.fix
    assert "nichts geändert" in str(info.value)
    assert fingerprint(areas) == before


def test_all_problems_of_a_file_are_reported_at_once(areas: Engine) -> None:
    rows = [
        HEADER,
        ["births", "05999004", "31.12.2024", "-1", ""],
        ["births", "nirgendwo", "31.12.2024", "3", ""],
        ["births", "05999008", "31.12.2099", "3", ""],
    ]
    with pytest.raises(DataError) as info:
        run_import(areas, "indicators", [csv_file("werte.csv", rows)], user=SYSTEM)
    assert sorted(p.row for p in info.value.problems) == [2, 3, 4]

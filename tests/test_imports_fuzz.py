"""Hypothesis: whatever CSV a user uploads, the importers answer with a result or a
DataError (a German problem list without library text or temporary paths), never with a
crash; the last safety net of the import entry points; CSV reader errors in German."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DataError
from core.imports import KINDS, ImportFile, Plan, preview, run_import
from core.permissions import SYSTEM
from tests.hostile_files import assert_safe, sqlite_with_areas
from tests.imports_support import csv_file

HEADERS = [
    "Indikator",
    "Gebiet",
    "Stichtag",
    "Zähler",
    "Nenner",
    "Wert",
    "vorläufig",
    "2023",
    "2024-Q3",
    "Lebensphase",
    "Kinder",
    "Krippe",
    "Kita",
    "Name",
    "Träger",
    "Angebotsart",
    "Lebensphasen",
    "Breite",
    "Länge",
    "Plätze",
    "Aktiv ab",
    "Aktiv bis",
    "Netzwerk",
    "Quartal",
    "Stufe",
    "Ampel",
    "Partner",
    "Qualitätsbausteine",
    "Netzwerkart",
    "Jugendamt",
    "ID",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "sgb2_u15",
            "births",
            "05999004",
            "5999004",
            "05999004-01",
            "31.12.2024",
            "2099-01-01",
            "1.234,5",
            "-3",
            "k.A.",
            "",
            "x",
            "Krippe, Kita",
            "grün",
            "2025-Q2",
            "3",
            "Betreuung",
            "51,12",
            "6,55",
            "1e308",
            "NaN",
            "0",
            '"',
            "Ã¼",
        ]
    ),
    st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cs",)), max_size=12),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=8), min_size=0, max_size=6)


@st.composite
def csv_files(draw) -> ImportFile:  # type: ignore[no-untyped-def]
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8, unique=True))
    rows = draw(ROWS)
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = draw(st.binary(max_size=20)) + data
    name = draw(st.sampled_from(["daten.csv", "daten.txt", "daten.xlsx"]))
    return ImportFile(name, data)


@pytest.fixture(scope="module")
def fuzz_engine():  # type: ignore[no-untyped-def]
    with sqlite_with_areas() as engine:
        yield engine


@pytest.mark.parametrize("kind", ["indicators", "population", "offers", "networks"])
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(file=csv_files())
def test_any_csv_gives_a_plan_or_a_data_error(fuzz_engine, kind: str, file: ImportFile) -> None:
    try:
        plan = preview(fuzz_engine, kind, [file])
    except DataError as exc:
        assert_safe(exc, [file.name])
        return
    assert isinstance(plan, Plan)


HEADER = ["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner"]


def rejected(engine, file: ImportFile, kind: str = "indicators") -> DataError:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as info:
        preview(engine, kind, [file])
    assert_safe(info.value, [file.name])
    return info.value


def test_unclosed_quote_names_its_line_in_german(fuzz_engine) -> None:  # type: ignore[no-untyped-def]
    data = ";".join(HEADER).encode() + b'\nsgb2_u15;"' + b"x" * 200_000 + b"\n"
    exc = rejected(fuzz_engine, ImportFile("werte.csv", data))
    assert "Anführungszeichen" in exc.problems[0].problem
    assert exc.problems[0].row is not None


def test_null_bytes_late_in_a_csv(fuzz_engine) -> None:  # type: ignore[no-untyped-def]
    data = ";".join(HEADER).encode() + b"\n" + b"a;b;c;d;e\n" * 500 + b"sgb2_u15;\x00;1;2;3\n"
    rejected(fuzz_engine, ImportFile("werte.csv", data))


def test_csv_row_limit(fuzz_engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRAEV_IMPORT_MAX_ROWS", "2")
    rows = [HEADER] + [
        ["sgb2_u15", "05999004-01", f"31.12.{y}", "1", "10"] for y in (2020, 2021, 2022)
    ]
    exc = rejected(fuzz_engine, csv_file("werte.csv", rows))
    assert "mehr als 2 Datenzeilen" in exc.problems[0].problem


def test_upload_limit_for_tables(fuzz_engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRAEV_IMPORT_MAX_UPLOAD_MB", "1")
    exc = rejected(fuzz_engine, ImportFile("werte.csv", b"a;b\n" * 400_000))
    assert "zu groß" in exc.problems[0].problem


def _run_import(engine, kind, files):  # type: ignore[no-untyped-def]
    return run_import(engine, kind, files, user=SYSTEM)


@pytest.mark.parametrize("run", [preview, _run_import], ids=["preview", "run_import"])
def test_safety_net_turns_any_reader_error_into_a_german_data_error(  # type: ignore[no-untyped-def]
    fuzz_engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, run
) -> None:
    def broken_reader(conn, files, options):  # type: ignore[no-untyped-def]
        raise RuntimeError("GDAL: /tmp/praev-import-x1y2/gebiete.shp not recognized")

    monkeypatch.setitem(KINDS, "indicators", broken_reader)
    with pytest.raises(DataError) as info:
        run(fuzz_engine, "indicators", [ImportFile("werte.csv", b"a;b\n1;2\n")])
    assert_safe(info.value, ["werte.csv"])
    assert "werte.csv" in str(info.value) and "GDAL" not in str(info.value)
    assert "not recognized" in caplog.text  # the administrator finds the original


def test_database_errors_pass_the_safety_net(fuzz_engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import OperationalError

    def db_down(conn, files, options):  # type: ignore[no-untyped-def]
        raise OperationalError("select 1", {}, Exception("server closed the connection"))

    monkeypatch.setitem(KINDS, "indicators", db_down)
    with pytest.raises(OperationalError):
        preview(fuzz_engine, "indicators", [ImportFile("werte.csv", b"a;b\n1;2\n")])

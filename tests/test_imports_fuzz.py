"""Hypothesis: whatever CSV a user uploads, the importers answer with a result or a
DataError (a German problem list), never with a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.catalogue import load_catalogue
from core.db import make_engine, migrate
from core.errors import DataError
from core.imports import ImportFile, Plan, preview
from tests.imports_support import add_test_areas

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
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'fuzz.sqlite'}")
        migrate(engine)
        with engine.begin() as conn:
            load_catalogue(conn)
        add_test_areas(engine)
        yield engine
        engine.dispose()


@pytest.mark.parametrize("kind", ["indicators", "population", "offers", "networks"])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(file=csv_files())
def test_any_csv_gives_a_plan_or_a_data_error(fuzz_engine, kind: str, file: ImportFile) -> None:
    try:
        plan = preview(fuzz_engine, kind, [file])
    except DataError as exc:
        assert exc.problems or exc.warnings
        assert all(p.problem and p.fix for p in exc.problems)
        return
    assert isinstance(plan, Plan)

"""The Sozialraum profile (Steckbrief): opened by link, by select box, for every area;
its tables as numbers in the CSV, its trends up to the Berichtsquartal."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from core.areas import areas
from core.catalogue import indicator
from core.indicators import indicator_values
from core.present.vocabulary import WITHHELD_SIGN, WITHHELD_TEXT
from core.quarters import parse_quarter
from tests.app_support import downloads, open_app, shown_text

ERFTTAL, HAFENGEBIET = "05162024-10", "05162024-03"


def open_profile(monkeypatch, url: str, **params: str):
    return open_app(monkeypatch, url, "steckbrief", params=params)


def table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype=str)


def test_link_opens_the_area_with_its_figures(monkeypatch, demo_url, demo_engine) -> None:
    at = open_profile(monkeypatch, demo_url, gebiet=ERFTTAL)
    assert at.header[0].value == "Erfttal"
    assert at.query_params["gebiet"] == ERFTTAL
    indicators = table_with(at, "Indikator").set_index("Indikator")
    with demo_engine.connect() as conn:
        erfttal = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", "05162024"
        )
    expected = erfttal.set_index("area_id").loc[ERFTTAL, "display"]
    row = indicators.loc["SGB-II-Quote u15"]
    assert f"{row['Wert']} {row['Einheit']}" == expected  # "32,6 %": number and unit apart
    assert row["Stand"] == "30.06.2026"
    assert "Kommune" in indicators.columns and "Kreis" in indicators.columns
    chain = table_with(at, "Versorgung")
    assert len(chain) == 6
    assert set(chain["Status"]) <= {"✔ erreicht", "◐ knapp", "✖ Lücke", "–", WITHHELD_SIGN}
    assert "Datenstand: " in shown_text(at)


def test_csv_holds_numbers_with_the_unit_apart(monkeypatch, demo_url) -> None:
    """The Steckbrief's CSV: numbers as numbers (DIN-rounded), the unit in its own
    column, the Stand on every row, withheld cells as the sign with the Datenschutz note."""
    files = downloads(monkeypatch)
    open_profile(monkeypatch, demo_url, gebiet=HAFENGEBIET)
    df = read_csv(files[f"steckbrief_{HAFENGEBIET}_2026-Q3.csv"])
    assert list(df.columns[:4]) == ["Indikator", "Wert", "Einheit", "Stand"]
    for value in df["Wert"].dropna():
        assert value == WITHHELD_SIGN or float(value.replace(",", ".")) >= 0  # a number
    hidden = df[df["Wert"] == WITHHELD_SIGN]
    assert len(hidden) and (hidden["Datenschutz"] == WITHHELD_TEXT).all()
    assert df["Stand"].notna().all()
    children = read_csv(files[f"kinder_{HAFENGEBIET}_2026-Q3.csv"])
    assert WITHHELD_SIGN in children["Anzahl"].tolist()
    shown = [c for c in children["Anzahl"] if c != WITHHELD_SIGN]
    assert all(c.isdigit() for c in shown)  # counts without thousands separators


def test_small_area_shows_small_counts_as_suppressed(monkeypatch, demo_url) -> None:
    at = open_profile(monkeypatch, demo_url)
    at.selectbox(key="profile_area").set_value(HAFENGEBIET).run()
    assert at.header[0].value == "Hafengebiet"
    assert at.query_params["gebiet"] == HAFENGEBIET  # the pick goes into the URL
    population = table_with(at, "Alter")
    assert WITHHELD_SIGN in population["Anzahl"].tolist()
    values = table_with(at, "Indikator").set_index("Indikator")
    assert values.loc["SGB-II-Quote u15", "Wert"] == WITHHELD_SIGN


def test_an_older_quarter_ends_every_trend_there(monkeypatch, demo_url) -> None:
    at = open_profile(monkeypatch, demo_url, gebiet=ERFTTAL, quartal="2024-Q2")
    assert "2. Quartal 2024" in shown_text(at)
    chart = json.loads(at.get("plotly_chart")[-1].proto.spec)
    ends = {trace["x"][-1] for trace in chart["data"] if trace.get("x")}
    assert ends == {"Q2/2024"}
    stands = table_with(at, "Indikator")["Stand"]
    latest = max(pd.to_datetime(s, format="%d.%m.%Y") for s in stands if s)
    assert latest.date() <= parse_quarter("2024-Q2").end


def test_invalid_area_falls_back_with_a_note(monkeypatch, demo_url) -> None:
    at = open_profile(monkeypatch, demo_url, gebiet="05162024-99")
    assert "05162024-99" in shown_text(at) and at.warning
    assert at.header[0].value  # some area is shown


def test_every_demo_area_renders(monkeypatch, demo_url, demo_engine) -> None:
    with demo_engine.connect() as conn:
        ids = areas(conn).query("level == 'area'")["id"].tolist()
    at = open_profile(monkeypatch, demo_url)
    assert len(at.selectbox(key="profile_area").options) == len(ids) == 61
    for area_id in ids:
        at.selectbox(key="profile_area").set_value(area_id).run()
        assert not at.exception, (area_id, [e.value for e in at.exception])
        assert at.header[0].value


@pytest.mark.parametrize("kommune", ["05162028"])
def test_municipality_filter_limits_the_choice(monkeypatch, demo_url, kommune) -> None:
    at = open_profile(monkeypatch, demo_url, kommune=kommune)
    options = at.selectbox(key="profile_area").options
    assert len(options) == 3
    assert all("Rommerskirchen" in o for o in options)


def test_excel_kennzahlen_sheet_holds_numbers(demo_engine) -> None:
    """The Steckbrief workbook: the Kennzahlen sheet has numbers as numbers and the unit
    in its own column, the same rows as the page's table."""
    from openpyxl import load_workbook

    from core.reports.profile_pdf import profile_tables, profile_xlsx_bytes

    with demo_engine.connect() as conn:
        tables = profile_tables(conn, ERFTTAL, parse_quarter("2026-Q3"))
    book = load_workbook(io.BytesIO(profile_xlsx_bytes(tables)))
    assert book.sheetnames == ["Kennzahlen", "Kinder", "Präventionskette"]
    rows = list(book["Kennzahlen"].iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:4] == ["Indikator", "Wert", "Einheit", "Stand"] and head[-1] == "Datenschutz"
    sgb2 = next(r for r in rows[1:] if r[0] == "SGB-II-Quote u15")
    assert isinstance(sgb2[1], float) and sgb2[2] == "%"
    assert len(rows) - 1 == len(tables["indicators"].shown)
    chain = list(book["Präventionskette"].iter_rows(values_only=True))
    assert all(isinstance(r[1], int | float) or r[1] in (WITHHELD_SIGN, None) for r in chain[1:])

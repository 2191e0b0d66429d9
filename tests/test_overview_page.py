"""The start page and the shared filters as a user meets them (AppTest on the demo data)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.catalogue import IndicatorEntry, indicator
from core.indicators import indicator_values
from core.inventory import quarters_with_data
from core.key_figures import trends
from core.present.numbers import din_round
from core.present.overview_tables import Trend, trend_table
from core.present.stand import Stand
from core.present.vocabulary import WITHHELD_COLUMN, WITHHELD_SIGN
from core.quarters import parse_quarter
from tests.app_support import open_app, shown_text
from tests.untrusted_support import as_shown

DATE = r"\d{2}\.\d{2}\.\d{4}"


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def stands_shown(at: AppTest, prefix: str) -> list[Stand]:
    """Every caption that starts with ``prefix`` (``"Datenstand: "``, ``"Stand "``), read
    back as a Stand."""
    out = []
    for caption in at.caption:
        text = as_shown(caption.value)
        if text.startswith(prefix):
            dates = re.findall(DATE, text[len(prefix) :].split(" · ")[0])
            out.append(Stand.of(parse_date(d) for d in dates))
    return out


def parse_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def chart_quarters(at: AppTest) -> set[str]:
    """The x values (quarter labels) of every trace of the page's plotly charts."""
    labels: set[str] = set()
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            labels |= set(trace.get("x", []))
    return labels


def trend_frame(at: AppTest):
    return next(d.value for d in at.dataframe if "Quartal" in d.value.columns)


def test_defaults_newest_quarter_and_whole_district(monkeypatch, demo_url, demo_engine) -> None:
    at = open_app(monkeypatch, demo_url)
    assert at.selectbox(key="f_quarter").value.key == "2026-Q3"
    assert at.selectbox(key="f_kommune").value == ""
    assert "Rhein-Kreis Neuss · 3. Quartal 2026" in [as_shown(s.value) for s in at.subheader]
    with demo_engine.connect() as conn:
        kreis = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "district"
        )
    assert metric(at, "SGB-II-Quote u15").value == kreis["display"].iloc[0]
    assert at.query_params["quartal"] == "2026-Q3"
    # the only warnings: the demo's Koordinationsstellen whose funding ends soon
    assert all("Förderung der Koordinationsstelle" in as_shown(w.value) for w in at.warning)


def test_url_parameters_are_honoured(monkeypatch, demo_url, demo_engine) -> None:
    at = open_app(monkeypatch, demo_url, params={"quartal": "2025-Q2", "kommune": "05162024"})
    assert at.selectbox(key="f_quarter").value.key == "2025-Q2"
    assert at.selectbox(key="f_kommune").value == "05162024"
    assert "Neuss · 2. Quartal 2025" in [as_shown(s.value) for s in at.subheader]
    with demo_engine.connect() as conn:
        neuss = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2025-Q2"), "municipality", "05162024"
        )
    assert metric(at, "SGB-II-Quote u15").value == neuss["display"].iloc[0]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"quartal": "2031-Q9"}, "das Quartal „2031-Q9“"),
        ({"quartal": "2019-Q1"}, "das Quartal „2019-Q1“"),
        ({"kommune": "99999999"}, "die Kommune „99999999“"),
        ({"indikator": "gibtsnicht"}, "den Indikator „gibtsnicht“"),
    ],
)
def test_invalid_url_parameters_fall_back_with_a_note(monkeypatch, demo_url, params, fragment):
    at = open_app(monkeypatch, demo_url, params=params)
    notes = [as_shown(w.value) for w in at.warning]
    assert any(fragment in note for note in notes), notes
    assert at.selectbox(key="f_quarter").value.key == "2026-Q3"
    assert at.selectbox(key="f_kommune").value == ""


def test_metrics_change_with_the_quarter(monkeypatch, demo_url) -> None:
    at = open_app(monkeypatch, demo_url)
    before = {m.label: m.value for m in at.metric}
    at.selectbox(key="f_quarter").set_value(parse_quarter("2024-Q2")).run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}
    assert before["SGB-II-Quote u15"] != after["SGB-II-Quote u15"]
    assert at.query_params["quartal"] != "2026-Q3"


def test_look_first_lists_high_need_areas_with_profile_links(monkeypatch, demo_url) -> None:
    at = open_app(monkeypatch, demo_url, params={"kommune": "05162024"})
    text = shown_text(at)
    assert "Wo zuerst hinschauen?" in text
    assert "**Weckhoven** (Neuss)" in "\n".join(m.value for m in at.markdown)
    links = list(at.get("page_link"))
    assert 1 <= len(links) <= 5
    for link in links:
        params = dict(p.split("=", 1) for p in link.proto.query_string.split("&"))
        assert params["quartal"] == "2026-Q3"
        assert params["kommune"] == "05162024"  # the link keeps the selection
        assert params["gebiet"].startswith("05162024")


def test_header_stand_is_the_union_of_the_figures_shown(monkeypatch, demo_url) -> None:
    """Defect: the header said 30.06.2026 while key figures said 30.09.2026. The header
    covers the values as of the Berichtsquartal; the trend table (a time series) shows
    the range of its own rows and ends with the header's newest date."""
    at = open_app(monkeypatch, demo_url)
    header, *tables = stands_shown(at, "Datenstand: ")
    figures = stands_shown(at, "Stand ")
    assert len(figures) >= 7  # every key figure shows its own Stand
    assert header.first <= min(s.first for s in figures)
    assert header.last == max(s.last for s in figures)
    assert header.last == parse_quarter("2026-Q3").end  # not newer than the quarter
    assert tables and all(t.last <= header.last for t in tables)
    assert "Neuester Datenstand" not in shown_text(at)


def test_an_earlier_quarter_shows_nothing_later(monkeypatch, demo_url, demo_engine) -> None:
    """Defect: with 2025-Q1 chosen the trend charts ran to 2026-Q3."""
    with demo_engine.connect() as conn:
        quarters = quarters_with_data(conn)
    chosen = parse_quarter("2025-Q1")
    allowed = {q.short_label for q in quarters if q <= chosen}
    later = {q.short_label for q in quarters if q > chosen}
    at = open_app(monkeypatch, demo_url, params={"quartal": chosen.key})
    assert chart_quarters(at) and chart_quarters(at) <= allowed
    table = trend_frame(at)
    assert set(table["Quartal"]) <= allowed and not set(table["Quartal"]) & later
    assert "Q1/2025" in set(table["Quartal"])
    stands = stands_shown(at, "Datenstand: ") + stands_shown(at, "Stand ")
    assert stands and all(s.last <= chosen.end for s in stands)
    assert metric(at, "Jüngster Stichtag in der Datenbank").value == "30.09.2026"


def test_trend_table_shows_german_numbers_with_the_indicators_decimals(
    monkeypatch, demo_url
) -> None:
    """Defect: 14.0931 was shown (a German reads 140.931) and the CSV had 15 decimals."""
    at = open_app(monkeypatch, demo_url)
    table = trend_frame(at)
    number = re.compile(r"-?\d{1,3}(\.\d{3})*(,\d)?")
    for col in ("Auswahl", "Rhein-Kreis Neuss"):
        cells = [c for c in table[col] if c not in (WITHHELD_SIGN, "–")]
        assert cells and all(number.fullmatch(c) for c in cells), cells[:5]
    # a row has the Stand of the selection's value; none where only the Kreis has one
    stands = zip(table["Stand"], table["Auswahl"], strict=True)
    assert all(re.fullmatch(DATE, s) or (s == v == "–") for s, v in stands)


def test_trend_export_has_the_same_rows_as_numbers(demo_engine) -> None:
    with demo_engine.connect() as conn:
        history = tuple(q for q in quarters_with_data(conn) if q <= parse_quarter("2026-Q3"))
        data = trends(conn, history, "05162024")
    table = trend_table(data)
    assert len(table.shown) == len(table.export) > 0
    assert list(table.export.columns) == [*table.shown.columns, WITHHELD_COLUMN]
    decimals = {t.entry.short_name: t.entry.decimals for t in data}
    for row in table.export.itertuples(index=False):
        value = row[3]
        if value not in (WITHHELD_SIGN, None) and value == value:
            assert din_round(value, decimals[row[0]]) == value  # rounded once, DIN 1333
    assert table.shown["Quartal"].tolist() == table.export["Quartal"].tolist()


def test_trend_table_withholds_with_the_one_sign() -> None:
    entry = IndicatorEntry(
        id="x", name="X", short_name="X-Quote", kind="rate", unit="%", scale=100.0,
        definition="", numerator_label="", denominator_label=None, source="",
        reference_note="", periodicity="quarterly", polarity="higher_worse", decimals=1, topic="",
    )  # fmt: skip
    series = pd.DataFrame(
        {
            "quarter": ["2025-Q1", "2025-Q2"],
            "label": ["Q1/2025", "Q2/2025"],
            "stand": [dt.date(2025, 3, 31), dt.date(2025, 6, 30)],
            "value": [14.093099999999999, None],
            "suppressed": [False, True],
            "suppression": [None, "withheld"],
            "district_value": [40.25, 1234.56],
        }
    )
    table = trend_table([Trend(entry, series)])
    assert table.shown["Auswahl"].tolist() == ["14,1", WITHHELD_SIGN]
    assert table.shown["Rhein-Kreis Neuss"].tolist() == ["40,3", "1.234,6"]
    assert table.export["Auswahl"].tolist() == [14.1, WITHHELD_SIGN]
    assert table.export["Rhein-Kreis Neuss"].tolist() == [40.3, 1234.6]
    assert table.export[WITHHELD_COLUMN].tolist()[0] == ""
    assert table.export[WITHHELD_COLUMN].tolist()[1]
    assert table.withheld
    assert table.stand.text == "31.03.2025 bis 30.06.2025"
    assert table.file_name == "entwicklung.csv"


def test_empty_trends_give_an_empty_table() -> None:
    table = trend_table([])
    assert table.shown.empty and table.stand.empty and not table.withheld

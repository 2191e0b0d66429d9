"""The Sozialraum profile (Steckbrief): opened by link, by select box, for every area."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.areas import areas
from core.catalogue import indicator
from core.indicators import indicator_values
from core.present.vocabulary import WITHHELD_SIGN
from core.quarters import parse_quarter
from tests.untrusted_support import as_shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PROFILE = "pages/area_profile.py"


def open_profile(monkeypatch, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PROFILE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_link_opens_the_area_with_its_figures(monkeypatch, demo_url, demo_engine) -> None:
    at = open_profile(monkeypatch, demo_url, gebiet="05162024-10")
    # the profile reads its own parameter after the switch
    at.query_params["gebiet"] = "05162024-10"
    at.run()
    assert at.header[0].value == "Erfttal"
    indicators = table_with(at, "Indikator").set_index("Indikator")
    with demo_engine.connect() as conn:
        erfttal = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area", "05162024"
        )
    expected = erfttal.set_index("area_id").loc["05162024-10", "display"]
    assert indicators.loc["SGB-II-Quote u15", "Wert"] == expected
    assert indicators.loc["SGB-II-Quote u15", "Stand"] == "30.06.2026"
    assert "Neuss" in indicators.columns and "Rhein-Kreis Neuss" in indicators.columns
    chain = table_with(at, "Versorgung")
    assert len(chain) == 6
    assert any("Demodaten" in m.value for m in at.markdown) or at.get("badge")


def test_small_area_shows_small_counts_as_suppressed(monkeypatch, demo_url) -> None:
    at = open_profile(monkeypatch, demo_url)
    at.selectbox(key="profile_area").set_value("05162024-03").run()
    assert at.header[0].value == "Hafengebiet"
    population = table_with(at, "Alter")
    assert WITHHELD_SIGN in population["Anzahl"].tolist()
    values = table_with(at, "Indikator").set_index("Indikator")
    assert values.loc["SGB-II-Quote u15", "Wert"] == WITHHELD_SIGN


def test_invalid_area_falls_back_with_a_note(monkeypatch, demo_url) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_url)
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PROFILE)
    at.query_params["gebiet"] = "05162024-99"
    at.run()
    assert not at.exception
    assert any("05162024-99" in as_shown(w.value) for w in at.warning)
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


def test_municipality_filter_limits_the_choice(monkeypatch, demo_url) -> None:
    at = open_profile(monkeypatch, demo_url, kommune="05162028")
    options = at.selectbox(key="profile_area").options
    assert len(options) == 3
    assert all("Rommerskirchen" in o for o in options)

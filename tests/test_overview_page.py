"""The start page and the shared filters as a user meets them (AppTest on the demo data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.catalogue import indicator
from core.indicators import indicator_values
from core.quarters import parse_quarter
from tests.untrusted_support import as_shown

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run(monkeypatch, url: str, **params: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def test_defaults_newest_quarter_and_whole_district(monkeypatch, demo_url, demo_engine) -> None:
    at = run(monkeypatch, demo_url)
    assert at.selectbox(key="f_quarter").value.key == "2026-Q3"
    assert at.selectbox(key="f_kommune").value == ""
    assert "Rhein-Kreis Neuss · 3. Quartal 2026" in [as_shown(s.value) for s in at.subheader]
    with demo_engine.connect() as conn:
        kreis = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "district"
        )
    assert metric(at, "SGB-II-Quote u15").value == kreis["display"].iloc[0]
    assert at.query_params["quartal"] == "2026-Q3"
    assert not at.warning


def test_url_parameters_are_honoured(monkeypatch, demo_url, demo_engine) -> None:
    at = run(monkeypatch, demo_url, quartal="2025-Q2", kommune="05162024")
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
    at = run(monkeypatch, demo_url, **params)
    notes = [as_shown(w.value) for w in at.warning]
    assert any(fragment in note for note in notes), notes
    assert at.selectbox(key="f_quarter").value.key == "2026-Q3"
    assert at.selectbox(key="f_kommune").value == ""


def test_metrics_change_with_the_quarter(monkeypatch, demo_url) -> None:
    at = run(monkeypatch, demo_url)
    before = {m.label: m.value for m in at.metric}
    box = at.selectbox(key="f_quarter")
    box.set_value(parse_quarter("2024-Q2")).run()
    assert not at.exception
    after = {m.label: m.value for m in at.metric}
    assert before["SGB-II-Quote u15"] != after["SGB-II-Quote u15"]
    assert at.query_params["quartal"] != "2026-Q3"


def test_look_first_lists_high_need_areas_with_profile_links(monkeypatch, demo_url) -> None:
    at = run(monkeypatch, demo_url)
    text = "\n".join(m.value for m in at.markdown)
    assert "Wo zuerst hinschauen?" in text
    assert "**Weckhoven** (Neuss)" in text or "**Erfttal** (Neuss)" in text
    links = [e for e in at.get("page_link")]
    assert len(links) == 5

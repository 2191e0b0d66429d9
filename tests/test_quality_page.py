"""The page „Qualitätsbausteine“ as a user sees it (AppTest): the quarter and the history
on the demo data, and the report form of the Jugendamt Neuss for its editor on a
writable copy: validation messages, a successful save, a conflict without lost input."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import tests.app_support
from core.db import make_engine
from core.permissions import operator
from core.quality_entry import ItemEntry, ReportEntry, prefill, save_report
from tests.app_support import open_app, shown_text
from tests.auth_support import log_in, use_local_login, users_file
from tests.untrusted_support import as_shown

QUARTER = "2026-Q3"


@pytest.fixture(autouse=True)
def _page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tests.app_support.PAGES, "qualitaet", "pages/quality.py")


def _open(monkeypatch: pytest.MonkeyPatch, url: str, who: str | None = None) -> AppTest:
    # beside a SQLite file; for PostgreSQL in a temporary folder of its own
    folder = (
        Path(url.removeprefix("sqlite:///")).parent
        if url.startswith("sqlite:///")
        else Path(tempfile.gettempdir()) / "praev_formular_benutzer"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users.yaml"
    if not path.exists():
        users_file(folder)
    use_local_login(monkeypatch, path, public=True)
    at = open_app(monkeypatch, url, page="qualitaet")
    if who:
        log_in(at, who, where="sidebar")
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open_item(url: str) -> str:
    """The first item of Neuss that is not erreicht in the demo's last quarter."""
    with make_engine(url).connect() as conn:
        pf = prefill(conn, "neuss", QUARTER)
    return next(i for i, v in pf.items.items() if v["state"] != "done")


def _submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Bericht speichern").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_quarter_shows_states_changes_and_evidence(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    text = shown_text(at)
    assert "Stand je Punkt und Jugendamt" in text and "Veränderungen seit dem Vorquartal" in text
    matrix = next(d.value for d in at.dataframe if list(d.value.columns)[:1] == ["Punkt"])
    assert "Neuss" in matrix.columns and len(matrix) == 13
    assert set(matrix["Neuss"].str.split(" ").str[:2].str.join(" ")) <= {
        "● erreicht",
        "◐ begonnen",
        "○ offen",
    }
    evidence = next(d.value for d in at.dataframe if "Nachweis" in d.value.columns)
    assert evidence["Nachweis"].str.contains("Beschluss").any()
    assert "Demodaten" in " ".join(evidence["Quelle"])
    assert "Erreichte und begonnene Punkte über die Quartale" in text
    # anonymous visitors read, but get no form
    assert "Bitte melden Sie sich dafür an" in text


def test_editor_of_neuss_saves_a_report_after_fixing_the_problems(monkeypatch, form_url) -> None:
    item = _open_item(form_url)
    at = _open(monkeypatch, form_url, "nina")
    assert at.selectbox(key="qf_office_").value == "neuss"
    assert "Vorbelegt mit dem gespeicherten Bericht (Fassung 1" in shown_text(at)
    at.radio(key=f"qf_{item}_state").set_value("done")
    at.date_input(key=f"qf_{item}_state_date").set_value(None)
    at.text_input(key=f"qf_{item}_evidence_title").input("")
    at.text_input(key=f"qf_{item}_evidence_ref").input("javascript:alert(1)")
    _submit(at)
    errors = shown_text(at)
    assert f"Punkt {item} · Datum" in errors and "fehlt das Datum" in errors
    assert f"Punkt {item} · Nachweis-Link" in errors and "javascript" in errors
    # the input is still there
    assert at.radio(key=f"qf_{item}_state").value == "done"
    at.date_input(key=f"qf_{item}_state_date").set_value(dt.date(2026, 9, 15))
    at.text_input(key=f"qf_{item}_evidence_title").input("Gesamtkonzept, Beschluss JHA")
    at.text_input(key=f"qf_{item}_evidence_ref").input("Ablage JA 51/2026/077")
    _submit(at)
    success = "\n".join(as_shown(str(s.value)) for s in at.success)
    assert "Gespeichert: Bericht Neuss, 3. Quartal 2026 (Fassung 2, nina)" in success
    matrix = next(d.value for d in at.dataframe if list(d.value.columns)[:1] == ["Punkt"])
    row = matrix[matrix["Punkt"].str.startswith(item + " ")].iloc[0]
    assert row["Neuss"].startswith("● erreicht")


def test_a_conflict_shows_both_versions_and_keeps_mine(monkeypatch, form_url) -> None:
    item = _open_item(form_url)
    at = _open(monkeypatch, form_url, "nina")
    at.text_input(key=f"qf_{item}_note").input("meine Notiz")
    engine = make_engine(form_url)
    with engine.connect() as conn:
        theirs = prefill(conn, "neuss", QUARTER)
    entries = tuple(
        ItemEntry(i, **{**v, "note": "Notiz der Kollegin" if i == item else v["note"]})
        for i, v in theirs.items.items()
    )
    save_report(engine, operator("kollegin"), ReportEntry("neuss", QUARTER, entries), 1)
    _submit(at)
    text = shown_text(at)
    assert "kollegin" in text and "Ihre Eingabe ist nicht verloren" in text
    assert at.text_input(key=f"qf_{item}_note").value == "meine Notiz"
    next(b for b in at.button if b.label == "Meine Fassung speichern").click().run()
    assert "(Fassung 3, nina)" in "\n".join(as_shown(str(s.value)) for s in at.success)
    with engine.connect() as conn:
        assert prefill(conn, "neuss", QUARTER).items[item]["note"] == "meine Notiz"


def test_a_viewer_gets_no_form(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, "vera")
    assert "Sie dürfen für kein Jugendamt berichten" in shown_text(at)
    assert not [b for b in at.button if b.label == "Bericht speichern"]

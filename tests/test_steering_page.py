"""The steering records on the Qualitätsbausteine page as a user sees them (AppTest):
the tab „Steuerung“ on the demo data, the form „Steuerung pflegen“ on a writable copy
(new Beschluss, validation that keeps the input, conflict with both versions, Beenden,
refusal for viewers) and the funding warning on the Übersicht."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from core.permissions import operator
from core.steering import SteeringEntry, record, save_record, steering_records
from tests.app_support import open_app, shown_text
from tests.auth_support import log_in, use_local_login, users_file
from tests.untrusted_support import as_shown

PAGE = "pages/quality.py"


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
    at = open_app(monkeypatch, url)
    if who:
        log_in(at, who, where="sidebar")
        _ok(at)
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _frame(at: AppTest, *columns: str):
    return next(
        d.value for d in at.dataframe if list(d.value.columns)[: len(columns)] == list(columns)
    )


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _errors(at: AppTest) -> str:
    return "\n".join(as_shown(e.value) for e in at.error)


def _new_decision(at: AppTest, title: str, drucksache: str) -> None:
    at.selectbox(key="sf_record").set_value("new:beschluss").run()
    _ok(at)
    at.text_input(key="sf_title").input(title)
    at.date_input(key="sf_dated").set_value(dt.date(2026, 9, 15))
    at.text_input(key="sf_committee").input("Jugendhilfeausschuss")
    at.text_input(key="sf_drucksache").input(drucksache)
    _button(at, "Speichern").click().run()
    _ok(at)


def test_the_tab_shows_the_demo_records_with_warning(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    text = shown_text(at)
    assert "Leitbild/Handlungskonzept" in text and "Koordinationsstelle" in text
    warnings = [as_shown(w.value) for w in at.warning]
    assert any("Jugendamt Neuss" in w and "endet am 31.12.2026" in w for w in warnings), warnings
    posts = _frame(at, "Jugendamt", "Titel", "Stellenumfang (VZÄ)")
    assert set(posts["Jugendamt"]) == {
        "Neuss",
        "Dormagen",
        "Grevenbroich",
        "Kaarst",
        "Meerbusch",
        "Kreisjugendamt",
    }
    leitbild = _frame(at, "Jugendamt", "Titel", "Beschlossen am")
    assert "Kaarst" not in set(leitbild["Jugendamt"])  # no Leitbild yet in the demo
    # anonymous visitors of a public deployment read, but get no form
    assert "Bitte melden Sie sich dafür an" in text


def test_a_kommune_narrows_the_tab_to_its_youth_office(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    at.selectbox(key="f_kommune").set_value("05162024").run()
    _ok(at)
    decisions = _frame(at, "Jugendamt", "Beschlossen am", "Gremium")
    assert set(decisions["Jugendamt"]) == {"Neuss"}
    assert all("Grevenbroich" not in as_shown(w.value) for w in at.warning)


def test_viewer_gets_no_form(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, "vera")
    assert "erlaubt das Lesen, aber keine Änderung" in shown_text(at)
    assert not [b for b in at.button if b.label == "Speichern"]


def test_editor_adds_a_decision_seen_in_the_tab(monkeypatch, form_url) -> None:
    at = _open(monkeypatch, form_url, "nina")
    assert at.selectbox(key="sf_office").options == ["Jugendamt der Stadt Neuss"]
    _new_decision(at, "Fortschreibung Handlungskonzept", "JHA/0999/2026")
    assert not at.error, _errors(at)
    assert any("Gespeichert: Beschluss" in as_shown(s.value) for s in at.success)
    decisions = _frame(at, "Jugendamt", "Beschlossen am", "Gremium")
    row = decisions[decisions["Drucksache"] == "JHA/0999/2026"]
    assert row["Beschlossen am"].tolist() == ["15.09.2026"]
    assert row["Jugendamt"].tolist() == ["Neuss"]
    # the form now holds the saved record, ready for the next change
    assert at.selectbox(key="sf_record").value.startswith("id:")
    with make_engine(form_url).connect() as conn:
        saved = steering_records(conn, "neuss", "beschluss")
    assert saved[saved["drucksache"] == "JHA/0999/2026"]["updated_by"].tolist() == ["nina"]


def test_invalid_input_is_listed_and_kept(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, "nina")
    _new_decision(at, "", "JHA/1/2026")
    errors = _errors(at)
    assert "Titel" in errors and "„Titel“ fehlt" in errors
    assert at.text_input(key="sf_drucksache").value == "JHA/1/2026"
    assert at.text_input(key="sf_committee").value == "Jugendhilfeausschuss"


def test_conflict_shows_both_versions_and_keeps_mine(monkeypatch, form_url) -> None:
    at = _open(monkeypatch, form_url, "nina")
    engine = make_engine(form_url)
    with engine.connect() as conn:
        rec_id = int(steering_records(conn, "neuss", "leitbild")["id"].iloc[0])
    at.selectbox(key="sf_record").set_value(f"id:{rec_id}").run()
    _ok(at)
    # someone else saves the same record meanwhile
    with engine.connect() as conn:
        theirs = record(conn, rec_id)
    entry = SteeringEntry(
        youth_office_id="neuss",
        kind="leitbild",
        title="Von der Administration geändert",
        dated=theirs["dated"],
        committee=theirs["committee"],
        drucksache=theirs["drucksache"],
    )
    save_record(engine, operator("anton"), entry, rec_id, theirs["version"])
    at.text_input(key="sf_drucksache").input("JHA/MEINE/2021")
    _button(at, "Speichern").click().run()
    _ok(at)
    assert any("inzwischen von anton gespeichert" in as_shown(w.value) for w in at.warning)
    both = _frame(at, "Angabe", "Ihre Eingabe")
    drucksache = both[both["Angabe"] == "Drucksache"]
    assert drucksache["Ihre Eingabe"].tolist() == ["JHA/MEINE/2021"]
    assert drucksache["unterschiedlich"].tolist() == ["≠"]
    assert at.text_input(key="sf_drucksache").value == "JHA/MEINE/2021"  # nothing lost
    _button(at, "Mit meiner Eingabe überschreiben").click().run()
    _ok(at)
    with engine.connect() as conn:
        now = record(conn, rec_id)
    assert now["drucksache"] == "JHA/MEINE/2021" and now["version"] == theirs["version"] + 2
    assert now["updated_by"] == "nina"


def test_take_theirs_fills_the_form(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, "nina")
    engine = make_engine(writable_url)
    with engine.connect() as conn:
        rec_id = int(steering_records(conn, "neuss", "beschluss")["id"].iloc[0])
    at.selectbox(key="sf_record").set_value(f"id:{rec_id}").run()
    with engine.connect() as conn:
        theirs = record(conn, rec_id)
    entry = SteeringEntry(
        youth_office_id="neuss",
        kind="beschluss",
        title="Titel der anderen",
        dated=theirs["dated"],
        committee=theirs["committee"],
    )
    save_record(engine, operator("anton"), entry, rec_id, theirs["version"])
    at.text_input(key="sf_title").input("Mein Titel")
    _button(at, "Speichern").click().run()
    _button(at, "Gespeicherte Fassung übernehmen").click().run()
    _ok(at)
    assert at.text_input(key="sf_title").value == "Titel der anderen"
    _button(at, "Speichern").click().run()  # saving now is no conflict
    _ok(at)
    assert not [w for w in at.warning if "inzwischen" in as_shown(w.value)]


def test_close_a_post(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, "nina")
    engine = make_engine(writable_url)
    with engine.connect() as conn:
        rec_id = int(steering_records(conn, "neuss", "koordinationsstelle")["id"].iloc[0])
    at.selectbox(key="sf_record").set_value(f"id:{rec_id}").run()
    assert at.number_input(key="sf_fte").value == 0.5
    at.date_input(key=f"sf_close_{rec_id}").set_value(dt.date(2026, 11, 30))
    _button(at, "Beenden").click().run()
    _ok(at)
    assert any("Beendet: Koordinationsstelle" in as_shown(s.value) for s in at.success)
    with engine.connect() as conn:
        assert record(conn, rec_id)["ended_on"] == dt.date(2026, 11, 30)
    # a closed post no longer warns
    assert all("Jugendamt Neuss" not in as_shown(w.value) for w in at.warning)


def test_overview_shows_the_funding_warning(monkeypatch, demo_url) -> None:
    at = open_app(monkeypatch, demo_url)
    funding = [as_shown(w.value) for w in at.warning if "Förderung" in w.value]
    assert len(funding) == 1  # one box, the endings as a list, the soonest first
    lines = funding[0].splitlines()
    assert lines[0] == (
        "- Die Förderung der Koordinationsstelle „Koordination Präventionskette Neuss“ "
        "(Jugendamt Neuss) endet am 31.12.2026 – im nächsten Quartal."
    )
    assert "in drei Quartalen" in lines[1]

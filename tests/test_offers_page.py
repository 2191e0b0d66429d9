"""The Angebote page as a user sees it (AppTest, on a writable copy of the demo): the
list with its filters and CSV, and the form: correct an offer, German validation
messages, duplicates shown before saving, a conflict with both versions, closing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from core.offer_entry import entry_of, offer_record, save_offer
from core.permissions import operator
from tests.app_support import open_app, shown_text
from tests.auth_support import log_in, use_local_login, users_file
from tests.untrusted_support import as_shown

PAGE = "pages/offers.py"


def _open(monkeypatch: pytest.MonkeyPatch, url: str, who: str | None) -> AppTest:
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
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _said(at: AppTest) -> str:
    """What the page says, success messages included."""
    return shown_text(at) + "\n" + "\n".join(as_shown(str(m.value)) for m in at.success)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _pick(at: AppTest, index: int = 1) -> int:
    """Choose the offer at ``index`` of the list (0 is "Neues Angebot"); its number."""
    label = at.selectbox(key="of_pick").options[index]
    offer_id = int(label.rsplit("Nr. ", 1)[1].rstrip(")"))
    at.session_state["of_pick"] = offer_id
    at.run()
    return offer_id


def test_editor_corrects_an_offer_and_sees_it_in_the_list(monkeypatch, form_url):
    at = _open(monkeypatch, form_url, "nina")
    assert at.selectbox(key="of_office").value == "neuss"
    offer_id = _pick(at)
    at.text_input(key="of_name").input("Korrigierter Name").run()
    at.text_input(key="of_target_group").input("Alleinerziehende").run()
    _button(at, "Angebot speichern").click().run()
    assert not at.exception
    text = _said(at)
    assert "Gespeichert: Korrigierter Name" in text and "nina" in text
    table = next(d.value for d in at.dataframe if "Angebot" in getattr(d.value, "columns", []))
    row = table[table["Nr."] == offer_id].iloc[0]
    assert row["Angebot"] == "Korrigierter Name" and row["Zielgruppe"] == "Alleinerziehende"


def test_validation_messages_name_the_field(monkeypatch, writable_url):
    at = _open(monkeypatch, writable_url, "nina")
    at.text_input(key="of_name").input("Neues Elterncafé").run()
    _button(at, "Angebot speichern").click().run()
    text = _said(at)
    assert "Nicht gespeichert" in text
    for field in ("Träger", "Angebotsart", "Sozialraum", "Lebensphasen"):
        assert field in text


def test_duplicates_shown_before_saving_a_new_offer(monkeypatch, writable_url):
    engine = make_engine(writable_url)
    with engine.connect() as conn:
        pick = conn.exec_driver_sql(
            "SELECT o.id FROM offer o JOIN area a ON a.id = o.area_id "
            "WHERE a.youth_office_id = 'neuss' ORDER BY o.id LIMIT 1"
        ).scalar_one()
        record = offer_record(conn, pick)
    at = _open(monkeypatch, writable_url, "nina")
    at.text_input(key="of_provider").input(record["provider"].upper()).run()
    at.selectbox(key="of_offer_type").set_value(record["offer_type_id"]).run()
    at.selectbox(key="of_area_id").set_value(record["area_id"]).run()
    assert "Mögliche Doppelung" in _said(at)
    assert _button(at, "Angebot speichern").disabled
    at.checkbox(key="of_confirm").check().run()
    assert not _button(at, "Angebot speichern").disabled


def test_conflict_shows_both_versions_and_keeps_mine(monkeypatch, form_url):
    at = _open(monkeypatch, form_url, "nina")
    offer_id = _pick(at)
    at.text_input(key="of_name").input("Meine Fassung").run()
    engine = make_engine(form_url)
    with engine.connect() as conn:
        record = offer_record(conn, offer_id)
    theirs = dataclasses.replace(entry_of(record), name="Ihre Fassung")
    save_offer(engine, operator("kollegin"), theirs, offer_id, record["version"])
    _button(at, "Angebot speichern").click().run()
    text = _said(at)
    assert "kollegin" in text and "nicht verloren" in text
    assert at.text_input(key="of_name").value == "Meine Fassung"  # no input lost
    _button(at, "Meine Fassung speichern").click().run()
    assert "Gespeichert: Meine Fassung" in _said(at)


def test_close_an_offer(monkeypatch, writable_url):
    at = _open(monkeypatch, writable_url, "nina")
    _pick(at)
    at.date_input(key="of_close_day").set_value(dt.date(2026, 6, 30)).run()
    _button(at, "Angebot beenden").click().run()
    assert "Beendet:" in _said(at) and "30.06.2026" in _said(at)


def test_viewer_sees_the_list_but_no_form(monkeypatch, writable_url):
    at = _open(monkeypatch, writable_url, "vera")
    assert "dürfen die Koordinationen" in _said(at)
    assert not [b for b in at.button if b.label == "Angebot speichern"]
    assert any("Lebensphasen (Plätze)" in getattr(d.value, "columns", []) for d in at.dataframe)

"""The Ausschuss-Sitzung page speaks to the visitor's role: only who may freeze a session
(core.permissions) is sent to „Sitzung vorbereiten“; an anonymous visitor or a reader
learns who freezes sessions and that „Aktuelle Daten“ shows the slides meanwhile."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.users import User
from tests.app_support import open_app
from tests.auth_support import log_in, use_local_login, users_file
from tests.untrusted_support import as_shown
from ui.snapshot_panel import SOURCE_FROZEN, no_snapshots_text

PREPARE = "Sitzung vorbereiten"


@pytest.mark.parametrize(
    ("user", "sent_to_prepare", "says"),
    [
        (None, False, "nach der Anmeldung"),
        (User("vera", "viewer"), False, "Einfrieren dürfen die Netzwerk-Koordination"),
        (User("nina", "editor", ("neuss",)), True, "„Sitzung vorbereiten“ öffnen"),
        (User("anton", "admin"), True, "„Sitzung vorbereiten“ öffnen"),
    ],
)
def test_the_note_without_a_frozen_session_fits_the_role(
    user: User | None, sent_to_prepare: bool, says: str
) -> None:
    text = no_snapshots_text(user)
    assert text.startswith("Es gibt noch keine eingefrorene Sitzung.")
    assert says in text
    assert (PREPARE in text) is sent_to_prepare
    if not sent_to_prepare:
        assert "Aktuelle Daten" in text  # what they can do instead


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info]
    return "\n".join(as_shown(p) for p in parts)


def test_an_anonymous_visitor_is_not_sent_to_a_section_they_lack(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, tmp_path: Path
) -> None:
    use_local_login(monkeypatch, users_file(tmp_path), public=True)
    at = open_app(monkeypatch, demo_url, "sitzung", params={"quartal": "2026-Q3"}, timeout=120)
    at.radio(key="session_source").set_value(SOURCE_FROZEN).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _texts(at)
    assert "Es gibt noch keine eingefrorene Sitzung." in shown
    assert PREPARE not in shown  # neither in the note nor in the page's introduction
    assert not [e for e in at.expander if PREPARE in e.label]

    log_in(at, "nina", where="sidebar")  # the Netzwerk-Koordination may freeze
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="session_source").set_value(SOURCE_FROZEN).run()
    assert "„Sitzung vorbereiten“ öffnen" in _texts(at)
    assert [e for e in at.expander if PREPARE in e.label]

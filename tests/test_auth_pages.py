"""Login and roles as users meet them (AppTest): who sees which page, who may save what,
and that every write leaves an audit entry with the signed-in user's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from core.audit import audit_entries
from core.db import make_engine
from core.models import AuditLog, NetworkStatus
from tests.app_support import open_app
from tests.auth_support import PASSWORD, log_in, use_local_login, users_file

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA_PAGE = "pages/data_admin.py"
NETWORKS = "pages/networks.py"
SESSION = "pages/session.py"
NEUSS = "Netzwerk Frühe Hilfen Neuss"
DORMAGEN = "Netzwerk Frühe Hilfen Dormagen"


def _app(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path, public: bool = False):  # type: ignore[no-untyped-def]
    path = tmp_path / "users.yaml"
    if not path.exists():
        users_file(tmp_path)
    use_local_login(monkeypatch, path, public=public)
    return open_app(monkeypatch, url, timeout=60)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _pages(at: AppTest) -> set[str]:
    """The url paths the app answers (every page, for every visitor: a link never ends
    on the framework's "Page not found")."""
    return {str(i.get("url_pathname")) for i in at._registered_pages.values()}


ALL_PATHS = {"", "uebersicht", "karte", "praeventionskette", "netzwerke", "steckbrief"} | {
    "qualitaet",
    "angebote",
    "sitzung",
    "daten",
}


def _open(at: AppTest, path: str) -> AppTest:
    """What typing …/path into the address bar runs."""
    at._page_hash = calc_hash(path)
    return at.run()


def _texts(elements) -> str:  # type: ignore[no-untyped-def]
    """The texts as shown: Markdown escapes of names and messages removed."""
    return "\n".join(re.sub(r"\\(.)", r"\1", str(e.value)) for e in elements)


def _cannot_reach_data_page(at: AppTest, shown: str) -> None:
    """…/daten answers with the German note ``shown`` in place of the page."""
    _open(at, "daten")
    _ok(at)
    assert [t.value for t in at.title] == [shown]
    assert not at.get("file_uploader")
    assert "Page not found" not in _texts([*at.error, *at.markdown])


def test_anonymous_visitor_gets_only_the_login(monkeypatch, demo_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    at = _app(monkeypatch, demo_url, tmp_path)
    assert [t.value for t in at.title] == ["Anmelden"]
    assert _pages(at) == ALL_PATHS  # every link is answered …
    for path in ALL_PATHS:
        _open(at, path)
        _ok(at)
        assert [t.value for t in at.title] == ["Anmelden"]  # … with the login, and nothing else
        assert not at.dataframe and not at.metric and not at.sidebar.selectbox


def test_a_deep_link_opens_its_page_after_the_login(monkeypatch, writable_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    at = _app(monkeypatch, writable_url, tmp_path)
    _open(at, "netzwerke")
    assert "Nach der Anmeldung öffnet sich „Netzwerke“." in _texts(at.caption)
    log_in(at, "vera")
    _ok(at)
    assert [t.value for t in at.title] == ["Netzwerke"]


def test_public_mode_lets_anonymous_visitors_read_but_not_manage_data(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path
) -> None:
    at = _app(monkeypatch, writable_url, tmp_path, public=True)
    assert _pages(at) == ALL_PATHS
    assert "Anmelden (Koordination, Administration)" in [e.label for e in at.expander]
    _cannot_reach_data_page(at, "Anmeldung nötig")
    log_in(at, "anton")  # the login form in place of the page opens the page
    _ok(at)
    assert [t.value for t in at.title] == ["Daten verwalten"]


@pytest.mark.parametrize(
    ("name", "password", "shown"),
    [
        ("vera", "falsches-passwort", "Benutzername oder Passwort ist falsch"),
        ("niemand", PASSWORD, "Benutzername oder Passwort ist falsch"),
        ("vera", "", "Benutzername oder Passwort ist falsch"),
    ],
)
def test_wrong_login_is_rejected_in_german(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path, name, password, shown
) -> None:
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, name, password)
    _ok(at)
    assert shown in _texts(at.error)
    assert [t.value for t in at.title] == ["Anmelden"]
    assert at.text_input(key="_login_main_pw").value == ""  # the password is not kept


@pytest.mark.parametrize(
    ("name", "data_page", "label"),
    [
        ("vera", False, "vera (Lesen)"),
        ("nina", False, "nina (Netzwerk-Koordination)"),
        ("anton", True, "anton (Administration)"),
    ],
)
def test_each_role_sees_its_pages(monkeypatch, writable_url, tmp_path, name, data_page, label):  # type: ignore[no-untyped-def]
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, name)
    _ok(at)
    assert f"Angemeldet als **{label}**" in _texts(at.caption)
    assert _pages(at) == ALL_PATHS
    if data_page:
        at.switch_page(DATA_PAGE).run()
        _ok(at)
        assert at.title[0].value == "Daten verwalten"
        assert "Änderungsprotokoll" in [s.value for s in at.subheader]
    else:
        _cannot_reach_data_page(at, "Keine Berechtigung")
        assert f"Sie sind angemeldet als {label}." in _texts(at.info)


def test_logout_returns_to_the_login(monkeypatch, writable_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, "vera")
    next(b for b in at.button if b.label == "Abmelden").click().run()
    _ok(at)
    assert [t.value for t in at.title] == ["Anmelden"]


LOCKED = "Die Anmeldung ist nach mehreren Fehlversuchen vorübergehend gesperrt"


@pytest.mark.parametrize("name", ["vera", "niemand"])
def test_wrong_passwords_lock_the_login_and_are_audited_without_password(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path, name
) -> None:
    """Three wrong passwords lock the name; then even the right one is refused in German,
    and an unknown name gets the very same answer."""
    monkeypatch.setenv("PRAEV_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("PRAEV_LOGIN_DELAY_SECONDS", "0")
    guessed = "geraten-und-falsch-7"
    at = _app(monkeypatch, writable_url, tmp_path)
    for _ in range(2):
        log_in(at, name, guessed)
        _ok(at)
        assert "Benutzername oder Passwort ist falsch" in _texts(at.error)
    log_in(at, name, guessed)  # the third failure locks at once
    assert LOCKED in _texts(at.error)
    log_in(at, name, PASSWORD)
    _ok(at)
    message = _texts(at.error)
    assert LOCKED in message
    assert re.search(r"versuchen Sie es (am \d\d\.\d\d\.\d{4} )?um \d\d:\d\d Uhr erneut", message)
    assert [t.value for t in at.title] == ["Anmelden"]  # not signed in
    assert "vera" not in message and "niemand" not in message

    with make_engine(writable_url).connect() as conn:
        log = audit_entries(conn, entity="login")
    assert sorted(log["action"]) == ["login_failed"] * 3 + ["login_locked"]
    assert set(log["entity_key"]) == {name}
    assert all(str(n["client"]).startswith("sitzung:") for n in log["new"])
    assert guessed not in log.to_string() and PASSWORD not in log.to_string()
    assert guessed not in str(log["new"].tolist())


def test_a_retry_too_soon_is_asked_to_wait(monkeypatch, writable_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRAEV_LOGIN_DELAY_SECONDS", "30")
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, "vera", "geraten-und-falsch-7")
    log_in(at, "vera", PASSWORD)
    _ok(at)
    assert "Bitte warten Sie" in _texts(at.error) and "Sekunden" in _texts(at.error)
    assert [t.value for t in at.title] == ["Anmelden"]


def test_a_login_is_audited(monkeypatch, writable_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, "anton")
    _ok(at)
    with make_engine(writable_url).connect() as conn:
        log = audit_entries(conn, entity="login")
    assert log[["user", "action", "entity_key"]].values.tolist() == [["anton", "login", "anton"]]


def test_data_page_itself_refuses_a_viewer(monkeypatch, demo_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Defence in depth: even run directly, the page stops for non-admins."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    use_local_login(monkeypatch, users_file(tmp_path), public=True)
    at = AppTest.from_file(str(ROOT / DATA_PAGE), default_timeout=60)
    at.run()
    _ok(at)
    assert "nur für die Administration" in _texts(at.error)
    assert not at.title


def _network_id(url: str, name: str) -> int:
    with make_engine(url).connect() as conn:
        return int(conn.exec_driver_sql("select id from network where name = ?", (name,)).scalar())


def _counts(url: str) -> tuple[int, int]:
    with make_engine(url).connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(NetworkStatus)).scalar_one(),
            conn.execute(select(func.count()).select_from(AuditLog)).scalar_one(),
        )


def _report(at: AppTest, network_id: int) -> AppTest:
    at.selectbox(key="nf_network").set_value(network_id).run()
    at.number_input(key="nf_meetings").set_value(4)
    at.radio(key="nf_traffic_light").set_value("gelb")
    next(b for b in at.button if b.label == "Speichern").click().run()
    _ok(at)
    return at


def test_editor_of_neuss_cannot_pick_a_dormagen_network(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path
) -> None:
    """The form offers her own networks only (the save's refusal of another office is
    tested in tests/test_flows_networks.py)."""
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, "nina")
    at.switch_page(NETWORKS).run()
    _ok(at)
    offered = at.selectbox(key="nf_network").options
    assert offered and all("Dormagen" not in o for o in offered)
    assert any(NEUSS in o for o in offered)


def test_editor_saves_own_network_and_the_audit_names_her(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path
) -> None:
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, "nina")
    at.switch_page(NETWORKS).run()
    nid = _network_id(writable_url, NEUSS)
    _report(at, nid)
    assert f"Gespeichert: {NEUSS}" in _texts(at.success)
    with make_engine(writable_url).connect() as conn:
        log = audit_entries(conn, entity="network_status", key=f"{nid}/2026-Q3")
    assert log["user"].tolist() == ["nina"]
    assert log["new"].iloc[0]["meetings"] == 4


@pytest.mark.parametrize(("name", "can_freeze"), [("vera", False), ("nina", True)])
def test_freezing_a_session_needs_an_editor_and_is_audited(  # type: ignore[no-untyped-def]
    monkeypatch, writable_url, tmp_path, name, can_freeze
) -> None:
    at = _app(monkeypatch, writable_url, tmp_path)
    log_in(at, name)
    at.switch_page(SESSION).run()
    _ok(at)
    freeze = [b for b in at.button if b.label == "Einfrieren"]
    assert bool(freeze) is can_freeze
    if not can_freeze:
        return
    at.text_input[-1].input("Jugendhilfeausschuss 3/2026")
    freeze[0].click().run()
    _ok(at)
    assert any("ist eingefroren" in s.value for s in at.success)
    with make_engine(writable_url).connect() as conn:
        log = audit_entries(conn, entity="snapshot")
    assert log["user"].tolist() == ["nina"]


@pytest.mark.parametrize(
    ("roles", "data_page"),
    [(["praev-admin"], True), (["praev-editor:neuss"], False), (["fremd"], False)],
)
def test_single_sign_on_maps_the_role_claim(monkeypatch, demo_url, roles, data_page) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("PRAEV_AUTH", "oidc")
    monkeypatch.setenv("PRAEV_PUBLIC", "0")
    at = AppTest.from_file(APP, default_timeout=60)
    at.user = {"is_logged_in": True, "preferred_username": "p.muster", "roles": roles}
    at.run()
    _ok(at)
    assert "Angemeldet als **p.muster" in _texts(at.caption)
    _open(at, "daten")
    _ok(at)
    assert ([t.value for t in at.title] == ["Daten verwalten"]) is data_page


def test_production_refuses_to_start_with_a_default_key(monkeypatch, demo_url) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("PRAEV_PRODUCTION", "1")
    monkeypatch.setenv("PRAEV_COOKIE_KEY", "change-me")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _ok(at)
    assert "Die App startet nicht" in _texts(at.error)
    assert "PRAEV_AUTH=none" in _texts(at.error)  # conftest runs tests with auth none
    assert not at.title

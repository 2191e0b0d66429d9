"""Logins that survive a reload (core.login_sessions) and who may open which page
(core.access), on SQLite and PostgreSQL: a ticket is redeemed once and only while fresh,
a cookie works only with its signature and until it expires or is revoked, and a new
password or a deleted user ends every login of that user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from core import login_sessions
from core.access import PAGES, Access, entry_for, page_access, refusal
from core.models import LoginSession
from core.permissions import SYSTEM
from core.users import User, add_user
from core.users_cli import change_password, delete_user

T0 = dt.datetime(2026, 12, 1, 8, 0)  # UTC


@pytest.fixture(autouse=True)
def _settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAEV_COOKIE_KEY", "k" * 40)
    monkeypatch.setenv("PRAEV_LOGIN_HOURS", "12")


def _login(engine: Engine, name: str = "nina", at: dt.datetime = T0) -> str:
    ticket = login_sessions.issue_ticket(engine, name, now=at)
    assert ticket
    cookie = login_sessions.redeem(engine, ticket, now=at + dt.timedelta(seconds=2))
    assert cookie
    return cookie


def test_a_redeemed_cookie_signs_the_user_in_until_it_expires(engine: Engine) -> None:
    cookie = _login(engine)
    assert login_sessions.user_of(engine, cookie, now=T0 + dt.timedelta(hours=11)) == "nina"
    assert (
        login_sessions.user_of(engine, cookie, now=T0 + dt.timedelta(hours=12, seconds=1)) is None
    )


def test_the_database_keeps_only_hashes(engine: Engine) -> None:
    ticket = login_sessions.issue_ticket(engine, "nina", now=T0)
    assert ticket
    cookie = login_sessions.redeem(engine, ticket, now=T0)
    assert cookie
    with engine.connect() as conn:
        row = conn.execute(select(LoginSession)).one()
    stored = " ".join(str(v) for v in row._mapping.values())
    assert ticket not in stored and cookie.split(".")[0] not in stored


def test_a_ticket_is_redeemed_once_and_only_while_fresh(engine: Engine) -> None:
    ticket = login_sessions.issue_ticket(engine, "nina", now=T0)
    assert ticket
    late = T0 + dt.timedelta(seconds=login_sessions.TICKET_SECONDS + 1)
    assert login_sessions.redeem(engine, ticket, now=late) is None
    fresh = login_sessions.issue_ticket(engine, "nina", now=T0)
    assert fresh
    assert login_sessions.redeem(engine, fresh, now=T0) is not None
    assert login_sessions.redeem(engine, fresh, now=T0) is None  # replay
    assert login_sessions.redeem(engine, "erfunden", now=T0) is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda c: c.split(".")[0] + "." + "0" * 64,  # token without its signature
        lambda c: "x" + c,  # another token, old signature
        lambda c: c.replace(".", ""),  # no signature at all
        lambda c: c + ".zusatz",
        lambda c: "",
    ],
)
def test_a_forged_cookie_signs_nobody_in(engine: Engine, forge) -> None:  # type: ignore[no-untyped-def]
    cookie = _login(engine)
    assert login_sessions.user_of(engine, forge(cookie), now=T0) is None


def test_a_cookie_signed_with_another_key_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cookie = _login(engine)
    monkeypatch.setenv("PRAEV_COOKIE_KEY", "a" * 40)  # the key was changed: all logins end
    assert login_sessions.user_of(engine, cookie, now=T0) is None


def test_logout_revokes_the_cookie_and_the_ticket_of_this_browser(engine: Engine) -> None:
    cookie = _login(engine)
    assert login_sessions.revoke(engine, cookie=cookie, now=T0) == 1
    assert login_sessions.user_of(engine, cookie, now=T0) is None
    ticket = login_sessions.issue_ticket(engine, "nina", now=T0)
    assert ticket
    login_sessions.revoke(engine, ticket=ticket, now=T0)  # logout before the browser redeemed
    assert login_sessions.redeem(engine, ticket, now=T0) is None


def test_no_cookie_when_logins_should_not_persist(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cookie = _login(engine)
    monkeypatch.setenv("PRAEV_LOGIN_HOURS", "0")
    assert login_sessions.issue_ticket(engine, "nina", now=T0) is None
    assert login_sessions.user_of(engine, cookie, now=T0) is None


def test_a_new_password_or_deleting_the_user_ends_every_login(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = tmp_path / "users.yaml"
    monkeypatch.setenv("PRAEV_USERS_FILE", str(users))
    add_user("nina", "richtig-geheim-42", "editor", ("neuss",), path=users)
    add_user("vera", "richtig-geheim-42", "viewer", (), path=users)
    now = login_sessions._now()
    nina_a, nina_b, vera = (
        _login(engine, "nina", now),
        _login(engine, "nina", now),
        _login(engine, "vera", now),
    )
    change_password(engine, SYSTEM, "nina", "ein-neues-geheimnis-7")
    assert login_sessions.user_of(engine, nina_a) is None
    assert login_sessions.user_of(engine, nina_b) is None
    assert login_sessions.user_of(engine, vera) == "vera"
    delete_user(engine, SYSTEM, "vera")
    assert login_sessions.user_of(engine, vera) is None


VIEWER = User("vera", "viewer", (), "Vera")
EDITOR = User("nina", "editor", ("neuss",), "Nina")
ADMIN = User("anton", "admin", (), "Anton")


@pytest.mark.parametrize(
    ("user", "public", "has_data", "path", "expected"),
    [
        (None, False, True, "karte", Access.LOGIN),
        (None, False, True, "uebersicht", Access.LOGIN),
        (None, True, True, "karte", Access.OPEN),
        (None, True, True, "daten", Access.LOGIN),
        (VIEWER, False, True, "daten", Access.FORBIDDEN),
        (EDITOR, False, True, "daten", Access.FORBIDDEN),
        (ADMIN, False, True, "daten", Access.OPEN),
        (ADMIN, False, False, "daten", Access.OPEN),  # the admin loads the first data here
        (ADMIN, False, False, "karte", Access.NO_DATA),
        (VIEWER, False, False, "uebersicht", Access.OPEN),  # explains the empty database
    ],
)
def test_who_may_open_which_page(user, public, has_data, path, expected) -> None:  # type: ignore[no-untyped-def]
    assert page_access(entry_for(path), user, public, has_data) is expected


def test_every_refusal_is_german_and_names_the_page() -> None:
    for entry in PAGES:
        for access, user in [
            (Access.LOGIN, None),
            (Access.FORBIDDEN, VIEWER),
            (Access.NO_DATA, ADMIN),
        ]:
            title, text = refusal(access, entry, user)
            assert f"„{entry.title}“" in text and title
    _, forbidden = refusal(Access.FORBIDDEN, entry_for("daten"), VIEWER)
    assert "Vera (Lesen)" in forbidden

"""Login throttling: the rules as tables, played through on SQLite and PostgreSQL, the
audit entries (never a password), and where the client address comes from."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import bcrypt
import pytest
import yaml
from sqlalchemy import Engine, func, select

from core import login_throttle
from core.audit import audit_entries
from core.errors import ConfigError
from core.login import attempt_login, client_address, parse_networks, retry_text, wait_seconds
from core.login_throttle import (
    LoginPolicy,
    begin_attempt,
    current_locks,
    judge,
    unlock,
    user_verdict,
)
from core.models import LoginAttempt

PASSWORD = "richtig-geheim-42"
T0 = dt.datetime(2026, 12, 1, 12, 0)  # UTC; 13:00 in Neuss
POLICY = LoginPolicy(
    max_failures=3,
    client_max_failures=5,
    window=dt.timedelta(minutes=10),
    lock=dt.timedelta(minutes=15),
    delay=dt.timedelta(seconds=2),
)


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A users file with anna and bert, hashed cheaply (the rules are tested, not bcrypt)."""
    cheap = bcrypt.hashpw(b"praev-dummy-password", bcrypt.gensalt(4))
    monkeypatch.setattr("core.users._dummy_hash", lambda: cheap)
    file = tmp_path / "users.yaml"
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    users = {n: {"role": "viewer", "password_hash": hashed} for n in ("anna", "bert")}
    file.write_text(yaml.safe_dump({"users": users}), encoding="utf-8")
    return file


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 2), (2, 4), (3, 8), (5, 32), (6, 60), (40, 60)],
)
def test_wait_doubles_with_every_failure_up_to_a_minute(failures: int, seconds: int) -> None:
    assert POLICY.wait_after(failures) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("failures", "seconds_since_last", "allowed", "locked", "retry_after"),
    [
        (0, 0, True, False, None),  # nothing counted
        (1, 1, False, False, 2),  # wait 2 s after the first failure
        (1, 2, True, False, None),
        (2, 3, False, False, 4),  # 4 s after the second
        (2, 4, True, False, None),
        (3, 0, False, True, 900),  # the limit: locked for 15 minutes
        (3, 899, False, True, 900),
        (3, 900, True, False, None),  # the lock is over
        (4, 60, False, True, 900),
    ],
)
def test_judge(
    failures: int, seconds_since_last: int, allowed: bool, locked: bool, retry_after: int | None
) -> None:
    now = T0 + dt.timedelta(seconds=seconds_since_last)
    verdict = judge(failures, T0, POLICY.max_failures, POLICY, now)
    assert (verdict.allowed, verdict.locked) == (allowed, locked)
    expected = T0 + dt.timedelta(seconds=retry_after) if retry_after is not None else None
    assert verdict.retry_at == expected


# A step: (seconds after T0, user name, right password?, client) and what happens:
# "ok" signed in, "falsch" wrong, "sperrt" wrong and now locked, "gesperrt" refused
# while locked, "warten" refused because it came too soon (password not checked).
A, B, C, D = "198.51.100.7", "203.0.113.9", "sitzung:0a1b2c3d4e5f6a7b", "2001:db8::1"
SCENARIOS = {
    "three failures lock the name, even the right password is refused": [
        (0, "anna", False, A, "falsch"),
        (5, "anna", False, A, "falsch"),
        (15, "anna", False, A, "sperrt"),
        (30, "anna", True, A, "gesperrt"),
        (40, "anna", True, B, "gesperrt"),  # another client does not help
        (60, "bert", True, A, "ok"),  # other names are not locked
        (15 + 900, "anna", True, A, "ok"),  # the lock ends after 15 minutes
    ],
    "unknown names are locked alike": [
        (0, "niemand", False, A, "falsch"),
        (5, "niemand", True, A, "falsch"),
        (15, "niemand", True, A, "sperrt"),
        (30, "niemand", True, A, "gesperrt"),
    ],
    "too soon after a failure is refused unchecked": [
        (0, "anna", False, A, "falsch"),
        (1, "anna", True, A, "warten"),  # 2 s wait
        (2, "anna", False, A, "falsch"),
        (5, "anna", True, A, "warten"),  # 4 s wait after the second failure
        (6, "anna", True, A, "ok"),
    ],
    "a success starts the name's count anew": [
        (0, "anna", False, A, "falsch"),
        (5, "anna", False, A, "falsch"),
        (10, "anna", True, A, "ok"),
        (20, "anna", False, A, "falsch"),
        (30, "anna", False, A, "falsch"),
        (40, "anna", True, A, "warten"),  # the client's 4th failure: 16 s
        (50, "anna", True, A, "ok"),
    ],
    "failures older than the window do not count": [
        (0, "anna", False, A, "falsch"),
        (5, "anna", False, A, "falsch"),
        (700, "anna", False, A, "falsch"),
        (710, "anna", False, A, "falsch"),
        (720, "anna", True, A, "ok"),
    ],
    "one client guessing many names is locked, not reset by its own valid login": [
        (0, "x1", False, A, "falsch"),
        (5, "x2", False, A, "falsch"),
        (10, "x3", False, A, "falsch"),
        (15, "anna", True, A, "warten"),  # the client waits too: 8 s after 3 failures
        (20, "anna", True, A, "ok"),
        (40, "x4", False, A, "falsch"),
        (60, "x5", False, A, "sperrt"),
        (70, "bert", True, A, "gesperrt"),
        (75, "bert", True, B, "ok"),  # another client is not locked
    ],
}


def _outcome(result) -> str:  # type: ignore[no-untyped-def]
    if result.user is not None:
        return "ok"
    if not result.checked:
        return "gesperrt" if result.verdict.locked else "warten"
    return "sperrt" if result.verdict.locked else "falsch"


@pytest.mark.parametrize("steps", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_throttle_rules(engine: Engine, path: Path, steps: list) -> None:  # type: ignore[type-arg]
    outcomes = [
        _outcome(
            attempt_login(
                engine,
                name,
                PASSWORD if right else "falsch-geraten-1",
                client,
                POLICY,
                T0 + dt.timedelta(seconds=at),
                path,
            )
        )
        for at, name, right, client, _ in steps
    ]
    assert outcomes == [expected for *_, expected in steps]


def test_locked_answer_is_the_same_for_known_and_unknown_names(engine: Engine, path: Path) -> None:
    answers = {}
    for name in ("anna", "niemand"):
        for _ in range(POLICY.max_failures):
            attempt_login(engine, name, "falsch-geraten-1", f"c-{name}", POLICY, T0, path)
        refused = attempt_login(engine, name, PASSWORD, f"c-{name}", POLICY, T0, path)
        answers[name] = (refused.checked, refused.verdict)
    assert answers["anna"] == answers["niemand"]
    assert answers["anna"][0] is False


def test_unknown_names_cost_a_bcrypt_check_too(
    engine: Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bytes] = []
    real = bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr("core.users.bcrypt.checkpw", counting)
    attempt_login(engine, "anna", "falsch-geraten-1", A, POLICY, T0, path)
    attempt_login(engine, "niemand", "falsch-geraten-1", B, POLICY, T0, path)
    assert len(calls) == 2


def test_unlock_lifts_a_lock_of_a_name_and_of_a_client(engine: Engine, path: Path) -> None:
    policy = LoginPolicy(max_failures=2, client_max_failures=2, delay=dt.timedelta(0))
    for _ in range(2):
        attempt_login(engine, "anna", "falsch-geraten-1", A, policy, T0, path)
    with engine.connect() as conn:
        locks = current_locks(conn, policy, T0)
    assert [(lock.scope, lock.key, lock.failures) for lock in locks] == [
        ("client", A, 2),
        ("user", "anna", 2),
    ]
    with engine.begin() as conn:
        unlock(conn, name="anna", now=T0)
        assert user_verdict(conn, "anna", policy, T0).allowed
    assert not attempt_login(engine, "anna", PASSWORD, A, policy, T0, path).checked  # client
    with engine.begin() as conn:
        unlock(conn, client=A, now=T0)
        assert current_locks(conn, policy, T0) == []
    assert attempt_login(engine, "anna", PASSWORD, A, policy, T0, path).user is not None


def test_parallel_attempts_cannot_all_pass(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two requests pass the first look at once; the reservation still stops the second."""
    real = login_throttle.check

    def stale(conn, name, client, policy, now=None, before_id=None):  # type: ignore[no-untyped-def]
        if before_id is None:  # the look before reserving saw nothing yet
            return login_throttle.ALLOWED
        return real(conn, name, client, policy, now, before_id)

    monkeypatch.setattr(login_throttle, "check", stale)
    first, first_id = begin_attempt(engine, "anna", A, POLICY, T0)
    second, second_id = begin_attempt(engine, "anna", B, POLICY, T0)
    assert first.allowed and first_id is not None
    assert not second.allowed and second_id is None
    assert second.retry_at == T0 + POLICY.delay
    with engine.connect() as conn:
        kinds = conn.execute(select(LoginAttempt.kind).order_by(LoginAttempt.id)).scalars()
        assert list(kinds) == ["failure", "refused"]  # refused ones do not count


def test_old_attempts_are_pruned(engine: Engine, path: Path) -> None:
    attempt_login(engine, "anna", "falsch-geraten-1", A, POLICY, T0, path)
    attempt_login(engine, "anna", PASSWORD, A, POLICY, T0 + dt.timedelta(days=2), path)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LoginAttempt)).scalar_one() == 1


def test_audit_has_failures_lock_and_login_but_never_the_password(
    engine: Engine, path: Path
) -> None:
    secret = "mein-geheimes-falsches-1"
    attempt_login(engine, "Anna", secret, A, POLICY, T0, path)
    attempt_login(engine, "niemand", secret, C, POLICY, T0, path)
    for i in range(POLICY.max_failures - 1):
        attempt_login(engine, "anna", secret, B, POLICY, T0 + dt.timedelta(minutes=1 + i), path)
    attempt_login(engine, "bert", PASSWORD, D, POLICY, T0 + dt.timedelta(minutes=5), path)
    with engine.connect() as conn:
        log = audit_entries(conn, entity="login")
    rows = sorted(
        zip(log["action"], log["entity_key"], [n["client"] for n in log["new"]], strict=True)
    )
    assert rows == [
        ("login", "bert", D),
        ("login_failed", "anna", A),
        ("login_failed", "anna", B),
        ("login_failed", "anna", B),
        ("login_failed", "niemand", C),
        ("login_locked", "anna", B),
    ]
    reasons = {(a, n.get("reason")) for a, n in zip(log["action"], log["new"], strict=True)}
    assert ("login_failed", "falsches Passwort") in reasons
    assert ("login_failed", "unbekannter Benutzername") in reasons
    assert secret not in log.to_string() and secret not in str(log["new"].tolist())
    locked = log[log["action"] == "login_locked"]["new"].iloc[0]
    assert locked["scope"] == "Benutzername"
    assert locked["until"] == "2026-12-01T12:17:00"


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("198.51.100.7", None, "", "198.51.100.7"),
        ("198.51.100.7", "1.2.3.4", "", "198.51.100.7"),  # header of an untrusted peer
        (None, "203.0.113.9", "", None),  # localhost without proxy: the session counts
        (None, "203.0.113.9", "127.0.0.1", "203.0.113.9"),  # local proxy
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", "10.0.0.0/8", "203.0.113.9"),  # forged left
        ("10.0.0.2", "203.0.113.9, 10.0.0.5", "10.0.0.0/8", "203.0.113.9"),  # two proxies
        ("10.0.0.2", "kein-ip", "10.0.0.0/8", None),
        ("2001:db8::1", None, "", "2001:db8::1"),
    ],
)
def test_client_address(
    peer: str | None, forwarded: str | None, trusted: str, expected: str | None
) -> None:
    assert client_address(peer, forwarded, parse_networks(trusted)) == expected


def test_trusted_proxies_must_be_addresses() -> None:
    assert parse_networks(" 127.0.0.1, 10.0.0.0/8 ") == [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]
    with pytest.raises(ConfigError, match="PRAEV_TRUSTED_PROXIES"):
        parse_networks("proxy.intern")


@pytest.mark.parametrize(
    ("retry_at", "now", "text"),
    [
        (dt.datetime(2026, 12, 1, 12, 15), T0, "um 13:15 Uhr"),
        (dt.datetime(2026, 12, 1, 12, 15, 4), T0, "um 13:16 Uhr"),  # never too early
        (dt.datetime(2026, 7, 1, 12, 15), dt.datetime(2026, 7, 1, 12, 0), "um 14:15 Uhr"),
        (dt.datetime(2026, 12, 1, 23, 5), T0, "am 02.12.2026 um 00:05 Uhr"),
    ],
)
def test_retry_text_in_local_time(retry_at: dt.datetime, now: dt.datetime, text: str) -> None:
    assert retry_text(retry_at, now) == text


def test_wait_seconds_rounds_up() -> None:
    assert wait_seconds(T0 + dt.timedelta(seconds=1.2), T0) == 2
    assert wait_seconds(T0, T0) == 1


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("PRAEV_LOGIN_MAX_FAILURES", "0"),
        ("PRAEV_LOGIN_LOCK_MINUTES", "viele"),
        ("PRAEV_LOGIN_DELAY_SECONDS", "-1"),
    ],
)
def test_invalid_settings_are_refused_in_german(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError, match=f"{env}.*ganze Zahl"):
        LoginPolicy.from_settings()


def test_policy_defaults_from_settings() -> None:
    policy = LoginPolicy.from_settings()
    assert (policy.max_failures, policy.client_max_failures) == (5, 20)
    assert policy.lock == policy.window == dt.timedelta(minutes=15)
    assert policy.delay == dt.timedelta(seconds=1)


def test_audit_view_names_login_events_in_german(engine: Engine, path: Path) -> None:
    from core.audit_view import audit_table

    attempt_login(engine, "anna", "falsch-geraten-1", A, POLICY, T0, path)
    attempt_login(engine, "bert", PASSWORD, B, POLICY, T0, path)
    with engine.connect() as conn:
        table = audit_table(conn).shown
    assert sorted(table["Aktion"]) == ["Anmeldung fehlgeschlagen", "angemeldet"]
    assert set(table["Bereich"]) == {"Anmeldung"}
    assert "Grund: falsches Passwort" in " ".join(table["Änderung"])

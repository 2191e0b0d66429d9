"""The users file and the ``python -m core users`` CLI: bcrypt hashes, German errors,
audit entries for every change, and no hash or password ever printed."""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine

from core.audit import audit_entries
from core.cli import main
from core.errors import ConflictError, DataError, NotFoundError
from core.users import add_user, list_users, remove_user, set_password, verify

PASSWORD = "richtig-geheim-42"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "users.yaml"


def test_password_is_stored_as_bcrypt_hash_only(path: Path) -> None:
    add_user("anna", PASSWORD, "editor", ("neuss",), path=path)
    text = path.read_text(encoding="utf-8")
    assert PASSWORD not in text
    stored = yaml.safe_load(text)["users"]["anna"]
    assert stored["password_hash"].startswith("$2b$")
    assert stored["youth_offices"] == ["neuss"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "password", "expected"),
    [
        ("anna", PASSWORD, "anna"),
        ("ANNA ", PASSWORD, "anna"),  # names are case-insensitive
        ("anna", "falsch-geheim-42", None),
        ("anna", "", None),
        ("bert", PASSWORD, None),  # unknown user
    ],
)
def test_verify(path: Path, name: str, password: str, expected: str | None) -> None:
    add_user("anna", PASSWORD, "viewer", path=path)
    user = verify(name, password, path=path)
    assert (user.name if user else None) == expected


@pytest.mark.parametrize(
    ("name", "password", "role", "offices", "message"),
    [
        ("a", PASSWORD, "viewer", (), "Benutzername ist ungültig"),
        ("anna maria", PASSWORD, "viewer", (), "Benutzername ist ungültig"),
        ("anna", "kurz", "viewer", (), "zu kurz"),
        ("anna", "x" * 80, "viewer", (), "zu lang"),
        ("anna", PASSWORD, "chef", (), "Unbekannte Rolle"),
        ("anna", PASSWORD, "editor", (), "mindestens ein Jugendamt"),
    ],
)
def test_invalid_users_are_refused_in_german(
    path: Path, name: str, password: str, role: str, offices: tuple[str, ...], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        add_user(name, password, role, offices, path=path)
    assert not path.exists()


def test_passwd_remove_and_duplicates(path: Path) -> None:
    add_user("anna", PASSWORD, "admin", path=path)
    with pytest.raises(ConflictError, match="gibt es schon"):
        add_user("anna", PASSWORD, "viewer", path=path)
    set_password("anna", "ein-neues-passwort", path=path)
    assert verify("anna", PASSWORD, path=path) is None
    assert verify("anna", "ein-neues-passwort", path=path).role == "admin"
    remove_user("anna", path=path)
    assert list_users(path) == []
    with pytest.raises(NotFoundError, match="gibt es nicht"):
        remove_user("anna", path=path)


def _cli(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, path: Path, args: list[str], stdin: str = ""
) -> int:
    monkeypatch.setenv("PRAEV_USERS_FILE", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    url = engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, "users", *args])


def test_users_cli_round_trip_writes_audit_and_never_prints_secrets(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, path: Path, capsys: pytest.CaptureFixture
) -> None:
    from sqlalchemy import insert

    from core.models import YouthOffice

    with engine.begin() as conn:
        conn.execute(insert(YouthOffice), [{"id": "neuss", "name": "Jugendamt Neuss"}])
    add = ["add", "nina", "--role", "editor", "--jugendamt", "neuss", "--password-stdin"]
    assert _cli(engine, monkeypatch, path, add, PASSWORD + "\n") == 0
    assert _cli(engine, monkeypatch, path, ["list"]) == 0
    assert (
        _cli(engine, monkeypatch, path, ["passwd", "nina", "--password-stdin"], "neu-und-lang-1\n")
        == 0
    )
    assert verify("nina", "neu-und-lang-1", path=path).youth_offices == ("neuss",)
    assert _cli(engine, monkeypatch, path, ["remove", "nina"]) == 0
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "nina" in printed and "editor" in printed and "Jugendamt: neuss" in printed
    assert "$2b$" not in printed and PASSWORD not in printed and "neu-und-lang-1" not in printed
    assert list_users(path) == []

    with engine.connect() as conn:
        log = audit_entries(conn, entity="user")
    assert log["action"].tolist() == ["delete", "passwd", "create"]
    assert set(log["entity_key"]) == {"nina"}
    assert all(u.startswith("cli:") for u in log["user"])
    assert "$2b$" not in str(log["old"].tolist() + log["new"].tolist())


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "x", "--role", "viewer", "--password-stdin"], PASSWORD, "ungültig"),
        (["add", "otto", "--role", "viewer", "--password-stdin"], "kurz", "zu kurz"),
        (
            ["add", "otto", "--role", "editor", "--jugendamt", "mars", "--password-stdin"],
            PASSWORD,
            "gibt es nicht",
        ),
        (["passwd", "niemand", "--password-stdin"], PASSWORD, "gibt es nicht"),
        (["remove", "niemand"], "", "gibt es nicht"),
    ],
)
def test_users_cli_errors_change_nothing(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    path: Path,
    capsys: pytest.CaptureFixture,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    assert _cli(engine, monkeypatch, path, args, stdin + "\n") == 1
    assert message in capsys.readouterr().err
    assert not path.exists()
    with engine.connect() as conn:
        assert audit_entries(conn, entity="user").empty


def test_users_cli_shows_and_lifts_login_locks(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, path: Path, capsys: pytest.CaptureFixture
) -> None:
    from core.login import attempt_login
    from core.login_throttle import LoginPolicy

    add_user("anna", PASSWORD, "viewer", path=path)
    add_user("bert", PASSWORD, "viewer", path=path)
    policy = LoginPolicy(max_failures=2, client_max_failures=10, delay=dt.timedelta(0))
    monkeypatch.setenv("PRAEV_LOGIN_MAX_FAILURES", "2")
    monkeypatch.setenv("PRAEV_LOGIN_DELAY_SECONDS", "0")
    for name in ("anna", "anna", "niemand", "niemand"):
        attempt_login(engine, name, "falsch-geraten-1", "198.51.100.7", policy, path=path)
    capsys.readouterr()

    assert _cli(engine, monkeypatch, path, ["list"]) == 0
    listed = capsys.readouterr().out
    assert re.search(r"^anna .*Anmeldung: gesperrt bis \d\d:\d\d Uhr$", listed, re.M)
    assert re.search(r"^bert .*Jugendamt: –$", listed, re.M)
    assert _cli(engine, monkeypatch, path, ["locks"]) == 0
    locks = capsys.readouterr().out
    assert re.search(r"^Benutzername +anna +2 Fehlversuche, gesperrt bis", locks, re.M)
    assert re.search(r"^Benutzername +niemand +2 Fehlversuche", locks, re.M)
    assert "Client" not in locks  # 4 failures of 10, no wait configured

    assert _cli(engine, monkeypatch, path, ["unlock", "ANNA"]) == 0
    assert "Anmeldesperre von „anna“ aufgehoben" in capsys.readouterr().out
    assert attempt_login(engine, "anna", PASSWORD, "198.51.100.7", policy, path=path).user
    assert _cli(engine, monkeypatch, path, ["unlock", "--client", "198.51.100.7"]) == 0
    assert _cli(engine, monkeypatch, path, ["unlock"]) == 1
    assert "genau eins" in capsys.readouterr().err
    with engine.connect() as conn:
        log = audit_entries(conn, entity="login")
    unlocks = log[log["action"] == "unlock"]
    assert unlocks["entity_key"].tolist() == ["198.51.100.7", "anna"]
    assert all(u.startswith("cli:") for u in unlocks["user"])

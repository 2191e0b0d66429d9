"""``python -m core users add|passwd|remove|list|locks|unlock``: manage the local users file.

Passwords are read with ``getpass`` (asked twice) or, with ``--password-stdin``, from
the first line of standard input; never as an argument, never printed. Every change
goes through one write function here (:func:`create_user`, :func:`change_password`,
:func:`delete_user`, :func:`lift_lock`) that takes the acting user (the shell acts as
:func:`core.permissions.operator` ``cli:<OS user>``), checks that they may manage
users and writes the audit entry in the same transaction as the file change: the
entry is written first, so a file that cannot be written rolls the entry back, and a
refused entry leaves the file unchanged.

``list`` shows each user's login lock, ``locks`` every locked or waiting user name
(known or not) and client, ``unlock NAME`` / ``unlock --client ADDRESS`` lifts a lock
(:mod:`core.login_throttle`), audited as ``unlock``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from core import users
from core.audit import record
from core.errors import DataError, Problem
from core.login_sessions import revoke_user
from core.permissions import operator, require_manage_users
from core.users import User


def add_users_parser(sub: Any) -> None:
    """Register the ``users`` command group on the main parser's subparsers."""
    users = sub.add_parser("users", help="Benutzer der lokalen Anmeldung verwalten")
    group = users.add_subparsers(dest="users_command", required=True, metavar="AKTION")
    add = group.add_parser("add", help="Benutzer anlegen")
    add.add_argument("name", help="Benutzername (Kleinbuchstaben, Ziffern, . - _)")
    add.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    add.add_argument(
        "--jugendamt",
        action="append",
        default=[],
        metavar="ID",
        help="Jugendamt, dessen Netzwerke die Person melden darf (mehrfach möglich), z. B. neuss",
    )
    add.add_argument("--display-name", default="", help="Anzeigename (optional)")
    add.add_argument("--password-stdin", action="store_true", help="Passwort von stdin lesen")
    passwd = group.add_parser("passwd", help="Passwort ändern")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="Passwort von stdin lesen")
    remove = group.add_parser("remove", help="Benutzer löschen")
    remove.add_argument("name")
    group.add_parser("list", help="Benutzer auflisten (ohne Passwörter, mit Anmeldesperre)")
    group.add_parser("locks", help="gesperrte Benutzernamen und Clients auflisten")
    unlock = group.add_parser("unlock", help="Anmeldesperre eines Benutzernamens aufheben")
    unlock.add_argument("name", nargs="?", help="Benutzername (auch ein unbekannter)")
    unlock.add_argument("--client", help="stattdessen die Sperre eines Clients (IP-Adresse)")


def _when(verdict: Any) -> str:
    from core.login import retry_text

    kind = "gesperrt" if verdict.locked else "Wartezeit"
    return f"{kind} bis {retry_text(verdict.retry_at).removeprefix('um ')}"


def _lock_states(url: str | None, names: list[str]) -> dict[str, str]:
    """Name -> 'gesperrt bis 14:35 Uhr' for locked users; empty when the database has none."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from core.db import make_engine
    from core.login_throttle import LoginPolicy, user_verdict

    policy = LoginPolicy.from_settings()
    engine = make_engine(url)
    if engine.dialect.name == "sqlite" and not Path(engine.url.database or "").is_file():
        return {}  # no database yet: do not create an empty file just to list users
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("login_attempt"):
                return {}
            verdicts = {n: user_verdict(conn, n, policy) for n in names}
    except SQLAlchemyError as exc:
        print(f"Hinweis: Anmeldesperren nicht lesbar ({type(exc).__name__}).", file=sys.stderr)
        return {}
    finally:
        engine.dispose()
    return {n: _when(v) for n, v in verdicts.items() if not v.allowed}


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Passwort: ")
    second = getpass.getpass("Passwort wiederholen: ")
    if first != second:
        raise DataError(
            Problem(
                "Benutzer",
                None,
                "Passwort",
                None,
                "Die Passwörter stimmen nicht überein",
                "Bitte erneut eingeben.",
            )
        )
    return first


def _check_offices(conn: Any, offices: list[str]) -> None:
    """Editors' youth offices must exist in the database."""
    from sqlalchemy import select

    from core.models import YouthOffice

    known = set(conn.execute(select(YouthOffice.id)).scalars())
    problems = [
        Problem(
            "Benutzer",
            None,
            "Jugendamt",
            o,
            "Dieses Jugendamt gibt es nicht",
            f"Bekannt sind: {', '.join(sorted(known)) or '–'}.",
        )
        for o in offices
        if o.strip().lower() not in known
    ]
    if problems:
        raise DataError(problems)


def create_user(
    engine: Any,
    actor: User | None,
    name: str,
    password: str,
    role: str,
    youth_offices: tuple[str, ...] = (),
    display_name: str = "",
) -> User:
    """Add a user (administration only); the audit entry first, then the file, in one
    transaction: a file that cannot be written rolls the entry back."""
    with engine.begin() as conn:
        allowed = require_manage_users(actor)
        _check_offices(conn, list(youth_offices))
        planned = users.User(
            users.check_name(name),
            role,
            tuple(sorted({o.strip().lower() for o in youth_offices if o.strip()})),
        )
        users.check_role(planned.role, planned.youth_offices)
        users.check_password(password)
        record(
            conn, allowed.name, "create", "user", planned.name, None, users.public_fields(planned)
        )
        return users.add_user(name, password, role, tuple(youth_offices), display_name)


def change_password(engine: Any, actor: User | None, name: str, password: str) -> User:
    """Replace a user's password (administration only), audited without the password."""
    with engine.begin() as conn:
        allowed = require_manage_users(actor)
        user = users.get_user(name)
        users.check_password(password)
        record(conn, allowed.name, "passwd", "user", user.name, None, {"password": "geändert"})
        revoke_user(conn, user.name)  # a new password ends the logins kept across reloads
        return users.set_password(user.name, password)


def delete_user(engine: Any, actor: User | None, name: str) -> User:
    """Delete a user (administration only), audited with their role and offices."""
    with engine.begin() as conn:
        allowed = require_manage_users(actor)
        user = users.get_user(name)
        record(conn, allowed.name, "delete", "user", user.name, users.public_fields(user), None)
        revoke_user(conn, user.name)
        return users.remove_user(user.name)


def lift_lock(engine: Any, actor: User | None, name: str | None, client: str | None) -> str:
    """Lift the login lock of a user name or a client (administration only); audited."""
    from core.login_throttle import unlock

    key = name or str(client).strip()
    with engine.begin() as conn:
        allowed = require_manage_users(actor)
        record(
            conn, allowed.name, "unlock", "login", key, None, {"user" if name else "client": key}
        )
        unlock(conn, name=name, client=None if name else key)
    return key


def run_users(url: str | None, args: argparse.Namespace) -> int:
    """Run one ``users`` action; returns the exit code."""
    from core.db import make_engine, schema_revision
    from core.errors import ConfigError

    command = args.users_command
    if command == "list":
        rows = users.list_users()
        if not rows:
            print(f"Keine Benutzer in {users.users_file()}.")
        locks = _lock_states(url, [u.name for u in rows])
        for u in rows:
            offices = ", ".join(u.youth_offices) or "–"
            lock = f"  Anmeldung: {locks[u.name]}" if u.name in locks else ""
            print(f"{u.name:<20} {u.role:<7} Jugendamt: {offices}{lock}")
        return 0

    engine = make_engine(url)
    if schema_revision(engine) is None:
        raise ConfigError(
            "Die Datenbank ist noch nicht eingerichtet (das Änderungsprotokoll fehlt). "
            "Bitte zuerst „python -m core init-db“ ausführen."
        )
    actor = operator(f"cli:{getpass.getuser()}")
    if command in ("locks", "unlock"):
        return _run_locks(engine, actor, args)
    if command == "add":
        password = _read_password(args.password_stdin)
        user = create_user(
            engine, actor, args.name, password, args.role, tuple(args.jugendamt), args.display_name
        )
        done = f"Benutzer „{user.name}“ angelegt ({user.role})."
    elif command == "passwd":
        user = users.get_user(args.name)
        user = change_password(engine, actor, user.name, _read_password(args.password_stdin))
        done = f"Passwort von „{user.name}“ geändert."
    else:
        user = delete_user(engine, actor, args.name)
        done = f"Benutzer „{user.name}“ gelöscht."
    print(done)
    return 0


def _run_locks(engine: Any, actor: User, args: argparse.Namespace) -> int:
    """``users locks`` and ``users unlock NAME | --client ADDRESS``."""
    from sqlalchemy import inspect

    from core.errors import ConfigError
    from core.login_throttle import LoginPolicy, current_locks, normalise_name

    with engine.connect() as conn:
        if not inspect(conn).has_table("login_attempt"):
            raise ConfigError(
                "Die Datenbank kennt noch keine Anmeldesperren. Bitte zuerst "
                "„python -m core init-db“ ausführen (aktualisiert das Schema)."
            )
    policy = LoginPolicy.from_settings()
    if args.users_command == "locks":
        with engine.connect() as conn:
            locks = current_locks(conn, policy)
        if not locks:
            print("Keine Anmeldesperren.")
        for lock in locks:
            scope = "Benutzername" if lock.scope == "user" else "Client"
            print(
                f"{scope:<12} {lock.key:<40} {lock.failures:>3} Fehlversuche, {_when(lock.verdict)}"
            )
        return 0
    name = normalise_name(args.name) if args.name else None
    if bool(name) == bool(args.client):
        raise DataError(
            Problem(
                "Benutzer",
                None,
                "Name",
                args.name or "",
                "Bitte genau eins angeben: einen Benutzernamen oder --client ADRESSE",
                "Zum Beispiel: python -m core users unlock nina",
            )
        )
    key = lift_lock(engine, actor, name, None if name else args.client)
    print(f"Anmeldesperre von „{key}“ aufgehoben.")
    return 0

"""``python -m core users add|passwd|remove|list``: manage the local users file.

Passwords are read with ``getpass`` (asked twice) or, with ``--password-stdin``, from
the first line of standard input; never as an argument, never printed. Every change is
written to the audit log of the database (who: ``cli:<OS user>``) in the same
transaction as the file change: the entry is written first, so a file that cannot be
written rolls the entry back, and a refused entry leaves the file unchanged.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from core.errors import DataError, Problem


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
    group.add_parser("list", help="Benutzer auflisten (ohne Passwörter)")


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


def run_users(url: str | None, args: argparse.Namespace) -> int:
    """Run one ``users`` action; returns the exit code."""
    from core import users
    from core.audit import record
    from core.db import make_engine, schema_revision
    from core.errors import ConfigError

    command = args.users_command
    if command == "list":
        rows = users.list_users()
        if not rows:
            print(f"Keine Benutzer in {users.users_file()}.")
        for u in rows:
            offices = ", ".join(u.youth_offices) or "–"
            print(f"{u.name:<20} {u.role:<7} Jugendamt: {offices}")
        return 0

    engine = make_engine(url)
    if schema_revision(engine) is None:
        raise ConfigError(
            "Die Datenbank ist noch nicht eingerichtet (das Änderungsprotokoll fehlt). "
            "Bitte zuerst „python -m core init-db“ ausführen."
        )
    who = f"cli:{getpass.getuser()}"
    with engine.begin() as conn:
        # the audit entry first: if the file cannot be written, the entry is rolled back
        if command == "add":
            _check_offices(conn, args.jugendamt)
            password = _read_password(args.password_stdin)
            planned = users.User(
                users.check_name(args.name),
                args.role,
                tuple(sorted({o.strip().lower() for o in args.jugendamt if o.strip()})),
            )
            users.check_role(planned.role, planned.youth_offices)
            users.check_password(password)
            record(conn, who, "create", "user", planned.name, None, users.public_fields(planned))
            user = users.add_user(
                args.name, password, args.role, tuple(args.jugendamt), args.display_name
            )
            done = f"Benutzer „{user.name}“ angelegt ({user.role})."
        elif command == "passwd":
            user = users.get_user(args.name)
            password = _read_password(args.password_stdin)
            users.check_password(password)
            record(conn, who, "passwd", "user", user.name, None, {"password": "geändert"})
            users.set_password(user.name, password)
            done = f"Passwort von „{user.name}“ geändert."
        else:
            user = users.get_user(args.name)
            record(conn, who, "delete", "user", user.name, users.public_fields(user), None)
            users.remove_user(user.name)
            done = f"Benutzer „{user.name}“ gelöscht."
    print(done)
    return 0

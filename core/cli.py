"""The administrator's command line: ``python -m core init-db|info|export|import …``.

``--database-url URL`` is accepted before the command and after every command and
subcommand (``python -m core export indicators … --database-url URL``); the one given
last on the line wins. Exit codes: 0 success, 1 a data or domain error (message
printed), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from core.db import make_engine, migrate, schema_revision
from core.errors import ConfigError, PraevError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m core",
        description="Präventionsmonitor: Datenbank einrichten, Daten prüfen und exportieren.",
    )
    p.add_argument(
        "--database-url",
        help="SQLAlchemy-URL der Datenbank (Standard: DATABASE_URL oder die SQLite-Datei in data/)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    init = sub.add_parser("init-db", help="Schema anlegen/aktualisieren und Katalog laden")
    init.add_argument(
        "--demo",
        action="store_true",
        help="Demodaten des Rhein-Kreises Neuss laden, wenn die Datenbank leer ist",
    )

    sub.add_parser("info", help="Zeilen je Tabelle und neuester Datenstand")

    from core.exporting import add_export_parser

    add_export_parser(sub)

    from core.reports.cli import add_report_parser

    add_report_parser(sub)

    from core.imports.cli import add_import_parser

    add_import_parser(sub)

    from core.users_cli import add_users_parser

    add_users_parser(sub)

    from core.privacy_cli import add_privacy_parser

    add_privacy_parser(sub)
    _database_url_everywhere(p)
    return p


SUB_URL = "database_url_sub"
SUB_URL_HELP = "SQLAlchemy-URL der Datenbank (wie --database-url vor dem Befehl)"


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parsers of the commands (and their subcommands) below ``parser``."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):  # aliases map twice
                found += [child, *_subparsers(child)]
    return found


def _database_url_everywhere(root: argparse.ArgumentParser) -> None:
    """Let every command and subcommand take ``--database-url`` too.

    Its value is only set when given (``SUPPRESS``), so a subcommand's parser does not
    overwrite a URL given to its command group with a default of None.
    """
    for parser in _subparsers(root):
        action = parser._option_string_actions.get("--database-url")
        if action is None:
            parser.add_argument(
                "--database-url", dest=SUB_URL, default=argparse.SUPPRESS, help=SUB_URL_HELP
            )
        else:
            action.default = argparse.SUPPRESS


def cmd_init_db(url: str | None, demo: bool) -> int:
    """Migrate, load the catalogue and (optionally) the demo data."""
    from core.catalogue import load_catalogue
    from core.inventory import is_empty

    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        load_catalogue(conn)
        empty = is_empty(conn)
    if demo and empty:
        from core.demo import build_demo

        build_demo(engine)
        print("Demodaten geladen.")
    elif demo:
        print("Die Datenbank enthält bereits Daten; Demodaten wurden nicht geladen.")
    if not empty:
        from core.publication import publish_all

        publish_all(engine)  # read if stored, else computed once before the first page view
    print(f"Datenbank bereit: {engine.url.render_as_string(hide_password=True)}")
    return 0


def cmd_info(url: str | None) -> int:
    """Print row counts per table and the newest reference date."""
    from core.inventory import is_demo, newest_reference_date, table_counts
    from core.present.numbers import format_date
    from core.present.stand import NEWEST_IN_DATABASE

    engine = make_engine(url)
    if schema_revision(engine) is None:
        raise ConfigError(
            "Die Datenbank ist noch nicht eingerichtet. Bitte zuerst "
            "„python -m core init-db“ (mit --demo für Demodaten) ausführen."
        )
    with engine.connect() as conn:
        counts = table_counts(conn)
        newest = newest_reference_date(conn)
        demo = is_demo(conn)
    width = max(len(n) for n in counts)
    for name, n in counts.items():
        print(f"{name:<{width}}  {n:>8}")
    print(f"{NEWEST_IN_DATABASE}: {format_date(newest) if newest else '–'}")
    print(f"Demodaten: {'ja' if demo else 'nein'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = _parser().parse_args(argv)
    url = getattr(args, SUB_URL, None) or args.database_url
    try:
        if args.command == "init-db":
            return cmd_init_db(url, args.demo)
        if args.command == "info":
            return cmd_info(url)
        if args.command == "export":
            from core.exporting import run_export

            return run_export(make_engine(url), args)
        if args.command == "report":
            from core.reports.cli import run_report

            return run_report(make_engine(url), args)
        if args.command == "import":
            from core.imports.cli import run as run_import_command

            return run_import_command(url, args)
        if args.command == "users":
            from core.users_cli import run_users

            return run_users(url, args)
        if args.command == "privacy":
            from core.privacy_cli import run_privacy

            return run_privacy(make_engine(url), args)
    except PraevError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 1
    return 2

"""``python -m core privacy audit|protect``: the protection of the publication, checked
from the command line (what an administrator or a data-protection officer scripts).

``audit`` rebuilds every table the product publishes for the quarter(s), takes the
stored protection (computing it if missing) and runs the interval attacker of
:mod:`core.privacy_audit` over it: it prints the tightest ranges an attacker can derive
for withheld cells and exits with 1 when any withheld count could be concluded to be
below ``PRAEV_MIN_COUNT`` or pinned to one value.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine

from core.format import format_number
from core.inventory import quarters_with_data
from core.privacy import PrivacyRules
from core.quarters import Quarter, parse_quarter

WORST = 10


def add_privacy_parser(sub: Any) -> None:
    """Register ``privacy audit`` and ``privacy protect``."""
    privacy = sub.add_parser("privacy", help="Datenschutz: Schutz prüfen oder berechnen")
    group = privacy.add_subparsers(dest="privacy_command", required=True, metavar="AKTION")
    for name, text in (
        ("audit", "Angriff auf die Veröffentlichung prüfen (Exit-Code 1 bei einer Lücke)"),
        ("protect", "Schutz berechnen und speichern (sonst beim ersten Aufruf)"),
    ):
        cmd = group.add_parser(name, help=text)
        which = cmd.add_mutually_exclusive_group(required=True)
        which.add_argument("--quarter", help="Berichtsquartal, z. B. 2026-Q3")
        which.add_argument("--all", action="store_true", help="alle Quartale mit Daten")


def _quarters(engine: Engine, args: argparse.Namespace) -> list[Quarter]:
    if args.all:
        with engine.connect() as conn:
            return list(quarters_with_data(conn))
    return [parse_quarter(args.quarter)]


def run_privacy(engine: Engine, args: argparse.Namespace) -> int:
    """Carry out ``privacy audit`` or ``privacy protect``."""
    from core.privacy_audit import audit, worst
    from core.publication import cell_table, withheld_cells

    rules = PrivacyRules.from_settings()
    breached = 0
    for q in _quarters(engine, args):
        with engine.connect() as conn:
            withheld = withheld_cells(conn, q, rules)
            if args.privacy_command == "protect":
                print(f"{q.label}: {format_number(len(withheld), 0)} Zellen zurückgehalten.")
                continue
            table = cell_table(conn, q, rules)
        breaches = audit(table, set(withheld), rules.min_count)
        breached += len(breaches)
        print(
            f"{q.label}: {format_number(len(table.values), 0)} Zellen, "
            f"{format_number(len(withheld), 0)} zurückgehalten, "
            f"{format_number(len(breaches), 0)} Lücke(n)."
        )
        for breach in breaches[:WORST]:
            print(f"  LÜCKE {breach.key}: {breach.problem}")
        if not breaches:
            for cell in worst(table, set(withheld), rules.min_count, WORST):
                print(f"  engste Spanne {cell.key}: {cell.problem}")
    if breached:
        print(f"Fehler: {breached} zurückgehaltene Zelle(n) lassen sich eingrenzen.")
        return 1
    return 0

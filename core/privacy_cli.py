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

from core.inventory import quarters_with_data
from core.present.numbers import format_number
from core.privacy import PrivacyRules
from core.quarters import parse_quarter

WORST = 10


def add_privacy_parser(sub: Any) -> None:
    """Register ``privacy audit`` and ``privacy protect``."""
    privacy = sub.add_parser("privacy", help="Datenschutz: Schutz prüfen oder berechnen")
    group = privacy.add_subparsers(dest="privacy_command", required=True, metavar="AKTION")
    audit = group.add_parser(
        "audit", help="Angriff auf die Veröffentlichung prüfen (Exit-Code 1 bei einer Lücke)"
    )
    which = audit.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", help="nur was dieses Quartal veröffentlicht, z. B. 2026-Q3")
    which.add_argument("--all", action="store_true", help="alle Quartale zusammen")
    group.add_parser("protect", help="Schutz berechnen und speichern (sonst beim ersten Aufruf)")


def run_privacy(engine: Engine, args: argparse.Namespace) -> int:
    """Carry out ``privacy audit`` or ``privacy protect``."""
    from core.privacy_audit import audit, worst
    from core.publication import protected
    from core.published_cells import cell_table

    rules = PrivacyRules.from_settings()
    with engine.connect() as conn:
        guard = protected(conn, rules)
        if args.privacy_command == "protect":
            print(
                f"{format_number(len(guard.cells), 0)} Zellen, "
                f"{format_number(len(guard.withheld), 0)} zurückgehalten."
            )
            return 0
        quarters = None if args.all else [parse_quarter(args.quarter)]
        if quarters is None and not quarters_with_data(conn):
            print("Keine Daten: nichts zu prüfen.")
            return 0
        table = cell_table(conn, rules, quarters)
    withheld = set(guard.withheld) & table.values.keys()
    unknown = table.values.keys() - guard.cells
    breaches = audit(table, withheld | unknown, rules.min_count)
    scope = "alle Quartale" if quarters is None else quarters[0].label
    print(
        f"{scope}: {format_number(len(table.values), 0)} Zellen, "
        f"{format_number(len(withheld | unknown), 0)} zurückgehalten, "
        f"{format_number(len(breaches), 0)} Lücke(n)."
    )
    for breach in breaches[:WORST]:
        print(f"  LÜCKE {breach.key}: {breach.problem}")
    if breaches:
        print(f"Fehler: {len(breaches)} zurückgehaltene Zelle(n) lassen sich eingrenzen.")
        return 1
    for cell in worst(table, withheld | unknown, rules.min_count, WORST):
        print(f"  engste Spanne {cell.key}: {cell.problem}")
    return 0

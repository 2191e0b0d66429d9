"""Exports of what the pages show: CSV (German Excel) and XLSX, suppressed where suppressed."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``export indicators|coverage|networks`` on the CLI."""
    p = sub.add_parser("export", help="Tabellen exportieren (CSV für Excel oder XLSX)")
    p.add_argument("table", choices=["indicators", "coverage", "networks"], help="was exportiert wird")
    p.add_argument("--quarter", required=True, help="Berichtsquartal, z. B. 2026-Q3")
    p.add_argument("--kommune", help="AGS einer Kommune (Standard: ganzer Kreis)")
    p.add_argument("--indicator", help="nur dieser Indikator (bei indicators)")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("-o", "--output", required=True, help="Zieldatei")


def run_export(engine: Engine, args: argparse.Namespace) -> int:
    """Carry out ``export`` from parsed CLI arguments."""
    raise NotImplementedError

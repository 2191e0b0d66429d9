"""Benchmark: the Präventionskette page's data preparation on the demo data (target < 150 ms).

Usage: ``python bench/chain_prep.py [--runs N] [--pg URL]``. Builds the demo into a
temporary SQLite file (and, with ``--pg``, into that PostgreSQL database, whose tables
are dropped first) and times, uncached, what the page asks core for:

* ``chain_view`` – the page's one call: chain, heatmap cells, completeness, need
  against coverage and the trend over all quarters up to the selected one;
* the same figures fetched call by call (``chain_summary``, ``coverage_cells``,
  ``chain_completeness``, ``need_vs_coverage``, ``coverage_trend``), for comparison;
* the need indicator alone (``indicator_values``), which is part of both.

Prints the median and the fastest run in wall time and in CPU time of this process
(CPU time is steadier on a busy machine). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, MetaData

from core.catalogue import indicator
from core.cli import main
from core.coverage import (
    chain_completeness,
    chain_summary,
    chain_view,
    coverage_cells,
    coverage_trend,
    need_vs_coverage,
)
from core.db import make_engine
from core.indicators import indicator_values
from core.inventory import quarters_with_data

TARGET_MS = 150.0
NEUSS = "05162024"


def timed(func: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(median wall ms, fastest wall ms, median CPU ms) over ``runs`` calls after a warm-up."""
    func()
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        func()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def one_by_one(engine: Engine, quarter, municipality: str | None, quarters: list) -> None:
    """The page's figures fetched call by call, each on its own connection (as cached
    separately by the UI)."""
    for call in (
        lambda c: chain_summary(c, quarter, municipality),
        lambda c: coverage_cells(c, quarter, municipality),
        lambda c: chain_completeness(c, quarter, municipality),
        lambda c: need_vs_coverage(c, quarter, municipality),
        lambda c: coverage_trend(c, quarters, municipality),
    ):
        with engine.connect() as conn:
            call(conn)


def bench(engine: Engine, label: str, runs: int) -> None:
    """Print the figures for one database."""
    with engine.connect() as conn:
        quarters = quarters_with_data(conn)
    newest = quarters[-1]
    history = tuple(quarters)
    print(f"\n{label}: {len(quarters)} Quartale ({quarters[0].label} – {newest.label})")
    print(f"{'':44s} {'Median':>9s} {'schnellst':>10s} {'CPU':>8s}")
    for scope, muni in (("Kreis", None), ("Neuss", NEUSS)):

        def view(muni: str | None = muni) -> None:
            with engine.connect() as conn:
                chain_view(conn, newest, muni, history)

        def need_only(muni: str | None = muni) -> None:
            with engine.connect() as conn:
                indicator_values(conn, indicator(conn, "sgb2_u15"), newest, "area", muni)

        rows = [
            (f"chain_view ({scope}, alle Quartale)", view),
            (f"  davon Bedarfsindikator ({scope})", need_only),
            (
                f"einzeln abgerufen ({scope})",
                lambda muni=muni: one_by_one(engine, newest, muni, quarters),
            ),
        ]
        for name, func in rows:
            med, best, cpu = timed(func, runs)
            print(f"{name:44s} {med:7.1f} ms {best:8.1f} ms {cpu:6.1f} ms")
    print(f"Ziel: chain_view unter {TARGET_MS:.0f} ms")


def clear(url: str) -> None:
    """Drop every table of a PostgreSQL scratch database."""
    engine = make_engine(url)
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
    engine.dispose()


def run() -> None:
    """Parse arguments, build the demo data and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="Messläufe je Zeile")
    parser.add_argument("--pg", help="PostgreSQL URL of a scratch database (tables dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        assert main(["--database-url", url, "init-db", "--demo"]) == 0
        engine = make_engine(url)
        bench(engine, "SQLite", args.runs)
        engine.dispose()
    if args.pg:
        clear(args.pg)
        assert main(["--database-url", args.pg, "init-db", "--demo"]) == 0
        engine = make_engine(args.pg)
        bench(engine, "PostgreSQL", args.runs)
        engine.dispose()


if __name__ == "__main__":
    run()

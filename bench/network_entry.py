"""Benchmark: the Netzwerke page's queries and saving a quarterly status.

Usage: ``python bench/network_entry.py [--pg URL] [--saves N]``. Builds the demo data
into a fresh SQLite file (and into the given PostgreSQL database, whose tables are
dropped first), then times each query the page runs (median of 5) and N saves of a
status with audit entry (one transaction each), and prints the figures. Nothing is
asserted. Target: every query well under a second; a save under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, MetaData

from core.cli import main
from core.db import make_engine
from core.inventory import quarters_with_data
from core.network_entry import StatusEntry, prefill, save_status
from core.networks import (
    network_history,
    networks,
    presence_matrix,
    stage_distribution,
    stage_trend,
    status_table,
)
from core.permissions import operator


def _median_ms(func: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(engine: Engine, label: str, saves: int) -> None:
    """Print query and save timings for one database."""
    with engine.connect() as conn:
        quarters = quarters_with_data(conn)
        last = quarters[-1]
        first_net = int(networks(conn)["network_id"].iloc[0])
        queries = {
            "status_table": lambda: status_table(conn, last),
            "stage_distribution": lambda: stage_distribution(conn, [last]),
            "stage_trend (all quarters)": lambda: stage_trend(conn, quarters),
            "presence_matrix": lambda: presence_matrix(conn),
            "network_history": lambda: network_history(conn, first_net, quarters),
            "prefill": lambda: prefill(conn, first_net, last.key),
        }
        print(f"{label}: {len(quarters)} quarters, newest {last.label}")
        for name, func in queries.items():
            print(f"  {name:<28} {_median_ms(func):8.1f} ms")
    times = []
    version = None
    with engine.connect() as conn:
        version = prefill(conn, first_net, last.key).version
    for i in range(saves):
        entry = StatusEntry(
            first_net, last.key, 2, 10 + i % 50, 1, "gruen", ("austausch",), "Ziel", ""
        )
        start = time.perf_counter()
        saved = save_status(engine, operator("Benchmark"), entry, version)
        times.append((time.perf_counter() - start) * 1000)
        version = saved["version"]
    print(
        f"  save_status x{saves:<22} median {statistics.median(times):6.1f} ms, "
        f"max {max(times):6.1f} ms (with audit entry)"
    )


def build(url: str) -> Engine:
    """The demo data in a database at ``url``."""
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    return make_engine(url)


def clear(url: str) -> None:
    """Drop every table of a PostgreSQL scratch database."""
    engine = make_engine(url)
    with engine.begin() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
    engine.dispose()


def run() -> None:
    """Parse arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", help="PostgreSQL URL of a scratch database (tables dropped)")
    parser.add_argument("--saves", type=int, default=50, help="number of saves to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        measure(engine, "SQLite", args.saves)
        engine.dispose()
    if args.pg:
        clear(args.pg)
        engine = build(args.pg)
        measure(engine, "PostgreSQL", args.saves)
        engine.dispose()


if __name__ == "__main__":
    run()

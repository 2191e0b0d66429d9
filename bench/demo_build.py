"""Benchmark: how long ``python -m core init-db --demo`` takes (target: under 30 s).

Usage: ``python bench/demo_build.py [--pg URL]``. Builds the demo into a fresh SQLite
file (and into the given PostgreSQL database, whose tables are dropped first) and
prints the wall time of each run. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sqlalchemy import MetaData

from core.cli import main
from core.db import make_engine


def timed_build(url: str) -> float:
    """Seconds for init-db --demo on ``url``."""
    start = time.perf_counter()
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    return time.perf_counter() - start


def clear(url: str) -> None:
    """Drop every table of a PostgreSQL test database."""
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        secs = timed_build(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
    print(f"init-db --demo on SQLite:     {secs:6.2f} s (target < 30 s)")
    if args.pg:
        clear(args.pg)
        secs = timed_build(args.pg)
        print(f"init-db --demo on PostgreSQL: {secs:6.2f} s (target < 30 s)")


if __name__ == "__main__":
    run()

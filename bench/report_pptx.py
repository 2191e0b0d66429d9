"""Benchmark: how long the full committee report takes for the Kreis (target: PPTX < 5 s).

Usage: ``python bench/report_pptx.py [--runs N]``. Builds the demo into a temporary
SQLite file, then times, per run, the report content (all core queries and the map),
the PPTX, and for comparison the PDF and the Excel file. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.cli import main
from core.db import make_engine
from core.quarters import Quarter
from core.reports.content import build_report
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.xlsx import to_report_xlsx_bytes

QUARTER = Quarter(2026, 3)


def timed(func: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def run() -> None:
    """Parse arguments, build the demo and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="Wiederholungen (Standard: 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        assert main(["--database-url", url, "init-db", "--demo"]) == 0
        engine = make_engine(url)
        rows = []
        for _ in range(args.runs):
            with engine.connect() as conn:
                content, report = timed(build_report, conn, QUARTER)
            pptx, data = timed(to_pptx_bytes, report)
            pdf, _ = timed(to_pdf_bytes, report)
            xlsx, _ = timed(to_report_xlsx_bytes, report)
            rows.append((content, pptx, content + pptx, pdf, xlsx, len(data)))
        engine.dispose()
    med = [statistics.median(r[i] for r in rows) for i in range(5)]
    print(f"Kreis, {QUARTER}, {len(report['slides'])} Folien, median of {args.runs} runs:")
    print(f"  report content (queries + map): {med[0]:6.2f} s")
    print(f"  PPTX rendering:                 {med[1]:6.2f} s")
    print(f"  full PPTX (content + PPTX):     {med[2]:6.2f} s (target < 5 s)")
    print(f"  PDF rendering (from content):   {med[3]:6.2f} s")
    print(f"  Excel rendering (from content): {med[4]:6.2f} s")
    print(f"  PPTX size:                      {rows[-1][5] / 1024:6.0f} KiB")


if __name__ == "__main__":
    run()

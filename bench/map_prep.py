"""Benchmark: the Sozialraumkarte's data preparation and what it sends to the browser.

Usage: ``python bench/map_prep.py [--database-url URL] [--runs N]``. Without a URL the
demo is built into a temporary SQLite file. Prints the median wall time of each step
(query, classification and GeoJSON in ``map_view``; offers; the folium map) and the
size of the GeoJSON at Sozialraum level. Targets: preparation under 150 ms, GeoJSON
under 300 KB. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.catalogue import indicator
from core.cli import main
from core.db import make_engine
from core.indicators import indicator_values
from core.inventory import quarters_with_data
from core.map_data import geojson_size, map_view, offer_points
from core.present.map_style import NATURAL_BREAKS, MapStyle


def median_ms(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median milliseconds over ``runs`` calls (after one warm-up) and the last result."""
    result = func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def run() -> None:
    """Parse arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="Datenbank (Standard: frische Demo in SQLite)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = args.database_url
    if not url:
        path = Path(tempfile.mkdtemp()) / "demo.sqlite"
        url = f"sqlite:///{path}"
        assert main(["--database-url", url, "init-db", "--demo"]) == 0
    engine = make_engine(url)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # ui/ is not installed
    from ui.map_widget import build_map

    with engine.connect() as conn:
        quarter = quarters_with_data(conn)[-1]
        entry = indicator(conn, "sgb2_u15")
        steps: list[tuple[str, Callable[[], Any]]] = [
            ("indicator_values (Sozialräume)", lambda: indicator_values(conn, entry, quarter)),
            ("map_view Sozialräume", lambda: map_view(conn, entry, quarter, "area")),
            (
                "map_view Sozialräume, Jenks 7",
                lambda: map_view(conn, entry, quarter, "area", None, MapStyle(NATURAL_BREAKS, 7)),
            ),
            ("map_view Kommunen", lambda: map_view(conn, entry, quarter, "municipality")),
            (
                "map_view Sozialräume, feste Grenzen",
                lambda: map_view(conn, entry, quarter, "area", None, MapStyle(fixed=True)),
            ),
            ("offer_points (alle)", lambda: offer_points(conn, quarter)),
        ]
        results: dict[str, Any] = {}
        print(f"Sozialraumkarte, {quarter.key}, Median aus {args.runs} Läufen:")
        for label, func in steps:
            ms, results[label] = median_ms(func, args.runs)
            print(f"  {label:<40} {ms:8.1f} ms")
        view = results["map_view Sozialräume"]
        offers = results["offer_points (alle)"]
        ms, fmap = median_ms(lambda: build_map(view, offers), args.runs)
        print(f"  {'folium-Karte bauen':<40} {ms:8.1f} ms")
        ms, html = median_ms(lambda: fmap.get_root().render(), max(args.runs // 2, 1))
        print(f"  {'folium-Karte rendern (HTML)':<40} {ms:8.1f} ms")
        page_ms = sum(
            median_ms(f, args.runs)[0]
            for f in (steps[1][1], steps[-1][1], lambda: build_map(view, offers))
        )
        print(
            f"Datenaufbereitung der Seite (Werte, Klassen, GeoJSON, Angebote, Karte): "
            f"{page_ms:.1f} ms (Ziel < 150 ms)"
        )
        size = geojson_size(view)
        print(
            f"GeoJSON Sozialräume inkl. Grenzen: {size / 1024:.1f} KB (Ziel < 300 KB), "
            f"{len(view.geojson['features'])} Gebiete"
        )
        print(f"Karten-HTML mit {len(offers)} Angeboten: {len(html) / 1024:.1f} KB")
    engine.dispose()


if __name__ == "__main__":
    run()

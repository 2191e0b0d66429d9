"""Benchmark: import 100,000 indicator rows from a German Excel CSV into SQLite.

Generates the CSV in a temporary folder (``;``, decimal comma, thousands point,
UTF-8 with BOM), imports it into a fresh SQLite database with the demo areas
replaced by plain ones, imports it a second time (nothing changes) and prints the
times. Target: the first import under 10 s.

Run: ``.venv/bin/python bench/import_indicators.py [ROWS]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from core.catalogue import load_catalogue  # noqa: E402
from core.db import make_engine, migrate  # noqa: E402
from core.imports import ImportFile, run_import  # noqa: E402
from core.models import Area  # noqa: E402
from core.permissions import operator  # noqa: E402
from core.present.numbers import format_number  # noqa: E402

TARGET_SECONDS = 10.0
INDICATORS = ("sgb2_u15", "sgb2_u3", "sgb2_3_6", "single_parent_bg")


def german_csv(rows: int, areas: list[str]) -> bytes:
    """``rows`` indicator rows: 4 indicators x areas x monthly reference dates."""
    lines = ["Indikator;Gebiet;Stichtag;Zähler;Nenner"]
    n = 0
    month = 0
    while n < rows:
        year, mon = 2000 + month // 12, month % 12 + 1
        day = {2: 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(mon, 31)
        for ind in INDICATORS:
            for i, area in enumerate(areas):
                if n >= rows:
                    break
                den = 1_000 + (i * 37 + month) % 4_000
                num = (den * (5 + (i + month) % 30)) // 100
                lines.append(
                    f"{ind};{area};{day:02d}.{mon:02d}.{year};{format_number(num, 0)};"
                    f"{format_number(den, 0)}"
                )
                n += 1
        month += 1
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    areas = [f"05162024-{i:02d}" for i in range(1, 81)]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        migrate(engine)
        with engine.begin() as conn:
            load_catalogue(conn)
            conn.execute(
                insert(Area),
                [{"id": "05162024", "name": "Neuss", "level": "municipality"}]
                + [{"id": a, "name": a, "level": "area", "parent_id": "05162024"} for a in areas],
            )
        path = Path(tmp) / "indikatorwerte.csv"
        path.write_bytes(german_csv(rows, areas))
        file = ImportFile(path.name, path.read_bytes())
        size = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        first = run_import(engine, "indicators", [file], user=operator("bench"))
        t1 = time.perf_counter()
        second = run_import(engine, "indicators", [file], user=operator("bench"))
        t2 = time.perf_counter()
        engine.dispose()
    print(f"rows: {format_number(rows, 0)}  CSV: {format_number(size, 1)} MB")
    print(f"first import:  {t1 - t0:6.2f} s  ({first.counts})  target < {TARGET_SECONDS:.0f} s")
    print(f"second import: {t2 - t1:6.2f} s  ({second.counts}, batch {second.batch_id})")
    print("OK" if t1 - t0 < TARGET_SECONDS else "SLOWER THAN TARGET")


if __name__ == "__main__":
    main()

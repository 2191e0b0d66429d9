"""Benchmark: secondary suppression and the interval attacker on synthetic quarters.

Usage: ``python bench/privacy.py [--scale N] [--quarters Q] [--workers W] [--land]``.
Without options it runs the demo size (one Kreis, ~70 areas, 13 indicators with numerator
and denominator, 6 population phases, linked tables, 16 quarters) and then 60 Kreise in one
quarter (~4,000 Sozialräume). ``--land`` adds a Land total over all Kreise, which joins
everything into one component (the worst case for decomposition). Prints the wall time of
``protect`` and of ``audit``, the number of primary and secondary cells, next to a floor
measured in the same run (building the tables; one trivial linear programme). Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from core.cell_table import CellTable, Relation
from core.privacy_audit import Row, Subsystem, audit
from core.protection import protect

PHASES = ("u3", "3to6", "6to10", "10to15", "15to18", "all")
INDICATORS = [f"ind{i:02d}" for i in range(13)]
#: indicators whose denominator is a population cell of the same area (linked tables)
LINKED_DEN = {"ind00": "u3", "ind01": "3to6", "ind02": "6to10", "ind03": "10to15"}
MIN_COUNT = 3


def kreis_areas(kreis: str, n_sr: int) -> dict[str, list[str]]:
    """Kommune -> Sozialräume of one Kreis (about 9 Sozialräume per Kommune)."""
    n_kom = max(2, n_sr // 9)
    koms = [f"{kreis}-k{k}" for k in range(n_kom)]
    out: dict[str, list[str]] = {kom: [] for kom in koms}
    for s in range(n_sr):
        kom = koms[s % n_kom]
        out[kom].append(f"{kom}-s{s}")
    return out


def add_kreis(table: CellTable, rng: random.Random, kreis: str, n_sr: int) -> None:
    """Cells, relations and inequalities of one Kreis (population, indicators, coverage)."""
    areas = kreis_areas(kreis, n_sr)
    values = table.values

    def tree(prefix: str, leaf: dict[str, float]) -> None:
        """Sum the Sozialraum cells ``prefix|sr|…`` up to Kommune and Kreis."""
        kom_keys = []
        for kom, srs in areas.items():
            parts = tuple(leaf[s] for s in srs)
            key = prefix.format(kom)
            values[key] = sum(values[p] for p in parts)
            table.relations.append(Relation(key, parts))
            kom_keys.append(key)
        key = prefix.format(kreis)
        values[key] = sum(values[k] for k in kom_keys)
        table.relations.append(Relation(key, tuple(kom_keys)))

    srs = [s for group in areas.values() for s in group]
    for phase in PHASES:
        leaf = {}
        for s in srs:
            key = f"pop|{s}|{phase}"
            values[key] = float(int(rng.lognormvariate(4.0, 1.1)))
            leaf[s] = key
        tree(f"pop|{{}}|{phase}", leaf)
    for ind in INDICATORS:
        rate = rng.uniform(0.02, 0.3)
        den_leaf, num_leaf = {}, {}
        for s in srs:
            if ind in LINKED_DEN:
                den = f"pop|{s}|{LINKED_DEN[ind]}"
            else:
                den = f"ind|{ind}|{s}|den"
                values[den] = float(int(rng.lognormvariate(3.5, 1.2)))
            num = f"ind|{ind}|{s}|num"
            values[num] = float(
                np.random.default_rng(rng.randrange(2**32)).binomial(int(values[den]), rate)
            )
            den_leaf[s], num_leaf[s] = den, num
        if ind not in LINKED_DEN:
            tree(f"ind|{ind}|{{}}|den", den_leaf)
        tree(f"ind|{ind}|{{}}|num", num_leaf)
        for a in [*areas, kreis]:
            num, den = (
                f"ind|{ind}|{a}|num",
                (f"pop|{a}|{LINKED_DEN[ind]}" if ind in LINKED_DEN else f"ind|{ind}|{a}|den"),
            )
            table.at_most.append((num, den))
        for s in srs:
            table.at_most.append((num_leaf[s], den_leaf[s]))


def build(seed: int, n_kreise: int, n_sr: int, land: bool) -> CellTable:
    """A synthetic quarter: ``n_kreise`` Kreise of ``n_sr`` Sozialräume each."""
    rng = random.Random(seed)
    table = CellTable(values={})
    kreise = [f"kr{k}" for k in range(n_kreise)]
    for kreis in kreise:
        add_kreis(table, rng, kreis, n_sr)
    if land:
        for phase in PHASES:
            parts = tuple(f"pop|{k}|{phase}" for k in kreise)
            table.values[f"pop|land|{phase}"] = sum(table.values[p] for p in parts)
            table.relations.append(Relation(f"pop|land|{phase}", parts))
    table.primary = {k for k, v in table.values.items() if 1 <= v < MIN_COUNT}
    return table


def trivial_lp_ms(runs: int = 200) -> float:
    """Median milliseconds to build and solve ``max x0, x0 + x1 = 5`` (the solver's floor)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sub = Subsystem(
            ["a", "b"], [Row(("t", "a", "b"), (1.0, -1.0, -1.0), True)], {"a": 2, "b": 3, "t": 5}
        )
        sub.solve(0, maximise=True)
        sub.release()
        times.append(time.perf_counter() - start)
    return 1000 * sorted(times)[runs // 2]


def run(label: str, n_kreise: int, n_sr: int, quarters: int, workers: int, land: bool) -> None:
    """Build, protect and audit ``quarters`` synthetic quarters; print the figures."""
    t0 = time.perf_counter()
    tables = [build(q, n_kreise, n_sr, land) for q in range(quarters)]
    t_build = time.perf_counter() - t0
    t_protect = t_audit = 0.0
    cells = primary = secondary = breaches = 0
    for table in tables:
        t1 = time.perf_counter()
        withheld = protect(table, MIN_COUNT, workers=workers)
        t2 = time.perf_counter()
        breaches += len(audit(table, withheld, MIN_COUNT))
        t3 = time.perf_counter()
        t_protect += t2 - t1
        t_audit += t3 - t2
        cells += len(table.values)
        primary += len(table.primary)
        secondary += len(withheld - table.primary)
    print(
        f"{label}: {quarters} quarter(s), {cells} cells, {primary} primary, "
        f"{secondary} secondary ({100 * secondary / max(cells, 1):.1f} % of cells), "
        f"breaches after protection: {breaches}"
    )
    print(
        f"  build {t_build:.2f} s (floor) | protect {t_protect:.2f} s | audit {t_audit:.2f} s | "
        f"per quarter {1000 * (t_protect + t_audit) / quarters:.0f} ms"
    )


def demo_database() -> None:
    """The real demo database: all quarters as one publication (what ``init-db --demo``
    computes), next to reading one indicator for a page once it is stored."""
    import tempfile
    from pathlib import Path

    from core.catalogue import indicator, load_catalogue
    from core.db import make_engine, migrate
    from core.demo import build_demo
    from core.indicators import indicator_values
    from core.privacy import PrivacyRules
    from core.published_cells import cell_table
    from core.quarters import Quarter

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        migrate(engine)
        with engine.begin() as conn:
            load_catalogue(conn)
        build_demo(engine)
        rules = PrivacyRules()
        with engine.connect() as conn:
            t0 = time.perf_counter()
            table = cell_table(conn, rules)
            t1 = time.perf_counter()
            withheld = protect(table, MIN_COUNT)
            t2 = time.perf_counter()
            breaches = audit(table, withheld, MIN_COUNT)
            t3 = time.perf_counter()
            indicator_values(conn, indicator(conn, "sgb2_u15"), Quarter(2026, 3), rules=rules)
            t4 = time.perf_counter()
            indicator_values(conn, indicator(conn, "sgb2_u15"), Quarter(2026, 3), rules=rules)
            t5 = time.perf_counter()
        engine.dispose()
    print(
        f"demo database, all quarters: {len(table.values):,} cells, {len(withheld):,} "
        f"withheld, {len(breaches)} breaches; build {t1 - t0:.2f} s, protect {t2 - t1:.2f} s, "
        f"audit {t3 - t2:.2f} s; one indicator for a page {1000 * (t5 - t4):.0f} ms "
        f"(first read in a process {1000 * (t4 - t3):.0f} ms)"
    )


def main(argv: list[str] | None = None) -> None:
    """Command line entry."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=60, help="Kreise in the large run")
    parser.add_argument("--quarters", type=int, default=16, help="quarters in the demo run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--land", action="store_true", help="add a Land total")
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args(argv)
    print(f"trivial linear programme: {trivial_lp_ms():.2f} ms (floor)")
    demo_database()
    run("demo (1 Kreis, ~70 areas)", 1, 63, args.quarters, 1, False)
    if not args.skip_large:
        run(
            f"x{args.scale} ({args.scale} Kreise, {63 * args.scale} Sozialräume)",
            args.scale,
            63,
            1,
            args.workers,
            args.land,
        )


if __name__ == "__main__":
    main()

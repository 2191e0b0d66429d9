"""Interval attacker: what a reader can conclude about withheld counts from a publication.

The attacker takes everything published for a quarter (all area levels, all linked tables,
zeros included) as linear equations and inequalities (:mod:`core.cell_table`): the shown
cells are constants, the withheld cells are unknowns ``>= 0``. For every withheld cell it
computes the smallest and the largest value consistent with all of it (two linear
programmes, solved with HiGHS through ``highspy``).

The rule enforced (DESIGN.md, Datenschutz): for every withheld person count the feasible
range reaches ``min_count`` (a reader can never conclude that a withheld count is small)
and contains at least two whole numbers (it is not pinned to one value). An unbounded
upper end is fine. The rule applies to every withheld cell, whatever its true value.

Speed: the unknowns fall apart into independent *subsystems* (withheld cells linked by a
relation; shown cells are constants and do not link), usually of a handful of cells.
A subsystem with at most one equation over several unknowns is solved in closed form;
otherwise linear programmes run, and every solution found serves as a witness for the
other cells of the subsystem (the true values are a witness too), so most cells need no
programme of their own. Results are cached per subsystem, which keeps repeated audits
during protection (:mod:`core.protection`) cheap.
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import suppress
from dataclasses import dataclass

import highspy
import numpy as np

from core.cell_table import CellTable

EPS = 1e-6
INF = math.inf
_UNBOUNDED_OR_INFEASIBLE = highspy.HighsModelStatus.kUnboundedOrInfeasible
_BANNER_SILENCED = False


def _new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the first one made prints a banner on descriptor 1)."""
    global _BANNER_SILENCED
    saved = None
    if not _BANNER_SILENCED:
        with suppress(AttributeError, OSError, ValueError):
            sys.stdout.flush()
        with suppress(OSError), open(os.devnull, "w") as null:
            saved = os.dup(1)
            os.dup2(null.fileno(), 1)
    try:
        lp = highspy.Highs()
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SILENCED = True
    lp.setOptionValue("output_flag", False)
    return lp


@dataclass(frozen=True)
class Breach:
    """A withheld cell about which a reader can conclude too much."""

    key: str
    low: float
    high: float
    problem: str


@dataclass(frozen=True)
class Row:
    """One known fact: ``sum(coef * cell) == 0`` (``is_eq``) or ``<= 0``."""

    keys: tuple[str, ...]
    coefs: tuple[float, ...]
    is_eq: bool


def _fmt(value: float) -> str:
    """A bound as a German number: whole numbers plain, others with a decimal comma."""
    if value == INF:
        return "unbegrenzt"
    if abs(value - round(value)) < EPS:
        return str(round(value))
    return f"{value:.2f}".replace(".", ",")


def _snap(value: float) -> float:
    """Round away solver noise (all data are whole numbers)."""
    if value != INF and abs(value - round(value)) < EPS:
        return float(round(value))
    return value


def whole_numbers(low: float, high: float) -> int:
    """How many whole numbers the range ``[low, high]`` contains (capped at 2)."""
    if high == INF:
        return 2
    return max(0, min(2, math.floor(high + EPS) - math.ceil(low - EPS) + 1))


def problem_text(low: float, high: float, min_count: int) -> str | None:
    """German description of what is wrong with a range, or ``None`` if it is safe."""
    if whole_numbers(low, high) < 2:
        if abs(high - low) < EPS:
            return f"genau bestimmbar: {_fmt(low)}"
        return (
            f"nur ein ganzzahliger Wert möglich (aus den veröffentlichten Zahlen folgt ein "
            f"Wert zwischen {_fmt(low)} und {_fmt(high)})"
        )
    if high < min_count - EPS:
        return (
            f"aus den veröffentlichten Zahlen folgt ein Wert zwischen {_fmt(low)} und "
            f"{_fmt(high)} (kleiner als {min_count})"
        )
    return None


class Subsystem:
    """The linear system of one group of linked withheld cells."""

    def __init__(self, keys: list[str], rows: list[Row], values: dict[str, float]) -> None:
        self.keys = keys
        self.index = {k: i for i, k in enumerate(keys)}
        self.truth = np.array([float(values[k]) for k in keys])
        n = len(keys)
        self.low = np.zeros(n)
        self.high = np.full(n, INF)
        self.multi: list[tuple[dict[int, float], float, bool, Row]] = []
        for row in rows:
            coefs: dict[int, float] = {}
            rhs = 0.0
            for key, coef in zip(row.keys, row.coefs, strict=True):
                i = self.index.get(key)
                if i is None:
                    rhs -= coef * float(values[key])
                elif coef:
                    coefs[i] = coefs.get(i, 0.0) + coef
            coefs = {i: c for i, c in coefs.items() if c}
            if not coefs:
                continue
            if len(coefs) == 1:
                ((i, c),) = coefs.items()
                bound = rhs / c
                if row.is_eq or c > 0:
                    self.high[i] = min(self.high[i], bound)
                if row.is_eq or c < 0:
                    self.low[i] = max(self.low[i], bound)
            self.multi.append((coefs, rhs, row.is_eq, row))
        if np.any(self.low > self.high + EPS):
            raise ValueError(f"Widersprüchliche Zahlen bei {keys[0]!r}")
        self.closed = all(len(c) == 1 for c, _, _, _ in self.multi) or (
            sum(1 for c, _, _, _ in self.multi if len(c) > 1) == 1
            and all(eq for c, _, eq, _ in self.multi if len(c) > 1)
        )
        self._lp: tuple[highspy.Highs, list[Row]] | None = None
        self._objective: int | None = None

    # -- closed form ------------------------------------------------------------------
    def closed_ranges(self) -> list[tuple[float, float]]:
        """Exact ranges when there is at most one equation over several cells."""
        eqs = [(c, r) for c, r, _, _ in self.multi if len(c) > 1]
        low, high = self.low, self.high
        if not eqs:
            return [(_snap(low[i]), _snap(high[i])) for i in range(len(self.keys))]
        (coefs, rhs) = eqs[0]
        # contribution range of every term a_i * x_i over its box
        lo_terms = {i: min(a * low[i], a * high[i]) for i, a in coefs.items()}
        hi_terms = {i: max(a * low[i], a * high[i]) for i, a in coefs.items()}
        lo_fin = sum(v for v in lo_terms.values() if v != -INF)
        hi_fin = sum(v for v in hi_terms.values() if v != INF)
        lo_inf = sum(1 for v in lo_terms.values() if v == -INF)
        hi_inf = sum(1 for v in hi_terms.values() if v == INF)
        out = []
        for j in range(len(self.keys)):
            a = coefs.get(j)
            if a is None:
                out.append((_snap(low[j]), _snap(high[j])))
                continue
            own_lo_inf = lo_terms[j] == -INF
            own_hi_inf = hi_terms[j] == INF
            rest_lo = -INF if lo_inf - own_lo_inf else lo_fin - (0.0 if own_lo_inf else lo_terms[j])
            rest_hi = INF if hi_inf - own_hi_inf else hi_fin - (0.0 if own_hi_inf else hi_terms[j])
            t_lo, t_hi = rhs - rest_hi, rhs - rest_lo  # range of a * x_j
            x_lo, x_hi = (t_lo / a, t_hi / a) if a > 0 else (t_hi / a, t_lo / a)
            out.append((_snap(max(low[j], x_lo)), _snap(min(high[j], x_hi))))
        return out

    # -- linear programmes ------------------------------------------------------------
    def _solver(self) -> tuple[highspy.Highs, list[Row]]:
        """A HiGHS model of the subsystem (kept until :meth:`release`)."""
        if self._lp is None:
            n = len(self.keys)
            multi = [m for m in self.multi if len(m[0]) > 1]
            lp = _new_highs()
            high = np.where(np.isinf(self.high), highspy.kHighsInf, self.high)
            lp.addVars(n, self.low.copy(), high)
            starts: list[int] = []
            index: list[int] = []
            coef: list[float] = []
            for coefs, _, _, _ in multi:
                starts.append(len(index))
                index += list(coefs)
                coef += list(coefs.values())
            if multi:
                rhs = np.array([r for _, r, _, _ in multi])
                lower = np.array([r if eq else -highspy.kHighsInf for _, r, eq, _ in multi])
                lp.addRows(
                    len(multi),
                    lower,
                    rhs,
                    len(index),
                    np.array(starts, dtype=np.int32),
                    np.array(index, dtype=np.int32),
                    np.array(coef, dtype=np.float64),
                )
            self._lp = (lp, [row for *_, row in multi])
            self._objective = None
        return self._lp

    def release(self) -> None:
        """Free the solver (subsystems stay cached, solvers would use too much memory)."""
        self._lp = None

    def solve(self, j: int, maximise: bool) -> tuple[float, np.ndarray | None, list[Row]]:
        """Optimum of cell ``j``, the solution vector and the binding rows."""
        lp, rows = self._solver()
        if self._objective is not None and self._objective != j:
            lp.changeColCost(self._objective, 0.0)
        lp.changeColCost(j, -1.0 if maximise else 1.0)
        self._objective = j
        lp.run()
        status = lp.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded, _UNBOUNDED_OR_INFEASIBLE):
            return INF, None, []
        if status != highspy.HighsModelStatus.kOptimal:
            raise ValueError(f"Widersprüchliche Zahlen bei {self.keys[j]!r}: {status}")
        solution = lp.getSolution()
        x = np.array(solution.col_value)
        binding = [r for r, d in zip(rows, solution.row_dual, strict=True) if abs(d) > EPS]
        # simple bounds come from one-cell rows; they bind when the optimum sits on them
        for coefs, _, _, row in self.multi:
            if len(coefs) == 1:
                ((i, _),) = coefs.items()
                if abs(x[i] - self.low[i]) < EPS or abs(x[i] - self.high[i]) < EPS:
                    binding.append(row)
        return _snap(float(x[j])), x, binding

    def breaches(self, min_count: int) -> list[Breach]:
        """Cells of this subsystem that break the rule, with their exact ranges."""
        if self.closed:
            ranges = self.closed_ranges()
            return [
                Breach(k, lo, hi, text)
                for k, (lo, hi) in zip(self.keys, ranges, strict=True)
                if (text := problem_text(lo, hi, min_count)) is not None
            ]
        seen_lo = self.truth.copy()
        seen_hi = self.truth.copy()
        found: list[Breach] = []
        for j, key in enumerate(self.keys):
            if seen_hi[j] >= min_count - EPS and whole_numbers(seen_lo[j], seen_hi[j]) >= 2:
                continue
            high, x, _ = self.solve(j, maximise=True)
            if x is not None:
                seen_lo, seen_hi = np.minimum(seen_lo, x), np.maximum(seen_hi, x)
            if high >= min_count - EPS and whole_numbers(seen_lo[j], high) >= 2:
                continue
            low, x, _ = self.solve(j, maximise=False)
            if x is not None:
                seen_lo, seen_hi = np.minimum(seen_lo, x), np.maximum(seen_hi, x)
            text = problem_text(low, high, min_count)
            if text is not None:
                found.append(Breach(key, low, high, text))
        self.release()
        return found

    def ranges(self) -> list[tuple[float, float]]:
        """Exact range of every cell."""
        if self.closed:
            return self.closed_ranges()
        out = [
            (self.solve(j, maximise=False)[0], self.solve(j, maximise=True)[0])
            for j in range(len(self.keys))
        ]
        self.release()
        return out


class AttackModel:
    """Everything an attacker knows about a table, prepared for repeated audits."""

    def __init__(self, table: CellTable) -> None:
        self.table = table
        self.values = table.values
        self.rows: list[Row] = []
        for rel in table.active_relations():
            coefs: dict[str, float] = {rel.total: 1.0}
            for part in rel.parts:
                coefs[part] = coefs.get(part, 0.0) - 1.0
            self.rows.append(Row(tuple(coefs), tuple(coefs.values()), True))
        for a, b in table.active_at_most():
            self.rows.append(Row((a, b), (1.0, -1.0), False))
        self.by_key: dict[str, list[int]] = {}
        for r, row in enumerate(self.rows):
            for key in row.keys:
                self.by_key.setdefault(key, []).append(r)
        self._cache: dict[tuple[frozenset[str], int], list[Breach]] = {}
        self._systems: dict[frozenset[str], Subsystem] = {}
        self._check()

    def _check(self) -> None:
        """Refuse data that contradict their own relations (the audit would be void)."""
        for key, value in self.values.items():
            if value < 0:
                raise ValueError(f"Negativer Wert bei {key!r}: {value}")
        for row in self.rows:
            total = sum(c * float(self.values[k]) for k, c in zip(row.keys, row.coefs, strict=True))
            if (row.is_eq and abs(total) > EPS) or (not row.is_eq and total > EPS):
                kind = "Summe" if row.is_eq else "Ungleichung"
                raise ValueError(f"{kind} stimmt nicht für {row.keys[0]!r} ({row.keys})")

    def subsystems(self, withheld: set[str]) -> list[frozenset[str]]:
        """Groups of withheld cells linked by a known fact (cells in no fact excluded)."""
        parent: dict[str, str] = {}

        def find(key: str) -> str:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        seen_rows: set[int] = set()
        for key in withheld:
            for r in self.by_key.get(key, ()):
                if r in seen_rows:
                    continue
                seen_rows.add(r)
                members = [k for k in self.rows[r].keys if k in withheld]
                for k in members:
                    parent.setdefault(k, k)
                root = find(members[0])
                for k in members[1:]:
                    other = find(k)
                    if other != root:
                        parent[other] = root
        groups: dict[str, list[str]] = {}
        for key in parent:
            groups.setdefault(find(key), []).append(key)
        return [frozenset(g) for g in groups.values()]

    def subsystem(self, keys: frozenset[str]) -> Subsystem:
        """The linear system of one group of withheld cells (cached)."""
        found = self._systems.get(keys)
        if found is None:
            row_ids = sorted({r for k in keys for r in self.by_key.get(k, ())})
            found = Subsystem(sorted(keys), [self.rows[r] for r in row_ids], self.values)
            self._systems[keys] = found
        return found

    def breaches_of(self, keys: frozenset[str], min_count: int) -> list[Breach]:
        """Breaches within one group (cached)."""
        found = self._cache.get((keys, min_count))
        if found is None:
            found = self.subsystem(keys).breaches(min_count)
            self._cache[(keys, min_count)] = found
        return found

    def audit(self, withheld: set[str], min_count: int) -> list[Breach]:
        """All breaches, sorted by key."""
        found: list[Breach] = []
        for keys in self.subsystems(withheld & self.values.keys()):
            found += self.breaches_of(keys, min_count)
        return sorted(found, key=lambda b: b.key)

    def ranges(self, withheld: set[str]) -> dict[str, tuple[float, float]]:
        """Exact range of every withheld cell (``(0, inf)`` for cells in no fact)."""
        present = withheld & self.values.keys()
        out = {key: (0.0, INF) for key in present}
        for keys in self.subsystems(present):
            sub = self.subsystem(keys)
            out.update(zip(sub.keys, sub.ranges(), strict=True))
        return out


def audit(table: CellTable, withheld: set[str], min_count: int) -> list[Breach]:
    """Withheld cells whose feasible range stays below ``min_count`` or is pinned.

    Keys in ``withheld`` that are not cells of the table are ignored. Raises
    ``ValueError`` when the values contradict their own relations.
    """
    return AttackModel(table).audit(set(withheld), min_count)


def ranges(table: CellTable, withheld: set[str]) -> dict[str, tuple[float, float]]:
    """The attacker's exact ``(low, high)`` for every withheld cell."""
    return AttackModel(table).ranges(set(withheld))


def worst(table: CellTable, withheld: set[str], min_count: int, n: int = 10) -> list[Breach]:
    """The ``n`` withheld cells with the tightest ranges (breaches first), for listings.

    Safe cells are returned as :class:`Breach` records too, with a ``problem`` text that
    just states their range.
    """
    found = ranges(table, withheld)
    ordered = sorted(
        found.items(),
        key=lambda kv: (
            problem_text(kv[1][0], kv[1][1], min_count) is None,
            kv[1][1],
            kv[1][1] - kv[1][0],
            kv[0],
        ),
    )
    return [
        Breach(
            key, lo, hi, problem_text(lo, hi, min_count) or f"Spielraum {_fmt(lo)} bis {_fmt(hi)}"
        )
        for key, (lo, hi) in ordered[:n]
    ]

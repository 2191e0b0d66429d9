"""Secondary suppression for hierarchical, linked tables, driven by the interval attacker.

:func:`protect` decides which cells of a :class:`~core.cell_table.CellTable` are withheld:
the caller's primary cells plus as few, as cheap secondary cells as it can find, such that
:func:`core.privacy_audit.audit` finds no breach. It never changes a value; it only decides
what is withheld. Zeros stay shown unless hidden as secondary cells.

Method — audit-driven greedy with the attacker's own linear programmes (in the manner of
τ-Argus' "optimal" method, which also solves the attacker's problems, but without its
large mixed-integer model):

1. The table falls apart into connected components (cells linked by relations or
   inequalities); each is protected on its own, optionally in parallel.
2. Round after round the audit runs on the current withheld set. For each breaching cell
   the linear programme that attains its too-tight bound names the *binding* facts (rows
   with a non-zero dual value, or a simple bound it sits on). Only hiding a shown cell of
   such a fact can widen the range. Among those cells the one chosen is, in this order:
   one whose value can make up the missing width (estimated from the direction in which
   the cell must move; a cell that must shrink can give at most its own value), then the
   lowest level of the hierarchy (a Sozialraum before a Kommune before the Kreis), then the
   lowest cost (default ``1 + value``).
3. Finally secondary cells are tried shown again, the most expensive first, and stay shown
   when the audit still passes (removes cells made unnecessary by later choices).

Why it ends breach-free: every round that finds a breach hides at least one more cell
(a breaching cell always has a shown cell in one of its facts, otherwise its group of
withheld cells would satisfy only homogeneous facts — whole sums of withheld cells —
and then every cell could grow without bound). The number of cells is finite, so the
loop ends, and it ends only when the audit passes. The pruning step only accepts states
that pass the audit. Only a table whose facts pin a cell by themselves (a total over no
parts) can defeat this; then :class:`ProtectionError` is raised instead of returning an
unsafe result.

The result is not guaranteed to be the cheapest possible suppression pattern (that is an
NP-hard problem), but it is always safe against the interval attacker.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from core.cell_table import CellTable, Relation
from core.privacy_audit import EPS, INF, AttackModel, Breach, Row

#: Components with at least this many cells are sent to worker processes (``workers > 1``).
PARALLEL_MIN_CELLS = 20_000


class ProtectionError(ValueError):
    """The relations themselves pin a withheld cell; no suppression pattern can help."""


def protect(table: CellTable, min_count: int, *, workers: int = 1, prune: bool = True) -> set[str]:
    """Withheld keys (primary ∪ secondary) for which the audit finds no breach.

    ``workers > 1`` spreads large tables over that many processes. ``prune`` removes
    secondary cells that turn out to be unnecessary at the end.
    """
    parts = split(table)
    result = set(table.primary)
    todo = [t for t in parts if t.primary]
    if workers > 1 and sum(len(t.values) for t in todo) >= PARALLEL_MIN_CELLS and len(todo) > 1:
        bundles = _bundles(todo, workers)
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            for found in pool.map(
                _protect_many, bundles, [min_count] * len(bundles), [prune] * len(bundles)
            ):
                result |= found
        return result
    return result | _protect_many(todo, min_count, prune)


def split(table: CellTable) -> list[CellTable]:
    """The connected components of ``table`` as tables of their own (one pass)."""
    groups = table.components()
    owner = {key: i for i, group in enumerate(groups) for key in group}
    rels: list[list[Relation]] = [[] for _ in groups]
    pairs: list[list[tuple[str, str]]] = [[] for _ in groups]
    for rel in table.active_relations():
        rels[owner[rel.total]].append(rel)
    for a, b in table.active_at_most():
        pairs[owner[a]].append((a, b))
    out = []
    for i, group in enumerate(groups):
        out.append(
            CellTable(
                values={k: table.values[k] for k in group},
                relations=rels[i],
                at_most=pairs[i],
                cost={k: table.cost[k] for k in group if k in table.cost},
                primary={k for k in group if k in table.primary},
            )
        )
    return out


def _bundles(tables: list[CellTable], n: int) -> list[list[CellTable]]:
    """Spread tables over ``n`` bundles of similar total size (largest first)."""
    bundles: list[list[CellTable]] = [[] for _ in range(n)]
    sizes = [0] * n
    for t in sorted(tables, key=lambda t: -len(t.values)):
        i = sizes.index(min(sizes))
        bundles[i].append(t)
        sizes[i] += len(t.values)
    return [b for b in bundles if b]


def _protect_many(tables: list[CellTable], min_count: int, prune: bool) -> set[str]:
    result: set[str] = set()
    for t in tables:
        result |= protect_component(t, min_count, prune=prune)  # one fix per breach per round
    return result


def levels(table: CellTable) -> dict[str, int]:
    """Height of each cell in the hierarchy: 0 for cells that are no total, else 1 + parts."""
    parts: dict[str, set[str]] = {}
    for rel in table.active_relations():
        parts.setdefault(rel.total, set()).update(rel.parts)
    level: dict[str, int] = {}
    for start in parts:
        stack = [start]
        on_path: set[str] = set()
        while stack:
            key = stack[-1]
            if key in level:
                stack.pop()
                continue
            on_path.add(key)
            pending = [p for p in parts.get(key, ()) if p not in level and p not in on_path]
            if pending:
                stack.extend(pending)
                continue
            level[key] = 1 + max((level.get(p, 0) for p in parts.get(key, ())), default=-1)
            on_path.discard(key)
            stack.pop()
    return level


def protect_component(
    table: CellTable, min_count: int, *, prune: bool = True, cautious: bool = False
) -> set[str]:
    """Protect one table (usually one connected component) in a single process.

    Each round fixes every breach it finds (one more cell each); with ``cautious`` only
    breaches that share no fact with a cell hidden in the same round, which hides fewer
    cells in large linked tables but needs many more rounds. The final pruning shows
    unnecessary cells again either way."""
    model = AttackModel(table)
    level = levels(table)
    withheld = table.primary & table.values.keys()
    while True:
        found = [
            (keys, breach)
            for keys in model.subsystems(withheld)
            for breach in model.breaches_of(keys, min_count)
        ]
        if not found:
            break
        added: set[str] = set()
        facts: dict[frozenset[str], set[str]] = {}
        for keys, breach in sorted(found, key=lambda kb: kb[1].key):
            if keys not in facts:
                facts[keys] = _facts_of(model, keys)
            if cautious and added & facts[keys]:
                continue  # a cell just hidden may already help; the next round tells
            options = _candidates(model, keys, breach, withheld, min_count)
            if not options and added & facts[keys]:
                continue  # what could help was hidden this round; the next round tells
            if not options:
                raise ProtectionError(f"{breach.key!r}: {breach.problem}")
            best = min(
                options,
                key=lambda k: (
                    options[k] < _need(breach, min_count) - EPS,
                    level.get(k, 0),
                    table.cost_of(k),
                    k,
                ),
            )
            withheld.add(best)
            added.add(best)
    if prune:
        withheld = _prune(model, table, withheld, min_count)
    return withheld | table.primary


def _facts_of(model: AttackModel, keys: frozenset[str]) -> set[str]:
    """Every cell that shares a fact with a group of withheld cells."""
    return {k for key in keys for r in model.by_key.get(key, ()) for k in model.rows[r].keys}


def _need(breach: Breach, min_count: int) -> float:
    """How far the range of a breaching cell must grow."""
    if breach.high < min_count - EPS:
        return min_count - breach.high
    return 1.0


def _candidates(
    model: AttackModel, keys: frozenset[str], breach: Breach, withheld: set[str], min_count: int
) -> dict[str, float]:
    """Shown cells whose hiding can widen the breaching cell's range, with estimated gain."""
    sub = model.subsystem(keys)
    j = sub.index[breach.key]
    small = breach.high < min_count - EPS
    directions = [1] if small else [1, -1]
    gains: dict[str, float] = {}
    for d in directions:
        _, _, binding = sub.solve(j, maximise=d > 0)
        for row in binding:
            _collect(row, breach.key, d, withheld, model.values, gains)
    sub.release()
    if not gains:  # degenerate duals: any shown cell of the group's facts
        for key in keys:
            for r in model.by_key.get(key, ()):
                _collect(model.rows[r], breach.key, 1, withheld, model.values, gains)
    return gains


def _collect(
    row: Row,
    target: str,
    direction: int,
    withheld: set[str],
    values: dict[str, float],
    gains: dict[str, float],
) -> None:
    """Add the shown cells of ``row`` with the gain hiding them may bring to ``target``."""
    coef = dict(zip(row.keys, row.coefs, strict=True))
    c_x = coef.get(target, 0.0)
    for key, c_y in coef.items():
        if key in withheld or not c_y:
            continue
        value = float(values[key])
        if not c_x:
            gain = value
        else:
            # moving the target by `direction` needs c_y * dy = -c_x * direction * dx
            must_shrink = (c_x * direction * c_y) > 0
            gain = value * abs(c_y / c_x) if must_shrink else INF
        gains[key] = max(gains.get(key, 0.0), gain)


def _prune(model: AttackModel, table: CellTable, withheld: set[str], min_count: int) -> set[str]:
    """Show secondary cells again, most expensive first, while the audit still passes."""
    secondary = sorted(withheld - table.primary, key=lambda k: (-table.cost_of(k), k))
    current = set(withheld)
    for key in secondary:
        trial = current - {key}
        touched = _groups_near(model, trial, key)
        if all(not model.breaches_of(g, min_count) for g in touched):
            current = trial
    return current


def _groups_near(model: AttackModel, withheld: set[str], key: str) -> list[frozenset[str]]:
    """Groups of withheld cells that share a fact with ``key`` (only those can change)."""
    near = {k for r in model.by_key.get(key, ()) for k in model.rows[r].keys if k in withheld}
    if not near:
        return []
    groups = model.subsystems(withheld)
    return [g for g in groups if g & near]


__all__ = ["ProtectionError", "levels", "protect", "protect_component", "split"]

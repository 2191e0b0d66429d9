"""The cell table: person counts of one quarter and what an attacker knows about them.

A :class:`CellTable` is the input of statistical disclosure control
(:mod:`core.protection`, :mod:`core.privacy_audit`). It holds every person count that
could be published for one quarter (all area levels, all linked tables), keyed by opaque
strings chosen by the caller, e.g. ``"ind|sgb2_u15|05162024-03|num"`` or
``"pop|05162024-03|crib"``, together with the linear facts a reader knows about them:

* :class:`Relation` — ``total = sum(parts)`` (a Kommune is the sum of its Sozialräume, a
  population cell that appears in two tables is one cell with one key, …);
* ``at_most`` — ``a <= b`` (a numerator never exceeds its denominator);
* every count is ``>= 0``.

Relations or inequalities that reference a key missing from ``values`` are ignored: a
cell that does not exist cannot be published, so the fact cannot be used by a reader
either (e.g. a Kommune without Sozialraum data has no Sozialraum relation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Relation:
    """A linear equality known to every reader: ``total = sum(parts)``."""

    total: str
    parts: tuple[str, ...]

    def keys(self) -> tuple[str, ...]:
        """The total followed by the parts."""
        return (self.total, *self.parts)


@dataclass
class CellTable:
    """Person counts of one quarter with the relations a reader knows between them.

    ``values`` maps each existing cell to its count (whole number ``>= 0``); a cell is
    published with this value unless withheld. ``cost`` is the information loss of
    withholding a cell (higher means: rather keep it shown); a cell without an entry costs
    ``1 + value``. ``primary`` are the cells the caller requires to be withheld.
    Relations and ``at_most`` pairs that mention a key missing from ``values`` are ignored.
    """

    values: dict[str, float]
    relations: list[Relation] = field(default_factory=list)
    at_most: list[tuple[str, str]] = field(default_factory=list)
    cost: dict[str, float] = field(default_factory=dict)
    primary: set[str] = field(default_factory=set)

    def cost_of(self, key: str) -> float:
        """Information loss of withholding ``key`` (default ``1 + value``)."""
        found = self.cost.get(key)
        if found is not None:
            return float(found)
        return 1.0 + float(self.values.get(key, 0.0))

    def active_relations(self) -> list[Relation]:
        """Relations whose keys all exist in ``values`` (the others are ignored)."""
        values = self.values
        return [
            rel
            for rel in self.relations
            if rel.total in values and all(part in values for part in rel.parts)
        ]

    def active_at_most(self) -> list[tuple[str, str]]:
        """``at_most`` pairs whose two keys exist in ``values``."""
        values = self.values
        return [(a, b) for a, b in self.at_most if a in values and b in values and a != b]

    def components(self) -> list[set[str]]:
        """Connected groups of cells linked by active relations or inequalities.

        Cells linked to nothing form no group (a reader knows only ``>= 0`` about them).
        Disclosure can only spread inside a group, so groups are protected and audited
        one by one.
        """
        parent: dict[str, str] = {}

        def find(key: str) -> str:
            root = key
            while parent.get(root, root) != root:
                root = parent[root]
            while parent.get(key, key) != root:
                parent[key], key = root, parent[key]
            return root

        def link(keys: Iterable[str]) -> None:
            it = iter(keys)
            first = next(it, None)
            if first is None:
                return
            parent.setdefault(first, first)
            root = find(first)
            for key in it:
                parent.setdefault(key, key)
                other = find(key)
                if other != root:
                    parent[other] = root

        for rel in self.active_relations():
            link(rel.keys())
        for a, b in self.active_at_most():
            link((a, b))
        groups: dict[str, set[str]] = {}
        for key in parent:
            groups.setdefault(find(key), set()).add(key)
        return list(groups.values())

    def subtable(self, keys: set[str]) -> CellTable:
        """The part of this table that concerns only ``keys`` (a component)."""
        return CellTable(
            values={k: self.values[k] for k in keys if k in self.values},
            relations=[rel for rel in self.active_relations() if rel.total in keys],
            at_most=[(a, b) for a, b in self.active_at_most() if a in keys],
            cost={k: v for k, v in self.cost.items() if k in keys},
            primary={k for k in self.primary if k in keys},
        )

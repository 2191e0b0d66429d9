"""The published cells: every person count the product publishes, over all quarters,
as one :class:`core.cell_table.CellTable` with the relations a reader knows.

* every indicator's numerator and denominator at every level (Sozialraum, Kommune, Kreis,
  and any further level) as of every quarter; a count indicator has only a numerator;
* the children per area and life phase as of every quarter; the coverage tables publish
  the same figures, so they are the same cells.

A figure shown with the same Stand and the same number in several quarters (an annual
value is shown in four) is *one* cell: its key holds the Stand and the number
(:func:`indicator_cells`, :func:`population_cells`), so it is withheld in every quarter
or in none. The relations, quarter by quarter: a parent is the sum of its children
(wherever the published figures add up), a denominator that *is* a population figure
(children under 3 for the SGB-II-u3 rate) equals it, a numerator is at most its
denominator, a nested life phase ("rund um die Geburt" inside "Krippe") at most the
phase around it. Which cells are withheld is decided in :mod:`core.publication`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, func, select

from core.areas import areas
from core.catalogue import IndicatorEntry, indicator_entries, life_phases
from core.cell_table import CellTable, Relation
from core.models import IndicatorValue, Population
from core.population import children_as_of
from core.privacy import PrivacyRules
from core.quarters import Quarter

#: Indicators whose denominator is the population of a life phase (the same figure).
DENOMINATOR_PHASES: dict[str, str] = {
    "sgb2_u3": "crib",
    "u3_care": "crib",
    "sgb2_3_6": "kita",
    "ue3_care": "kita",
}
#: Information loss of withholding a cell, by level: a Sozialraum before a Kommune
#: before the Kreis (a total is hidden only when nothing below would do).
LEVEL_COST = {"area": 1.0, "municipality": 1_000.0, "district": 1_000_000.0}


def _stand(day: Any) -> str:
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return ""
    return pd.Timestamp(day).date().isoformat()


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def indicator_key(indicator_id: str, area_id: str, part: str, stand: Any, value: float) -> str:
    """Key of an indicator cell: ``part`` is ``"num"`` or ``"den"``; the same Stand and
    number in several quarters is the same cell."""
    return f"ind|{indicator_id}|{area_id}|{part}|{_stand(stand)}|{value:.10g}"


def population_key(area_id: str, phase_id: str, stand: Any, value: float) -> str:
    """Key of the children of one area and life phase with their Stand."""
    return f"pop|{area_id}|{phase_id}|{_stand(stand)}|{value:.10g}"


def indicator_cells(
    entry: IndicatorEntry, full: pd.DataFrame
) -> tuple[list[str | None], list[str | None]]:
    """The numerator and denominator cell keys of each row of an unsuppressed hierarchy
    frame (None where there is no figure); used by the protection and by every output."""
    rate = entry.kind == "rate"
    nums: list[str | None] = []
    dens: list[str | None] = []
    for area_id, stand, num, den, value in zip(
        full["area_id"],
        full["stand"],
        full["numerator"],
        full["denominator"],
        full["value"],
        strict=True,
    ):
        n = _number(num) if rate else _number(num if pd.notna(num) else value)
        d = _number(den) if rate else None
        nums.append(None if n is None else indicator_key(entry.id, area_id, "num", stand, n))
        dens.append(None if d is None else indicator_key(entry.id, area_id, "den", stand, d))
    return nums, dens


def population_cells(area_ids: Any, phases: Any, stands: Any, children: Any) -> list[str | None]:
    """The population cell keys of children figures (None where there is none)."""
    return [
        None if _number(c) is None else population_key(a, p, s, float(c))
        for a, p, s, c in zip(area_ids, phases, stands, children, strict=True)
    ]


class _Builder:
    """Collects cells, relations and costs of all quarters; a cell seen again (the same
    Stand and number in another quarter) is the same cell."""

    def __init__(self, meta: pd.DataFrame, rules: PrivacyRules):
        self.table = CellTable(values={}, relations=[], at_most=[], cost={}, primary=set())
        self.rules = rules
        self.levels = dict(zip(meta["id"], meta["level"], strict=True))
        self.children: dict[str, list[str]] = {}
        for area_id, parent in zip(meta["id"], meta["parent_id"], strict=True):
            if isinstance(parent, str):
                self.children.setdefault(parent, []).append(area_id)
        self._relations: set[Relation] = set()
        self._at_most: set[tuple[str, str]] = set()

    def cell(self, key: str, value: float, area_id: str, small: bool = True) -> None:
        """A person count; ``small`` counts 1 … min_count−1 are withheld (primary)."""
        self.table.values[key] = value
        self.table.cost[key] = LEVEL_COST.get(self.levels.get(area_id, "area"), 1.0) * (1.0 + value)
        if small and 0 < value < self.rules.min_count:
            self.table.primary.add(key)

    def relation(self, total: str, parts: tuple[str, ...]) -> None:
        rel = Relation(total, parts)
        if rel not in self._relations:
            self._relations.add(rel)
            self.table.relations.append(rel)

    def at_most(self, small: str, big: str) -> None:
        if (small, big) not in self._at_most:
            self._at_most.add((small, big))
            self.table.at_most.append((small, big))

    def sums(self, cells: dict[str, tuple[str, float]]) -> None:
        """``cells``: area -> (key, value) of one quarter and table; parent = sum of its
        children wherever all children have a figure and the figures add up."""
        for parent, kids in self.children.items():
            if parent not in cells or not all(k in cells for k in kids):
                continue
            if abs(sum(cells[k][1] for k in kids) - cells[parent][1]) < 1e-9:
                self.relation(cells[parent][0], tuple(cells[k][0] for k in kids))


def published_quarters(conn: Connection) -> list[Quarter]:
    """Every quarter from the first to the last with person counts (indicator values,
    population) or anything else the pages offer as a quarter: a later quarter shows the
    same figures as the last of them, so it needs no cells of its own."""
    from core.inventory import quarters_with_data
    from core.quarters import quarter_of, quarter_range

    days = conn.execute(
        select(
            select(func.min(IndicatorValue.period_end)).scalar_subquery(),
            select(func.max(IndicatorValue.period_end)).scalar_subquery(),
            select(func.min(Population.period_end)).scalar_subquery(),
            select(func.max(Population.period_end)).scalar_subquery(),
        )
    ).one()
    known = [quarter_of(d) for d in days if d is not None] + list(quarters_with_data(conn))
    return quarter_range(min(known), max(known)) if known else []


def cell_table(
    conn: Connection, rules: PrivacyRules, quarters: list[Quarter] | None = None
) -> CellTable:
    """Every person count published in the quarters (default: all with data), with the
    relations between them."""
    from core.indicators import hierarchy_panel

    qs = list(quarters if quarters is not None else published_quarters(conn))
    builder = _Builder(areas(conn), rules)
    if not qs:
        return builder.table
    population = {q.key: _population(conn, q, builder) for q in qs}
    for entry in indicator_entries(conn):
        full = hierarchy_panel(conn, entry, qs)
        nums, dens = indicator_cells(entry, full)
        frame = full.assign(num_key=nums, den_key=dens)
        for key, part in frame.groupby("asof", sort=False):
            _indicator(entry, part, builder, population.get(key, {}))
    return builder.table


def _indicator(
    entry: IndicatorEntry,
    part: pd.DataFrame,
    builder: _Builder,
    population: dict[str, dict[str, tuple[str, float]]],
) -> None:
    """One indicator as of one quarter."""
    rate = entry.kind == "rate"
    nums: dict[str, tuple[str, float]] = {}
    dens: dict[str, tuple[str, float]] = {}
    for area_id, num_cell, den_cell in zip(
        part["area_id"], part["num_key"], part["den_key"], strict=True
    ):
        num_key = num_cell if isinstance(num_cell, str) else None  # pandas: None -> NaN
        den_key = den_cell if isinstance(den_cell, str) else None
        if num_key is not None:
            nums[area_id] = (num_key, _value_of(num_key))
            builder.cell(num_key, nums[area_id][1], area_id)
        if den_key is not None:
            dens[area_id] = (den_key, _value_of(den_key))
            builder.cell(den_key, dens[area_id][1], area_id)
        if not rate or num_key is None:
            continue
        if den_key is None or dens[area_id][1] < builder.rules.min_denominator:
            builder.table.primary.add(num_key)
        elif nums[area_id][1] <= dens[area_id][1]:
            builder.at_most(num_key, den_key)
    builder.sums(nums)
    builder.sums(dens)
    phase = DENOMINATOR_PHASES.get(entry.id)
    kids = population.get(phase, {}) if phase else {}
    for area_id, (den_key, den) in dens.items():
        if area_id in kids and kids[area_id][1] == den:  # one figure in two tables
            builder.relation(den_key, (kids[area_id][0],))


def _value_of(key: str) -> float:
    return float(key.rsplit("|", 1)[1])


def _population(
    conn: Connection, q: Quarter, builder: _Builder
) -> dict[str, dict[str, tuple[str, float]]]:
    """Children per phase and area as of the quarter (a parent without a count of its
    own: the sum of its children, Stand the newest of theirs); phase -> area -> cell."""
    kids = children_as_of(conn, q.end)
    phases = life_phases(conn)
    out: dict[str, dict[str, tuple[str, float]]] = {}
    for phase in phases["id"]:
        mine = kids[(kids["life_phase_id"] == phase) & kids["children"].notna()]
        figures = {
            a: (float(c), s)
            for a, c, s in zip(mine["area_id"], mine["children"], mine["stand"], strict=True)
        }
        _fill_parents(figures, builder.children)
        cells = {a: (population_key(a, phase, s, v), v) for a, (v, s) in figures.items()}
        for area_id, (key, value) in cells.items():
            builder.cell(key, value, area_id)
        builder.sums(cells)
        out[phase] = cells
    bands = phases.set_index("id")[["age_from", "age_to"]].to_dict("index")
    for inner, band in bands.items():
        for outer, around in bands.items():
            nested = around["age_from"] <= band["age_from"] and band["age_to"] <= around["age_to"]
            if inner == outer or not nested:
                continue
            for area_id, (key, value) in out.get(inner, {}).items():
                other = out.get(outer, {}).get(area_id)
                if other is not None and other[1] >= value:
                    builder.at_most(key, other[0])
    return out


def _fill_parents(figures: dict[str, tuple[float, Any]], children: dict[str, list[str]]) -> None:
    """Give every ancestor without a figure the sum of its children (bottom up)."""

    def total(area_id: str) -> tuple[float, Any] | None:
        if area_id in figures:
            return figures[area_id]
        kids = [total(k) for k in children.get(area_id, [])]
        known = [k for k in kids if k is not None]
        if not kids or len(known) < len(kids):
            return None
        figures[area_id] = (
            float(np.sum([k[0] for k in known])),
            max(pd.Timestamp(k[1]) for k in known),
        )
        return figures[area_id]

    for area_id in list(children):
        total(area_id)

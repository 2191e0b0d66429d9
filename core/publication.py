"""The one protected publication: which person counts are withheld, in every quarter.

Everything the product publishes about persons is one set of linked tables
(:class:`core.cell_table.CellTable`), over *all* quarters at once:

* every indicator's numerator and denominator at every level (Sozialraum, Kommune, Kreis,
  and any further level) as of every quarter; a count indicator has only a numerator;
* the children per area and life phase as of every quarter; the coverage tables publish
  the same figures, so they are the same cells.

A figure shown with the same Stand and the same number in several quarters (an annual
value is shown in four) is *one* cell: its key holds the Stand and the number
(:func:`indicator_cells`, :func:`population_cells`), so it is withheld in every quarter
or in none, and a reader cannot combine quarters to recover it. An attacker knows how
the cells hang together, so the table set carries it as relations, quarter by quarter: a
parent is the sum of its children (wherever the published figures add up), a denominator
that *is* a population figure (children under 3 for the SGB-II-u3 rate) equals it, a
numerator is at most its denominator, a nested life phase ("rund um die Geburt" inside
"Krippe") at most the phase around it.

:func:`core.protection.protect` decides what to withhold (primary: person counts
1 … ``min_count``−1, numerators of rates whose denominator is below ``min_denominator``;
secondary: what the audit needs), :func:`core.privacy_audit.audit` proves it, and the
result is stored in the table ``publication`` (when the data change: demo build, import,
rollback; or on first use). A result that fails the audit is never stored or used. A
cell an output asks for that is not in the protected table set is withheld (fail closed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from core.areas import areas
from core.catalogue import indicators, life_phases
from core.cell_table import CellTable, Relation
from core.errors import PraevError
from core.models import Area, AuditLog, ImportBatch, IndicatorValue, Population, Publication
from core.population import children_as_of
from core.privacy import PrivacyRules
from core.quarters import Quarter

log = logging.getLogger(__name__)
#: The internal reason of every withheld cell (outputs show one sign, never a reason).
REASON_WITHHELD = "withheld"
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
    entry: dict[str, Any], full: pd.DataFrame
) -> tuple[list[str | None], list[str | None]]:
    """The numerator and denominator cell keys of each row of an unsuppressed hierarchy
    frame (None where there is no figure); used by the protection and by every output."""
    rate = entry["kind"] == "rate"
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
        nums.append(None if n is None else indicator_key(entry["id"], area_id, "num", stand, n))
        dens.append(None if d is None else indicator_key(entry["id"], area_id, "den", stand, d))
    return nums, dens


def population_cells(area_ids: Any, phases: Any, stands: Any, children: Any) -> list[str | None]:
    """The population cell keys of children figures (None where there is none)."""
    return [
        None if _number(c) is None else population_key(a, p, s, float(c))
        for a, p, s, c in zip(area_ids, phases, stands, children, strict=True)
    ]


class PublicationError(PraevError):
    """The protection did not pass the audit: nothing is published."""


@dataclass(frozen=True)
class Protected:
    """The protected publication: every cell of the table set and the withheld ones."""

    cells: frozenset[str]
    withheld: frozenset[str]

    def hides(self, key: str | None) -> bool:
        """Whether an output must withhold the cell ``key`` (None: no figure, nothing to
        hide). A cell outside the protected table set is withheld: fail closed."""
        return key is not None and (key in self.withheld or key not in self.cells)


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
    for entry in indicators(conn).to_dict("records"):
        full = hierarchy_panel(conn, entry["id"], qs)
        nums, dens = indicator_cells(entry, full)
        frame = full.assign(num_key=nums, den_key=dens)
        for key, part in frame.groupby("asof", sort=False):
            _indicator(entry, part, builder, population.get(key, {}))
    return builder.table


def _indicator(
    entry: dict[str, Any],
    part: pd.DataFrame,
    builder: _Builder,
    population: dict[str, dict[str, tuple[str, float]]],
) -> None:
    """One indicator as of one quarter."""
    rate = entry["kind"] == "rate"
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
    phase = DENOMINATOR_PHASES.get(entry["id"])
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
        if not kids or any(k is None for k in kids):
            return None
        figures[area_id] = (
            float(np.sum([k[0] for k in kids])),
            max(pd.Timestamp(k[1]) for k in kids),
        )
        return figures[area_id]

    for area_id in list(children):
        total(area_id)


def table_hash(table: CellTable, rules: PrivacyRules) -> str:
    """SHA-256 of a table set and the rules: equal hashes, equal protection."""
    payload = {
        "rules": [rules.min_count, rules.min_denominator],
        "values": sorted(table.values.items()),
        "relations": sorted([r.total, list(r.parts)] for r in table.relations),
        "at_most": sorted(table.at_most),
        "primary": sorted(table.primary),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


_CACHE: dict[tuple[str, str], Protected] = {}
_LOCK = threading.Lock()


def data_version(conn: Connection) -> str:
    """A cheap sign of the data's state (one query): every data write is in the audit
    log, or changes an import number, a row count, a highest id or a sum."""
    parts = [
        func.max(AuditLog.id),
        func.max(ImportBatch.id),
        func.count(IndicatorValue.id),
        func.max(IndicatorValue.id),
        func.sum(IndicatorValue.numerator),
        func.sum(IndicatorValue.denominator),
        func.count(Area.id),
        func.max(Population.id),
        func.sum(Population.children),
    ]
    row = conn.execute(select(*(select(p).scalar_subquery() for p in parts))).one()
    return "|".join("" if v is None else f"{v:g}" if isinstance(v, float) else str(v) for v in row)


def protected(conn: Connection, rules: PrivacyRules | None = None) -> Protected:
    """The protected publication for the current data.

    Read from the table ``publication`` (one query) when it holds the result for this
    state of the data; otherwise the table set is built, and a stored result for the same
    table set (hash) is used, or the protection is computed, audited and stored.
    """
    rules = rules or PrivacyRules.from_settings()
    version = f"{data_version(conn)}|{rules.min_count}|{rules.min_denominator}"
    cache_key = (str(conn.engine.url), version)
    with _LOCK:
        hit = _CACHE.get(cache_key)
    if hit is not None:
        return hit
    row = conn.execute(
        select(Publication.cells, Publication.withheld).where(Publication.data_version == version)
    ).first()
    result = (
        Protected(frozenset(row.cells), frozenset(row.withheld))
        if row is not None
        else _protected(conn, rules, version)
    )
    with _LOCK:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[cache_key] = result
    return result


def publish_all(engine: Engine, rules: PrivacyRules | None = None) -> int:
    """Protect the publication now, after a data change (demo build, import, rollback),
    so that page views only read the stored result; returns the number of withheld
    cells. A protection that fails the audit is logged and nothing is published."""
    try:
        with engine.connect() as conn:
            return len(protected(conn, rules).withheld)
    except PublicationError as exc:
        log.warning("%s", exc)
        return 0


def _protected(conn: Connection, rules: PrivacyRules, version: str) -> Protected:
    from core.privacy_audit import audit
    from core.protection import ProtectionError, protect

    table = cell_table(conn, rules)
    digest = table_hash(table, rules)
    stored = conn.execute(
        select(Publication.withheld).where(Publication.table_hash == digest)
    ).scalar()
    if stored is not None:
        withheld = set(stored)  # the same table set under another data version
    else:
        try:
            withheld = protect(table, rules.min_count)
            breaches = audit(table, withheld, rules.min_count)
        except (ProtectionError, ValueError) as exc:
            log.warning("protection failed: %r", exc)
            breaches = [exc]
        if breaches:
            raise PublicationError(
                f"Die Veröffentlichung besteht die Datenschutzprüfung nicht "
                f"({len(breaches)} Zelle(n)); es wird nichts gezeigt. Bitte die Daten prüfen "
                "und „python -m core privacy audit --all“ ausführen."
            )
    cells = frozenset(table.values)
    return Protected(cells, _store(conn, digest, version, cells, withheld))


def _store(
    conn: Connection, digest: str, version: str, cells: frozenset[str], withheld: set[str]
) -> frozenset[str]:
    """Store a result in a connection of its own (the caller may only be reading) and
    return the stored one: when another process stored the same table set first, its
    result wins, so every process publishes the same cells. When storing is not possible
    now (a writer holds SQLite's lock), the result is used and computed again later."""
    from sqlalchemy.exc import SQLAlchemyError

    where = Publication.table_hash == digest
    try:
        with conn.engine.connect() as own:
            if own.dialect.name == "sqlite":
                own.exec_driver_sql("PRAGMA busy_timeout = 200")
            first = own.execute(select(Publication.withheld).where(where)).scalar()
            if first is not None:
                own.execute(update(Publication).where(where).values(data_version=version))
                own.commit()
                return frozenset(first)
            own.execute(
                insert(Publication).values(
                    table_hash=digest,
                    data_version=version,
                    cells=sorted(cells),
                    withheld=sorted(withheld),
                    created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                )
            )
            own.commit()
    except SQLAlchemyError:
        try:
            with conn.engine.connect() as own:
                first = own.execute(select(Publication.withheld).where(where)).scalar()
            if first is not None:
                return frozenset(first)
        except SQLAlchemyError:
            pass
    return frozenset(withheld)

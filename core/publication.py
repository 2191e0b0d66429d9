"""The one protected publication of a quarter: which person counts are withheld.

Everything the product publishes about persons for a quarter (as of its end) is one set
of linked tables (:class:`core.cell_table.CellTable`):

* every indicator's numerator and denominator at every level (Sozialraum, Kommune, Kreis,
  and any further level), keys ``ind|<indicator>|<area>|num`` and ``…|den``; a count
  indicator has only ``num``;
* the children per area and life phase, keys ``pop|<area>|<phase>``; the coverage tables
  publish the same figures, so they are the same cells.

An attacker knows how these cells hang together, so the table set carries it as
relations: a parent is the sum of its children (wherever the published figures add up),
a denominator that *is* a population figure (children under 3 for the SGB-II-u3 rate)
equals it, a numerator is at most its denominator, a nested life phase ("rund um die
Geburt" inside "Krippe") at most the phase around it.

:func:`core.protection.protect` decides what to withhold (primary: person counts
1 … ``min_count``−1, numerators of rates whose denominator is below ``min_denominator``;
secondary: what the audit needs), :func:`core.privacy_audit.audit` proves it, and the
result is stored in the table ``publication`` under a hash of the table set, so it is
computed once per data change and read by every output. A result that fails the audit
is never stored or used: :func:`withheld_cells` raises instead.
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
from core.quarters import Quarter, parse_quarter

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


def indicator_key(indicator_id: str, area_id: str, part: str) -> str:
    """Key of an indicator cell; ``part`` is ``"num"`` or ``"den"``."""
    return f"ind|{indicator_id}|{area_id}|{part}"


def population_key(area_id: str, phase_id: str) -> str:
    """Key of the children of one area and life phase."""
    return f"pop|{area_id}|{phase_id}"


class PublicationError(PraevError):
    """The protection of a quarter did not pass the audit: nothing is published."""


@dataclass
class _Builder:
    """Collects cells, relations and costs."""

    table: CellTable
    levels: dict[str, str]
    parents: dict[str, str | None]

    def cell(self, key: str, value: float, area_id: str) -> None:
        self.table.values[key] = float(value)
        level_cost = LEVEL_COST.get(self.levels.get(area_id, "area"), 1.0)
        self.table.cost[key] = level_cost * (1.0 + float(value))

    def sums(self, values: dict[str, float], key_of: Any) -> None:
        """A relation parent = sum of children wherever the published figures add up."""
        children: dict[str, list[str]] = {}
        for area_id, parent in self.parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(area_id)
        for parent, kids in children.items():
            if parent not in values or not all(k in values for k in kids):
                continue
            if abs(sum(values[k] for k in kids) - values[parent]) < 1e-9:
                self.table.relations.append(
                    Relation(key_of(parent), tuple(key_of(k) for k in kids))
                )


def _whole(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def cell_table(conn: Connection, quarter: str | Quarter, rules: PrivacyRules) -> CellTable:
    """Every person count published for the quarter, with the relations between them."""
    q = parse_quarter(quarter)
    meta = areas(conn)
    builder = _Builder(
        CellTable(values={}, relations=[], at_most=[], cost={}, primary=set()),
        dict(zip(meta["id"], meta["level"], strict=True)),
        {
            a: (p if isinstance(p, str) else None)
            for a, p in zip(meta["id"], meta["parent_id"], strict=True)
        },
    )
    population = _population(conn, q.end, builder, rules)
    from core.indicators import hierarchy_values

    for entry in indicators(conn).to_dict("records"):
        full = hierarchy_values(conn, entry["id"], q.end)
        _indicator(entry, full, builder, rules, population)
    return builder.table


def _indicator(
    entry: dict[str, Any],
    full: pd.DataFrame,
    builder: _Builder,
    rules: PrivacyRules,
    population: dict[str, dict[str, float]],
) -> None:
    table, ind = builder.table, entry["id"]
    rate = entry["kind"] == "rate"
    nums: dict[str, float] = {}
    dens: dict[str, float] = {}
    for row in full.itertuples():
        num = _whole(
            row.numerator if rate else (row.numerator if pd.notna(row.numerator) else row.value)
        )
        den = _whole(row.denominator) if rate else None
        if num is not None:
            nums[row.area_id] = num
            builder.cell(indicator_key(ind, row.area_id, "num"), num, row.area_id)
            if 0 < num < rules.min_count:
                table.primary.add(indicator_key(ind, row.area_id, "num"))
        if den is not None:
            dens[row.area_id] = den
            builder.cell(indicator_key(ind, row.area_id, "den"), den, row.area_id)
            if 0 < den < rules.min_count:
                table.primary.add(indicator_key(ind, row.area_id, "den"))
        if rate and num is not None and (den is None or den < rules.min_denominator):
            table.primary.add(indicator_key(ind, row.area_id, "num"))
        if num is not None and den is not None and num <= den:
            table.at_most.append(
                (indicator_key(ind, row.area_id, "num"), indicator_key(ind, row.area_id, "den"))
            )
    builder.sums(nums, lambda a: indicator_key(ind, a, "num"))
    builder.sums(dens, lambda a: indicator_key(ind, a, "den"))
    phase = DENOMINATOR_PHASES.get(ind)
    if phase:
        kids = population.get(phase, {})
        for area_id, den in dens.items():
            if kids.get(area_id) == den:  # the same figure in two tables: one cell
                table.relations.append(
                    Relation(indicator_key(ind, area_id, "den"), (population_key(area_id, phase),))
                )


def _population(
    conn: Connection, day: dt.date, builder: _Builder, rules: PrivacyRules
) -> dict[str, dict[str, float]]:
    """Children per phase and area (parents as sums where not stored); returns
    phase -> area -> children."""
    kids = children_as_of(conn, day)
    phases = life_phases(conn)
    out: dict[str, dict[str, float]] = {}
    for phase in phases["id"]:
        stored = kids[kids["life_phase_id"] == phase]
        values = {
            a: float(c)
            for a, c in zip(stored["area_id"], stored["children"], strict=True)
            if pd.notna(c)
        }
        _fill_parents(values, builder.parents)
        out[phase] = values
        for area_id, value in values.items():
            key = population_key(area_id, phase)
            builder.cell(key, value, area_id)
            if 0 < value < rules.min_count:
                builder.table.primary.add(key)
        builder.sums(values, lambda a, p=phase: population_key(a, p))
    bands = phases.set_index("id")[["age_from", "age_to"]].to_dict("index")
    for inner, band in bands.items():
        for outer, around in bands.items():
            nested = around["age_from"] <= band["age_from"] and band["age_to"] <= around["age_to"]
            if inner == outer or not nested:
                continue
            for area_id, value in out.get(inner, {}).items():
                if out.get(outer, {}).get(area_id, -1.0) >= value:
                    builder.table.at_most.append(
                        (population_key(area_id, inner), population_key(area_id, outer))
                    )
    return out


def _fill_parents(values: dict[str, float], parents: dict[str, str | None]) -> None:
    """Give every ancestor without a value the sum of its children (bottom up)."""
    children: dict[str, list[str]] = {}
    for area_id, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(area_id)

    def total(area_id: str) -> float | None:
        if area_id in values:
            return values[area_id]
        kids = [total(k) for k in children.get(area_id, [])]
        if not kids or any(k is None for k in kids):
            return None
        values[area_id] = float(np.sum(kids))
        return values[area_id]

    for area_id in children:
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


_CACHE: dict[tuple[str, str, str], frozenset[str]] = {}
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


def withheld_cells(
    conn: Connection, quarter: str | Quarter, rules: PrivacyRules | None = None
) -> frozenset[str]:
    """The keys withheld in the quarter's publication.

    Read from the table ``publication`` (one query) when it holds the result for this
    state of the data; otherwise the table set is built, and a stored result for the same
    table set (hash) is used, or the protection is computed, audited and stored.
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    version = f"{data_version(conn)}|{rules.min_count}|{rules.min_denominator}"
    cache_key = (str(conn.engine.url), q.key, version)
    with _LOCK:
        hit = _CACHE.get(cache_key)
    if hit is not None:
        return hit
    stored = conn.execute(
        select(Publication.withheld).where(
            Publication.quarter == q.key, Publication.data_version == version
        )
    ).scalar()
    withheld = frozenset(stored) if stored is not None else _protected(conn, q, rules, version)
    with _LOCK:
        if len(_CACHE) > 512:
            _CACHE.clear()
        _CACHE[cache_key] = withheld
    return withheld


def publish_all(engine: Engine, rules: PrivacyRules | None = None) -> int:
    """Protect every quarter with data now, after a data change (demo build, import,
    rollback), so that page views only read the stored result; returns the number of
    quarters. A quarter that fails the audit is logged and stays unpublished."""
    from core.inventory import quarters_with_data

    rules = rules or PrivacyRules.from_settings()
    with engine.connect() as conn:
        quarters = list(quarters_with_data(conn))
        for q in quarters:
            try:
                withheld_cells(conn, q, rules)
            except PublicationError as exc:
                log.warning("%s", exc)
    return len(quarters)


def _protected(conn: Connection, q: Quarter, rules: PrivacyRules, version: str) -> frozenset[str]:
    from core.privacy_audit import audit
    from core.protection import ProtectionError, protect

    table = cell_table(conn, q, rules)
    digest = table_hash(table, rules)
    stored = conn.execute(
        select(Publication.withheld).where(
            Publication.quarter == q.key, Publication.table_hash == digest
        )
    ).scalar()
    if stored is not None:
        withheld = set(stored)  # the same table set under another data version
    else:
        try:
            withheld = protect(table, rules.min_count)
            breaches = audit(table, withheld, rules.min_count)
        except (ProtectionError, ValueError) as exc:
            log.warning("protection of %s failed: %r", q.key, exc)
            breaches = [exc]
        if breaches:
            raise PublicationError(
                f"Die Veröffentlichung für {q.label} besteht die Datenschutzprüfung nicht "
                f"({len(breaches)} Zelle(n)); es wird nichts gezeigt. Bitte die Daten prüfen "
                "und „python -m core privacy audit“ ausführen."
            )
    return _store(conn, q, digest, version, withheld)


def _store(
    conn: Connection, q: Quarter, digest: str, version: str, withheld: set[str]
) -> frozenset[str]:
    """Store a result in a connection of its own (the caller may only be reading) and
    return the stored one: when another process stored the same table set first, its
    result wins, so every process publishes the same cells. When storing is not possible
    now (a writer holds SQLite's lock), the result is used and computed again later."""
    from sqlalchemy.exc import SQLAlchemyError

    where = (Publication.quarter == q.key, Publication.table_hash == digest)
    try:
        with conn.engine.connect() as own:
            if own.dialect.name == "sqlite":
                own.exec_driver_sql("PRAGMA busy_timeout = 200")
            first = own.execute(select(Publication.withheld).where(*where)).scalar()
            if first is not None:
                own.execute(update(Publication).where(*where).values(data_version=version))
                own.commit()
                return frozenset(first)
            own.execute(
                insert(Publication).values(
                    quarter=q.key,
                    table_hash=digest,
                    data_version=version,
                    withheld=sorted(withheld),
                    created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                )
            )
            own.commit()
    except SQLAlchemyError:
        try:
            with conn.engine.connect() as own:
                first = own.execute(select(Publication.withheld).where(*where)).scalar()
            if first is not None:
                return frozenset(first)
        except SQLAlchemyError:
            pass
    return frozenset(withheld)

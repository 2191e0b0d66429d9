"""The one protected publication: which published cells are withheld.

The cells are every person count the product publishes, over all quarters at once
(:mod:`core.published_cells`). :func:`core.protection.protect` decides what to withhold
(primary: person counts 1 … ``min_count``−1, numerators of rates whose denominator is
below ``min_denominator``; secondary: what the audit needs), :func:`core.privacy_audit.audit`
proves it, and the result is stored in the table ``publication`` (when the data change:
demo build, import, rollback, ``init-db``; or on first use), so every output and every
process reads the same result. A result that fails the audit is never stored or used. A
cell an output asks for that is not in the protected table set is withheld (fail closed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, func, insert, select, update

from core.cell_table import CellTable
from core.errors import PraevError
from core.models import Area, AuditLog, ImportBatch, IndicatorValue, Population, Publication
from core.privacy import PrivacyRules
from core.published_cells import cell_table

log = logging.getLogger(__name__)
#: The internal reason of every withheld cell (outputs show one sign, never a reason).
REASON_WITHHELD = "withheld"


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
    parts: list[ColumnElement[Any]] = [
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


def forget() -> None:
    """Drop this process's cached protections (after a write; the stored ones stay)."""
    with _LOCK:
        _CACHE.clear()


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
            breaches: Sequence[object] = audit(table, withheld, rules.min_count)
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

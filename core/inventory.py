"""What the database holds: row counts per table, the newest reference date, demo or real."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, func, insert, select

from core.models import AppMeta, Base, IndicatorValue
from core.quarters import Quarter

DEMO_KEY = "demo_data"


def table_counts(conn: Connection) -> dict[str, int]:
    """Number of rows in every table of the schema, by table name."""
    return {
        name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in sorted(Base.metadata.tables.items())
    }


def newest_reference_date(conn: Connection) -> dt.date | None:
    """The newest reference date (period end) of any indicator value."""
    return conn.execute(select(func.max(IndicatorValue.period_end))).scalar()


def is_demo(conn: Connection) -> bool:
    """True when the database holds the generated demo data (shown as "Demodaten")."""
    value = conn.execute(select(AppMeta.value).where(AppMeta.key == DEMO_KEY)).scalar()
    return value == "1"


def set_demo(conn: Connection, demo: bool) -> None:
    """Record whether the data are demo data."""
    conn.execute(delete(AppMeta).where(AppMeta.key == DEMO_KEY))
    conn.execute(insert(AppMeta).values(key=DEMO_KEY, value="1" if demo else "0"))


def is_empty(conn: Connection) -> bool:
    """True when no areas have been loaded yet."""
    from core.models import Area

    return conn.execute(select(func.count()).select_from(Area)).scalar_one() == 0


def data_fingerprint(conn: Connection, tables: list[str] | None = None) -> str:
    """SHA-256 over the content of the data tables, in primary-key order.

    Equal fingerprints mean equal data; used to freeze a Datenstand and to check
    that the demo generator is deterministic.
    """
    import hashlib
    import json

    skip = {"audit_log", "alembic_version", "login_attempt", "publication"}  # not data
    digest = hashlib.sha256()
    for name, table in sorted(Base.metadata.tables.items()):
        if name in skip or (tables is not None and name not in tables):
            continue
        order = list(table.primary_key.columns)
        for row in conn.execute(select(table).order_by(*order)):
            digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
    return digest.hexdigest()


def quarters_with_data(conn: Connection) -> list[Quarter]:
    """Every quarter from the first to the last one with indicator values or network
    status, oldest first (``list[Quarter]``); empty without data."""
    from core.models import NetworkStatus
    from core.quarters import parse_quarter, quarter_of, quarter_range

    lo, hi = conn.execute(
        select(func.min(IndicatorValue.period_end), func.max(IndicatorValue.period_end))
    ).one()
    qlo, qhi = conn.execute(
        select(func.min(NetworkStatus.quarter), func.max(NetworkStatus.quarter))
    ).one()
    firsts = [q for q in (lo and quarter_of(lo), qlo and parse_quarter(qlo)) if q]
    lasts = [q for q in (hi and quarter_of(hi), qhi and parse_quarter(qhi)) if q]
    if not firsts:
        return []
    return quarter_range(min(firsts), max(lasts))

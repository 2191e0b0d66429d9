"""What the database holds: row counts per table, the newest reference date, demo or real."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, func, select

from core.models import AppMeta, Base, IndicatorValue

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
    conn.execute(AppMeta.__table__.delete().where(AppMeta.key == DEMO_KEY))
    conn.execute(AppMeta.__table__.insert().values(key=DEMO_KEY, value="1" if demo else "0"))


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

    skip = {"audit_log", "alembic_version"}
    digest = hashlib.sha256()
    for name, table in sorted(Base.metadata.tables.items()):
        if name in skip or (tables is not None and name not in tables):
            continue
        order = list(table.primary_key.columns)
        for row in conn.execute(select(table).order_by(*order)):
            digest.update(json.dumps(list(row), default=str, sort_keys=True).encode())
    return digest.hexdigest()

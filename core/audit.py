"""The audit log: every write records who changed what, when, and the old and new values.

Writers call :func:`record` inside their own transaction, so the log entry and the
change are committed (or rolled back) together. :func:`audit_entries` reads the log
back for pages, exports and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Connection, insert, select

from core.models import AuditLog

COLUMNS = ["id", "at", "user", "action", "entity", "entity_key", "old", "new"]


def _jsonable(value: Any) -> Any:
    """``value`` with dates as ISO text and numpy scalars as plain Python (JSON column)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        return value.item()
    return value


def record(
    conn: Connection,
    user: str,
    action: str,
    entity: str,
    key: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> int:
    """Write one audit entry in the caller's transaction; returns its id.

    ``old`` is None for a creation, ``new`` is None for a deletion. Dates and numpy
    values are converted so that SQLite and PostgreSQL store the same JSON.
    """
    if not user or not user.strip():
        raise ValueError("audit entries need a user")
    stmt = (
        insert(AuditLog)
        .values(
            at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            user=user.strip(),
            action=action,
            entity=entity,
            entity_key=key,
            old=_jsonable(old) if old is not None else None,
            new=_jsonable(new) if new is not None else None,
        )
        .returning(AuditLog.id)
    )
    return int(conn.execute(stmt).scalar_one())


def audit_entries(
    conn: Connection,
    entity: str | None = None,
    key: str | None = None,
    user: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """Audit entries, newest first, optionally for one entity (and key), user or period.

    Columns: id, at (UTC), user, action, entity, entity_key, old, new (dicts or None).
    """
    stmt = select(*(getattr(AuditLog, c) for c in COLUMNS))
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if key:
        stmt = stmt.where(AuditLog.entity_key == key)
    if user:
        stmt = stmt.where(AuditLog.user == user)
    if since:
        stmt = stmt.where(AuditLog.at >= since)
    stmt = stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    rows = conn.execute(stmt).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=COLUMNS)

"""The one write pattern of records that users edit in forms: optimistic locking.

A form loads a record with its ``version`` (None when there was no record yet). Saving
passes that version back: :func:`write` inserts (first record) or updates only when the
version in the database is still the loaded one, bumps it, stamps who and when, and
writes the audit entry, all in the caller's transaction. When someone else saved
meanwhile, :func:`conflict` raises a :class:`~core.errors.ConflictError` that carries
the record now in the database and says in German who saved when; nothing is written,
and the form keeps the user's input so they can compare both and decide.

Used by the network status (:mod:`core.network_entry`), the Qualitätsbausteine
(:mod:`core.quality`), the steering records (:mod:`core.steering`) and the offers
(:mod:`core.offer_entry`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Table, insert, select, update

from core import audit
from core.errors import ConflictError
from core.models import Base
from core.present.numbers import format_datetime


def now() -> dt.datetime:
    """The time stamp of a write (UTC, without time zone, as the models store it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def stamp(user: str) -> dict[str, Any]:
    """``updated_by`` and ``updated_at`` of a write by ``user``."""
    return {"updated_by": user.strip(), "updated_at": now()}


def conflict(
    current: Mapping[str, Any],
    expected_version: int | None,
    what: str = "Diese Meldung",
    none_yet: str = "dafür noch keinen Eintrag",
) -> ConflictError:
    """The German conflict message for ``what`` (e.g. "Dieses Angebot"), carrying the
    record now in the database; ``none_yet`` completes "Als Sie das Formular öffneten,
    gab es …" when the form had found no record."""
    who = current.get("updated_by") or "jemand anderes"
    when = format_datetime(current.get("updated_at"))
    loaded = (
        f"Sie hatten Fassung {expected_version} geladen."
        if expected_version is not None
        else f"Als Sie das Formular öffneten, gab es {none_yet}."
    )
    return ConflictError(
        f"{what} wurde inzwischen von {who} gespeichert ({when}, Fassung "
        f"{current.get('version')}). {loaded} Ihre Eingabe ist nicht verloren: Bitte beide "
        "Fassungen vergleichen und entscheiden, welche gilt.",
        current=dict(current),
    )


def write(
    conn: Connection,
    model: type[Base],
    where: list[ColumnElement[bool]],
    expected_version: int | None,
    values: Mapping[str, Any],
    user: str,
    audit_entity: str,
    audit_key: Callable[[Mapping[str, Any]], str],
    shape: Callable[[dict[str, Any]], dict[str, Any]] = dict,
    what: str = "Diese Meldung",
    none_yet: str = "dafür noch keinen Eintrag",
) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    """Insert or update the one row of ``model``'s table selected by ``where`` under the lock.

    ``expected_version`` None means "the form found no record": a row that exists
    meanwhile is a conflict (a record deleted meanwhile is written anew). ``shape``
    turns a row into the record that the audit entry and the conflict carry. Returns
    ``(action, old, new)`` as shaped records, ``action`` ``create`` or ``update``,
    after writing the audit entry (keyed by ``audit_key(new)``).
    """
    table = cast(Table, model.__table__)
    current = row(conn, table, where, lock=True)
    old = shape(current) if current else None
    written = {**values, **stamp(user)}
    if current is None:
        conn.execute(insert(table).values(version=1, **written))
        action = "create"
    else:
        if expected_version is None or expected_version != current["version"]:
            raise conflict(shape(current), expected_version, what, none_yet)
        result = conn.execute(
            update(table)
            .where(*where, table.c.version == expected_version)
            .values(version=expected_version + 1, **written)
        )
        if result.rowcount != 1:  # changed between our read and our write
            now_there = row(conn, table, where) or current
            raise conflict(shape(now_there), expected_version, what, none_yet)
        action = "update"
    saved = row(conn, table, where)
    assert saved is not None
    new = shape(saved)
    audit.record(conn, user, action, audit_entity, audit_key(new), old, new)
    return action, old, new


def row(
    conn: Connection, table: Table, where: list[ColumnElement[bool]], lock: bool = False
) -> dict[str, Any] | None:
    """The one row of ``table`` selected by ``where`` (FOR UPDATE with ``lock``), or None."""
    stmt = select(table).where(*where)
    if lock:
        stmt = stmt.with_for_update()
    found = conn.execute(stmt).mappings().first()
    return dict(found) if found else None

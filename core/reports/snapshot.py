"""Frozen Datenstände for committee sessions ("Sitzung vorbereiten").

A snapshot stores the complete report content (``build_report``) as JSON with the
session's title and date, the quarter and selection, the Datenstand and a SHA-256 of
the data used. Opening it later renders the stored content, never a new query, so the
figures shown in the session stay the same after new data were loaded.
:func:`freeze_session` checks the user's permission and writes the snapshot and its
audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from core.audit import record
from core.catalogue import IndicatorEntry
from core.errors import NotFoundError, PraevError
from core.models import Snapshot
from core.permissions import require_create_snapshot
from core.privacy import PrivacyRules
from core.quarters import Quarter
from core.reports.content import build_report, report_fingerprint, with_session
from core.reports.spec import iso_date
from core.users import User

MAX_TITLE = 300
COLUMNS = [
    "id",
    "title",
    "session_date",
    "quarter",
    "scope",
    "data_as_of",
    "data_hash",
    "created_by",
    "created_at",
]


def freeze_session(
    engine: Engine,
    user: User | None,
    title: str,
    session_date: dt.date,
    quarter: Quarter,
    municipality_id: str | None = None,
    indicator: IndicatorEntry | None = None,
    rules: PrivacyRules | None = None,
) -> int:
    """Freeze the full report for a session ("Sitzung vorbereiten"); returns its id.

    Editors and admins only (:class:`~core.errors.PermissionDeniedError` otherwise).
    The snapshot and its one audit entry are written in one transaction; a refused or
    invalid request writes nothing.
    """
    title = (title or "").strip()
    with engine.begin() as conn:
        allowed = require_create_snapshot(user)
        if not title:
            raise PraevError(
                "Bitte einen Titel für die Sitzung angeben, z. B. „Jugendhilfeausschuss“."
            )
        if len(title) > MAX_TITLE:
            raise PraevError(f"Der Titel ist zu lang (höchstens {MAX_TITLE} Zeichen).")
        report = build_report(conn, quarter, municipality_id, indicator, rules=rules)
        report = with_session(report, title, session_date)
        meta = report["meta"]
        selection = {
            "quarter": quarter.key,
            "municipality_id": municipality_id,
            "indicator_id": meta["indicator_id"],
        }
        values = {
            "title": title,
            "session_date": session_date,
            "quarter": meta["quarter"],
            "selection": selection,
            "data_as_of": iso_date(meta["data_as_of"]),
            "data_hash": meta["data_hash"],
            "payload": report,
            "created_by": allowed.name,
            "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        }
        snapshot_id = int(
            conn.execute(insert(Snapshot).values(**values).returning(Snapshot.id)).scalar_one()
        )
        audit = {k: v for k, v in values.items() if k != "payload"}
        audit["scope"] = meta["scope"]
        record(conn, allowed.name, "create", "snapshot", str(snapshot_id), None, audit)
    return snapshot_id


def snapshots(conn: Connection) -> pd.DataFrame:
    """All snapshots without their payload, newest session first."""
    stmt = select(
        Snapshot.id,
        Snapshot.title,
        Snapshot.session_date,
        Snapshot.quarter,
        Snapshot.selection,
        Snapshot.data_as_of,
        Snapshot.data_hash,
        Snapshot.created_by,
        Snapshot.created_at,
    ).order_by(Snapshot.session_date.desc(), Snapshot.id.desc())
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.DataFrame(rows)
    df["scope"] = [_scope(conn, s.get("municipality_id")) for s in df["selection"]]
    return df[COLUMNS]


def _scope(conn: Connection, municipality_id: str | None) -> str:
    if not municipality_id:
        return "Rhein-Kreis Neuss"
    from core.areas import area

    try:
        return str(area(conn, municipality_id)["name"])
    except NotFoundError:
        return municipality_id


def load_snapshot(conn: Connection, snapshot_id: int) -> dict[str, Any]:
    """The frozen report of a snapshot (its stored payload, with the snapshot's id)."""
    stmt = select(Snapshot.__table__).where(Snapshot.id == int(snapshot_id))
    row = conn.execute(stmt).mappings().first()
    if row is None:
        raise NotFoundError(
            f"Die Sitzung Nr. {snapshot_id} gibt es nicht. Vorhandene Sitzungen zeigt die Seite "
            "„Ausschuss-Sitzung“ bzw. „python -m core report --list“."
        )
    payload = dict(row["payload"])
    payload["meta"] = dict(payload["meta"], snapshot_id=row["id"], created_by=row["created_by"])
    return payload


def data_changed(conn: Connection, report: dict[str, Any]) -> bool:
    """True when the data now differ from those a (frozen) report was built from."""
    return report_fingerprint(conn) != report["meta"]["data_hash"]

"""The audit log for administrators: filter choices, a filtered table with German headers.

Used by the audit section of the page „Daten verwalten“ and its CSV export. Old and new
values are shown as compact JSON text; dates as TT.MM.JJJJ HH:MM (UTC).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from core.models import AuditLog

ACTION_LABELS: dict[str, str] = {
    "create": "angelegt",
    "update": "geändert",
    "delete": "gelöscht",
    "import": "importiert",
    "import_replace": "durch Import ersetzt",
    "import_rollback": "Import zurückgenommen",
    "passwd": "Passwort geändert",
    "login": "angemeldet",
    "login_failed": "Anmeldung fehlgeschlagen",
    "login_locked": "Anmeldung gesperrt",
    "unlock": "Anmeldesperre aufgehoben",
}
ENTITY_LABELS: dict[str, str] = {
    "network_status": "Netzwerkstatus",
    "snapshot": "Sitzungsstand",
    "import_batch": "Import",
    "user": "Benutzer",
    "login": "Anmeldung",
}
HEADERS: dict[str, str] = {
    "id": "Nr.",
    "at": "Zeitpunkt (UTC)",
    "user": "Benutzer",
    "action": "Aktion",
    "entity": "Bereich",
    "entity_key": "Schlüssel",
    "old": "Vorher",
    "new": "Nachher",
}


def audit_choices(conn: Connection) -> dict[str, list[str]]:
    """Distinct users, actions and entities in the log, sorted, for the filter boxes."""
    return {
        col: sorted(
            str(v)
            for v in conn.execute(select(getattr(AuditLog, col)).distinct()).scalars()
            if v is not None
        )
        for col in ("user", "action", "entity")
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def audit_table(
    conn: Connection,
    user: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Filtered audit entries, newest first, with German headers and labels.

    ``since``/``until`` are calendar days (inclusive). At most ``limit`` rows.
    """
    stmt = select(*(getattr(AuditLog, c) for c in HEADERS))
    if user:
        stmt = stmt.where(AuditLog.user == user)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if since:
        stmt = stmt.where(AuditLog.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        stmt = stmt.where(
            AuditLog.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
        )
    stmt = stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    df = pd.DataFrame(rows, columns=list(HEADERS))
    df["at"] = [t.strftime("%d.%m.%Y %H:%M") for t in df["at"]]
    df["action"] = df["action"].map(lambda a: ACTION_LABELS.get(a, a))
    df["entity"] = df["entity"].map(lambda e: ENTITY_LABELS.get(e, e))
    df["old"] = df["old"].map(_text)
    df["new"] = df["new"].map(_text)
    return df.rename(columns=HEADERS)

"""The audit log for administrators: filter choices and a readable table.

Used by the audit section of the page „Daten verwalten“ and its CSV export. Each entry
names what it is about in words ("Netzwerk Frühe Hilfen Dormagen, 3. Quartal 2026",
"Import Nr. 4", "Sitzungsstand Nr. 2") and says what changed as a short German text
("Ampel: gelb → grün; Notiz: geändert"); times are German local time (Europe/Berlin,
:func:`core.present.numbers.format_datetime`), the period filter uses local calendar
days. The CSV keeps, beside the readable columns, the complete old and new values as
JSON for checks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from core.errors import NotFoundError
from core.imports.batch import KIND_LABELS
from core.models import AuditLog, Network, NetworkCriterion, NetworkStage, YouthOffice
from core.network_validation import FIELD_LABELS, VALUE_FIELDS
from core.present.numbers import (
    MISSING,
    format_date,
    format_datetime,
    format_number,
    local_day_bounds,
)
from core.present.tables import Table
from core.present.vocabulary import QUALITY_STATES, SECTOR_LABELS, TRAFFIC_LIGHTS
from core.quarters import parse_quarter

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
    "area": "Gebiet",
    "indicator_value": "Indikatorwert",
    "population": "Bevölkerung",
    "offer": "Angebot",
    "network": "Netzwerk",
    "quality_report": "Qualitätsbausteine",
    "steering_record": "Steuerung",
}
#: Shown columns, in the order a reader needs them (when, who, what, which change).
HEADERS: dict[str, str] = {
    "at": "Zeitpunkt",
    "user": "Benutzer",
    "action": "Aktion",
    "subject": "Gegenstand",
    "change": "Änderung",
    "entity": "Bereich",
    "id": "Nr.",
}
#: Export-only columns: the complete stored values, for checks.
RAW_HEADERS: dict[str, str] = {"old": "Vorher (vollständig)", "new": "Nachher (vollständig)"}
#: Labels of stored keys outside the network form (imports, logins, users, sessions).
KEY_LABELS: dict[str, str] = {
    "client": "Client",
    "reason": "Grund",
    "until": "gesperrt bis",
    "scope": "Sperre für",
    "password": "Passwort",
    "role": "Rolle",
    "youth_offices": "Jugendämter",
    "display_name": "Anzeigename",
    "title": "Titel",
    "session_date": "Sitzung am",
    "data_as_of": "Datenstand",
    "name": "Name",
    "value": "Wert",
    "numerator": "Zähler",
    "denominator": "Nenner",
    "count": "Anzahl",
    "valid_from": "gültig ab",
    "valid_to": "gültig bis",
    "geometry": "Grenze",
    "parent_id": "übergeordnetes Gebiet",
    # Qualitätsbausteine (per item), steering records, offers
    "state": "Stand",
    "state_date": "seit",
    "evidence_title": "Nachweis",
    "evidence_date": "Nachweis vom",
    "evidence_ref": "Link oder Ablage",
    "steering_record_id": "Nachweis aus der Steuerung",
    "youth_office_id": "Jugendamt",
    "kind": "Art",
    "dated": "Datum",
    "committee": "Gremium",
    "drucksache": "Drucksache",
    "members": "Mitglieder",
    "meetings": "Sitzungen",
    "fte": "Stellenumfang (VZÄ)",
    "funding_source": "Förderung",
    "funded_until": "gefördert bis",
    "ended_on": "beendet am",
    "note": "Notiz",
    "provider": "Träger",
    "offer_type_id": "Angebotsart",
    "area_id": "Sozialraum",
    "lat": "Breite",
    "lon": "Länge",
    "capacity": "Plätze",
    "places": "Plätze je Lebensphase",
    "active_from": "aktiv ab",
    "active_to": "aktiv bis",
    "target_group": "Zielgruppe",
    "free_of_charge": "kostenfrei",
    "outreach": "aufsuchend",
    "languages": "Sprachen",
}
#: Stored keys that say nothing to a reader (bookkeeping of the write itself).
HIDDEN_KEYS = frozenset(
    {
        "network_id",
        "quarter",
        "version",
        "updated_by",
        "updated_at",
        "import_batch_id",
        "_links",
        "selection",
        "data_hash",
        "created_by",
        "created_at",
        "id",
    }
)
CHANGED, ADDED, REMOVED = "geändert", "eingetragen", "gelöscht"
NO_CHANGE = "keine inhaltliche Änderung"
NO_BLOCKS = "keine"
LONG_TEXT = 60
ARROW = " → "
IMPORT_DONE = "{kind} aus „{file}“: {new} neu, {changed} geändert, {same} unverändert"
ROLLED_BACK = "{n} zurückgenommen"
SNAPSHOT_DONE = "eingefroren für das {quarter}"
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Names:
    """What the log's ids mean: network names and stage labels, read once per table."""

    networks: Mapping[int, str] = field(default_factory=dict)
    stages: Mapping[int, str] = field(default_factory=dict)
    criteria: Mapping[str, str] = field(default_factory=dict)
    offices: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> Names:
        offices = {
            str(r.id): str(r.name) for r in conn.execute(select(YouthOffice.id, YouthOffice.name))
        }
        return cls(
            offices=offices,
            networks={
                int(r.id): str(r.name) for r in conn.execute(select(Network.id, Network.name))
            },
            stages={
                int(r.id): str(r.label)
                for r in conn.execute(select(NetworkStage.id, NetworkStage.label))
            },
            criteria={
                str(r.id): str(r.label)
                for r in conn.execute(select(NetworkCriterion.id, NetworkCriterion.label))
            },
        )


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


# --- what an entry is about ------------------------------------------------------------


def _quarter_label(key: str) -> str:
    try:
        return parse_quarter(key).label
    except NotFoundError:
        return key


def subject(entity: str, key: str, names: Names) -> str:
    """What an entry is about, in words: ``"Netzwerk Frühe Hilfen Dormagen, 3. Quartal
    2026"`` for ``network_status`` ``"1/2026-Q3"``; ``"Import Nr. 4"``; a user's name."""
    key = str(key or "")
    if entity == "network_status" and "/" in key:
        network, _, quarter = key.partition("/")
        name = names.networks.get(int(network)) if network.isdigit() else None
        return f"{name or f'Netzwerk Nr. {network} (gelöscht)'}, {_quarter_label(quarter)}"
    if entity == "import_batch":
        return f"Import Nr. {key}"
    if entity == "snapshot":
        return f"Sitzungsstand Nr. {key}"
    if entity == "quality_report" and "/" in key:
        office, _, quarter = key.partition("/")
        return f"{names.offices.get(office, office)}, {_quarter_label(quarter)}"
    if entity in ("steering_record", "offer") and key.isdigit():
        return f"{ENTITY_LABELS[entity]} Nr. {key}"
    batch, sep, row = key.partition(":")
    if sep and batch.isdigit():  # a row replaced by an import: "<batch>:<row id>"
        return f"{ENTITY_LABELS.get(entity, entity)} Nr. {row} (Import Nr. {batch})"
    return key


# --- what changed ----------------------------------------------------------------------


def _plain(value: Any) -> str:
    """A stored value as text: dates and times German, lists joined, no JSON."""
    if value is None or value == "" or value == []:
        return MISSING
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int | float):
        return format_number(value, 0 if float(value).is_integer() else 2)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    text = str(value)
    if ISO_TIME.match(text):
        try:
            return format_datetime(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
    if ISO_DAY.match(text):
        try:
            return format_date(dt.date.fromisoformat(text))
        except ValueError:
            return text
    return text


def _network_value(name: str, value: Any, names: Names) -> str:
    if name == "stage":
        return names.stages.get(int(value), str(value)) if value is not None else MISSING
    if name == "traffic_light":
        term = TRAFFIC_LIGHTS.get(value) if isinstance(value, str) else None
        return term.word if term else MISSING
    if name == "quality_blocks":
        return ", ".join(map(str, value)) if value else NO_BLOCKS
    if name == "criteria":
        return "; ".join(names.criteria.get(c, str(c)) for c in value) if value else MISSING
    return _plain(value)


def _is_text(name: str, old: Any, new: Any) -> bool:
    """Free text (goals, notes, boundaries) is reported as changed, not quoted."""
    if name in ("goals", "note", "geometry"):
        return True
    return any(isinstance(v, str) and len(v) > LONG_TEXT for v in (old, new))


def _text_change(old: Any, new: Any) -> str:
    if not old:
        return ADDED
    return REMOVED if not new else CHANGED


def _label(entity: str, name: str) -> str:
    if entity == "network_status" and name in FIELD_LABELS:
        return FIELD_LABELS[name]
    return KEY_LABELS.get(name, name)


def _value(entity: str, name: str, value: Any, names: Names) -> str:
    if entity == "network_status" and name in VALUE_FIELDS:
        return _network_value(name, value, names)
    if name == "state" and value in QUALITY_STATES:
        return QUALITY_STATES[value].word
    if name == "kind" and entity == "steering_record":
        from core.steering import KIND_LABELS as STEERING_KINDS

        return STEERING_KINDS.get(str(value), str(value))
    if name == "youth_office_id" and value:
        return names.offices.get(str(value), str(value))
    if name == "members" and isinstance(value, list):
        return (
            ", ".join(
                f"{m.get('department', '')} ({SECTOR_LABELS.get(str(m.get('sector')), '')})"
                for m in value
                if isinstance(m, Mapping)
            )
            or MISSING
        )
    return _plain(value)


def _keys(entity: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    if entity == "network_status":
        first = [f for f in VALUE_FIELDS if f in old or f in new]
        rest = [k for k in (*old, *new) if k not in VALUE_FIELDS]
        keys = [*first, *dict.fromkeys(rest)]
    else:
        keys = list(dict.fromkeys([*old, *new]))
    return [k for k in keys if k not in HIDDEN_KEYS]


def _diff(entity: str, old: Mapping[str, Any], new: Mapping[str, Any], names: Names) -> str:
    parts = []
    for key in _keys(entity, old, new):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        label = _label(entity, key)
        if key == "partner_changes" and after:  # the changes themselves, no before/after
            parts.append(f"{label}: {'; '.join(map(str, after))}")
        elif _is_text(key, before, after):
            parts.append(f"{label}: {_text_change(before, after)}")
        else:
            shown = _value(entity, key, before, names) + ARROW + _value(entity, key, after, names)
            parts.append(f"{label}: {shown}")
    return "; ".join(parts) or NO_CHANGE


def _listing(entity: str, values: Mapping[str, Any], names: Names) -> str:
    parts = []
    for key in _keys(entity, values, {}):
        value = values.get(key)
        if _is_text(key, None, value):
            if value:
                parts.append(f"{_label(entity, key)}: {ADDED}")
            continue
        parts.append(f"{_label(entity, key)}: {_value(entity, key, value, names)}")
    return "; ".join(parts)


def _import_text(new: Mapping[str, Any]) -> str:
    counts: dict[str, int] = {"neu": 0, "geändert": 0, "unverändert": 0}
    for table in (new.get("rows") or {}).values():
        for status in counts:
            counts[status] += int((table or {}).get(status, 0) or 0)
    kind = str(new.get("kind", ""))
    return IMPORT_DONE.format(
        kind=KIND_LABELS.get(kind, kind),
        file=new.get("file", ""),
        new=format_number(counts["neu"], 0),
        changed=format_number(counts["geändert"], 0),
        same=format_number(counts["unverändert"], 0),
    )


def describe_change(
    entity: str,
    action: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    names: Names | None = None,
) -> str:
    """What an entry changed, as a German line: ``"Ampel: gelb → grün; Notiz: geändert"``
    for an update, the values for a creation or deletion, the counts of an import."""
    names = names or Names()
    if entity == "import_batch" and action == "import" and new:
        return _import_text(new)
    if entity == "import_batch" and action == "import_rollback" and new:
        n = int(new.get("reverted", 0) or 0)
        rows = f"{format_number(n, 0)} {'Zeile' if n == 1 else 'Zeilen'}"
        return ROLLED_BACK.format(n=rows)
    if entity == "snapshot" and new and new.get("quarter"):
        rest = _listing(entity, {k: v for k, v in new.items() if k != "quarter"}, names)
        head = SNAPSHOT_DONE.format(quarter=_quarter_label(str(new["quarter"])))
        return f"{head}; {rest}" if rest else head
    if entity == "quality_report" and new:
        return _items_change((old or {}).get("items") or {}, new.get("items") or {}, names)
    if old and new:
        return _diff(entity, old, new, names)
    if new:
        return _listing(entity, new, names)
    if old:
        return _listing(entity, old, names)
    return ""


def _items_change(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]], names: Names
) -> str:
    """A Qualitätsbausteine report: per item what changed (``"1.1 Stand: begonnen →
    erreicht; 1.1 Nachweis: eingetragen"``)."""
    parts: list[str] = []
    for item in sorted(set(old) | set(new)):
        change = _diff("quality_item", old.get(item) or {}, new.get(item) or {}, names)
        if change != NO_CHANGE:
            parts.extend(f"{item} {p}" for p in change.split("; "))
    return "; ".join(parts) or NO_CHANGE


def _raw(value: Any) -> str:
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
) -> Table:
    """Filtered audit entries, newest first, with German headers, names and changes.

    ``since``/``until`` are calendar days in Germany (inclusive). At most ``limit``
    rows. ``shown`` has the readable columns; ``export`` adds the complete old and new
    values as JSON.
    """
    stmt = select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.user,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_key,
        AuditLog.old,
        AuditLog.new,
    )
    if user:
        stmt = stmt.where(AuditLog.user == user)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if since:
        stmt = stmt.where(AuditLog.at >= local_day_bounds(since, since)[0])
    if until:
        stmt = stmt.where(AuditLog.at < local_day_bounds(until, until)[1])
    stmt = stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    rows = [dict(r) for r in conn.execute(stmt).mappings()]
    names = Names.load(conn)
    frame = pd.DataFrame(
        {
            "id": [r["id"] for r in rows],
            "at": [format_datetime(r["at"]) for r in rows],
            "user": [r["user"] for r in rows],
            "action": [ACTION_LABELS.get(r["action"], r["action"]) for r in rows],
            "entity": [ENTITY_LABELS.get(r["entity"], r["entity"]) for r in rows],
            "subject": [subject(r["entity"], r["entity_key"], names) for r in rows],
            "change": [
                describe_change(r["entity"], r["action"], r["old"], r["new"], names) for r in rows
            ],
        },
        columns=list(HEADERS),
    )
    shown = frame.rename(columns=HEADERS)
    export = shown.assign(
        **{RAW_HEADERS["old"]: [_raw(r["old"]) for r in rows]},
        **{RAW_HEADERS["new"]: [_raw(r["new"]) for r in rows]},
    )
    return Table(shown=shown, export=export, file_name="aenderungsprotokoll.csv")


def status_changes(
    conn: Connection, network_id: int, quarter: str, limit: int = 20
) -> pd.DataFrame:
    """The change log of one network's report for a quarter, newest first, as the form
    shows it: Zeit (local), Von, Aktion, Änderung."""
    key = f"{int(network_id)}/{parse_quarter(quarter).key}"
    stmt = (
        select(AuditLog.at, AuditLog.user, AuditLog.action, AuditLog.old, AuditLog.new)
        .where(AuditLog.entity == "network_status", AuditLog.entity_key == key)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    rows = conn.execute(stmt).mappings().all()
    names = Names.load(conn)
    return pd.DataFrame(
        {
            "Zeit": [format_datetime(r["at"]) for r in rows],
            "Von": [r["user"] for r in rows],
            "Aktion": [ACTION_LABELS.get(r["action"], r["action"]) for r in rows],
            "Änderung": [
                describe_change("network_status", r["action"], r["old"], r["new"], names)
                for r in rows
            ],
        },
        columns=["Zeit", "Von", "Aktion", "Änderung"],
    )

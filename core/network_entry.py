"""Entering a network's quarterly status: prefill, validation, and saving with a lock.

A coordinator opens the form for one network and quarter. :func:`prefill` returns that
quarter's saved status (with its ``version``) or, when there is none yet, the latest
earlier report as a starting point. :func:`save_status` validates everything at once
(:class:`~core.errors.DataError` listing each problem with a German fix), then writes
the status, the network's partner register (:mod:`core.partners`) and an audit-log
entry in one transaction. Where the network has a register, the status's partner
count is derived from it (partners active at the quarter's end), not typed; where it
has none yet (old imports), the count carried from the last report stands.
Optimistic locking: the caller passes the version it loaded (None for "there was no
record"); when someone else saved meanwhile, :class:`~core.errors.ConflictError`
carries the record now in the database and nothing is written, so the caller can
show both versions and let the user decide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from core import versioning
from core.errors import ConflictError, DataError, NotFoundError
from core.models import AuditLog, Network, NetworkCriterion, NetworkStage, NetworkStatus
from core.network_validation import (
    FIELD_LABELS,
    MAX_MEETINGS,
    MAX_NAME,
    MAX_PARTNERS,
    MAX_TEXT,
    TRAFFIC_LIGHT_IDS,
    VALUE_FIELDS,
    StatusEntry,
    stage_disagreement,
    suggested_stage,
    validate,
)
from core.partners import (
    PartnerRow,
    RegisterEdit,
    active_count,
    apply_register,
    register,
    validate_register,
)
from core.permissions import may_edit_network, require_network_edit
from core.present.numbers import format_datetime
from core.present.vocabulary import short_office
from core.quarters import parse_quarter
from core.users import User

__all__ = [
    "ENTITY",
    "FIELD_LABELS",
    "MAX_MEETINGS",
    "MAX_NAME",
    "MAX_PARTNERS",
    "MAX_TEXT",
    "TRAFFIC_LIGHT_IDS",
    "VALUE_FIELDS",
    "Prefill",
    "RegisterEdit",
    "StatusEntry",
    "differences",
    "format_timestamp",
    "prefill",
    "previous_record",
    "reportable_networks",
    "save_status",
    "stage_disagreement",
    "status_record",
    "suggested_stage",
    "validate",
]

ENTITY = "network_status"
RECORD_FIELDS = (
    "network_id",
    "quarter",
    *VALUE_FIELDS,
    "version",
    "updated_by",
    "updated_at",
)
EMPTY_VALUES: dict[str, Any] = {
    "stage": 1,
    "partners": 0,
    "meetings": 0,
    "traffic_light": None,
    "criteria": [],
    "goals": "",
    "note": "",
}


@dataclass(frozen=True)
class Prefill:
    """Starting values of the form for a network and quarter.

    ``source`` is ``"current"`` (this quarter's saved status, ``version`` set),
    ``"previous"`` (copied from ``source_quarter``, note left empty) or ``"empty"``.
    ``previous_stage``/``previous_quarter`` are the latest earlier report, which the
    stage-jump rule compares against. ``register`` is the network's partner register
    (empty: none yet, the count in ``values`` stands).
    """

    values: dict[str, Any]
    version: int | None
    source: str
    source_quarter: str | None = None
    previous_stage: int | None = None
    previous_quarter: str | None = None
    record: dict[str, Any] | None = field(default=None)
    register: tuple[PartnerRow, ...] = ()


def _record(row: Any) -> dict[str, Any]:
    rec = {name: row[name] for name in RECORD_FIELDS}
    rec["criteria"] = sorted(str(c) for c in (rec["criteria"] or []))
    return rec


def status_record(
    conn: Connection, network_id: int, quarter: str, lock: bool = False
) -> dict[str, Any] | None:
    """The saved status of a network in a quarter, or None; ``lock`` selects FOR UPDATE."""
    stmt = select(NetworkStatus.__table__).where(
        NetworkStatus.network_id == network_id, NetworkStatus.quarter == quarter
    )
    if lock:
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).mappings().first()
    return _record(row) if row else None


def previous_record(conn: Connection, network_id: int, quarter: str) -> dict[str, Any] | None:
    """The latest report of a network before ``quarter`` (not necessarily the one just before)."""
    stmt = (
        select(NetworkStatus.__table__)
        .where(NetworkStatus.network_id == network_id, NetworkStatus.quarter < quarter)
        .order_by(NetworkStatus.quarter.desc())
        .limit(1)
    )
    row = conn.execute(stmt).mappings().first()
    return _record(row) if row else None


def _network_name(conn: Connection, network_id: int) -> str:
    name = conn.execute(select(Network.name).where(Network.id == network_id)).scalar()
    if name is None:
        raise NotFoundError(
            f"Das Netzwerk mit der Nummer {network_id} gibt es nicht. "
            "Bitte ein Netzwerk aus der Liste wählen."
        )
    return name


def prefill(conn: Connection, network_id: int, quarter: str) -> Prefill:
    """Starting values for the form: this quarter's status, else the latest earlier one."""
    _network_name(conn, network_id)
    key = parse_quarter(quarter).key
    previous = previous_record(conn, network_id, key)
    prev_stage = previous["stage"] if previous else None
    prev_quarter = previous["quarter"] if previous else None
    current = status_record(conn, network_id, key)
    partners = tuple(register(conn, network_id))
    if current:
        values = {f: current[f] for f in VALUE_FIELDS}
        return Prefill(
            values, current["version"], "current", key, prev_stage, prev_quarter, current, partners
        )
    if previous:
        values = {f: previous[f] for f in VALUE_FIELDS}
        values["note"] = ""  # a note belongs to its quarter
        if partners:
            values["partners"] = active_count(partners, parse_quarter(key).end)
        return Prefill(
            values, None, "previous", prev_quarter, prev_stage, prev_quarter, None, partners
        )
    values = dict(EMPTY_VALUES)
    if partners:
        values["partners"] = active_count(partners, parse_quarter(key).end)
    return Prefill(values, None, "empty", register=partners)


def criterion_stages(conn: Connection) -> dict[str, int]:
    """Each stage criterion's id with the stage it means at least (catalogue order)."""
    rows = conn.execute(
        select(NetworkCriterion.id, NetworkCriterion.min_stage).order_by(NetworkCriterion.position)
    )
    return {str(i): int(s) for i, s in rows.all()}


def format_timestamp(value: dt.datetime | None) -> str:
    """A stored UTC time as German local time: ``"24.11.2026, 12:30 Uhr"`` (the one
    formatter :func:`core.present.numbers.format_datetime`)."""
    return format_datetime(value)


def _conflict(current: dict[str, Any], expected_version: int | None) -> ConflictError:
    return versioning.conflict(
        current, expected_version, "Diese Meldung", "für dieses Quartal noch keine Meldung"
    )


def _save(
    conn: Connection,
    entry: StatusEntry,
    user: str,
    expected_version: int | None,
    today: dt.date | None,
    edit: RegisterEdit | None,
) -> dict[str, Any]:
    _network_name(conn, entry.network_id)
    key = parse_quarter(entry.quarter).key if _is_quarter(entry.quarter) else entry.quarter
    previous = previous_record(conn, entry.network_id, key)
    stage_labels = dict(conn.execute(select(NetworkStage.id, NetworkStage.label)).all())
    if edit is not None and any(not r.is_blank() for r in edit.edited) and _is_quarter(key):
        # the count is derived from the register: check the rest, not a typed count
        counted = active_count(edit.edited, parse_quarter(key).end)
        entry = dataclasses.replace(entry, partners=counted)
    problems = validate(
        entry,
        user,
        previous["stage"] if previous else None,
        previous["quarter"] if previous else None,
        criterion_stages(conn),
        stage_labels,
        today,
    )
    if edit is not None:
        problems += validate_register(edit.edited, today)
    if problems:
        raise DataError(problems)
    changes = apply_register(conn, entry.network_id, edit.loaded, edit.edited, user) if edit else []
    values = entry.values()
    partners = register(conn, entry.network_id)
    if partners:
        values["partners"] = active_count(partners, parse_quarter(key).end)
    audit_key = f"{entry.network_id}/{key}"
    _, _, saved = versioning.write(
        conn,
        NetworkStatus,
        [NetworkStatus.network_id == entry.network_id, NetworkStatus.quarter == key],
        expected_version,
        {"network_id": entry.network_id, "quarter": key, **values},
        user,
        ENTITY,
        lambda rec: f"{rec['network_id']}/{rec['quarter']}",
        shape=_record,
        none_yet="für dieses Quartal noch keine Meldung",
    )
    if changes:  # the register's changes belong to this save's one audit entry
        _add_to_audit(conn, audit_key, {"partner_changes": changes})
    return saved


def _add_to_audit(conn: Connection, key: str, extra: dict[str, Any]) -> None:
    """Add ``extra`` to the ``new`` values of the audit entry just written for ``key``."""
    last = conn.execute(
        select(AuditLog.id, AuditLog.new)
        .where(AuditLog.entity == ENTITY, AuditLog.entity_key == key)
        .order_by(AuditLog.id.desc())
        .limit(1)
    ).first()
    if last is not None:
        new = {**(last.new or {}), **extra}
        conn.execute(update(AuditLog).where(AuditLog.id == last.id).values(new=new))


def _is_quarter(text: str) -> bool:
    try:
        parse_quarter(text)
    except NotFoundError:
        return False
    return True


def save_status(
    engine: Engine,
    user: User | None,
    entry: StatusEntry,
    expected_version: int | None,
    today: dt.date | None = None,
    edit: RegisterEdit | None = None,
) -> dict[str, Any]:
    """Validate and save one quarterly status in one transaction; returns the saved record.

    ``edit`` (the partner register as loaded and as edited) is validated with the
    status and written in the same transaction, under the status's lock; the saved
    partner count is then the number of partners active at the quarter's end, and the
    audit entry lists the register's changes (``partner_changes``).

    ``user`` must be allowed to edit the network's youth office
    (:class:`~core.errors.PermissionDeniedError` otherwise, nothing written); the record
    and the audit entry carry their name. ``expected_version`` is the version the form
    loaded (None when it found no record for the quarter). Raises :class:`DataError`
    (invalid input, nothing written), :class:`ConflictError` (someone saved meanwhile;
    ``.current`` is their record) or :class:`NotFoundError` (unknown network). Writes
    one audit entry with old and new.
    """
    try:
        with engine.begin() as conn:
            allowed = require_network_edit(conn, user, entry.network_id)
            return _save(conn, entry, allowed.name, expected_version, today, edit)
    except IntegrityError:
        # two first reports for the same quarter at the same moment: the other one won
        with engine.connect() as conn:
            current = status_record(conn, entry.network_id, parse_quarter(entry.quarter).key)
        if current is None:
            raise
        raise _conflict(current, expected_version) from None


def reportable_networks(networks: pd.DataFrame, user: User | None) -> pd.DataFrame:
    """The networks (rows of :func:`core.networks.networks`) the user may report, in the
    order of the entry form: the user's own youth offices first, then grouped by youth
    office (short name), kind and name. Adds ``label``: the network's name, prefixed with
    its youth office when the list spans several offices. Empty for viewers and
    anonymous visitors; the rule is :func:`core.permissions.may_edit_network`, which the
    save checks again."""
    if networks.empty:
        return networks.assign(label=pd.Series(dtype=str))
    allowed = networks[[may_edit_network(user, str(o)) for o in networks["youth_office_id"]]]
    own = set(user.youth_offices) if user else set()
    offices = [short_office(str(n)) for n in allowed["youth_office"]]
    ordered = allowed.assign(
        _foreign=[str(o) not in own for o in allowed["youth_office_id"]], _office=offices
    ).sort_values(["_foreign", "_office", "kind_position", "name"], kind="stable")
    several = ordered["youth_office_id"].nunique() > 1
    ordered["label"] = [
        f"{office} · {name}" if several else str(name)
        for office, name in zip(ordered["_office"], ordered["name"], strict=True)
    ]
    return ordered.drop(columns=["_foreign", "_office"]).reset_index(drop=True)


def differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """The value fields in which two versions differ (form order)."""
    return [f for f in VALUE_FIELDS if mine.get(f) != theirs.get(f)]

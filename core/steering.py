"""Steering records of each Jugendamt (Qualitätsbaustein 4 „Koordination und Steuerung“):
Leitbild/Handlungskonzept, Steuerungsgruppe, Koordinationsstelle and committee decisions.

Read for the page, the exports, the evidence of block 4 and the Sitzungsvorlage
(:func:`steering_records`); written by editors of the youth office and admins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select, text

from core import versioning
from core.errors import DataError, NotFoundError
from core.models import STEERING_KINDS, Area, SteeringRecord, YouthOffice
from core.permissions import may_edit_network, require_edit_network
from core.present.numbers import format_date
from core.quarters import Quarter, quarter_of
from core.steering_validation import (
    DATE_LABELS,
    EARLIEST,
    EMPTY_VALUES,
    FIELD_LABELS,
    KIND_FIELDS,
    KIND_LABELS,
    MAX_COMMITTEE,
    MAX_DRUCKSACHE,
    MAX_FUNDING,
    MAX_NOTE,
    MAX_TITLE,
    VALUE_FIELDS,
    YEARS_AHEAD,
    SteeringEntry,
    blank,
    validate,
)
from core.users import User

__all__ = [  # the form's vocabulary and limits, from core.steering_validation
    "DATE_LABELS",
    "EARLIEST",
    "EMPTY_VALUES",
    "FIELD_LABELS",
    "KIND_FIELDS",
    "KIND_LABELS",
    "MAX_COMMITTEE",
    "MAX_DRUCKSACHE",
    "MAX_FUNDING",
    "MAX_NOTE",
    "MAX_TITLE",
    "VALUE_FIELDS",
    "YEARS_AHEAD",
    "SteeringEntry",
    "close_record",
    "differences",
    "editable_offices",
    "funding_warnings",
    "record",
    "save_record",
    "steering_records",
    "validate",
]

KIND_ORDER = {kind: i for i, kind in enumerate(STEERING_KINDS)}

#: The columns of :func:`steering_records`.
RECORD_COLUMNS = [
    "id",
    "youth_office_id",
    "youth_office",
    "kind",
    "kind_label",
    "title",
    "dated",
    "committee",
    "drucksache",
    "members",
    "meetings",
    "fte",
    "funding_source",
    "funded_until",
    "ended_on",
    "note",
    "version",
    "updated_by",
    "updated_at",
]


def steering_records(
    conn: Connection, youth_office_id: str | None = None, kind: str | None = None
) -> pd.DataFrame:
    """The steering records, of one youth office and/or one kind when given.

    One row per record with :data:`RECORD_COLUMNS` (``members`` a list of
    ``{"department", "sector"}``, ``meetings`` a list of ISO dates, dates as
    ``datetime.date``), ordered by youth office, kind (as :data:`STEERING_KINDS`) and
    date. Closed records (``ended_on`` set) are included.
    """
    t = SteeringRecord
    stmt = select(
        t.id,
        t.youth_office_id,
        YouthOffice.name.label("youth_office"),
        t.kind,
        t.title,
        t.dated,
        t.committee,
        t.drucksache,
        t.members,
        t.meetings,
        t.fte,
        t.funding_source,
        t.funded_until,
        t.ended_on,
        t.note,
        t.version,
        t.updated_by,
        t.updated_at,
    ).join(YouthOffice, YouthOffice.id == t.youth_office_id)
    if youth_office_id:
        stmt = stmt.where(t.youth_office_id == youth_office_id)
    if kind:
        stmt = stmt.where(t.kind == kind)
    rows = [dict(r) for r in conn.execute(stmt).mappings().all()]
    if not rows:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    for r in rows:
        r["kind_label"] = KIND_LABELS.get(r["kind"], r["kind"])
        r["members"] = list(r["members"] or [])
        r["meetings"] = list(r["meetings"] or [])
    rows.sort(
        key=lambda r: (
            r["youth_office_id"],
            KIND_ORDER.get(r["kind"], len(KIND_ORDER)),
            r["dated"] is None,
            r["dated"] or r["funded_until"] or r["updated_at"].date(),
            r["id"],
        )
    )
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)


# --- Validation ------------------------------------------------------------------------

ENTITY = "steering_record"
WHAT = "Dieser Eintrag"


def _shape(row: Mapping[str, Any]) -> dict[str, Any]:
    rec = {
        name: row[name]
        for name in (
            "id",
            "youth_office_id",
            "kind",
            *VALUE_FIELDS,
            "version",
            "updated_by",
            "updated_at",
        )
    }
    rec["members"] = list(rec["members"] or [])
    rec["meetings"] = list(rec["meetings"] or [])
    return rec


def record(conn: Connection, record_id: int) -> dict[str, Any] | None:
    """One steering record as the form loads it (with ``version``), or None."""
    found = (
        conn.execute(select(SteeringRecord.__table__).where(SteeringRecord.id == int(record_id)))
        .mappings()
        .first()
    )
    return _shape(dict(found)) if found else None


def _office_names(conn: Connection) -> dict[str, str]:
    return {str(r.id): str(r.name) for r in conn.execute(select(YouthOffice.id, YouthOffice.name))}


def _check_office(conn: Connection, user: User | None, youth_office_id: str) -> User:
    names = _office_names(conn)
    allowed = require_edit_network(user, youth_office_id, names)
    if youth_office_id not in names:
        raise NotFoundError(
            f"Das Jugendamt „{youth_office_id}“ gibt es nicht. "
            "Bitte ein Jugendamt aus der Liste wählen."
        )
    return allowed


def _new_id(conn: Connection) -> int:
    """The id of a new record, reserved before the locked write (which selects by id)."""
    if conn.dialect.name == "postgresql":
        seq = text("SELECT nextval(pg_get_serial_sequence('steering_record', 'id'))")
        return int(conn.execute(seq).scalar_one())
    return int(conn.execute(select(func.max(SteeringRecord.id))).scalar() or 0) + 1


def _write(
    conn: Connection,
    record_id: int,
    expected_version: int | None,
    values: dict[str, Any],
    user: str,
) -> dict[str, Any]:
    _, _, saved = versioning.write(
        conn,
        SteeringRecord,
        [SteeringRecord.id == record_id],
        expected_version,
        values,
        user,
        ENTITY,
        lambda rec: str(rec["id"]),
        shape=_shape,
        what=WHAT,
        none_yet="diesen Eintrag noch nicht",
    )
    return saved


def save_record(
    engine: Engine,
    user: User | None,
    entry: SteeringEntry,
    record_id: int | None = None,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Validate and save one steering record in one transaction; returns the saved record.

    ``record_id`` None creates a record; else the record with that id is updated if
    its version is still ``expected_version`` (its youth office and kind stay as
    they are). The user must be an editor of the youth office or an admin
    (:class:`~core.errors.PermissionDeniedError`, nothing written). Raises
    :class:`DataError` with every problem, :class:`ConflictError` (``.current`` is
    the record saved meanwhile) or :class:`NotFoundError`; writes one audit entry.
    """
    with engine.begin() as conn:
        office, kind = entry.youth_office_id, entry.kind
        if record_id is not None:
            existing = record(conn, record_id)
            if existing is None:
                raise NotFoundError(
                    f"Den Eintrag Nr. {record_id} gibt es nicht mehr. Bitte die Seite neu laden."
                )
            office, kind = existing["youth_office_id"], existing["kind"]
        allowed = _check_office(conn, user, office)
        if entry.youth_office_id != office:
            _check_office(conn, user, entry.youth_office_id)  # names the other office
        cleaned, problems = validate(replace(entry, youth_office_id=office, kind=kind), today)
        if problems:
            raise DataError(problems)
        if record_id is None:
            new_id = _new_id(conn)
            values = {"id": new_id, "youth_office_id": office, "kind": kind, **cleaned}
            return _write(conn, new_id, None, values, allowed.name)
        return _write(conn, record_id, expected_version, cleaned, allowed.name)


def close_record(
    engine: Engine,
    user: User | None,
    record_id: int,
    expected_version: int | None,
    ended_on: dt.date,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """End a record on ``ended_on`` (a group dissolved, a post ended): same lock,
    permission and audit as :func:`save_record`; the record stays for the history."""
    with engine.begin() as conn:
        existing = record(conn, record_id)
        if existing is None:
            raise NotFoundError(
                f"Den Eintrag Nr. {record_id} gibt es nicht mehr. Bitte die Seite neu laden."
            )
        allowed = _check_office(conn, user, existing["youth_office_id"])
        entry = SteeringEntry(
            **{
                "youth_office_id": existing["youth_office_id"],
                "kind": existing["kind"],
                **{f: existing[f] for f in VALUE_FIELDS},
                "members": tuple(existing["members"]),
                "meetings": tuple(existing["meetings"]),
                "ended_on": ended_on,
            }
        )
        if existing["version"] != expected_version:
            raise versioning.conflict(existing, expected_version, WHAT)
        _, problems = validate(entry, today)
        problems = [p for p in problems if p.column == FIELD_LABELS["ended_on"]]
        if problems:
            raise DataError(problems)
        return _write(conn, record_id, expected_version, {"ended_on": ended_on}, allowed.name)


def differences(mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """The value fields in which two versions differ (form order)."""
    return [f for f in VALUE_FIELDS if _norm(mine.get(f)) != _norm(theirs.get(f))]


def _norm(value: Any) -> Any:
    if blank(value) if not isinstance(value, list | tuple) else False:
        return None
    if isinstance(value, list | tuple):
        return [dict(v) if isinstance(v, Mapping) else str(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def editable_offices(conn: Connection, user: User | None) -> dict[str, str]:
    """The youth offices (id → name) whose steering records the user may edit, in
    name order; empty for viewers and anonymous visitors."""
    names = _office_names(conn)
    return {o: names[o] for o in sorted(names, key=lambda o: names[o]) if may_edit_network(user, o)}


# --- The Übersicht warning -------------------------------------------------------------

#: How many quarters ahead of the end of the Berichtsquartal a funding end is announced.
WARN_QUARTERS = 3
_IN_QUARTERS = {
    0: "mit dem Berichtsquartal",
    1: "im nächsten Quartal",
    2: "in zwei Quartalen",
    3: "in drei Quartalen",
}
WARN_AHEAD = "Die Förderung der Koordinationsstelle „{title}“ ({office}) endet am {date} – {when}."
WARN_PASSED = (
    "Die Förderung der Koordinationsstelle „{title}“ ({office}) ist am {date} ausgelaufen, "
    "die Stelle ist aber nicht beendet. Bitte die Anschlussförderung oder das Ende der "
    "Stelle eintragen (Qualitätsbausteine → Steuerung pflegen)."
)


def _quarter_index(q: Quarter) -> int:
    return q.year * 4 + q.q - 1


def funding_warnings(
    conn: Connection,
    quarter: Quarter,
    youth_office_id: str | None = None,
    municipality_id: str | None = None,
) -> list[str]:
    """German warnings for every active Koordinationsstelle whose funding ends within
    :data:`WARN_QUARTERS` quarters after the end of the Berichtsquartal ``quarter``, or
    has already ended while the record is not closed. A closed record (``ended_on``
    set) is left out; so is one without ``funded_until``. ``municipality_id`` narrows
    to the youth office of that Kommune (as the Übersicht's selection does). The soonest
    ending comes first."""
    if municipality_id and not youth_office_id:
        youth_office_id = conn.execute(
            select(Area.youth_office_id).where(Area.id == municipality_id)
        ).scalar()
        if youth_office_id is None:
            return []
    df = steering_records(conn, youth_office_id, "koordinationsstelle")
    out: list[tuple[dt.date, str]] = []
    limit = quarter
    for _ in range(WARN_QUARTERS):
        limit = limit.next()
    for r in df.itertuples(index=False):
        until = r.funded_until
        if until is None or pd.isna(until):
            continue
        if r.ended_on is not None and not pd.isna(r.ended_on):
            continue  # closed: the post ended or is planned to end, nothing to warn
        office = str(r.youth_office).replace("Jugendamt der Stadt ", "Jugendamt ")
        args = {"title": r.title, "office": office, "date": format_date(until)}
        if until < quarter.end:
            out.append((until, WARN_PASSED.format(**args)))
        elif until <= limit.end:
            steps = _quarter_index(quarter_of(until)) - _quarter_index(quarter)
            out.append((until, WARN_AHEAD.format(**args, when=_IN_QUARTERS[steps])))
    return [text for _, text in sorted(out, key=lambda pair: pair[0])]  # soonest first

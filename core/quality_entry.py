"""Reporting a Jugendamt's Qualitätsbausteine for a quarter: prefill, validation, save.

The unit is the report (:class:`~core.models.QualityReport`, one per youth office and
quarter): it carries the ``version`` (optimistic lock), who saved it and when; its 13
items are :class:`~core.models.QualityProgress` rows, replaced as a whole on every save.
:func:`prefill` gives this quarter's report, else the latest earlier report as a
starting point (the notes left empty: a note belongs to its quarter). :func:`validate`
checks all items at once; :func:`save_report` checks the permission (editor of that
Jugendamt or admin), validates, and writes report, items and one audit entry (the whole
report, old and new) in one transaction through :func:`core.versioning.write`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from core import versioning
from core.errors import ConflictError, DataError, NotFoundError
from core.models import (
    QualityItem,
    QualityProgress,
    QualityReport,
    SteeringRecord,
    YouthOffice,
)
from core.permissions import require_edit_network
from core.present.numbers import format_date
from core.quality_validation import (
    FIELD_LABELS,
    FORM,
    ITEM_FIELDS,
    MAX_NOTE,
    MAX_REF,
    MAX_TITLE,
    STATE_IDS,
    STEERING_BLOCK,
    ItemEntry,
    ReportEntry,
    evidence_ref_problem,
    is_link,
    item_problems,
    validate,
)
from core.quarters import parse_quarter
from core.users import User

__all__ = [
    "ENTITY",
    "FIELD_LABELS",
    "FORM",
    "ITEM_FIELDS",
    "MAX_NOTE",
    "MAX_REF",
    "MAX_TITLE",
    "STATE_IDS",
    "STEERING_BLOCK",
    "ItemEntry",
    "Prefill",
    "ReportEntry",
    "differences",
    "evidence_ref_problem",
    "is_link",
    "item_problems",
    "prefill",
    "report_record",
    "save_report",
    "steering_choices",
    "validate",
]

ENTITY = "quality_report"
WHAT = "Dieser Bericht zu den Qualitätsbausteinen"
NONE_YET = "für dieses Quartal noch keinen Bericht"


@dataclass(frozen=True)
class Prefill:
    """Starting values of the form: ``items`` (item id → values, every catalogue item).

    ``source``: ``"current"`` (this quarter's report, ``version`` set, ``record`` the
    saved report), ``"previous"`` (copied from ``source_quarter``, notes empty) or
    ``"empty"`` (every item offen)."""

    items: dict[str, dict[str, Any]]
    version: int | None
    source: str
    source_quarter: str | None = None
    record: dict[str, Any] | None = field(default=None)


def empty_item() -> dict[str, Any]:
    """The values of an item nobody has reported: offen, nothing else."""
    return {f: None for f in ITEM_FIELDS} | {
        "state": "open",
        "evidence_title": "",
        "evidence_ref": "",
        "note": "",
    }


def item_ids(conn: Connection) -> list[str]:
    """The catalogue's item ids in order (1.1 … 4.4)."""
    stmt = select(QualityItem.id).order_by(QualityItem.block_id, QualityItem.position)
    return [str(i) for i in conn.execute(stmt).scalars()]


def office_name(conn: Connection, youth_office_id: str) -> str:
    """The youth office's name; :class:`NotFoundError` when unknown."""
    name = conn.execute(select(YouthOffice.name).where(YouthOffice.id == youth_office_id)).scalar()
    if name is None:
        raise NotFoundError(
            f"Das Jugendamt „{youth_office_id}“ gibt es nicht. Bitte ein Jugendamt aus der "
            "Liste wählen."
        )
    return str(name)


def _items(conn: Connection, youth_office_id: str, quarter: str) -> dict[str, dict[str, Any]]:
    stmt = select(QualityProgress.item_id, *(QualityProgress.__table__.c[f] for f in ITEM_FIELDS))
    stmt = stmt.where(
        QualityProgress.youth_office_id == youth_office_id, QualityProgress.quarter == quarter
    )
    out = {}
    for row in conn.execute(stmt).mappings():
        values = {f: row[f] for f in ITEM_FIELDS}
        for text in ("evidence_title", "evidence_ref", "note"):
            values[text] = values[text] or ""
        out[str(row["item_id"])] = values
    return dict(sorted(out.items()))


def _shape(row: Mapping[str, Any], items: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "youth_office_id": row["youth_office_id"],
        "quarter": row["quarter"],
        "version": row["version"],
        "updated_by": row["updated_by"],
        "updated_at": row["updated_at"],
        "items": items,
    }


def _report_row(
    conn: Connection, youth_office_id: str, quarter: str, lock: bool = False
) -> dict[str, Any] | None:
    table = QualityReport.__table__
    where = [QualityReport.youth_office_id == youth_office_id, QualityReport.quarter == quarter]
    return versioning.row(conn, table, where, lock=lock)  # type: ignore[arg-type]


def report_record(conn: Connection, youth_office_id: str, quarter: str) -> dict[str, Any] | None:
    """The saved report of a youth office in a quarter with its items, or None."""
    row = _report_row(conn, youth_office_id, quarter)
    return _shape(row, _items(conn, youth_office_id, quarter)) if row else None


def previous_quarter_with_report(
    conn: Connection, youth_office_id: str, quarter: str
) -> str | None:
    """The latest quarter before ``quarter`` with items of this youth office."""
    stmt = (
        select(QualityProgress.quarter)
        .where(
            QualityProgress.youth_office_id == youth_office_id, QualityProgress.quarter < quarter
        )
        .order_by(QualityProgress.quarter.desc())
        .limit(1)
    )
    found = conn.execute(stmt).scalar()
    return str(found) if found else None


def prefill(conn: Connection, youth_office_id: str, quarter: str) -> Prefill:
    """Starting values: this quarter's report, else the latest earlier one (notes empty),
    else every item offen."""
    office_name(conn, youth_office_id)
    key = parse_quarter(quarter).key
    ids = item_ids(conn)
    current = report_record(conn, youth_office_id, key)
    if current is not None:
        items = {i: current["items"].get(i, empty_item()) for i in ids}
        return Prefill(items, current["version"], "current", key, current)
    earlier = previous_quarter_with_report(conn, youth_office_id, key)
    if earlier:
        found = _items(conn, youth_office_id, earlier)
        items = {i: {**found.get(i, empty_item()), "note": ""} for i in ids}
        return Prefill(items, None, "previous", earlier)
    return Prefill({i: empty_item() for i in ids}, None, "empty")


def steering_choices(conn: Connection, youth_office_id: str) -> dict[int, str]:
    """The steering records of a youth office that block-4 items may cite: id → label
    ("Leitbild … (12.03.2024)"), newest first."""
    stmt = (
        select(SteeringRecord.id, SteeringRecord.title, SteeringRecord.dated)
        .where(SteeringRecord.youth_office_id == youth_office_id)
        .order_by(SteeringRecord.dated.desc(), SteeringRecord.id.desc())
    )
    return {
        int(r.id): f"{r.title} ({format_date(r.dated)})" if r.dated else str(r.title)
        for r in conn.execute(stmt)
    }


def _conflict(current: dict[str, Any], expected_version: int | None) -> ConflictError:
    return versioning.conflict(current, expected_version, WHAT, NONE_YET)


def _save(
    conn: Connection,
    entry: ReportEntry,
    user: str,
    expected_version: int | None,
    today: dt.date | None,
) -> dict[str, Any]:
    steering = steering_choices(conn, entry.youth_office_id)
    problems = validate(entry, item_ids(conn), steering, today)
    if problems:
        raise DataError(problems)
    key = parse_quarter(entry.quarter).key
    office = entry.youth_office_id
    current = _report_row(conn, office, key, lock=True)
    old_items = _items(conn, office, key)
    if current is not None and expected_version != current["version"]:
        raise _conflict(_shape(current, old_items), expected_version)
    new_items = dict(sorted(entry.values().items()))
    conn.execute(
        delete(QualityProgress).where(
            QualityProgress.youth_office_id == office, QualityProgress.quarter == key
        )
    )
    conn.execute(
        insert(QualityProgress),
        [
            {"youth_office_id": office, "quarter": key, "item_id": i, **v}
            for i, v in new_items.items()
        ],
    )
    loaded = current["version"] if current else None

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        return _shape(
            row, old_items if loaded is not None and row["version"] == loaded else new_items
        )

    _, _, saved = versioning.write(
        conn,
        QualityReport,
        [QualityReport.youth_office_id == office, QualityReport.quarter == key],
        expected_version if current is not None else None,
        {"youth_office_id": office, "quarter": key, "import_batch_id": None},
        user,
        ENTITY,
        lambda rec: f"{rec['youth_office_id']}/{rec['quarter']}",
        shape=shape,
        what=WHAT,
        none_yet=NONE_YET,
    )
    return saved


def save_report(
    engine: Engine,
    user: User | None,
    entry: ReportEntry,
    expected_version: int | None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Validate and save a youth office's report in one transaction; returns it (with
    ``version`` and ``items``).

    ``user`` must be an editor of that youth office or an admin
    (:class:`~core.errors.PermissionDeniedError`, nothing written). Raises
    :class:`DataError` (all problems at once), :class:`ConflictError` (someone saved
    meanwhile; ``.current`` is their report with its items) or :class:`NotFoundError`.
    One audit entry carries the whole report, old and new.
    """
    try:
        with engine.begin() as conn:
            names = {
                str(r.id): str(r.name)
                for r in conn.execute(select(YouthOffice.id, YouthOffice.name))
            }
            allowed = require_edit_network(user, entry.youth_office_id, names)
            office_name(conn, entry.youth_office_id)
            return _save(conn, entry, allowed.name, expected_version, today)
    except (IntegrityError, ConflictError):
        # a save that raced ours: report what is in the database now
        with engine.connect() as conn:
            current = report_record(conn, entry.youth_office_id, parse_quarter(entry.quarter).key)
        if current is None:
            raise
        raise _conflict(current, expected_version) from None


def differences(mine: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]) -> list[str]:
    """The items in which two versions of a report differ (catalogue order)."""
    ids = sorted(set(mine) | set(theirs))
    return [i for i in ids if mine.get(i) != theirs.get(i)]

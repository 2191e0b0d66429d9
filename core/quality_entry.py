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
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from core import versioning
from core.errors import ConflictError, DataError, NotFoundError, Problem
from core.models import (
    QualityItem,
    QualityProgress,
    QualityReport,
    SteeringRecord,
    YouthOffice,
)
from core.permissions import require_edit_network
from core.present.numbers import format_date
from core.quarters import parse_quarter, quarter_of
from core.users import User

ENTITY = "quality_report"
FORM = "Eingabe"
STATE_IDS = ("open", "in_progress", "done")
#: The block whose items may point to a steering record as evidence.
STEERING_BLOCK = 4
MAX_TITLE = 300
MAX_REF = 500
MAX_NOTE = 2000
#: The values of one item that a user enters (and that a conflict compares).
ITEM_FIELDS = (
    "state",
    "state_date",
    "evidence_title",
    "evidence_date",
    "evidence_ref",
    "steering_record_id",
    "note",
)
#: German field names as the form labels them.
FIELD_LABELS = {
    "state": "Stand",
    "state_date": "Datum",
    "evidence_title": "Nachweis",
    "evidence_date": "Nachweis-Datum",
    "evidence_ref": "Nachweis-Link",
    "steering_record_id": "Steuerungsnachweis",
    "note": "Notiz",
}
WHAT = "Dieser Bericht zu den Qualitätsbausteinen"
NONE_YET = "für dieses Quartal noch keinen Bericht"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f<>\"`]")


@dataclass(frozen=True)
class ItemEntry:
    """What a user entered for one quality item (unvalidated)."""

    item_id: str
    state: str | None
    state_date: dt.date | None = None
    evidence_title: str = ""
    evidence_date: dt.date | None = None
    evidence_ref: str = ""
    steering_record_id: int | None = None
    note: str = ""

    def values(self) -> dict[str, Any]:
        """The entered values by field name, texts stripped."""
        return {
            "state": self.state,
            "state_date": self.state_date,
            "evidence_title": (self.evidence_title or "").strip(),
            "evidence_date": self.evidence_date,
            "evidence_ref": (self.evidence_ref or "").strip(),
            "steering_record_id": (
                int(self.steering_record_id) if self.steering_record_id is not None else None
            ),
            "note": (self.note or "").strip(),
        }


@dataclass(frozen=True)
class ReportEntry:
    """A youth office's report for a quarter as entered: one :class:`ItemEntry` per item."""

    youth_office_id: str
    quarter: str
    items: tuple[ItemEntry, ...]

    def values(self) -> dict[str, dict[str, Any]]:
        """Item id → entered values."""
        return {i.item_id: i.values() for i in self.items}


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


def evidence_ref_problem(ref: str) -> str | None:
    """Why a link or file reference is refused, or None: only http(s) links with a host
    and plain file references (``Ablage 51/2024/013``, ``K:\\JA\\Konzept.pdf``,
    ``\\\\server\\ablage\\beschluss.pdf``); no other scheme (``javascript:``, ``data:``…),
    no control characters or ``< > " \\```."""
    text = (ref or "").strip()
    if not text:
        return None
    if len(text) > MAX_REF:
        return f"Der Verweis ist {len(text)} Zeichen lang, erlaubt sind {MAX_REF}"
    if _CONTROL.search(text):
        return 'Der Verweis enthält Steuerzeichen oder die Zeichen < > " `'
    scheme = _SCHEME.match(text)
    if scheme and not _DRIVE.match(text):
        if scheme.group(1).lower() not in ("http", "https"):
            return f"Ein Verweis mit „{scheme.group(1)}:“ ist nicht erlaubt"
        parts = urlsplit(text)
        if not parts.netloc or " " in text:
            return "Der Link ist unvollständig"
    return None


def is_link(ref: str) -> bool:
    """True for an http(s) link that :func:`evidence_ref_problem` accepts."""
    text = (ref or "").strip()
    return text.lower().startswith(("http://", "https://")) and evidence_ref_problem(text) is None


def _problem(item: str | None, name: str, value: Any, problem: str, fix: str) -> Problem:
    column = f"Punkt {item} · {FIELD_LABELS[name]}" if item else FIELD_LABELS.get(name, name)
    shown = None if value is None else str(value)
    return Problem(FORM, None, column, shown, problem, fix)


def item_problems(
    item: str,
    values: dict[str, Any],
    quarter_end: dt.date | None,
    today: dt.date,
    steering_ids: set[int],
) -> list[Problem]:
    """The problems of one item's values (``ItemEntry.values()``); the column of each
    problem is ``"Punkt 1.1 · Datum"``, whose part after ``·`` is the field's label."""
    return _item_problems(item, values, quarter_end, today, steering_ids)


def _date_problems(
    item: str, name: str, value: Any, end: dt.date | None, today: dt.date
) -> list[Problem]:
    if value is None:
        return []
    if not isinstance(value, dt.date):
        return [_problem(item, name, value, "Das Datum ist nicht lesbar", "Bitte TT.MM.JJJJ.")]
    if value > today:
        return [
            _problem(
                item,
                name,
                format_date(value),
                "Das Datum liegt in der Zukunft",
                f"Bitte ein Datum bis heute ({format_date(today)}) eintragen.",
            )
        ]
    if end is not None and value > end:
        return [
            _problem(
                item,
                name,
                format_date(value),
                f"Das Datum liegt nach dem Ende des Quartals ({format_date(end)})",
                "Bitte ein Datum bis zum Quartalsende eintragen oder das spätere Quartal wählen.",
            )
        ]
    return []


def _item_problems(
    item: str,
    v: dict[str, Any],
    end: dt.date | None,
    today: dt.date,
    steering_ids: set[int],
) -> list[Problem]:
    problems: list[Problem] = []
    if v["state"] not in STATE_IDS:
        problems.append(
            _problem(
                item,
                "state",
                v["state"],
                "Der Stand fehlt oder ist ungültig",
                "Bitte offen, begonnen oder erreicht wählen.",
            )
        )
    if v["state"] == "done":
        if v["state_date"] is None:
            problems.append(
                _problem(
                    item,
                    "state_date",
                    None,
                    "Für „erreicht“ fehlt das Datum",
                    "Bitte eintragen, seit wann der Punkt erreicht ist.",
                )
            )
        if not v["evidence_title"] and v["steering_record_id"] is None:
            problems.append(
                _problem(
                    item,
                    "evidence_title",
                    None,
                    "Für „erreicht“ fehlt ein Nachweis",
                    "Bitte den Titel des Dokuments eintragen (z. B. „Handlungskonzept, "
                    "Beschluss JHA“) oder einen Steuerungsnachweis wählen.",
                )
            )
    for name in ("state_date", "evidence_date"):
        problems += _date_problems(item, name, v[name], end, today)
    for name, upper in (("evidence_title", MAX_TITLE), ("note", MAX_NOTE)):
        if len(v[name]) > upper:
            problems.append(
                _problem(
                    item,
                    name,
                    None,
                    f"Der Text ist {len(v[name])} Zeichen lang, erlaubt sind {upper}",
                    "Bitte kürzen.",
                )
            )
    why = evidence_ref_problem(v["evidence_ref"])
    if why:
        problems.append(
            _problem(
                item,
                "evidence_ref",
                v["evidence_ref"][:80],
                why,
                "Bitte einen Link mit https:// oder einen Ablageverweis eintragen "
                "(z. B. „Ablage JA 51/2024/013“).",
            )
        )
    record = v["steering_record_id"]
    if record is not None:
        if int(item.split(".")[0]) != STEERING_BLOCK:
            problems.append(
                _problem(
                    item,
                    "steering_record_id",
                    record,
                    "Steuerungsnachweise gehören nur zu Baustein 4",
                    "Bitte hier einen Dokumenttitel als Nachweis eintragen.",
                )
            )
        elif int(record) not in steering_ids:
            problems.append(
                _problem(
                    item,
                    "steering_record_id",
                    record,
                    "Diesen Steuerungsnachweis gibt es für dieses Jugendamt nicht",
                    "Bitte einen Eintrag aus der Liste wählen.",
                )
            )
    return problems


def validate(
    entry: ReportEntry,
    item_catalogue: Iterable[str],
    steering_ids: Iterable[int] = (),
    today: dt.date | None = None,
) -> list[Problem]:
    """Every problem of a report at once (empty list: valid), each with a German fix."""
    problems: list[Problem] = []
    day = today or dt.date.today()
    end: dt.date | None = None
    try:
        quarter = parse_quarter(entry.quarter)
    except NotFoundError:
        problems.append(
            _problem(
                None, "Quartal", entry.quarter, "Unbekanntes Quartal", "Bitte ein Quartal wählen."
            )
        )
    else:
        now = quarter_of(day)
        end = quarter.end
        if quarter > now:
            problems.append(
                _problem(
                    None,
                    "Quartal",
                    quarter.label,
                    "Für ein künftiges Quartal kann noch nichts gemeldet werden",
                    f"Bitte höchstens das {now.label} wählen.",
                )
            )
    known = list(item_catalogue)
    given = [i.item_id for i in entry.items]
    unknown = [i for i in given if i not in known]
    doubled = sorted({i for i in given if given.count(i) > 1})
    missing = [i for i in known if i not in given]
    for ids, problem, fix in (
        (unknown, "Diesen Punkt gibt es nicht", f"Bitte nur die Punkte {', '.join(known)}."),
        (doubled, "Dieser Punkt steht doppelt im Bericht", "Bitte jeden Punkt einmal angeben."),
        (missing, "Diese Punkte fehlen im Bericht", "Bitte für jeden Punkt den Stand angeben."),
    ):
        if ids:
            problems.append(_problem(None, "Punkt", ", ".join(ids), problem, fix))
    records = {int(r) for r in steering_ids}
    for item in entry.items:
        if item.item_id in known:
            problems += _item_problems(item.item_id, item.values(), end, day, records)
    return problems


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

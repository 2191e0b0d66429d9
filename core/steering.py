"""Steering records of each Jugendamt (Qualitätsbaustein 4 „Koordination und Steuerung“):
Leitbild/Handlungskonzept, Steuerungsgruppe, Koordinationsstelle and committee decisions.

Read for the page, the exports, the evidence of block 4 and the Sitzungsvorlage
(:func:`steering_records`); written by editors of the youth office and admins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, select, text

from core import versioning
from core.errors import DataError, NotFoundError, Problem
from core.models import PARTNER_SECTORS, STEERING_KINDS, Area, SteeringRecord, YouthOffice
from core.permissions import may_edit_network, require_edit_network
from core.present.numbers import format_date
from core.present.vocabulary import SECTOR_LABELS
from core.quarters import Quarter, quarter_of
from core.users import User

#: The German name of each kind of steering record, in the order pages show them.
KIND_LABELS = {
    "leitbild": "Leitbild/Handlungskonzept",
    "steuerungsgruppe": "Steuerungsgruppe",
    "koordinationsstelle": "Koordinationsstelle",
    "beschluss": "Beschluss",
}
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

FORM = "Eingabe"
MAX_TITLE = 300
MAX_COMMITTEE = 300
MAX_DRUCKSACHE = 100
MAX_FUNDING = 300
MAX_DEPARTMENT = 200
MAX_NOTE = 2000
MAX_MEMBERS = 60
MAX_MEETINGS = 200
MAX_FTE = 20.0
#: No steering record is older than the Kinder- und Jugendhilfegesetz.
EARLIEST = dt.date(1990, 1, 1)
#: How far ahead a funding end or a planned end may lie.
YEARS_AHEAD = 15

#: German field names, as the form labels them.
FIELD_LABELS = {
    "youth_office_id": "Jugendamt",
    "kind": "Art",
    "title": "Titel",
    "dated": "Datum",
    "committee": "Gremium",
    "drucksache": "Drucksache",
    "members": "Mitglieder",
    "meetings": "Sitzungen",
    "fte": "Stellenumfang (VZÄ)",
    "funding_source": "Förderung",
    "funded_until": "Gefördert bis",
    "ended_on": "Beendet am",
    "note": "Notiz",
}
#: What ``dated`` means for each kind (the form's label of the date field).
DATE_LABELS = {
    "leitbild": "Beschlossen am",
    "steuerungsgruppe": "Eingerichtet am",
    "koordinationsstelle": "Besetzt seit",
    "beschluss": "Beschlossen am",
}
#: The fields each kind keeps (others are stored empty), in form order.
KIND_FIELDS = {
    "leitbild": ("title", "dated", "committee", "drucksache", "note"),
    "steuerungsgruppe": ("title", "dated", "members", "meetings", "note"),
    "koordinationsstelle": ("title", "dated", "fte", "funding_source", "funded_until", "note"),
    "beschluss": ("title", "dated", "committee", "drucksache", "note"),
}
#: The fields a user must fill per kind.
REQUIRED = {
    "leitbild": ("title", "dated"),
    "steuerungsgruppe": ("title", "members"),
    "koordinationsstelle": ("title", "fte"),
    "beschluss": ("title", "dated", "committee"),
}
#: The fields of a record a user enters (and that are compared in a conflict).
VALUE_FIELDS = (
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
)
EMPTY_VALUES: dict[str, Any] = {
    "title": "",
    "dated": None,
    "committee": "",
    "drucksache": "",
    "members": [],
    "meetings": [],
    "fte": None,
    "funding_source": "",
    "funded_until": None,
    "ended_on": None,
    "note": "",
}


@dataclass(frozen=True)
class SteeringEntry:
    """What a user typed for one steering record (unvalidated). ``members`` are
    mappings with ``department`` and ``sector`` (key or German label); ``meetings``
    dates or ISO date texts."""

    youth_office_id: str
    kind: str
    title: str = ""
    dated: Any = None
    committee: str = ""
    drucksache: str = ""
    members: tuple[Mapping[str, Any], ...] = ()
    meetings: tuple[Any, ...] = ()
    fte: Any = None
    funding_source: str = ""
    funded_until: Any = None
    ended_on: Any = None
    note: str = ""


def _problem(field: str, value: Any, problem: str, fix: str, row: int | None = None) -> Problem:
    shown = "" if value is None else str(value)
    return Problem(FORM, row, FIELD_LABELS.get(field, field), shown[:80], problem, fix)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_date(value: Any) -> dt.date | None:
    """A date from a date, a timestamp or an ISO/German text; None when blank;
    ValueError when it is no date."""
    if _blank(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _sector_key(value: Any) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    if text in PARTNER_SECTORS:
        return text
    by_label = {label.lower(): key for key, label in SECTOR_LABELS.items()}
    return by_label.get(text.lower())


def _date_field(
    field: str, raw: Any, label: str, earliest: dt.date, latest: dt.date, problems: list[Problem]
) -> dt.date | None:
    try:
        day = _as_date(raw)
    except ValueError:
        problems.append(
            _problem(
                field, raw, f"„{label}“ ist kein Datum", "Bitte ein Datum wie 31.12.2026 angeben."
            )
        )
        return None
    if day is not None and not earliest <= day <= latest:
        problems.append(
            _problem(
                field,
                format_date(day),
                f"„{label}“ liegt nicht zwischen {format_date(earliest)} und {format_date(latest)}",
                "Bitte das Datum prüfen (Tippfehler im Jahr?).",
            )
        )
        return None
    return day


def _text_field(field: str, raw: Any, label: str, limit: int, problems: list[Problem]) -> str:
    text = "" if _blank(raw) else str(raw).strip()
    if len(text) > limit:
        problems.append(
            _problem(
                field,
                text[:40] + "…",
                f"„{label}“ ist mit {len(text)} Zeichen zu lang",
                f"Bitte auf höchstens {limit} Zeichen kürzen.",
            )
        )
    return text


def _members(raw: Any, problems: list[Problem]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    rows = list(raw or [])
    if len(rows) > MAX_MEMBERS:
        problems.append(
            _problem(
                "members",
                len(rows),
                f"Die Steuerungsgruppe hat mehr als {MAX_MEMBERS} Mitglieder",
                "Bitte Mitglieder nach Ämtern bzw. Einrichtungen zusammenfassen.",
            )
        )
    for number, member in enumerate(rows, start=1):
        member = dict(member or {})
        department = "" if _blank(member.get("department")) else str(member["department"]).strip()
        sector_raw = member.get("sector")
        if not department and _blank(sector_raw):
            continue  # an empty row of the table
        sector = _sector_key(sector_raw)
        if not department:
            problems.append(
                _problem(
                    "members",
                    "",
                    f"Mitglied {number}: das Amt bzw. die Einrichtung fehlt",
                    "Bitte eintragen, z. B. „Gesundheitsamt“, oder die Zeile löschen.",
                    number,
                )
            )
        elif len(department) > MAX_DEPARTMENT:
            problems.append(
                _problem(
                    "members",
                    department[:40] + "…",
                    f"Mitglied {number}: der Name ist zu lang",
                    f"Bitte auf höchstens {MAX_DEPARTMENT} Zeichen kürzen.",
                    number,
                )
            )
        if sector is None:
            problems.append(
                _problem(
                    "members",
                    sector_raw,
                    f"Mitglied {number}: der Bereich fehlt oder ist unbekannt",
                    "Bitte einen Bereich wählen: " + ", ".join(SECTOR_LABELS.values()) + ".",
                    number,
                )
            )
        out.append({"department": department, "sector": sector or ""})
    return out


def _meetings(raw: Any, today: dt.date, problems: list[Problem]) -> list[str]:
    days: set[dt.date] = set()
    rows = list(raw or [])
    if len(rows) > MAX_MEETINGS:
        problems.append(
            _problem(
                "meetings",
                len(rows),
                f"Mehr als {MAX_MEETINGS} Sitzungen",
                "Bitte nur die Sitzungen der Steuerungsgruppe selbst eintragen.",
            )
        )
    for number, value in enumerate(rows, start=1):
        if isinstance(value, Mapping):
            value = value.get("date")
        try:
            day = _as_date(value)
        except ValueError:
            problems.append(
                _problem(
                    "meetings",
                    value,
                    f"Sitzung {number} ist kein Datum",
                    "Bitte ein Datum wie 15.03.2026 angeben.",
                    number,
                )
            )
            continue
        if day is None:
            continue
        if day > today:
            problems.append(
                _problem(
                    "meetings",
                    format_date(day),
                    f"Sitzung {number} liegt in der Zukunft",
                    "Bitte nur Sitzungen eintragen, die stattgefunden haben.",
                    number,
                )
            )
        elif day < EARLIEST:
            problems.append(
                _problem(
                    "meetings",
                    format_date(day),
                    f"Sitzung {number} liegt vor {format_date(EARLIEST)}",
                    "Bitte das Jahr prüfen.",
                    number,
                )
            )
        else:
            days.add(day)
    return [d.isoformat() for d in sorted(days)]


def _fte(raw: Any, problems: list[Problem]) -> float | None:
    if _blank(raw):
        return None
    try:
        value = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0 < value <= MAX_FTE:  # NaN fails too
        problems.append(
            _problem(
                "fte",
                raw,
                f"Der Stellenumfang muss größer als 0 und höchstens {MAX_FTE:g} VZÄ sein",
                "Bitte in Vollzeitäquivalenten angeben, z. B. 0,5 oder 1,0.",
            )
        )
        return None
    return round(value, 2)


def validate(
    entry: SteeringEntry, today: dt.date | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Check every field of ``entry`` at once: the cleaned values (fields the kind does
    not keep are empty) and every problem found (German, naming field and fix)."""
    today = today or dt.date.today()
    latest = dt.date(today.year + YEARS_AHEAD, 12, 31)
    problems: list[Problem] = []
    kind = entry.kind
    if kind not in STEERING_KINDS:
        problems.append(
            _problem(
                "kind",
                kind,
                "Diese Art von Eintrag gibt es nicht",
                "Bitte wählen: " + ", ".join(KIND_LABELS.values()) + ".",
            )
        )
        return dict(EMPTY_VALUES), problems
    values: dict[str, Any] = dict(EMPTY_VALUES)
    date_label = DATE_LABELS[kind]
    values["title"] = _text_field("title", entry.title, FIELD_LABELS["title"], MAX_TITLE, problems)
    values["dated"] = _date_field("dated", entry.dated, date_label, EARLIEST, today, problems)
    values["committee"] = _text_field(
        "committee", entry.committee, FIELD_LABELS["committee"], MAX_COMMITTEE, problems
    )
    values["drucksache"] = _text_field(
        "drucksache", entry.drucksache, FIELD_LABELS["drucksache"], MAX_DRUCKSACHE, problems
    )
    values["members"] = _members(entry.members, problems)
    values["meetings"] = _meetings(entry.meetings, today, problems)
    values["fte"] = _fte(entry.fte, problems)
    values["funding_source"] = _text_field(
        "funding_source",
        entry.funding_source,
        FIELD_LABELS["funding_source"],
        MAX_FUNDING,
        problems,
    )
    values["funded_until"] = _date_field(
        "funded_until", entry.funded_until, FIELD_LABELS["funded_until"], EARLIEST, latest, problems
    )
    values["ended_on"] = _date_field(
        "ended_on", entry.ended_on, FIELD_LABELS["ended_on"], EARLIEST, latest, problems
    )
    values["note"] = _text_field("note", entry.note, FIELD_LABELS["note"], MAX_NOTE, problems)
    kept = KIND_FIELDS[kind]
    for name in VALUE_FIELDS:
        if name not in kept and name != "ended_on":
            values[name] = EMPTY_VALUES[name]
    for name in REQUIRED[kind]:
        raw = getattr(entry, name)
        if name == "members":
            if not values["members"] and not any(
                p.column == FIELD_LABELS["members"] for p in problems
            ):
                problems.append(
                    _problem(
                        "members",
                        "",
                        "Die Steuerungsgruppe hat noch kein Mitglied",
                        "Bitte mindestens ein Amt bzw. eine Einrichtung mit Bereich eintragen.",
                    )
                )
        elif _blank(raw):
            label = date_label if name == "dated" else FIELD_LABELS[name]
            problems.append(
                _problem(
                    name,
                    "",
                    f"„{label}“ fehlt",
                    f"Bitte „{label}“ angeben; es ist für „{KIND_LABELS[kind]}“ Pflicht.",
                )
            )
    dated, until, ended = values["dated"], values["funded_until"], values["ended_on"]
    if dated and until and until < dated:
        problems.append(
            _problem(
                "funded_until",
                format_date(until),
                f"„Gefördert bis“ liegt vor „{date_label}“ ({format_date(dated)})",
                "Bitte beide Daten prüfen.",
            )
        )
    if dated and ended and ended < dated:
        problems.append(
            _problem(
                "ended_on",
                format_date(ended),
                f"„Beendet am“ liegt vor „{date_label}“ ({format_date(dated)})",
                "Bitte beide Daten prüfen.",
            )
        )
    return values, problems


# --- Saving ----------------------------------------------------------------------------

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
    if _blank(value) if not isinstance(value, list | tuple) else False:
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

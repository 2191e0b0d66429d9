"""Validation of a steering record as a user entered it (Qualitätsbaustein 4):
:class:`SteeringEntry` and :func:`validate`, which checks every field of a record's kind
at once and returns all problems, each with the German field label and the fix;
:mod:`core.steering` raises them together before it saves anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.errors import Problem
from core.models import PARTNER_SECTORS, STEERING_KINDS
from core.present.numbers import format_date
from core.present.vocabulary import SECTOR_LABELS

#: The German name of each kind of steering record, in the order pages show them.
KIND_LABELS = {
    "leitbild": "Leitbild/Handlungskonzept",
    "steuerungsgruppe": "Steuerungsgruppe",
    "koordinationsstelle": "Koordinationsstelle",
    "beschluss": "Beschluss",
}

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


def blank(value: Any) -> bool:
    """Whether a form value is empty: None, blank text or a missing pandas value."""
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
    if blank(value):
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
    if blank(value):
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
    text = "" if blank(raw) else str(raw).strip()
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
        department = "" if blank(member.get("department")) else str(member["department"]).strip()
        sector_raw = member.get("sector")
        if not department and blank(sector_raw):
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
    if blank(raw):
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
        elif blank(raw):
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

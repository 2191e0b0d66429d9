"""Validation of a Jugendamt's Qualitätsbausteine report as a user entered it.

:func:`validate` checks all 13 items at once and returns every problem, each a
:class:`~core.errors.Problem` naming the item and field (``"Punkt 1.1 · Datum"``), what
is wrong and how to fix it; the form (:mod:`core.quality_entry`) and the import
(:mod:`core.imports.quality`) use the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core.errors import NotFoundError, Problem
from core.present.numbers import format_date
from core.quarters import parse_quarter, quarter_of

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

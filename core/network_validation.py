"""Validation of a network's quarterly status as a user entered it.

:func:`validate` checks every field at once and returns all problems, each a
:class:`~core.errors.Problem` with the German field label, what is wrong and how to
fix it; :mod:`core.network_entry` raises them together as a DataError before saving.

**Stage criteria.** Each met criterion of the catalogue (``network_criterion``) means at
least its ``min_stage``; :func:`suggested_stage` is the highest of them (at least 1).
When the chosen stage differs (:func:`stage_disagreement`), the form says so in German,
but saving is allowed without a note: the stage stays the coordination's own
assessment and the criteria are a short guide, not a complete test; the status table
shows the met criteria beside the stage, so readers see the difference too. Only a jump
of more than one stage against the last report needs a note (as before).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import NotFoundError, Problem
from core.quarters import parse_quarter, quarter_of

TRAFFIC_LIGHT_IDS = ("gruen", "gelb", "rot")
MAX_PARTNERS = 500
MAX_MEETINGS = 90
MAX_TEXT = 2000
MAX_NAME = 200
FORM = "Eingabe"

#: German field names, as the form labels them.
FIELD_LABELS = {
    "network_id": "Netzwerk",
    "quarter": "Quartal",
    "stage": "Entwicklungsstufe",
    "partners": "Partner",
    "meetings": "Treffen im Quartal",
    "traffic_light": "Ampel",
    "criteria": "Erfüllte Kriterien",
    "partner_changes": "Partnerverzeichnis",
    # only in audit entries written before the quality blocks moved to the Jugendamt
    "quality_blocks": "Erreichte Qualitätsbausteine",
    "goals": "Ziele",
    "note": "Notiz",
    "user": "Ihr Name",
}
#: The fields a user enters (and that are compared in a conflict).
VALUE_FIELDS = ("stage", "criteria", "partners", "meetings", "traffic_light", "goals", "note")


@dataclass(frozen=True)
class StatusEntry:
    """What a user typed for one network and quarter (unvalidated)."""

    network_id: int
    quarter: str
    stage: int | None
    partners: int | None
    meetings: int | None
    traffic_light: str | None
    criteria: tuple[str, ...] = ()
    goals: str = ""
    note: str = ""

    def values(self) -> dict[str, Any]:
        """The entered values by field name (criteria as a sorted list of ids)."""
        return {
            "stage": self.stage,
            "criteria": sorted(set(self.criteria)),
            "partners": self.partners,
            "meetings": self.meetings,
            "traffic_light": self.traffic_light,
            "goals": (self.goals or "").strip(),
            "note": (self.note or "").strip(),
        }


def suggested_stage(met: Iterable[str], min_stages: Mapping[str, int]) -> int:
    """The stage the met criteria support: the highest ``min_stage`` among them, at
    least 1 (unknown ids count for nothing)."""
    return max([1, *(int(min_stages[c]) for c in met if c in min_stages)])


def stage_disagreement(
    stage: int | None,
    met: Iterable[str],
    min_stages: Mapping[str, int],
    stage_labels: Mapping[int, str],
) -> str | None:
    """A German note when the chosen stage and the met criteria disagree, else None."""
    if stage is None or stage not in stage_labels:
        return None
    met = list(met)
    suggested = suggested_stage(met, min_stages)
    if stage == suggested:
        return None
    chosen, supported = stage_labels[stage], stage_labels.get(suggested, suggested)
    if stage > suggested:
        return (
            f"Gewählt ist „{chosen}“, die angekreuzten Kriterien stützen aber nur "
            f"„{supported}“. Bitte prüfen: Fehlt ein Kriterium, oder passt die Stufe nicht?"
        )
    return (
        f"Gewählt ist „{chosen}“, ein angekreuztes Kriterium gilt aber erst ab "
        f"„{supported}“. Bitte prüfen: Ist die Stufe zu niedrig, oder trifft das "
        "Kriterium nicht zu?"
    )


def _problem(name: str, value: Any, problem: str, fix: str) -> Problem:
    shown = None if value is None else str(value)
    return Problem(FORM, None, FIELD_LABELS[name], shown, problem, fix)


def _count_problem(name: str, value: Any, noun: str, upper: int) -> Problem | None:
    if value is None:
        return _problem(name, value, f"Die Zahl der {noun} fehlt", "Bitte eine Zahl eintragen.")
    if isinstance(value, bool) or not isinstance(value, int):
        return _problem(
            name, value, f"Die Zahl der {noun} ist keine ganze Zahl", "Bitte eine ganze Zahl."
        )
    if value < 0:
        return _problem(
            name, value, f"Die Zahl der {noun} darf nicht negativ sein", "Bitte 0 oder mehr."
        )
    if value > upper:
        return _problem(
            name,
            value,
            f"Mehr als {upper} {noun} sind unplausibel",
            f"Bitte die Zahl prüfen (höchstens {upper}).",
        )
    return None


def validate(
    entry: StatusEntry,
    user: str,
    previous_stage: int | None = None,
    previous_quarter: str | None = None,
    criterion_ids: Iterable[str] | None = None,
    stage_labels: dict[int, str] | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """Every problem of an entry at once (empty list: valid), each with a German fix."""
    problems: list[Problem] = []
    labels = stage_labels or {1: "Stufe 1", 2: "Stufe 2", 3: "Stufe 3"}
    try:
        quarter = parse_quarter(entry.quarter)
    except NotFoundError:
        problems.append(
            _problem("quarter", entry.quarter, "Unbekanntes Quartal", "Bitte ein Quartal wählen.")
        )
    else:
        now = quarter_of(today or dt.date.today())
        if quarter > now:
            problems.append(
                _problem(
                    "quarter",
                    quarter.label,
                    "Für ein künftiges Quartal kann noch nichts gemeldet werden",
                    f"Bitte höchstens das {now.label} wählen.",
                )
            )
    if entry.stage not in labels:
        problems.append(
            _problem(
                "stage",
                entry.stage,
                "Die Stufe muss 1, 2 oder 3 sein",
                "Bitte Informations-, Kooperations- oder Produktionsnetzwerk wählen.",
            )
        )
    for name, noun, upper in (
        ("partners", "Partner", MAX_PARTNERS),
        ("meetings", "Treffen", MAX_MEETINGS),
    ):
        p = _count_problem(name, getattr(entry, name), noun, upper)
        if p:
            problems.append(p)
    if entry.traffic_light not in TRAFFIC_LIGHT_IDS:
        problems.append(
            _problem(
                "traffic_light",
                entry.traffic_light,
                "Die Ampel fehlt oder ist ungültig",
                "Bitte grün, gelb oder rot wählen.",
            )
        )
    if criterion_ids is not None:
        known = list(criterion_ids)
        unknown = [c for c in entry.criteria if c not in known]
        if unknown:
            problems.append(
                _problem(
                    "criteria",
                    ", ".join(map(str, unknown)),
                    "Dieses Kriterium gibt es nicht",
                    "Bitte nur Kriterien aus der Liste ankreuzen.",
                )
            )
    for name in ("goals", "note"):
        text = (getattr(entry, name) or "").strip()
        if len(text) > MAX_TEXT:
            problems.append(
                _problem(
                    name,
                    None,
                    f"Der Text ist {len(text)} Zeichen lang, erlaubt sind {MAX_TEXT}",
                    "Bitte kürzen.",
                )
            )
    note = (entry.note or "").strip()
    if (
        previous_stage is not None
        and entry.stage in labels
        and abs(entry.stage - previous_stage) > 1
        and not note
    ):
        since = f" ({parse_quarter(previous_quarter).short_label})" if previous_quarter else ""
        problems.append(
            _problem(
                "note",
                None,
                f"Die Stufe springt von „{labels.get(previous_stage, previous_stage)}“{since} "
                f"auf „{labels[entry.stage]}“, also über eine Stufe hinweg",
                "Bitte in der Notiz kurz begründen, was sich geändert hat.",
            )
        )
    name = (user or "").strip()
    if not name:
        problems.append(
            _problem(
                "user",
                None,
                "Ihr Name fehlt",
                "Bitte Ihren Namen eintragen; er wird mit der Meldung gespeichert.",
            )
        )
    elif len(name) > MAX_NAME:
        problems.append(
            _problem("user", None, f"Der Name ist länger als {MAX_NAME} Zeichen", "Bitte kürzen.")
        )
    return problems

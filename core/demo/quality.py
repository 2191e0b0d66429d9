"""Demo Qualitätsbausteine: each youth office's report of the 13 items per quarter,
moving forward over the quarters, with a date, evidence (document title, date, a file
reference or link; block 4 pointing to the steering records where there are some) and
now and then a note. Everything here is invented and saved as "Demodaten"."""

from __future__ import annotations

import datetime as dt
import zlib
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select

from core.catalogue import quality_items
from core.demo.figures import FIRST_QUARTER, LAST_QUARTER
from core.demo.geography import MUNICIPALITIES
from core.models import QualityProgress, QualityReport, SteeringRecord
from core.quarters import Quarter, quarter_range

DEMO_USER = "Demodaten"
#: the document that shows an item reached (the date is added)
EVIDENCE = {
    "1.1": "Angebotsübersicht Präventionskette, Jugendhilfeplanung",
    "1.2": "Angebotsmatrix nach Lebensphasen und Angebotsarten, Vorlage JHA",
    "1.3": "Bericht Lücken und Doppelstrukturen, Vorlage JHA",
    "2.1": "Zielpapier Präventionskette, Beschluss Steuerungsgruppe",
    "2.2": "Sozialraumanalyse Kinderarmut, Jugendhilfeplanung",
    "2.3": "Dokumentation Beteiligungswerkstatt mit Eltern und Trägern",
    "3.1": "Netzwerkübersicht von den Frühen Hilfen bis zum Übergang Schule–Beruf",
    "3.2": "Gesamtkonzept Netzwerkmanagement",
    "3.3": "Kooperationsvereinbarung der Netzwerkpartner",
    "4.1": "Handlungskonzept Präventionskette, Beschluss JHA",
    "4.2": "Geschäftsordnung der ämterübergreifenden Steuerungsgruppe",
    "4.3": "Stellenbeschreibung Koordinationsstelle Präventionskette",
    "4.4": "Beschluss des Rates zur Präventionskette",
}
#: block-4 items and the kind of steering record that proves them
STEERING_KIND = {
    "4.1": "leitbild",
    "4.2": "steuerungsgruppe",
    "4.3": "koordinationsstelle",
    "4.4": "beschluss",
}
NOTES_BEGUN = (
    "Entwurf liegt der Steuerungsgruppe vor.",
    "Abstimmung mit den freien Trägern läuft.",
    "Arbeitsgruppe hat sich gebildet, erste Sitzung im Quartal.",
)
NOTE_DONE = "Im Quartal abgeschlossen."


def _pick(*parts: object) -> int:
    """A stable number from ``parts`` (the same demo every time, without using the rng)."""
    return zlib.crc32("|".join(map(str, parts)).encode())


def _day(quarter: Quarter, *parts: object) -> dt.date:
    return quarter.start + dt.timedelta(days=5 + _pick(*parts) % 80)


def quality_demo(conn: Connection, rng: np.random.Generator) -> None:
    """Write the demo reports and their items (after the steering records)."""
    steering: dict[tuple[str, str], tuple[int, dt.date | None]] = {}
    stmt = select(
        SteeringRecord.id, SteeringRecord.youth_office_id, SteeringRecord.kind, SteeringRecord.dated
    ).order_by(SteeringRecord.id)
    for r in conn.execute(stmt):
        steering.setdefault((str(r.youth_office_id), str(r.kind)), (int(r.id), r.dated))
    rows = quality_rows(rng, quality_items(conn)["id"].tolist(), steering)
    reports = sorted({(r["youth_office_id"], r["quarter"]) for r in rows})
    conn.execute(
        insert(QualityReport),
        [
            {"youth_office_id": o, "quarter": q, "version": 1, "updated_by": DEMO_USER}
            for o, q in reports
        ],
    )
    conn.execute(insert(QualityProgress), rows)


def quality_rows(
    rng: np.random.Generator,
    item_ids: list[str],
    steering: dict[tuple[str, str], tuple[int, dt.date | None]] | None = None,
) -> list[dict]:
    """Each youth office's state of every quality item per quarter, moving forward.

    The rng is drawn exactly as before (two numbers per office and item), so the demo
    data built after this keep their values; dates, titles and notes are derived."""
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)
    offices = sorted({m.youth_office for m in MUNICIPALITIES})
    rows = []
    for office in offices:
        for item in item_ids:
            block = int(item.split(".")[0])
            start = int(rng.integers(0, 3 + 4 * block))
            done = start + int(rng.integers(3, 14))
            begun_on = _day(quarters[min(start, len(quarters) - 1)], office, item, "begun")
            done_on = _day(quarters[min(done, len(quarters) - 1)], office, item, "done")
            for i, q in enumerate(quarters):
                row: dict[str, Any] = {
                    "youth_office_id": office,
                    "quarter": q.key,
                    "item_id": item,
                    "state": "open",
                    "state_date": None,
                    "evidence_title": "",
                    "evidence_date": None,
                    "evidence_ref": "",
                    "steering_record_id": None,
                    "note": "",
                }
                if i >= done:
                    row |= _reached(office, item, q, done_on, steering or {})
                    row["note"] = NOTE_DONE if i == done and _pick(office, item) % 3 == 0 else ""
                elif i >= start:
                    row["state"], row["state_date"] = "in_progress", begun_on
                    if i == start and _pick(office, item, "note") % 2 == 0:
                        row["note"] = NOTES_BEGUN[_pick(office, item) % len(NOTES_BEGUN)]
                rows.append(row)
    return rows


def _reached(
    office: str,
    item: str,
    quarter: Quarter,
    on: dt.date,
    steering: dict[tuple[str, str], tuple[int, dt.date | None]],
) -> dict:
    title = EVIDENCE.get(item, "Dokumentation")
    ref = f"Ablage JA 51/{on.year}/{_pick(office, item) % 900 + 100}"
    if item in ("4.1", "4.4"):
        ref = f"https://www.example.org/ratsinfo/{office}/vorlage-{on.year}-{_pick(item) % 90 + 10}"
    record = steering.get((office, STEERING_KIND.get(item, "")))
    record_id = None
    if record is not None and (record[1] is None or record[1] <= quarter.end):
        record_id = record[0]
    return {
        "state": "done",
        "state_date": on,
        "evidence_title": title,
        "evidence_date": on,
        "evidence_ref": ref,
        "steering_record_id": record_id,
    }

"""Demo networks per youth office, their quarterly status and quality-block progress."""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Connection

from core.demo.figures import FIRST_QUARTER, LAST_QUARTER
from core.demo.geography import DISTRICT_ID, MUNICIPALITIES, area_id
from core.quarters import quarter_range

KINDS = (
    "fruehe_hilfen",
    "kinderschutz",
    "hze",
    "kita_fz",
    "familienbildung",
    "bildungsnetzwerk",
    "ganztag",
    "planung",
)
# gaps on purpose: these youth offices have no network of that kind
MISSING = {
    ("meerbusch", "familienbildung"),
    ("kaarst", "bildungsnetzwerk"),
    ("kreis", "ganztag"),
    ("grevenbroich", "planung"),
}
SOZIALRAUM_CONFERENCES = {
    "05162024": ("Erfttal", "Weckhoven", "Barbaraviertel", "Furth-Mitte"),
    "05162004": ("Horrem", "Hackenbroich"),
    "05162008": ("Südstadt",),
}
GOALS = {
    1: "Überblick über Angebote und Ansprechpersonen schaffen",
    2: "Übergänge zwischen den Lebensphasen gemeinsam gestalten",
    3: "Gemeinsame Angebote für Familien in belasteten Quartieren entwickeln",
}
NOTES = (
    "Neue Partner aus der Schulsozialarbeit gewonnen.",
    "Koordinationsstelle war ein Quartal unbesetzt.",
    "Gemeinsamer Fachtag mit den Familienzentren.",
    "Kooperationsvereinbarung unterzeichnet.",
    "Treffen wegen Personalmangel ausgefallen.",
)


def network_rows() -> list[dict]:
    """Networks: each kind per youth office (with gaps), the Gesundheitskonferenz for the
    Kreis, and Sozialraumkonferenzen in a few high-need Sozialräume."""
    offices: dict[str, str] = {}
    for m in MUNICIPALITIES:
        offices.setdefault(m.youth_office, m.ags if m.youth_office != "kreis" else DISTRICT_ID)
    by_name = {m.ags: m for m in MUNICIPALITIES}
    kind_labels = {
        "fruehe_hilfen": "Netzwerk Frühe Hilfen",
        "kinderschutz": "Netzwerk Kinderschutz",
        "hze": "Arbeitskreis Hilfen zur Erziehung",
        "kita_fz": "Verbund Kitas und Familienzentren",
        "familienbildung": "Netzwerk Familienbildung",
        "bildungsnetzwerk": "Bildungsnetzwerk",
        "ganztag": "Qualitätszirkel Ganztag",
        "planung": "AG Jugendhilfe- und Sozialplanung",
    }
    rows = []
    for office, scope in offices.items():
        place = "Kreisjugendamt" if office == "kreis" else by_name[scope].name
        for kind in KINDS:
            if (office, kind) in MISSING:
                continue
            rows.append(
                {
                    "name": f"{kind_labels[kind]} {place}",
                    "kind_id": kind,
                    "scope_area_id": scope,
                    "youth_office_id": office,
                }
            )
    rows.append(
        {
            "name": "Kommunale Gesundheitskonferenz Rhein-Kreis Neuss",
            "kind_id": "gesundheitskonferenz",
            "scope_area_id": DISTRICT_ID,
            "youth_office_id": "kreis",
        }
    )
    for ags, names in SOZIALRAUM_CONFERENCES.items():
        m = by_name[ags]
        for name in names:
            idx = [a.name for a in m.areas].index(name) + 1
            rows.append(
                {
                    "name": f"Sozialraumkonferenz {m.name}-{name}",
                    "kind_id": "sozialraumkonferenz",
                    "scope_area_id": area_id(ags, idx),
                    "youth_office_id": m.youth_office,
                }
            )
    return rows


def status_rows(rng: np.random.Generator, network_ids: list[int]) -> list[dict]:
    """Quarterly status 2023-Q1 to 2026-Q3; a few networks have not reported the last one."""
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)
    rows = []
    for nid in network_ids:
        stage = int(rng.choice([1, 1, 1, 2, 2, 3]))
        partners = int(rng.integers(5, 22))
        blocks: list[int] = [1] if rng.random() < 0.6 else []
        skip_last = rng.random() < 0.1
        for q in quarters:
            if skip_last and q == quarters[-1]:
                continue
            previous_stage = stage
            roll = rng.random()
            if roll < 0.045 and stage < 3:
                stage += 1
            elif roll > 0.985 and stage > 1:
                stage -= 1
            partners = max(3, partners + int(rng.integers(-1, 3)))
            meetings = int(rng.choice([0, 1, 1, 2, 2, 3]))
            if len(blocks) < 4 and rng.random() < 0.08:
                blocks = [*blocks, len(blocks) + 1]
            light = (
                "gruen"
                if meetings >= 1 and rng.random() < 0.75
                else ("gelb" if meetings >= 1 or rng.random() < 0.5 else "rot")
            )
            note = str(rng.choice(NOTES)) if rng.random() < 0.2 else ""
            if stage > previous_stage:
                note = note or f"Stufe {stage} erreicht."
            rows.append(
                {
                    "network_id": nid,
                    "quarter": q.key,
                    "stage": stage,
                    "partners": partners,
                    "meetings": meetings,
                    "traffic_light": light,
                    "quality_blocks": list(blocks),
                    "goals": GOALS[stage],
                    "note": note,
                    "version": 1,
                    "updated_by": "Demodaten",
                    "updated_at": dt.datetime.combine(q.end, dt.time(12, 0)),
                }
            )
    return rows


def partner_demo(conn: Connection, rng: np.random.Generator, network_ids: list[int]) -> None:
    """The partner register of every demo network (organisation and sector)."""

"""Demo steering records (Qualitätsbaustein 4): Leitbild/Handlungskonzept,
Steuerungsgruppe, Koordinationsstelle and committee decisions per youth office.

Two youth offices have no Leitbild yet; the funding of the Koordinationsstelle of two
offices ends within three quarters after the demo's last quarter, so the Übersicht
shows its warning."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert

from core.demo.figures import FIRST_QUARTER, LAST_QUARTER
from core.demo.geography import YOUTH_OFFICES
from core.models import SteeringRecord
from core.present.vocabulary import short_office
from core.quarters import quarter_range

AUTHOR = "Demodaten"
KINDERSTARK = "kinderstark – NRW schafft Chancen"
#: Offices that have not adopted a Leitbild/Handlungskonzept yet.
NO_LEITBILD = ("kaarst", "meerbusch")
#: Funding end of each office's Koordinationsstelle (two within the warning window).
FUNDED_UNTIL = {
    "neuss": dt.date(2026, 12, 31),
    "dormagen": dt.date(2027, 12, 31),
    "grevenbroich": dt.date(2027, 6, 30),
    "kaarst": dt.date(2028, 12, 31),
    "meerbusch": dt.date(2027, 12, 31),
    "kreis": dt.date(2028, 6, 30),
}
#: Possible members of a Steuerungsgruppe: department or organisation and sector.
MEMBER_POOL = (
    ("Jugendamt – Leitung", "jugendhilfe"),
    ("Jugendamt – Frühe Hilfen", "jugendhilfe"),
    ("Gesundheitsamt des Rhein-Kreises Neuss", "gesundheit"),
    ("Schulamt", "schule"),
    ("Schulverwaltungsamt", "verwaltung"),
    ("Sozialamt", "soziales"),
    ("Jobcenter Rhein-Kreis Neuss", "arbeit"),
    ("Caritasverband", "freie_traeger"),
    ("Diakonie", "freie_traeger"),
    ("AWO Kreisverband", "freie_traeger"),
    ("Kinderärztinnen und -ärzte (Qualitätszirkel)", "gesundheit"),
    ("Familienzentren (Sprecherin)", "jugendhilfe"),
    ("Stadtsportbund", "ehrenamt"),
    ("Integrationsbeauftragte", "verwaltung"),
)
COMMITTEE = "Jugendhilfeausschuss"
DECISIONS = (
    "Aufbau einer kommunalen Präventionskette",
    "Einrichtung einer ämterübergreifenden Steuerungsgruppe",
    "Teilnahme am Landesprogramm kinderstark",
    "Fortschreibung des Handlungskonzepts",
    "Bericht zur Präventionskette und Planung der nächsten Schritte",
)


def _day_in(year: int, rng: np.random.Generator, months: tuple[int, int] = (1, 12)) -> dt.date:
    month = int(rng.integers(months[0], months[1] + 1))
    return dt.date(year, month, int(rng.integers(1, 29)))


def _drucksache(rng: np.random.Generator, year: int, body: str = "JHA") -> str:
    return f"{body}/{int(rng.integers(10, 400)):04d}/{year}"


def steering_rows(rng: np.random.Generator) -> list[dict[str, Any]]:
    """The demo records of every youth office (deterministic for a given ``rng``)."""
    rows: list[dict[str, Any]] = []
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)
    for office, name in YOUTH_OFFICES.items():
        place = short_office(name)
        base = {"youth_office_id": office, "updated_by": AUTHOR, "version": 1}
        start_year = int(rng.integers(2019, 2023))
        decisions = []
        if office not in NO_LEITBILD:
            year = start_year + 1
            adopted = _day_in(year, rng)
            rows.append(
                {
                    **base,
                    "kind": "leitbild",
                    "title": f"Handlungskonzept Präventionskette {place}",
                    "dated": adopted,
                    "committee": COMMITTEE,
                    "drucksache": _drucksache(rng, year),
                    "note": "Demodaten",
                }
            )
        picked = rng.choice(len(MEMBER_POOL), size=int(rng.integers(6, 11)), replace=False)
        members = [
            {"department": MEMBER_POOL[i][0], "sector": MEMBER_POOL[i][1]} for i in sorted(picked)
        ]
        meetings = [
            (q.start + dt.timedelta(days=int(rng.integers(14, 75)))).isoformat()
            for q in quarters
            if rng.random() < 0.85
        ]
        rows.append(
            {
                **base,
                "kind": "steuerungsgruppe",
                "title": f"Steuerungsgruppe Präventionskette {place}",
                "dated": _day_in(start_year, rng),
                "members": members,
                "meetings": meetings,
                "note": "Demodaten",
            }
        )
        rows.append(
            {
                **base,
                "kind": "koordinationsstelle",
                "title": f"Koordination Präventionskette {place}",
                "dated": _day_in(start_year, rng),
                "fte": 2.0 if office == "kreis" else float(rng.choice([0.5, 1.0])),
                "funding_source": KINDERSTARK,
                "funded_until": FUNDED_UNTIL[office],
                "note": "Demodaten",
            }
        )
        council = "Kreistag" if office == "kreis" else "Rat der Stadt"
        for k in range(int(rng.integers(1, 4))):
            year = start_year + k
            body, prefix = (council, "RAT") if k == 2 else (COMMITTEE, "JHA")
            decisions.append(
                {
                    **base,
                    "kind": "beschluss",
                    "title": DECISIONS[k],
                    "dated": _day_in(year, rng),
                    "committee": body,
                    "drucksache": _drucksache(rng, year, prefix),
                    "note": "Demodaten",
                }
            )
        rows.extend(decisions)
    return rows


def steering_demo(conn: Connection, rng: np.random.Generator) -> None:
    """Write the demo steering records of every youth office."""
    for row in steering_rows(rng):  # one by one: each kind sets different columns
        conn.execute(insert(SteeringRecord).values(**row))

"""Demo offers: Kitas, Kindertagespflege, OGS, Frühe Hilfen, youth work, transition support.

Counts follow the children of each Sozialraum; high-need areas have fewer places
and more gaps, as in many real districts, so the gap analysis has something to find.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, func, select, update

from core.demo.figures import DemoSozialraum, phase_children
from core.models import Area, Network, Offer, OfferLifePhase

PROVIDERS = (
    "Caritasverband",
    "Diakonie",
    "Arbeiterwohlfahrt (AWO)",
    "Deutsches Rotes Kreuz",
    "Kinderschutzbund",
    "Sozialdienst katholischer Frauen",
    "Elterninitiative",
    "Evangelische Kirchengemeinde",
    "Katholische Kirchengemeinde",
    "Paritätischer Träger",
)
KITA_NAMES = (
    "Sonnenschein",
    "Regenbogen",
    "Pusteblume",
    "Löwenzahn",
    "Arche Noah",
    "Sterntaler",
    "Kunterbunt",
    "Wirbelwind",
    "Schatzkiste",
    "Zwergenland",
    "Abenteuerland",
    "Marienkäfer",
)

# (phase, offer type, name pattern, capacity range or None, probability-of-gap weight)
OPTIONAL = (
    ("birth", "begleitung", "Familienhebamme {a}", None, 0.2),
    ("birth", "information", "Willkommensbesuche {a}", None, 0.1),
    ("birth", "begegnung", "Elterncafé {a}", None, 0.5),
    ("birth", "beratung", "Schwangerschaftsberatung {a}", None, 0.7),
    ("crib", "begegnung", "Eltern-Kind-Gruppe {a}", None, 0.4),
    ("crib", "bildung", "Elternkurs „Starke Eltern“ {a}", None, 0.6),
    ("kita", "beratung", "Familienzentrum {a}", None, 0.3),
    ("kita", "bildung", "Sprachförderung {a}", None, 0.4),
    ("primary", "begleitung", "Schulsozialarbeit Grundschule {a}", None, 0.3),
    ("primary", "bildung", "Lernförderung {a}", None, 0.5),
    ("primary", "begegnung", "Kinderclub {a}", None, 0.5),
    ("secondary", "begegnung", "Jugendtreff {a}", None, 0.2),
    ("secondary", "begleitung", "Schulsozialarbeit Sek. I {a}", None, 0.3),
    ("secondary", "bildung", "Hausaufgabenhilfe {a}", None, 0.4),
    ("secondary", "beratung", "Jugendberatung {a}", None, 0.6),
    ("transition", "beratung", "Jugendberufsagentur – Sprechstunde {a}", None, 0.4),
    ("transition", "bildung", "Berufsorientierung {a}", None, 0.5),
    ("transition", "begleitung", "Ausbildungspaten {a}", None, 0.6),
    ("transition", "information", "Infobörse Ausbildung {a}", None, 0.7),
)


def _point_in(rng: np.random.Generator, geom: BaseGeometry) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    inner = geom.buffer(-0.0005) if geom.area > 1e-6 else geom
    target = inner if not inner.is_empty else geom
    for _ in range(500):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if target.contains(p):
            return round(p.y, 6), round(p.x, 6)
    c = geom.representative_point()
    return round(c.y, 6), round(c.x, 6)


def _dates(rng: np.random.Generator) -> tuple[dt.date, dt.date | None]:
    roll = rng.random()
    if roll < 0.12:  # new offers that start within the reporting period
        start = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1300)))
    else:
        start = dt.date(int(rng.integers(2008, 2023)), int(rng.integers(1, 13)), 1)
    end = None
    if rng.random() < 0.08:  # offers that ended
        end = dt.date(2023, 6, 30) + dt.timedelta(days=int(rng.integers(0, 900)))
    return start, end


def offer_rows(
    rng: np.random.Generator,
    areas: list[DemoSozialraum],
    geometries: dict[str, BaseGeometry],
    municipality_names: dict[str, str],
) -> list[dict]:
    """Offers with provider, type, phases, location, capacity and dates."""
    rows: list[dict] = []

    def add(
        s: DemoSozialraum, name: str, type_id: str, phases: list[str], capacity: int | None
    ) -> None:
        lat, lon = _point_in(rng, geometries[s.id])
        start, end = _dates(rng)
        provider = str(rng.choice(PROVIDERS))
        if type_id in ("information", "beratung") and rng.random() < 0.4:
            provider = f"Stadt {municipality_names[s.municipality]}"
        rows.append(
            {
                "name": name,
                "provider": provider,
                "offer_type_id": type_id,
                "area_id": s.id,
                "lat": lat,
                "lon": lon,
                "capacity": capacity,
                "active_from": start,
                "active_to": end,
                "phases": phases,
            }
        )

    for s in areas:
        kids = phase_children(s, 2025)
        short = s.name
        u3_rate = 0.50 - 0.22 * s.need + rng.normal(0, 0.04)
        u3_places = kids["crib"] * max(u3_rate, 0.05)
        kitas = (
            max(1, math.ceil(kids["kita"] * (1.0 - 0.12 * s.need) / 70)) if kids["kita"] > 25 else 0
        )
        names = rng.permutation(KITA_NAMES)
        for k in range(kitas):
            places = round(kids["kita"] * (1.02 - 0.14 * s.need) / kitas)
            add(s, f"Kita {names[k % len(names)]} {short}", "betreuung", ["kita"], places)
            u3 = round(u3_places * 0.8 / kitas)
            if u3 > 0:
                add(s, f"Kita {names[k % len(names)]} {short} (U3)", "betreuung", ["crib"], u3)
        if kids["crib"] > 10:
            add(
                s,
                f"Kindertagespflege {short}",
                "betreuung",
                ["crib"],
                max(5, round(u3_places * 0.2)),
            )
        if kids["primary"] > 30:
            ogs = round(kids["primary"] * (0.66 - 0.16 * s.need + rng.normal(0, 0.05)))
            add(s, f"Offener Ganztag Grundschule {short}", "betreuung", ["primary"], max(ogs, 10))
        small = s.population[2025] < 1500
        for phase, type_id, pattern, _cap, gap_weight in OPTIONAL:
            p_gap = min(0.9, 0.1 + gap_weight * (0.35 + 0.6 * s.need))
            if small or rng.random() < p_gap:
                continue
            extra = ["birth"] if phase == "crib" and type_id == "begegnung" else []
            add(s, pattern.format(a=short), type_id, [phase, *extra], None)
    return rows


# name prefix -> (target group, free of charge, outreach, network kind, funded until year)
FEATURES = {
    "Familienhebamme": (
        "Schwangere und Familien mit Säuglingen in belastenden Lebenslagen",
        True,
        True,
        "fruehe_hilfen",
        2026,
    ),
    "Willkommensbesuche": ("alle Familien mit Neugeborenen", True, True, "fruehe_hilfen", None),
    "Elterncafé": ("Eltern mit Kindern unter drei Jahren", True, False, "fruehe_hilfen", 2027),
    "Schwangerschaftsberatung": (
        "Schwangere und werdende Väter",
        True,
        False,
        "fruehe_hilfen",
        None,
    ),
    "Kita ": ("", False, False, "kita_fz", None),
    "Familienzentrum": ("Familien im Quartier", True, False, "kita_fz", None),
    "Sprachförderung": (
        "Kinder mit Förderbedarf in der deutschen Sprache",
        True,
        False,
        "kita_fz",
        2026,
    ),
    "Offener Ganztag": ("", False, False, "ganztag", None),
    "Schulsozialarbeit": ("Schülerinnen und Schüler und ihre Eltern", True, True, "ganztag", 2027),
    "Lernförderung": ("Kinder mit Anspruch auf Bildung und Teilhabe", True, False, None, 2026),
    "Jugendtreff": ("Jugendliche im Quartier", True, True, None, None),
    "Jugendberufsagentur": (
        "junge Menschen ohne Ausbildungs- oder Arbeitsplatz",
        True,
        False,
        "bildungsnetzwerk",
        None,
    ),
    "Ausbildungspaten": ("Jugendliche im Übergang Schule–Beruf", True, True, None, 2026),
}
LANGUAGES = ("Deutsch, Türkisch", "Deutsch, Arabisch, Englisch", "Deutsch, Russisch, Polnisch")


def enrich_offers(conn: Connection) -> None:
    """The demo offers' places per phase and their features, derived from what they are
    (no random draws, so every other demo figure stays the same): a Kita's Ü3 places and
    its U3 group's places as places of their phase; target groups, access features,
    languages, funding end and the network of their Jugendamt by kind of offer."""
    conn.execute(
        update(OfferLifePhase)
        .where(
            OfferLifePhase.offer_id.in_(
                select(OfferLifePhase.offer_id)
                .group_by(OfferLifePhase.offer_id)
                .having(func.count() == 1)
            )
        )
        .values(
            places=select(Offer.capacity)
            .where(Offer.id == OfferLifePhase.offer_id)
            .scalar_subquery()
        )
    )
    nets = {
        (r.youth_office_id, r.kind_id): r.id
        for r in conn.execute(
            select(Network.id, Network.youth_office_id, Network.kind_id).order_by(Network.id)
        )
    }
    offices = {a: o for a, o in conn.execute(select(Area.id, Area.youth_office_id))}
    rows = conn.execute(
        select(Offer.id, Offer.name, Offer.offer_type_id, Offer.area_id).order_by(Offer.id)
    ).all()
    for r in rows:
        feature = next((v for k, v in FEATURES.items() if r.name.startswith(k)), None)
        values: dict[str, object] = {}
        if feature:
            target, free, outreach, kind, funded = feature
            values |= {"target_group": target, "free_of_charge": free, "outreach": outreach}
            if kind:
                values["network_id"] = nets.get((offices.get(r.area_id), kind))
            if funded:
                values["funded_until"] = dt.date(funded + r.id % 2, 12, 31)
        if r.offer_type_id in ("beratung", "begegnung", "information") and r.id % 3 == 0:
            values["languages"] = LANGUAGES[r.id % len(LANGUAGES)]
        if values:
            conn.execute(update(Offer).where(Offer.id == r.id).values(**values))

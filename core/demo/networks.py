"""Demo networks per youth office, their quarterly status, stage criteria and partner
registers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, bindparam, insert, select, update

from core.demo.figures import FIRST_QUARTER, LAST_QUARTER
from core.demo.geography import DISTRICT_ID, MUNICIPALITIES, area_id
from core.models import Area, Network, NetworkCriterion, NetworkPartner, NetworkStatus
from core.quarters import parse_quarter, quarter_range

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


#: organisations by sector; "{place}" is the network's Kommune
PARTNER_POOL: dict[str, tuple[str, ...]] = {
    "jugendhilfe": (
        "Erziehungsberatungsstelle {place}",
        "Kinderschutzbund Ortsverband {place}",
        "Jugendzentrum {place}",
        "Allgemeiner Sozialer Dienst {place}",
        "Schulsozialarbeit {place}",
        "Familienzentrum Sonnenschein {place}",
        "Kita Regenbogen {place}",
        "Kita Pusteblume {place}",
        "Familienzentrum St. Martin {place}",
        "Kita Villa Kunterbunt {place}",
    ),
    "schule": (
        "Städtisches Gymnasium {place}",
        "Gesamtschule {place}",
        "Städtische Realschule {place}",
        "Gemeinschaftsgrundschule Am Park {place}",
        "Katholische Grundschule St. Josef {place}",
        "Förderschule {place}",
        "Berufskolleg {place}",
        "Offene Ganztagsschule Nord {place}",
    ),
    "gesundheit": (
        "Gesundheitsamt Rhein-Kreis Neuss",
        "Kinder- und Jugendärztlicher Dienst Rhein-Kreis Neuss",
        "Hebammenpraxis {place}",
        "Kinderarztpraxis Dr. Schneider {place}",
        "Frühförderstelle {place}",
        "Geburtsklinik Rheinland Klinikum",
    ),
    "soziales": (
        "Sozialamt {place}",
        "Schuldnerberatung {place}",
        "Schwangerschaftsberatung donum vitae {place}",
        "Migrationsberatung {place}",
        "Wohnungslosenhilfe {place}",
    ),
    "freie_traeger": (
        "Caritasverband {place}",
        "Diakonie Rhein-Kreis Neuss",
        "AWO Kreisverband Rhein-Kreis Neuss",
        "DRK Kreisverband Rhein-Kreis Neuss",
        "Sozialdienst katholischer Frauen {place}",
        "Der Paritätische Rhein-Kreis Neuss",
        "Familienbildungsstätte {place}",
    ),
    "arbeit": (
        "Jobcenter Rhein-Kreis Neuss",
        "Agentur für Arbeit Mönchengladbach",
        "Kommunales Integrationszentrum Rhein-Kreis Neuss",
        "Kreishandwerkerschaft Niederrhein",
    ),
    "ehrenamt": (
        "Familienpaten {place}",
        "Lesepaten {place} e. V.",
        "Bürgerstiftung {place}",
        "Tafel {place}",
    ),
    "verwaltung": (
        "Schulverwaltungsamt {place}",
        "Stadtbibliothek {place}",
        "Integrationsbeauftragte {place}",
        "Gleichstellungsstelle {place}",
    ),
    "sonstige": (
        "Volkshochschule {place}",
        "Musikschule {place}",
        "Stadtsportbund {place}",
        "Polizei Rhein-Kreis Neuss, Bezirksdienst",
    ),
}
KREIS_PLACES = ("Korschenbroich", "Jüchen", "Rommerskirchen")


def partner_demo(conn: Connection, rng: np.random.Generator, network_ids: list[int]) -> None:
    """The partner register of every demo network, built from its quarterly partner
    counts (partners join in a quarter where the count rises and leave where it falls),
    so that the register's count at each quarter's end is the reported one; and the met
    stage criteria of every status, consistent with its stage."""
    parents = {r.id: r.name for r in conn.execute(select(Area.id, Area.name))}
    places = {
        r.id: parents.get(r.parent_id, r.name) if r.level == "area" else r.name
        for r in conn.execute(
            select(Network.id, Area.name, Area.level, Area.parent_id).join(
                Area, Area.id == Network.scope_area_id
            )
        )
    }
    criteria = conn.execute(
        select(NetworkCriterion.id, NetworkCriterion.min_stage).order_by(NetworkCriterion.position)
    ).all()
    partners: list[dict] = []
    updates: list[dict] = []
    for nid in network_ids:
        statuses = conn.execute(
            select(
                NetworkStatus.id, NetworkStatus.quarter, NetworkStatus.stage, NetworkStatus.partners
            )
            .where(NetworkStatus.network_id == nid)
            .order_by(NetworkStatus.quarter)
        ).all()
        place = str(places.get(nid, "Neuss"))
        partners.extend(_register(rng, nid, place, [(s.quarter, s.partners) for s in statuses]))
        met = _criteria_by_stage(rng, criteria)
        updates.extend({"sid": s.id, "met": met[int(s.stage)]} for s in statuses)
    if partners:
        conn.execute(insert(NetworkPartner), partners)
    if updates:
        conn.execute(
            update(NetworkStatus)
            .where(NetworkStatus.id == bindparam("sid"))
            .values(criteria=bindparam("met")),
            updates,
        )


def _criteria_by_stage(rng: np.random.Generator, criteria: Sequence[Any]) -> dict[int, list[str]]:
    """A network's met criteria at each stage: all that a lower stage had, plus some of
    the stage's own (at least one from stage 2 on), so the suggested stage is the stage."""
    met: dict[int, list[str]] = {}
    have: list[str] = []
    for stage in (1, 2, 3):
        own = [str(c.id) for c in criteria if int(c.min_stage) == stage]
        take = own if stage == 1 else [c for c in own if rng.random() < 0.5]
        if stage > 1 and not take and own:
            take = [own[int(rng.integers(len(own)))]]
        have = [*have, *take]
        met[stage] = list(have)
    return met


def _register(
    rng: np.random.Generator, nid: int, place: str, counts: list[tuple[str, int]]
) -> list[dict]:
    """Partner rows whose number active at each quarter's end is that quarter's count."""
    if place == "Rhein-Kreis Neuss":
        place = KREIS_PLACES[int(rng.integers(len(KREIS_PLACES)))]
    pool = [
        (sector, name.format(place=place))
        for sector, names in PARTNER_POOL.items()
        for name in names
    ]
    order = rng.permutation(len(pool))
    queue = [pool[i] for i in order]
    extra = 0
    active: list[dict] = []
    rows: list[dict] = []

    def join(day: dt.date) -> None:
        nonlocal extra
        if queue:
            sector, name = queue.pop()
        else:
            extra += 1
            sector, name = "jugendhilfe", f"Kita Nr. {extra} {place}"
        row = {
            "network_id": nid,
            "organisation": name,
            "sector": sector,
            "joined_on": day,
            "left_on": None,
            "updated_by": "Demodaten",
        }
        rows.append(row)
        active.append(row)

    for key, count in counts:
        quarter = parse_quarter(key)
        if not rows:  # the founding partners, before the first report
            for _ in range(count):
                year = int(rng.integers(2015, quarter.start.year))
                join(dt.date(year, int(rng.integers(1, 13)), 1))
            continue
        day = quarter.start + dt.timedelta(days=int(rng.integers(0, 80)))
        while len(active) < count:
            join(day)
        while len(active) > count:
            gone = active.pop(int(rng.integers(len(active))))
            gone["left_on"] = day
    return rows

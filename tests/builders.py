"""Tiny hand-made databases for table-style tests, built by code (no committed binaries).

The tiny Kreis "K" has two Kommunen: M1 with Sozialräume M1-01 and M1-02, M2 with M2-01.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert

from core.models import (
    Area,
    IndicatorValue,
    Network,
    NetworkStatus,
    Offer,
    OfferLifePhase,
    Population,
    QualityProgress,
    YouthOffice,
)

D = dt.date
POPULATION_DAY = D(2024, 12, 31)
OFFER_START = D(2020, 1, 1)


def add_tiny_areas(conn: Connection) -> None:
    """Kreis K, Kommunen M1 and M2, Sozialräume M1-01, M1-02, M2-01."""
    conn.execute(
        insert(YouthOffice),
        [{"id": "jaA", "name": "Jugendamt A"}, {"id": "jaB", "name": "Jugendamt B"}],
    )
    conn.execute(
        insert(Area),
        [
            {
                "id": "K",
                "name": "Kreis K",
                "level": "district",
                "parent_id": None,
                "youth_office_id": "jaB",
            },
            {
                "id": "M1",
                "name": "Stadt Eins",
                "level": "municipality",
                "parent_id": "K",
                "youth_office_id": "jaA",
            },
            {
                "id": "M2",
                "name": "Gemeinde Zwei",
                "level": "municipality",
                "parent_id": "K",
                "youth_office_id": "jaB",
            },
            {
                "id": "M1-01",
                "name": "Nord",
                "level": "area",
                "parent_id": "M1",
                "youth_office_id": "jaA",
            },
            {
                "id": "M1-02",
                "name": "Süd",
                "level": "area",
                "parent_id": "M1",
                "youth_office_id": "jaA",
            },
            {
                "id": "M2-01",
                "name": "Dorf",
                "level": "area",
                "parent_id": "M2",
                "youth_office_id": "jaB",
            },
        ],
    )


def add_values(
    conn: Connection, indicator_id: str, rows: list[tuple[str, dt.date, float | None, float | None]]
) -> None:
    """Indicator values as (area, period_end, numerator, denominator)."""
    from core.catalogue import indicator
    from core.indicators import rate_value

    entry = indicator(conn, indicator_id)
    conn.execute(
        insert(IndicatorValue),
        [
            {
                "indicator_id": indicator_id,
                "area_id": a,
                "period_end": d,
                "numerator": n,
                "denominator": den,
                "value": rate_value(n, den, entry),
            }
            for a, d, n, den in rows
        ],
    )


def add_population(
    conn: Connection, rows: list[tuple[str, str, int]], day: dt.date = POPULATION_DAY
) -> None:
    """Children as (area, life phase, children) at ``day``."""
    conn.execute(
        insert(Population),
        [{"area_id": a, "period_end": day, "life_phase_id": p, "children": n} for a, p, n in rows],
    )


def add_offer(
    conn: Connection,
    area_id: str,
    offer_type: str,
    phases: list[str],
    capacity: int | None = None,
    active_from: dt.date = OFFER_START,
    active_to: dt.date | None = None,
    name: str = "Angebot",
) -> int:
    """One offer with its phases; returns its id."""
    oid = conn.execute(
        insert(Offer)
        .values(
            name=name,
            provider="Träger",
            offer_type_id=offer_type,
            area_id=area_id,
            lat=51.0,
            lon=6.6,
            capacity=capacity,
            active_from=active_from,
            active_to=active_to,
        )
        .returning(Offer.id)
    ).scalar_one()
    conn.execute(insert(OfferLifePhase), [{"offer_id": oid, "life_phase_id": p} for p in phases])
    return oid


def add_network(
    conn: Connection, name: str, kind: str, scope: str, office: str, statuses: dict[str, int]
) -> int:
    """A network with a status per quarter (quarter key -> stage); returns its id."""
    nid = conn.execute(
        insert(Network)
        .values(name=name, kind_id=kind, scope_area_id=scope, youth_office_id=office)
        .returning(Network.id)
    ).scalar_one()
    for q, stage in statuses.items():
        conn.execute(
            insert(NetworkStatus).values(
                network_id=nid,
                quarter=q,
                stage=stage,
                partners=10 + stage,
                meetings=1,
                traffic_light="gruen",
                quality_blocks=[1],
                goals="Ziel",
                note="",
            )
        )
    return nid


def add_quality(conn: Connection, office: str, quarter: str, states: dict[str, str]) -> None:
    """Quality item states of one youth office in one quarter."""
    conn.execute(
        insert(QualityProgress),
        [
            {"youth_office_id": office, "quarter": quarter, "item_id": i, "state": s}
            for i, s in states.items()
        ],
    )

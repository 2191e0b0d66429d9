"""Importing population, offers and network status: round trips, upsert, rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from core.imports import preview, rollback_batch, run_import
from core.models import Network, NetworkStatus, Offer, OfferLifePhase, YouthOffice
from core.offers import active_offers
from core.permissions import SYSTEM, operator
from tests.imports_support import (
    OFFERS,
    POP_LONG,
    POP_WIDE,
    STATUS,
    add_test_areas,
    children,
    csv_file,
    xlsx_file,
)


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (POP_WIDE, {("05999004-01", "crib"): 1210, ("05999004-02", "transition"): 170}),
        (POP_LONG, {("05999004-01", "crib"): 1210, ("05999004-01", "kita"): 260}),
    ],
    ids=["wide-one-column-per-phase", "long"],
)
def test_population_round_trip(areas: Engine, rows: list, expected: dict) -> None:
    for file in (csv_file("bev.csv", rows), xlsx_file("bev.xlsx", rows)):
        run_import(areas, "population", [file], user=SYSTEM)
    stored = children(areas)
    for key, n in expected.items():
        assert stored[key] == n
    assert run_import(areas, "population", [csv_file("bev.csv", rows)], user=SYSTEM).batch_id == 0


def test_offers_round_trip_with_area_lookup_from_coordinates(areas: Engine) -> None:
    result = run_import(
        areas, "offers", [csv_file("angebote.csv", OFFERS)], accept_warnings=True, user=SYSTEM
    )
    assert result.counts["neu"] == 2
    with areas.connect() as conn:
        df = active_offers(conn, "2025-Q1", None).set_index("name")
        phases = set(conn.execute(select(OfferLifePhase.life_phase_id)).scalars())
    assert df.loc["Kita Sonnenschein", "capacity"] == 60
    # 51.12 N, 6.55 E lies in Süd (the southern half of Adorf)
    assert df.loc["Elterncafé", "area_id"] == "05999004-02"
    assert phases == {"crib", "kita", "birth"}


def test_offers_are_updated_not_duplicated_and_rollback_restores(areas: Engine) -> None:
    run_import(areas, "offers", [csv_file("angebote.csv", OFFERS)], user=SYSTEM)
    changed = [r[:] for r in OFFERS]
    changed[1][7] = "75"
    changed[1][3] = "Kita"
    plan = preview(areas, "offers", [csv_file("angebote2.csv", changed)])
    assert plan.counts() == {"neu": 0, "geändert": 1, "unverändert": 1}
    second = run_import(areas, "offers", [csv_file("angebote2.csv", changed)], user=SYSTEM)
    with areas.connect() as conn:
        assert conn.execute(
            select(Offer.capacity).where(Offer.name == "Kita Sonnenschein")
        ).all() == [(75,)]
    rollback_batch(areas, second.batch_id, user=SYSTEM)
    with areas.connect() as conn:
        oid, cap = conn.execute(
            select(Offer.id, Offer.capacity).where(Offer.name == "Kita Sonnenschein")
        ).one()
        links = set(
            conn.execute(
                select(OfferLifePhase.life_phase_id).where(OfferLifePhase.offer_id == oid)
            ).scalars()
        )
    assert cap == 60 and links == {"crib", "kita"}


def test_network_status_creates_the_network_and_versions_changes(areas: Engine) -> None:
    result = run_import(
        areas, "networks", [csv_file("status.csv", STATUS)], user=operator("koordination")
    )
    assert result.counts["neu"] == 2
    with areas.connect() as conn:
        net = conn.execute(select(Network.name, Network.kind_id, Network.youth_office_id)).one()
        rows = conn.execute(
            select(
                NetworkStatus.quarter,
                NetworkStatus.stage,
                NetworkStatus.traffic_light,
                NetworkStatus.partners,
                NetworkStatus.version,
                NetworkStatus.updated_by,
            ).order_by(NetworkStatus.quarter)
        ).all()
    assert tuple(net) == ("Frühe Hilfen Adorf", "fruehe_hilfen", "ja_a")
    assert [tuple(r) for r in rows] == [
        ("2025-Q2", 1, "gruen", 12, 1, "koordination"),
        ("2025-Q3", 2, "gelb", 14, 1, "koordination"),
    ]
    update = [
        STATUS[0],
        ["Frühe Hilfen Adorf", "2025-Q3", "3", "rot", "15", "1", "1,2,3", "", "", "", ""],
    ]
    run_import(areas, "networks", [csv_file("status2.csv", update)], user=SYSTEM)
    with areas.connect() as conn:
        stage, version = conn.execute(
            select(NetworkStatus.stage, NetworkStatus.version).where(
                NetworkStatus.quarter == "2025-Q3"
            )
        ).one()
    assert (stage, version) == (3, 2)


def test_a_new_youth_office_is_a_warning(areas: Engine) -> None:
    rows = [
        STATUS[0],
        [
            "Kinderschutz Bestadt",
            "2025-Q2",
            "1",
            "rot",
            "3",
            "0",
            "",
            "",
            "kinderschutz",
            "05999008",
            "Jugendamt Bestadt",
        ],
    ]
    plan = preview(areas, "networks", [csv_file("s.csv", rows)])
    assert [w.problem for w in plan.warnings] == ["Dieses Jugendamt ist neu und wird angelegt"]
    run_import(areas, "networks", [csv_file("s.csv", rows)], accept_warnings=True, user=SYSTEM)
    with areas.connect() as conn:
        assert "Jugendamt Bestadt" in set(conn.execute(select(YouthOffice.name)).scalars())

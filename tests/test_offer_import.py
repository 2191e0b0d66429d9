"""The offer import with the newer columns (places per phase, target group, access
features, languages, funding end, network) and with files of the older format, on
SQLite and PostgreSQL; the import and the form share one set of rules."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine, insert, select

from core.errors import DataError
from core.imports import preview, rollback_batch, run_import
from core.models import Network, Offer, OfferLifePhase
from core.offers import offer_phase_links
from core.permissions import SYSTEM
from tests.imports_support import OFFERS, add_test_areas, csv_file, xlsx_file

HEAD = [
    "Name",
    "Träger",
    "Angebotsart",
    "Lebensphasen",
    "Gebiet",
    "Plätze U3",
    "Plätze Ü3",
    "Aktiv ab",
    "Zielgruppe",
    "kostenfrei",
    "aufsuchend",
    "Sprachen",
    "gefördert bis",
    "Netzwerk",
]
KITA = [
    "Kita Sonnenschein",
    "Stadt Adorf",
    "Betreuung",
    "Krippe, Kita",
    "05999004-01",
    "15",
    "45",
    "01.08.2019",
    "Familien im Quartier",
    "ja",
    "nein",
    "Deutsch, Türkisch",
    "31.07.2027",
    "Frühe Hilfen Adorf",
]


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(Network),
            [
                {
                    "name": "Frühe Hilfen Adorf",
                    "kind_id": "fruehe_hilfen",
                    "scope_area_id": "05999004",
                    "youth_office_id": "ja_a",
                }
            ],
        )
    return engine


def places(engine: Engine) -> dict[str, float]:
    with engine.connect() as conn:
        links = offer_phase_links(conn, dt.date(2025, 12, 31))
    return dict(zip(links["life_phase_id"], links["places"], strict=True))


def test_new_columns_are_stored(areas: Engine) -> None:
    for file in (csv_file("angebote.csv", [HEAD, KITA]), xlsx_file("angebote.xlsx", [HEAD, KITA])):
        run_import(areas, "offers", [file], user=SYSTEM)
    with areas.connect() as conn:
        offer = SimpleNamespace(**conn.execute(select(Offer.__table__)).mappings().one())
        stored = dict(
            conn.execute(select(OfferLifePhase.life_phase_id, OfferLifePhase.places)).all()
        )
        net = conn.execute(select(Network.id)).scalar_one()
    assert stored == {"crib": 15, "kita": 45}
    assert offer.capacity == 60  # the total follows the places of every phase
    assert offer.target_group == "Familien im Quartier"
    assert offer.free_of_charge is True and offer.outreach is False
    assert offer.languages == "Deutsch, Türkisch"
    assert offer.funded_until == dt.date(2027, 7, 31)
    assert offer.network_id == net
    assert places(areas) == {"crib": 15, "kita": 45}  # not 30 and 30


def test_old_format_file_still_imports_and_keeps_what_it_does_not_know(areas: Engine) -> None:
    run_import(areas, "offers", [csv_file("neu.csv", [HEAD, KITA])], user=SYSTEM)
    old = [[*OFFERS[0]], [*OFFERS[1]]]  # the older template: Plätze, no new columns
    result = run_import(areas, "offers", [csv_file("alt.csv", old)], user=SYSTEM)
    assert result.counts["geändert"] == 1
    with areas.connect() as conn:
        offer = SimpleNamespace(**conn.execute(select(Offer.__table__)).mappings().one())
        stored = dict(
            conn.execute(select(OfferLifePhase.life_phase_id, OfferLifePhase.places)).all()
        )
    assert offer.capacity == 60 and offer.target_group == "Familien im Quartier"
    assert stored == {"crib": 15, "kita": 45}
    rollback_batch(areas, result.batch_id, user=SYSTEM)
    assert places(areas) == {"crib": 15, "kita": 45}


def test_old_file_into_an_empty_database_shares_the_capacity(areas: Engine) -> None:
    run_import(areas, "offers", [csv_file("alt.csv", OFFERS)], accept_warnings=True, user=SYSTEM)
    assert places(areas)["crib"] == 30 and places(areas)["kita"] == 30


def test_changed_places_are_a_change_and_rollback_restores_them(areas: Engine) -> None:
    run_import(areas, "offers", [csv_file("a.csv", [HEAD, KITA])], user=SYSTEM)
    more = [*KITA]
    more[5] = "20"
    plan = preview(areas, "offers", [csv_file("b.csv", [HEAD, more])])
    assert plan.counts()["geändert"] == 1
    second = run_import(areas, "offers", [csv_file("b.csv", [HEAD, more])], user=SYSTEM)
    assert places(areas)["crib"] == 20
    rollback_batch(areas, second.batch_id, user=SYSTEM)
    assert places(areas)["crib"] == 15


@pytest.mark.parametrize(
    ("column", "value", "says"),
    [
        ("Plätze U3", "-3", "Negative Anzahlen"),
        ("kostenfrei", "vielleicht", "ja oder nein"),
        ("gefördert bis", "01.01.2010", "Förderung endet vor dem Beginn"),
        ("Lebensphasen", "Kita", "nicht bedient"),  # U3 places without Krippe
        ("Netzwerk", "Unbekannt", "gibt es nicht"),
    ],
)
def test_problems_name_the_column(areas: Engine, column: str, value: str, says: str) -> None:
    row = [*KITA]
    row[HEAD.index(column)] = value
    with pytest.raises(DataError) as err:
        preview(areas, "offers", [csv_file("f.csv", [HEAD, row])])
    texts = [p.as_text() for p in err.value.problems]
    assert any(says in t and "Zeile 2" in t for t in texts), texts

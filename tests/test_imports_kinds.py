"""Importing population, offers and network status: round trips, upsert, rollback, bad files."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from core.errors import DataError
from core.imports import ImportFile, preview, rollback_batch, run_import
from core.models import Network, NetworkStatus, Offer, OfferLifePhase, Population, YouthOffice
from core.offers import active_offers
from tests.imports_support import add_test_areas, csv_file, fingerprint, xlsx_file

POP_WIDE = [
    [
        "Gebiet",
        "Stichtag",
        "rund um die Geburt",
        "Krippe",
        "Kita",
        "Grundschule",
        "weiterführende Schule",
        "Übergang Schule–Beruf",
    ],
    ["05999004-01", "31.12.2024", "40", "1.210", "260", "330", "510", "560"],
    ["05999004-02", "31.12.2024", "22", "70", "75", "101", "150", "170"],
]
POP_LONG = [
    ["Gebiet", "Stichtag", "Lebensphase", "Kinder"],
    ["05999004-01", "31.12.2024", "crib", "1210"],
    ["05999004-01", "31.12.2024", "Kita (3–6)", "260"],
]
OFFERS = [
    [
        "Name",
        "Träger",
        "Angebotsart",
        "Lebensphasen",
        "Gebiet",
        "Breite",
        "Länge",
        "Plätze",
        "Aktiv ab",
        "Aktiv bis",
    ],
    [
        "Kita Sonnenschein",
        "Stadt Adorf",
        "Betreuung",
        "Krippe, Kita",
        "05999004-01",
        "",
        "",
        "60",
        "01.08.2019",
        "",
    ],
    [
        "Elterncafé",
        "Caritas",
        "Begegnung",
        "rund um die Geburt",
        "",
        "51,12",
        "6,55",
        "",
        "01.01.2022",
        "",
    ],
]
STATUS = [
    [
        "Netzwerk",
        "Quartal",
        "Stufe",
        "Ampel",
        "Partner",
        "Treffen",
        "Qualitätsbausteine",
        "Ziele",
        "Netzwerkart",
        "Gebiet",
        "Jugendamt",
    ],
    [
        "Frühe Hilfen Adorf",
        "2025-Q2",
        "1",
        "grün",
        "12",
        "2",
        "1",
        "Überblick",
        "fruehe_hilfen",
        "05999004",
        "Jugendamt Adorf",
    ],
    [
        "Frühe Hilfen Adorf",
        "3. Quartal 2025",
        "Kooperationsnetzwerk",
        "gelb",
        "14",
        "1",
        "1, 2",
        "Übergänge",
        "",
        "",
        "",
    ],
]


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


def children(engine: Engine) -> dict[tuple[str, str], int]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Population.area_id, Population.life_phase_id, Population.children)
        )
        return {(a, p): n for a, p, n in rows}


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
        run_import(areas, "population", [file])
    stored = children(areas)
    for key, n in expected.items():
        assert stored[key] == n
    assert run_import(areas, "population", [csv_file("bev.csv", rows)]).batch_id == 0


def test_offers_round_trip_with_area_lookup_from_coordinates(areas: Engine) -> None:
    result = run_import(areas, "offers", [csv_file("angebote.csv", OFFERS)], accept_warnings=True)
    assert result.counts["neu"] == 2
    with areas.connect() as conn:
        df = active_offers(conn, "2025-Q1", None).set_index("name")
        phases = set(conn.execute(select(OfferLifePhase.life_phase_id)).scalars())
    assert df.loc["Kita Sonnenschein", "capacity"] == 60
    # 51.12 N, 6.55 E lies in Süd (the southern half of Adorf)
    assert df.loc["Elterncafé", "area_id"] == "05999004-02"
    assert phases == {"crib", "kita", "birth"}


def test_offers_are_updated_not_duplicated_and_rollback_restores(areas: Engine) -> None:
    run_import(areas, "offers", [csv_file("angebote.csv", OFFERS)])
    changed = [r[:] for r in OFFERS]
    changed[1][7] = "75"
    changed[1][3] = "Kita"
    plan = preview(areas, "offers", [csv_file("angebote2.csv", changed)])
    assert plan.counts() == {"neu": 0, "geändert": 1, "unverändert": 1}
    second = run_import(areas, "offers", [csv_file("angebote2.csv", changed)])
    with areas.connect() as conn:
        assert conn.execute(
            select(Offer.capacity).where(Offer.name == "Kita Sonnenschein")
        ).all() == [(75,)]
    rollback_batch(areas, second.batch_id)
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
    result = run_import(areas, "networks", [csv_file("status.csv", STATUS)], user="koordination")
    assert result.counts["neu"] == 2
    with areas.connect() as conn:
        net = conn.execute(select(Network.name, Network.kind_id, Network.youth_office_id)).one()
        rows = conn.execute(
            select(
                NetworkStatus.quarter,
                NetworkStatus.stage,
                NetworkStatus.traffic_light,
                NetworkStatus.quality_blocks,
                NetworkStatus.version,
                NetworkStatus.updated_by,
            ).order_by(NetworkStatus.quarter)
        ).all()
    assert tuple(net) == ("Frühe Hilfen Adorf", "fruehe_hilfen", "ja_a")
    assert [tuple(r) for r in rows] == [
        ("2025-Q2", 1, "gruen", [1], 1, "koordination"),
        ("2025-Q3", 2, "gelb", [1, 2], 1, "koordination"),
    ]
    update = [
        STATUS[0],
        ["Frühe Hilfen Adorf", "2025-Q3", "3", "rot", "15", "1", "1,2,3", "", "", "", ""],
    ]
    run_import(areas, "networks", [csv_file("status2.csv", update)])
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
    run_import(areas, "networks", [csv_file("s.csv", rows)], accept_warnings=True)
    with areas.connect() as conn:
        assert "Jugendamt Bestadt" in set(conn.execute(select(YouthOffice.name)).scalars())


BAD: list[tuple[str, str, ImportFile, str, int | None, str | None]] = [
    (
        "population-negative-count",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "-5"]]),
        "Negative Anzahlen",
        2,
        "Kinder",
    ),
    (
        "population-fraction",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "12,5"]]),
        "ganze Zahl",
        2,
        "Kinder",
    ),
    (
        "population-absurd",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "crib", "5.000.000"]]),
        "unplausibel groß",
        2,
        "Kinder",
    ),
    (
        "population-unknown-phase",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2024", "Studium", "5"]]),
        "Diese Lebensphase gibt es nicht",
        2,
        "Lebensphase",
    ),
    (
        "population-future",
        "population",
        csv_file("bev.csv", [POP_LONG[0], ["05999004-01", "31.12.2099", "crib", "5"]]),
        "in der Zukunft",
        2,
        "Stichtag",
    ),
    (
        "offers-unknown-type",
        "offers",
        csv_file(
            "a.csv", [OFFERS[0], ["A", "T", "Party", "Kita", "05999004-01", "", "", "", "", ""]]
        ),
        "Diese Angebotsart gibt es nicht",
        2,
        "Angebotsart",
    ),
    (
        "offers-swapped-coordinates",
        "offers",
        csv_file(
            "a.csv", [OFFERS[0], ["A", "T", "Bildung", "Kita", "", "6,55", "51,12", "", "", ""]]
        ),
        "vertauscht",
        2,
        "Breite",
    ),
    (
        "offers-duplicate",
        "offers",
        csv_file("a.csv", [OFFERS[0], OFFERS[1], OFFERS[1]]),
        "Doppeltes Angebot",
        3,
        "Name",
    ),
    (
        "offers-end-before-start",
        "offers",
        csv_file(
            "a.csv",
            [
                OFFERS[0],
                [
                    "A",
                    "T",
                    "Bildung",
                    "Kita",
                    "05999004-01",
                    "",
                    "",
                    "",
                    "01.01.2024",
                    "01.01.2023",
                ],
            ],
        ),
        "Das Ende liegt vor dem Beginn",
        2,
        "Aktiv bis",
    ),
    (
        "offers-missing-columns",
        "offers",
        csv_file("a.csv", [["Name", "Gebiet"], ["A", "05999004"]]),
        "Die Pflichtspalte fehlt",
        1,
        "Träger",
    ),
    (
        "networks-future-quarter",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2099-Q1",
                    "1",
                    "grün",
                    "",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Das Quartal liegt in der Zukunft",
        2,
        "Quartal",
    ),
    (
        "networks-unknown-traffic-light",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2025-Q1",
                    "1",
                    "lila",
                    "",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Unbekannte Ampelfarbe",
        2,
        "Ampel",
    ),
    (
        "networks-unknown-network",
        "networks",
        csv_file("s.csv", [STATUS[0][:4], ["Gibt es nicht", "2025-Q1", "1", "grün"]]),
        "Dieses Netzwerk gibt es nicht",
        2,
        "Netzwerk",
    ),
    (
        "networks-negative-partners",
        "networks",
        csv_file(
            "s.csv",
            [
                STATUS[0],
                [
                    "Frühe Hilfen Adorf",
                    "2025-Q1",
                    "1",
                    "grün",
                    "-3",
                    "",
                    "",
                    "",
                    "fruehe_hilfen",
                    "05999004",
                    "ja_a",
                ],
            ],
        ),
        "Negative Anzahlen",
        2,
        "Partner",
    ),
]


@pytest.mark.parametrize(
    ("kind", "file", "message", "row", "column"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_files_are_rejected_and_nothing_changes(
    areas: Engine, kind: str, file: ImportFile, message: str, row: int | None, column: str | None
) -> None:
    before = fingerprint(areas)
    with pytest.raises(DataError) as info:
        run_import(areas, kind, [file], accept_warnings=True)
    matching = [p for p in info.value.problems if message in p.problem]
    assert matching, [p.problem for p in info.value.problems]
    assert (matching[0].file, matching[0].row, matching[0].column) == (file.name, row, column)
    assert matching[0].fix
    assert fingerprint(areas) == before


def test_today_is_the_limit_for_reference_dates(areas: Engine) -> None:
    today = dt.date.today().strftime("%d.%m.%Y")
    run_import(
        areas,
        "population",
        [csv_file("bev.csv", [POP_LONG[0], ["05999004-01", today, "crib", "5"]])],
    )
    assert children(areas)[("05999004-01", "crib")] == 5

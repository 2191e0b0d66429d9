"""Prevention-chain coverage on a tiny hand-computed Kreis."""

import datetime as dt

import pytest

from core.coverage import (
    chain_completeness,
    chain_summary,
    coverage_cells,
    need_vs_coverage,
    status_of,
    weakest_link,
)
from core.privacy import PrivacyRules
from tests.builders import add_offer, add_population, add_tiny_areas, add_values

D = dt.date
RULES = PrivacyRules(3, 20)


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
        add_population(
            conn,
            [
                ("M1-01", "birth", 30),
                ("M1-01", "crib", 100),
                ("M1-01", "kita", 120),
                ("M1-01", "secondary", 500),
                ("M1-02", "crib", 50),
                ("M1-02", "kita", 2),
                ("M2-01", "crib", 40),
            ],
        )
        add_offer(conn, "M1-01", "betreuung", ["crib"], 30, name="Kita U3")
        add_offer(conn, "M1-01", "betreuung", ["kita"], 114, name="Kita")
        add_offer(
            conn,
            "M1-01",
            "betreuung",
            ["crib"],
            15,
            active_to=D(2024, 12, 31),
            name="Tagespflege (beendet)",
        )
        add_offer(conn, "M1-01", "begegnung", ["birth", "crib"], name="Elterncafé")
        add_offer(conn, "M1-01", "begegnung", ["secondary"], name="Jugendtreff")
        add_offer(conn, "M1-01", "bildung", ["secondary"], name="Lernhilfe")
        add_offer(
            conn, "M1-02", "betreuung", ["crib"], 20, active_from=D(2025, 5, 1), name="Neue Kita U3"
        )
        add_values(
            conn,
            "sgb2_u15",
            [
                ("M1-01", D(2025, 3, 31), 60, 200),
                ("M1-02", D(2025, 3, 31), 5, 100),
                ("M2-01", D(2025, 3, 31), 25, 250),
            ],
        )
    return engine


def cell(df, area, phase):
    row = df[(df["area_id"] == area) & (df["life_phase_id"] == phase)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize(
    ("quarter", "area", "phase", "offers", "coverage", "status", "gap"),
    [
        ("2025-Q1", "M1-01", "crib", 2, 30.0, "Lücke", True),  # 30 places / 100 children
        ("2025-Q1", "M1-01", "birth", 1, 1 / 30 * 1000, "erreicht", False),
        ("2025-Q1", "M1-01", "secondary", 2, 4.0, "Lücke", True),  # 2 offers / 500 children
        ("2025-Q1", "M1-02", "crib", 0, 0.0, "Lücke", True),  # the new Kita is not open yet
        ("2025-Q2", "M1-02", "crib", 1, 40.0, "knapp", True),  # 20 / 50, 89 % of 45
        ("2025-Q1", "M2-01", "crib", 0, 0.0, "Lücke", True),
    ],
)
def test_coverage_cells(tiny, quarter, area, phase, offers, coverage, status, gap) -> None:
    with tiny.connect() as conn:
        c = cell(coverage_cells(conn, quarter, rules=RULES), area, phase)
    assert c["offers"] == offers
    assert c["coverage"] == pytest.approx(coverage)
    assert c["status"] == status
    assert c["gap"] == gap


def test_children_below_threshold_are_suppressed_with_their_neighbour(tiny) -> None:
    with tiny.connect() as conn:
        df = coverage_cells(conn, "2025-Q1", rules=RULES)
    small = cell(df, "M1-02", "kita")
    assert small["suppressed"]
    assert small["children"] != small["children"]  # NaN: not shown
    # the Kommune's total children are shown, so M1-01's Kita cell is hidden too
    neighbour = cell(df, "M1-01", "kita")
    assert neighbour["suppressed"] and neighbour["children"] != neighbour["children"]


def test_chain_summary_and_weakest_link(tiny) -> None:
    with tiny.connect() as conn:
        s = chain_summary(conn, "2025-Q1", "M1", rules=RULES).set_index("life_phase_id")
    assert s.loc["crib", "coverage"] == pytest.approx(30 / 150 * 100)
    assert s.loc["kita", "coverage"] == pytest.approx(114 / 122 * 100)
    assert s.loc["crib", "gap_areas"] == 2
    assert s.index.tolist() == ["birth", "crib", "kita", "primary", "secondary", "transition"]
    assert weakest_link(s.reset_index()) == (
        "Das schwächste Glied der Kette ist „Krippe (0–3)“: 20,0 Plätze je 100 Kinder bei "
        "einem Ziel von 45 (44 % des Ziels); in 2 von 2 Sozialräumen liegt eine Lücke vor."
    )


def test_completeness(tiny) -> None:
    with tiny.connect() as conn:
        grid, share = chain_completeness(conn, "2025-Q1", "M1")
        _, share_m2 = chain_completeness(conn, "2025-Q1", "M2")
    assert len(grid) == 36
    filled = grid[~grid["gap"]][["life_phase_id", "offer_type_id"]].values.tolist()
    assert sorted(map(tuple, filled)) == sorted(
        [
            ("birth", "begegnung"),
            ("crib", "begegnung"),
            ("crib", "betreuung"),
            ("kita", "betreuung"),
            ("secondary", "begegnung"),
            ("secondary", "bildung"),
        ]
    )
    assert share == pytest.approx(6 / 36)
    assert share_m2 == 0.0


def test_need_vs_coverage_quadrants(tiny) -> None:
    with tiny.connect() as conn:
        df = need_vs_coverage(conn, "2025-Q1", phase="crib", rules=RULES).set_index("area_id")
    assert df.loc["M1-01", "quadrant"] == "hoher Bedarf, niedrige Versorgung"
    assert df.loc["M1-02", "quadrant"] == "geringerer Bedarf, niedrige Versorgung"
    assert df.loc["M2-01", "quadrant"] == "geringerer Bedarf, niedrige Versorgung"
    assert "Krippe (0–3)" in df.loc["M1-01", "gaps"]
    # where to look first: the high-need area leads
    assert df.index[0] == "M1-01"


@pytest.mark.parametrize(
    ("ratio", "status"),
    [(1.2, "erreicht"), (1.0, "erreicht"), (0.8, "knapp"), (0.79, "Lücke"), (None, None)],
)
def test_status_thresholds(ratio, status) -> None:
    assert status_of(ratio) == status

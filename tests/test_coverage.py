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
from core.present.chain_tables import chain_table, coverage_table, percent_text
from core.present.vocabulary import quadrant_label
from core.privacy import PrivacyRules
from core.quarters import parse_quarter
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
    assert df.loc["M1-01", "quadrant"] == quadrant_label(True, True)
    assert df.loc["M1-01", "quadrant"] == "hoher Bedarf, niedrige Versorgung"
    assert df.loc["M1-02", "quadrant"] == quadrant_label(False, True)
    assert df.loc["M2-01", "quadrant"] == quadrant_label(False, True)
    assert "Krippe (0–3)" in df.loc["M1-01", "gaps"]
    # where to look first: the high-need area leads
    assert df.index[0] == "M1-01"


@pytest.mark.parametrize(
    ("ratio", "status"),
    [(1.2, "erreicht"), (1.0, "erreicht"), (0.8, "knapp"), (0.79, "Lücke"), (None, None)],
)
def test_status_thresholds(ratio, status) -> None:
    assert status_of(ratio) == status


@pytest.fixture
def edge(engine):
    """Every Grundschule has 59,97 places per 100 children (target 60); Nord's Krippe
    has 161 places for 400 children (40,25 per 100, target 45)."""
    with engine.begin() as conn:
        add_tiny_areas(conn)
        add_population(conn, [("M1-01", "crib", 400)])
        for area in ("M1-01", "M1-02", "M2-01"):
            add_population(conn, [(area, "primary", 10_000)])
            add_offer(conn, area, "betreuung", ["primary"], 5_997, name="OGS")
        add_offer(conn, "M1-01", "betreuung", ["crib"], 161, name="Kita U3")
    return engine


def test_status_is_judged_on_the_figure_as_shown(edge) -> None:
    """59,97 places per 100 are shown as "60,0": against a target of 60 that is "erreicht"
    and 100 %, in core, on the chain, in the table and in its export alike."""
    q = parse_quarter("2025-Q1")
    with edge.connect() as conn:
        c = cell(coverage_cells(conn, q, "M1", RULES), "M1-01", "primary")
        summary = chain_summary(conn, q, "M1", RULES)
        table = coverage_table(conn, q, "M1", RULES)
    assert c["coverage"] == pytest.approx(59.97)
    assert c["ratio"] == 1.0 and c["status"] == "erreicht" and not c["gap"]
    assert percent_text(c["ratio"]) == "100 %"
    rows = (table.shown["Kennung"] == "M1-01") & (
        table.shown["Lebensphase"] == "Grundschule (6–10)"
    )
    row = table.shown[rows].iloc[0]
    assert (row["Versorgung"], row["Ziel"], row["Zielerreichung %"]) == ("60,0", "60", "100 %")
    assert row["Status"] == "✔ erreicht" and row["Lücke"] == "nein"
    exported = table.export[rows].iloc[0]
    assert (exported["Versorgung"], exported["Zielerreichung %"]) == (60.0, 100)
    chain = chain_table(summary, q, "M1").shown.set_index("Lebensphase")
    assert chain.loc["Grundschule (6–10)", "Status"] == "✔ erreicht"
    assert chain.loc["Grundschule (6–10)", "Zielerreichung %"] == "100 %"


def test_coverage_is_rounded_by_din_1333(edge) -> None:
    """161 / 400 = 40,25 places per 100 children: shown as 40,3 (half away from zero),
    not 40,2 (Python's round); the export holds 40.3."""
    q = parse_quarter("2025-Q1")
    with edge.connect() as conn:
        table = coverage_table(conn, q, "M1", RULES)
    mine = table.shown["Kennung"] == "M1-01"
    shown = table.shown[mine].set_index("Lebensphase").loc["Krippe (0–3)"]
    exported = table.export[mine].set_index("Lebensphase").loc["Krippe (0–3)"]
    assert shown["Versorgung"] == "40,3" and exported["Versorgung"] == 40.3
    assert shown["Zielerreichung %"] == "90 %" and shown["Status"] == "◐ knapp"

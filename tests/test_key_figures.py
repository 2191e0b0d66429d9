"""Key figures, trends, new data and stage changes (start page) on a tiny Kreis."""

import datetime as dt

import pytest

from core.catalogue import indicator
from core.key_figures import (
    figures_stand,
    indicator_figure,
    key_figures,
    new_data,
    stage_changes,
    trends,
)
from core.present.overview_tables import trend_table
from core.present.vocabulary import WITHHELD_SIGN
from core.profile import area_networks, indicator_profile, population_by_phase
from core.quarters import parse_quarter
from tests.builders import add_network, add_population, add_tiny_areas, add_values

D = dt.date
Q = parse_quarter


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
        add_values(
            conn,
            "sgb2_u15",
            [
                ("M1-01", D(2025, 3, 31), 20, 200),
                ("M1-02", D(2025, 3, 31), 10, 100),
                ("M1-01", D(2025, 6, 30), 30, 200),
                ("M1-02", D(2025, 6, 30), 15, 100),
            ],
        )
        add_values(
            conn,
            "u3_care",
            [
                ("M1-01", D(2024, 3, 1), 30, 100),
                ("M1-01", D(2025, 3, 1), 36, 100),
            ],
        )
        add_population(conn, [("M1-01", "crib", 100), ("M1-02", "crib", 2)])
        add_network(conn, "FH Eins", "fruehe_hilfen", "M1", "jaA", {"2025-Q1": 1, "2025-Q2": 2})
        add_network(conn, "SRK Nord", "sozialraumkonferenz", "M1-01", "jaA", {"2025-Q2": 3})
        add_network(conn, "SRK Süd", "sozialraumkonferenz", "M1-02", "jaA", {"2025-Q2": 1})
    return engine


def test_monthly_figure_compares_with_the_quarter_before(tiny) -> None:
    with tiny.connect() as conn:
        fig = indicator_figure(conn, indicator(conn, "sgb2_u15"), Q("2025-Q2"), "M1")
    assert fig.value == "15,0 %"  # 45 / 300
    assert fig.delta == "+5,0 Pp."  # against 30 / 300 at 31.03.
    assert fig.delta_color == "inverse"  # up is bad
    assert fig.stand == D(2025, 6, 30)


def test_annual_figure_compares_with_the_previous_stichtag(tiny) -> None:
    with tiny.connect() as conn:
        fig = indicator_figure(conn, indicator(conn, "u3_care"), Q("2025-Q4"), None)
    assert fig.value == "36,0 %"
    assert fig.delta == "+6,0 Pp."
    assert fig.delta_color == "normal"
    assert "vorherigen Stichtag" in fig.help


def test_key_figures_and_changes(tiny) -> None:
    with tiny.connect() as conn:
        figs = {f.key: f for f in key_figures(conn, Q("2025-Q2"), "M1")}
        fresh = new_data(conn, Q("2025-Q2"))
        moved = stage_changes(conn, Q("2025-Q2"), "M1")
    assert figs["networks_stage3"].value == "1 von 3"
    assert figs["networks_stage3"].delta == "+1"
    assert figs["open_gaps"].value.isdigit()
    assert fresh["indicator_id"].tolist() == ["sgb2_u15"]
    assert moved["name"].tolist() == ["FH Eins"]


def test_profile_parts(tiny) -> None:
    quarters = [parse_quarter("2025-Q1"), parse_quarter("2025-Q2")]
    with tiny.connect() as conn:
        pop = population_by_phase(conn, "M1-02", "2025-Q2").set_index("life_phase_id")
        prof = indicator_profile(conn, "M1-01", "2025-Q2", quarters).set_index("indicator_id")
        nets = area_networks(conn, "M1-01", "2025-Q2")
    assert pop.loc["crib", "display"] == WITHHELD_SIGN
    assert prof.loc["sgb2_u15", "display"] == "15,0 %"
    assert prof.loc["sgb2_u15", "municipality_display"] == "15,0 %"
    assert prof.loc["sgb2_u15", "series"] == pytest.approx([10.0, 15.0])
    # the area's own conference and the Kommune's network, not the neighbour's conference
    assert sorted(nets["name"]) == ["FH Eins", "SRK Nord"]


def test_change_is_the_difference_of_the_rounded_values(tiny) -> None:
    """59,97 and 60,04 both show as 60,0: the change shown beside them is ±0,0."""
    with tiny.begin() as conn:
        add_values(
            conn,
            "ue3_care",
            [("M1-01", D(2024, 3, 1), 5997, 10000), ("M1-01", D(2025, 3, 1), 6004, 10000)],
        )
    with tiny.connect() as conn:
        entry = indicator(conn, "ue3_care")
        first = indicator_figure(conn, entry, Q("2024-Q2"), None)
        fig = indicator_figure(conn, entry, Q("2025-Q2"), None)
    assert first.value == "60,0 %"  # 59.97, rounded by DIN 1333
    assert first.delta is None  # nothing earlier
    assert fig.value == "60,0 %"
    assert fig.delta == "±0,0 Pp."
    assert fig.delta_color == "off" and fig.unchanged
    assert "Stand: 01.03.2025" in fig.help


def test_figures_round_half_away_from_zero(tiny) -> None:
    with tiny.begin() as conn:
        add_values(conn, "ogs", [("M1-01", D(2024, 10, 15), 161, 400)])
    with tiny.connect() as conn:
        fig = indicator_figure(conn, indicator(conn, "ogs"), Q("2024-Q4"), "M1")
    assert fig.value == "40,3 %"  # 161 / 400 * 100 = 40.25


def test_each_figure_has_its_own_stand_and_the_union_covers_all(tiny) -> None:
    with tiny.connect() as conn:
        figs = {f.key: f for f in key_figures(conn, Q("2025-Q2"), "M1")}
    assert figs["sgb2_u15"].stand == D(2025, 6, 30)
    assert figs["u3_care"].stand == D(2025, 3, 1)
    assert figs["children_u18"].stand is None and figs["children_u18"].value == "–"
    assert figs["open_gaps"].stand == D(2025, 6, 30)
    stand = figures_stand(figs.values())
    assert stand.text == "01.03.2025 bis 30.06.2025"
    assert all(stand.first <= f.stand <= stand.last for f in figs.values() if f.stand)


def test_trends_end_with_the_quarters_given(tiny) -> None:
    with tiny.connect() as conn:
        both = {t.entry.id: t for t in trends(conn, (Q("2025-Q1"), Q("2025-Q2")), "M1")}
        first = {t.entry.id: t for t in trends(conn, (Q("2025-Q1"),), "M1")}
    assert both["sgb2_u15"].series["label"].tolist() == ["Q1/2025", "Q2/2025"]
    assert both["sgb2_u15"].series["value"].tolist() == pytest.approx([10.0, 15.0])
    assert first["sgb2_u15"].series["quarter"].tolist() == ["2025-Q1"]
    table = trend_table(list(first.values()))
    assert set(table.shown["Quartal"]) == {"Q1/2025"}
    assert table.stand.last is not None and table.stand.last <= Q("2025-Q1").end

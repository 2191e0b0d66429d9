"""Network status, change against the previous quarter, distribution and quality blocks."""

import pytest

from core.networks import (
    change_symbol,
    network_history,
    network_matrix,
    quality_progress,
    stage_distribution,
    status_table,
)
from core.quarters import parse_quarter
from tests.builders import add_network, add_quality, add_tiny_areas


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
        add_network(
            conn, "Frühe Hilfen Eins", "fruehe_hilfen", "M1", "jaA", {"2025-Q2": 1, "2025-Q3": 2}
        )
        add_network(
            conn, "Kinderschutz Eins", "kinderschutz", "M1", "jaA", {"2025-Q2": 3, "2025-Q3": 2}
        )
        add_network(conn, "Ganztag Eins", "ganztag", "M1", "jaA", {"2025-Q2": 2})
        add_network(conn, "Planung Zwei", "planung", "K", "jaB", {"2025-Q3": 1})
        add_quality(conn, "jaA", "2025-Q2", {"1.1": "in_progress", "1.2": "open"})
        add_quality(conn, "jaA", "2025-Q3", {"1.1": "done", "1.2": "open"})
    return engine


def test_status_and_change(tiny) -> None:
    with tiny.connect() as conn:
        df = status_table(conn, "2025-Q3", youth_office_id="jaA").set_index("name")
    assert df.loc["Frühe Hilfen Eins", "change"] == "↑"
    assert df.loc["Frühe Hilfen Eins", "stage_label"] == "Kooperationsnetzwerk"
    assert df.loc["Kinderschutz Eins", "change"] == "↓"
    # not reported this quarter: still listed, so the gap shows
    assert not df.loc["Ganztag Eins", "reported"]
    assert df.loc["Ganztag Eins", "change"] == "–"
    assert "Planung Zwei" not in df.index


def test_municipality_filter_uses_its_youth_office(tiny) -> None:
    with tiny.connect() as conn:
        m2 = status_table(conn, "2025-Q3", municipality_id="M2")
    assert m2["name"].tolist() == ["Planung Zwei"]
    assert m2["change"].tolist() == ["neu"]


def test_stage_distribution(tiny) -> None:
    quarters = [parse_quarter("2025-Q2"), parse_quarter("2025-Q3")]
    with tiny.connect() as conn:
        df = stage_distribution(conn, quarters)
    q3_a = df[(df["quarter"] == "2025-Q3") & (df["youth_office_id"] == "jaA")]
    assert dict(zip(q3_a["stage"], q3_a["networks"], strict=True)) == {2: 2}
    q2_a = df[(df["quarter"] == "2025-Q2") & (df["youth_office_id"] == "jaA")]
    assert dict(zip(q2_a["stage"], q2_a["networks"], strict=True)) == {1: 1, 2: 1, 3: 1}


def test_quality_progress_change(tiny) -> None:
    with tiny.connect() as conn:
        df = quality_progress(conn, "2025-Q3", "jaA").set_index("item_id")
    assert df.loc["1.1", "state_label"] == "erledigt"
    assert df.loc["1.1", "change"] == "↑"
    assert df.loc["1.2", "change"] == ""


def test_history_and_matrix(tiny) -> None:
    with tiny.connect() as conn:
        nid = status_table(conn, "2025-Q3", youth_office_id="jaA")["network_id"].iloc[0]
        hist = network_history(conn, int(nid))
        matrix = network_matrix(conn)
    assert hist["quarter"].tolist() == ["2025-Q2", "2025-Q3"]
    assert len(matrix) == 2 * 10
    row = matrix[(matrix["youth_office_id"] == "jaB") & (matrix["kind_id"] == "fruehe_hilfen")]
    assert row["networks"].iloc[0] == 0  # a missing network shows as 0


@pytest.mark.parametrize(
    ("stage", "previous", "symbol"),
    [(2, 1, "↑"), (1, 2, "↓"), (2, 2, "="), (2, None, "neu"), (None, 2, "–")],
)
def test_change_symbol(stage, previous, symbol) -> None:
    assert change_symbol(stage, previous) == symbol


def test_stage_trend_sums_offices_and_keeps_empty_stages(tiny) -> None:
    from core.networks import stage_trend

    quarters = [parse_quarter("2025-Q2"), parse_quarter("2025-Q3")]
    with tiny.connect() as conn:
        df = stage_trend(conn, quarters)
        only_fh = stage_trend(conn, quarters, kind_id="fruehe_hilfen")
    q3 = df[df["quarter"] == "2025-Q3"].set_index("stage")["networks"].to_dict()
    assert q3 == {1: 1, 2: 2, 3: 0}  # jaB's Planung (1) plus jaA's two networks at stage 2
    assert only_fh[only_fh["quarter"] == "2025-Q2"]["networks"].tolist() == [1, 0, 0]
    assert df["label"].iloc[0] == "Q2/2025"


def test_quality_matrix_has_symbol_word_and_change(tiny) -> None:
    from core.networks import quality_matrix

    with tiny.connect() as conn:
        df = quality_matrix(conn, "2025-Q3").set_index("item_id")
    assert df.loc["1.1", "Jugendamt A"] == "✅ erledigt ↑"
    assert df.loc["1.2", "Jugendamt A"] == "⬜ offen"


def test_presence_matrix_marks_missing_networks(tiny) -> None:
    from core.networks import presence_matrix

    with tiny.connect() as conn:
        df = presence_matrix(conn).set_index("kind")
    assert list(df.columns) == ["Jugendamt A", "Jugendamt B"]
    assert df.loc["Frühe Hilfen", "Jugendamt A"] == "✓"
    assert df.loc["Frühe Hilfen", "Jugendamt B"] == "fehlt"
    assert len(df) == 10

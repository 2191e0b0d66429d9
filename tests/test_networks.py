"""Network status, change against the previous quarter, distribution and quality blocks;
the network tables (shown and exported) and the network slides, all in the one
vocabulary."""

from pathlib import Path

import pandas as pd
import pytest

from core.catalogue import network_stages
from core.networks import (
    change_symbol,
    network_history,
    network_matrix,
    presence_matrix,
    stage_distribution,
    stage_trend,
    status_table,
)
from core.present.network_tables import (
    CRITERIA,
    SECTORS,
    SOURCE,
    history_of,
    network_status_table,
    presence_of,
    trend_of,
)
from core.present.vocabulary import (
    NOT_REPORTED,
    NOT_REPORTED_COLOUR,
    QUALITY_STATES,
    TRAFFIC_LIGHTS,
    stage_colour,
)
from core.quality import quality_progress
from core.quarters import Quarter, parse_quarter
from core.reports.network_slides import network_slide
from core.reports.quality_slides import quality_slide
from tests.builders import add_network, add_quality, add_tiny_areas

ROOT = Path(__file__).resolve().parent.parent
Q2, Q3 = Quarter(2025, 2), Quarter(2025, 3)


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
        df = status_table(conn, Q3, youth_office_id="jaA").set_index("name")
    assert df.loc["Frühe Hilfen Eins", "change"] == "↑"
    assert df.loc["Frühe Hilfen Eins", "stage_label"] == "Kooperationsnetzwerk"
    assert df.loc["Frühe Hilfen Eins", "traffic_light_label"] == TRAFFIC_LIGHTS["gruen"].word
    assert df.loc["Kinderschutz Eins", "change"] == "↓"
    # not reported this quarter: still listed, so the gap shows
    assert not df.loc["Ganztag Eins", "reported"]
    assert df.loc["Ganztag Eins", "change"] == "–"
    assert "Planung Zwei" not in df.index


def test_municipality_filter_uses_its_youth_office(tiny) -> None:
    with tiny.connect() as conn:
        m2 = status_table(conn, Q3, municipality_id="M2")
    assert m2["name"].tolist() == ["Planung Zwei"]
    assert m2["change"].tolist() == ["neu"]


def test_stage_distribution(tiny) -> None:
    with tiny.connect() as conn:
        df = stage_distribution(conn, (Q2, Q3))
    q3_a = df[(df["quarter"] == "2025-Q3") & (df["youth_office_id"] == "jaA")]
    assert dict(zip(q3_a["stage"], q3_a["networks"], strict=True)) == {2: 2}
    q2_a = df[(df["quarter"] == "2025-Q2") & (df["youth_office_id"] == "jaA")]
    assert dict(zip(q2_a["stage"], q2_a["networks"], strict=True)) == {1: 1, 2: 1, 3: 1}


def test_quality_progress_change(tiny) -> None:
    with tiny.connect() as conn:
        df = quality_progress(conn, Q3, "jaA").set_index("item_id")
    assert df.loc["1.1", "state_label"] == QUALITY_STATES["done"].word == "erreicht"
    assert df.loc["1.1", "change"] == "↑"
    assert df.loc["1.2", "change"] == ""


def test_history_and_matrix(tiny) -> None:
    with tiny.connect() as conn:
        nid = int(status_table(conn, Q3, youth_office_id="jaA")["network_id"].iloc[0])
        hist = network_history(conn, nid, (Q2, Q3))
        matrix = network_matrix(conn)
    assert hist["quarter"].tolist() == ["2025-Q2", "2025-Q3"]
    assert len(matrix) == 2 * 10
    row = matrix[(matrix["youth_office_id"] == "jaB") & (matrix["kind_id"] == "fruehe_hilfen")]
    assert row["networks"].iloc[0] == 0  # a missing network shows as 0


def test_history_ends_at_the_last_quarter_asked_for(tiny) -> None:
    """A Selection's history ends at the Berichtsquartal: a later report never shows."""
    with tiny.connect() as conn:
        nid = int(status_table(conn, Q3, youth_office_id="jaA")["network_id"].iloc[0])
        hist = network_history(conn, nid, (Q2,))
    assert hist["quarter"].tolist() == ["2025-Q2"]
    table = history_of(hist, "Frühe Hilfen Eins", nid)
    assert table.shown["Quartal"].tolist() == ["2. Quartal 2025"]
    assert table.stand.text == "30.06.2025"


@pytest.mark.parametrize(
    ("stage", "previous", "symbol"),
    [(2, 1, "↑"), (1, 2, "↓"), (2, 2, "→"), (2, None, "neu"), (None, 2, "–")],
)
def test_change_symbol(stage, previous, symbol) -> None:
    assert change_symbol(stage, previous) == symbol


def test_stage_trend_sums_offices_and_keeps_empty_stages(tiny) -> None:
    with tiny.connect() as conn:
        df = stage_trend(conn, (Q2, Q3))
        only_fh = stage_trend(conn, (Q2, Q3), kind_id="fruehe_hilfen")
        older = stage_trend(conn, (Q2,))
    q3 = df[df["quarter"] == "2025-Q3"].set_index("stage")["networks"].to_dict()
    assert q3 == {1: 1, 2: 2, 3: 0}  # jaB's Planung (1) plus jaA's two networks at stage 2
    assert only_fh[only_fh["quarter"] == "2025-Q2"]["networks"].tolist() == [1, 0, 0]
    assert df["label"].iloc[0] == "Q2/2025"
    assert set(older["quarter"]) == {"2025-Q2"}
    table = trend_of(df, (Q2, Q3))
    assert table.stand.text == "30.06.2025 bis 30.09.2025"  # a series: the range of its rows
    assert table.export["Netzwerke"].tolist()[-3:] == [1, 2, 0]


def test_presence_matrix_marks_missing_networks(tiny) -> None:
    with tiny.connect() as conn:
        df = presence_matrix(conn).set_index("kind")
    assert list(df.columns) == ["expected_level", "Jugendamt A", "Jugendamt B"]
    assert df.loc["Frühe Hilfen", "Jugendamt A"] == "✓"
    assert df.loc["Frühe Hilfen", "Jugendamt B"] == "fehlt"
    assert len(df) == 10


@pytest.fixture
def levels(engine):
    """Kreis K (its own youth office jaB, Kommune M2) and Stadt Eins (jaA, two
    Sozialräume): a Gesundheitskonferenz for the whole Kreis, a Bildungsnetzwerk of
    Stadt Eins only, a Sozialraumkonferenz in one of its two Sozialräume."""
    with engine.begin() as conn:
        add_tiny_areas(conn)
        add_network(conn, "Gesundheitskonferenz K", "gesundheitskonferenz", "K", "jaB", {})
        add_network(conn, "Bildungsnetzwerk Eins", "bildungsnetzwerk", "M1", "jaA", {})
        add_network(conn, "Sozialraumkonferenz Nord", "sozialraumkonferenz", "M1-01", "jaA", {})
        add_network(conn, "Sozialraumkonferenz Dorf", "sozialraumkonferenz", "M2-01", "jaB", {})
    return engine


def test_presence_counts_each_kind_at_its_expected_level(levels) -> None:
    with levels.connect() as conn:
        df = presence_matrix(conn).set_index("kind")
        table = presence_of(presence_matrix(conn))
    assert df.loc["Kommunale Gesundheitskonferenz", "expected_level"] == "kreis"
    # the Kreis's conference counts for every youth office in the Kreis
    assert df.loc["Kommunale Gesundheitskonferenz", "Jugendamt A"] == "✓ Kreis"
    assert df.loc["Kommunale Gesundheitskonferenz", "Jugendamt B"] == "✓"
    # a city's own Bildungsnetzwerk does not count for the rest of the Kreis
    assert df.loc["Bildungsnetzwerk", "Jugendamt A"] == "✓"
    assert df.loc["Bildungsnetzwerk", "Jugendamt B"] == "fehlt"
    # Sozialraumkonferenzen are counted per Sozialraum, never "fehlt"
    assert df.loc["Sozialraumkonferenz", "Jugendamt A"] == "1 von 2"
    assert df.loc["Sozialraumkonferenz", "Jugendamt B"] == "✓"
    assert "fehlt" not in set(df.loc["Sozialraumkonferenz"])
    assert df.loc["Frühe Hilfen", "Jugendamt A"] == "fehlt"  # expected per Jugendamt
    shown = table.shown.set_index("Netzwerkart")
    assert list(table.shown.columns)[:2] == ["Netzwerkart", "erwartet je"]
    assert shown.loc["Kommunale Gesundheitskonferenz", "erwartet je"] == "Kreis"
    assert shown.loc["Sozialraumkonferenz", "erwartet je"] == "Sozialraum"
    assert shown.loc["Frühe Hilfen", "erwartet je"] == "Jugendamt"


def test_no_sozialraum_covered_reads_as_a_count_not_as_missing(levels) -> None:
    with levels.begin() as conn:
        conn.exec_driver_sql("delete from network where kind_id = 'sozialraumkonferenz'")
    with levels.connect() as conn:
        df = presence_matrix(conn).set_index("kind")
    assert df.loc["Sozialraumkonferenz", "Jugendamt A"] == "0 von 2"
    assert df.loc["Sozialraumkonferenz", "Jugendamt B"] == "0 von 1"


# --- the status table: one builder, two faces -------------------------------------------


def test_status_table_shown_and_export_are_the_same_rows_and_columns(tiny) -> None:
    with tiny.connect() as conn:
        table = network_status_table(conn, Q3, youth_office_id="jaA")
    shown, export = table.shown.set_index("Netzwerk"), table.export.set_index("Netzwerk")
    assert list(shown.columns) == list(export.columns)
    assert list(shown.index) == list(export.index)
    assert shown.loc["Frühe Hilfen Eins", "Partner"] == "12"  # text on screen
    assert export.loc["Frühe Hilfen Eins", "Partner"] == 12  # a number in the file
    assert shown.loc["Frühe Hilfen Eins", "Ampel"] == TRAFFIC_LIGHTS["gruen"].text
    gap = shown.loc["Ganztag Eins"]
    assert (gap["Stufe"], gap["Veränderung"], gap["Partner"]) == (NOT_REPORTED, NOT_REPORTED, "–")
    assert export["Partner"].isna().loc["Ganztag Eins"]
    text_columns = [c for c in shown.columns if c not in ("Partner", "Treffen im Quartal")]
    assert shown[text_columns].equals(export[text_columns])
    # the Stand of a status row is the end of the quarter it reports on
    assert (export["Stand"] == "30.09.2025").all()
    assert table.stand.label == "Datenstand: 30.09.2025"
    assert (export["Quelle"] == SOURCE).all()
    assert (export["Quartal"] == "3. Quartal 2025").all()
    assert table.file_name == "netzwerkstatus_2025-Q3.csv"


def test_status_table_without_networks_is_empty_with_its_columns(engine) -> None:
    with engine.connect() as conn:
        table = network_status_table(conn, Q3)
    assert table.shown.empty and "Netzwerk" in table.shown.columns
    assert table.stand.empty


def test_export_networks_is_the_status_table(tiny) -> None:
    from core.exporting import export_table

    with tiny.connect() as conn:
        for q in (Q2, Q3):
            exported = export_table(conn, "networks", q.key, "M1")
            built = network_status_table(conn, q, "M1").export
            assert exported.equals(built)


# --- the slides: the same vocabulary, the same table ---------------------------------------


def test_network_slide_uses_the_vocabulary_and_the_status_table(tiny) -> None:
    with tiny.connect() as conn:
        slide = network_slide(conn, Q3, None)
        table = network_status_table(conn, Q3)
        stages = network_stages(conn).set_index("id")["label"].to_dict()
    bars = slide["charts"][0]["series"]
    colours = [stage_colour(1), stage_colour(2), stage_colour(3), NOT_REPORTED_COLOUR]
    assert [s["colour"] for s in bars] == colours
    assert [s["name"] for s in bars] == [stages[1], stages[2], stages[3], NOT_REPORTED]
    listing = next(t for t in slide["tables"] if t["name"] == "Netzwerke Liste")
    # the handout's list: the page's columns without the two long texts (partners by
    # sector, met criteria), which stay on the page and in its CSV
    handout = [c for c in table.export.columns if c not in (SECTORS, CRITERIA)]
    assert listing["columns"] == handout
    assert [r[0] for r in listing["rows"]] == table.export["Netzwerk"].tolist()
    partners = listing["columns"].index("Partner")
    assert [r[partners] for r in listing["rows"]] == [
        None if pd.isna(v) else v for v in table.export["Partner"]
    ]
    shown = table.shown[handout].to_numpy().tolist()  # slides and PDF: as shown
    assert [row[: len(handout)] for row in listing["text"]] == shown
    assert slide["source"] == SOURCE
    # the slide's Stand is the Berichtsquartal's; the trend names its own quarters
    assert slide["stand"] == "30.09.2025"


def test_quality_slide_uses_the_quality_states(tiny) -> None:
    with tiny.connect() as conn:
        slide = quality_slide(conn, Q3, None)
    series = slide["charts"][0]["series"]
    assert [(s["name"], s["colour"]) for s in series] == [
        (t.word, t.colour) for t in QUALITY_STATES.values()
    ]
    assert slide["stand"] == "30.09.2025"


def test_one_youth_office_shortener_and_no_local_label_copies() -> None:
    """The vocabulary is the only home of the shortener and of the labels and colours
    of stages, traffic lights and quality states."""
    files = [
        ROOT / "core" / "networks.py",
        ROOT / "core" / "reports" / "network_slides.py",
        ROOT / "core" / "present" / "network_tables.py",
        ROOT / "ui" / "network_charts.py",
        ROOT / "ui" / "network_tables.py",
        ROOT / "ui" / "network_review.py",
        ROOT / "pages" / "networks.py",
    ]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "def short_office" not in text, path.name
        for copy in ("STAGE_COLOURS =", "STATE_NAMES", "STATE_LABELS", "TRAFFIC_COLOURS"):
            assert copy not in text, (path.name, copy)
        assert '"begonnen"' not in text and '"erreicht"' not in text, path.name


def test_quarters_are_typed() -> None:
    assert parse_quarter(Q3) is Q3  # callers at the edge parse once; core takes a Quarter

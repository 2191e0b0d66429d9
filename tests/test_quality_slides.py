"""The Qualitätsbausteine slide of the Sitzungsvorlage on the demo data: states per
Jugendamt, the changes since the previous quarter and the evidence of reached items,
the same tables as the page."""

from __future__ import annotations

from core.present.quality_tables import changes_of, evidence_of
from core.quality import quality_changes, quality_progress
from core.quarters import parse_quarter
from core.reports.quality_slides import quality_slide

Q = parse_quarter("2026-Q3")


def _table(slide: dict, name: str) -> dict:
    return next(t for t in slide["tables"] if t["name"] == name)


def test_the_slide_counts_states_and_names_changes_and_evidence(demo_engine) -> None:
    with demo_engine.connect() as conn:
        slide = quality_slide(conn, Q, None)
        progress = quality_progress(conn, Q)
    assert [s["name"] for s in slide["charts"][0]["series"]] == ["erreicht", "begonnen", "offen"]
    summary = _table(slide, "Qualitätsbausteine")
    assert summary["columns"][:4] == ["Jugendamt", "erreicht", "begonnen", "offen"]
    assert all(sum(row[1:4]) == 13 for row in summary["rows"])  # every office: 13 items
    changes = changes_of(quality_changes(progress), Q, True)
    assert len(changes.shown) > 0
    assert (
        _table(slide, "Qualität Veränderungen")["text"] == changes.shown.astype(str).values.tolist()
    )
    assert f"{len(changes.shown)} haben sich seit dem Vorquartal verändert" in slide["lead"]
    first = changes.shown.iloc[0]
    assert slide["bullets"][0] == f"{first['Jugendamt']}, {first['Punkt']}: {first['Veränderung']}"
    evidence = _table(slide, "Qualität Nachweise")
    states = [row[evidence["columns"].index("Stand des Punkts")] for row in evidence["text"]]
    assert states and all(s.startswith("● erreicht") for s in states)
    titles = [row[evidence["columns"].index("Nachweis")] for row in evidence["text"]]
    assert all(titles) and any("Beschluss JHA" in t for t in titles)
    assert (
        evidence["text"]
        == evidence_of(progress[progress["state"] == "done"].reset_index(drop=True), Q, True)
        .shown.astype(str)
        .values.tolist()
    )
    assert slide["stand"] == "30.09.2026"


def test_the_slide_carries_the_steering_of_each_jugendamt(demo_engine) -> None:
    """Baustein 4 in the Sitzungsvorlage: per Jugendamt the Leitbild, the group, the
    Koordinationsstelle with its funding end and the latest decision, as of the quarter."""
    with demo_engine.connect() as conn:
        slide = quality_slide(conn, Q, None)
        offices = quality_progress(conn, Q)["youth_office_id"].nunique()
    steering = _table(slide, "Steuerung (Baustein 4)")
    assert steering["columns"][0] == "Jugendamt"
    assert len(steering["rows"]) == offices
    funded = steering["columns"].index("Koordinationsstelle: Förderung bis")
    assert any(row[funded][:2].isdigit() for row in steering["rows"])  # a German date
    leitbild = steering["columns"].index("Leitbild beschlossen am")
    assert "–" in [row[leitbild] for row in steering["rows"]]  # not every office has one yet

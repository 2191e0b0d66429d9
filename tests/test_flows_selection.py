"""A link with an unknown Sozialraum (``?gebiet=…``): the note names exactly the
Sozialraum that is shown instead, for the whole Kreis and within a Kommune."""

from __future__ import annotations

import pytest

from core.catalogue import IndicatorEntry
from core.quarters import parse_quarter
from core.selection import AreaChoice, Choices, load_choices, parse_selection, resolve_area
from tests.app_support import open_app

NEUSS = "05162024"


def _choices(*areas: AreaChoice) -> Choices:
    entry = IndicatorEntry(
        "sgb2_u15",
        "SGB-II-Quote",
        "SGB II",
        "rate",
        "%",
        100,
        "",
        "",
        None,
        "",
        "",
        "monthly",
        "higher_worse",
        1,
        "Armut",
    )
    munis = {"m1": "Aberg", "m2": "Beheim"}
    return Choices((parse_quarter("2026-Q3"),), munis, (entry,), areas=areas)


def test_an_unknown_area_falls_back_to_the_first_listed_and_the_note_names_it() -> None:
    choices = _choices(
        AreaChoice("m1-2", "Altstadt", "m1", "Aberg"),
        AreaChoice("m1-1", "Zentrum", "m1", "Aberg"),
        AreaChoice("m2-1", "Am Bach", "m2", "Beheim"),
    )
    area, note = resolve_area("unsinn", choices, None)
    assert area == "m1-2"
    assert note is not None and "„unsinn“" in note
    assert note.endswith("Gezeigt wird der Sozialraum „Altstadt (Aberg)“.")
    assert resolve_area("unsinn", choices, "m2") == (
        "m2-1",
        "Der Link enthielt das Gebiet „unsinn“, das es nicht gibt. Gezeigt wird der "
        "Sozialraum „Am Bach (Beheim)“.",
    )
    assert resolve_area("m2-1", choices, "m1") == ("m2-1", None)  # known: kept
    assert resolve_area(None, choices, None) == (None, None)
    sel = parse_selection({"gebiet": "unsinn", "kommune": "m2"}, choices)
    assert sel.area_id == "m2-1" and "Am Bach (Beheim)" in sel.notes[0]


def test_the_demo_lists_areas_in_the_steckbrief_order(demo_engine) -> None:
    with demo_engine.connect() as conn:
        choices = load_choices(conn)
    keys = [(a.municipality_name, a.name) for a in choices.areas]
    assert len(keys) == 61 and keys == sorted(keys)


@pytest.mark.parametrize("params", [{}, {"kommune": NEUSS}], ids=["kreis", "neuss"])
def test_the_note_and_the_shown_area_agree(monkeypatch, demo_url, params) -> None:
    at = open_app(monkeypatch, demo_url, "steckbrief", params={"gebiet": "nonsense", **params})
    box = at.selectbox(key="profile_area")
    shown_label = box.options[box.index]
    notes = [w.value for w in at.sidebar.warning if "nonsense" in w.value]
    assert len(notes) == 1
    assert notes[0].endswith(f"Gezeigt wird der Sozialraum „{shown_label}“.")
    assert box.index == 0  # the first of the list, as the note says
    assert at.query_params["gebiet"] == box.value  # the URL names what is shown
    if params:
        assert "(Neuss)" in shown_label

    # choosing another Sozialraum ends the note
    at.selectbox(key="profile_area").select_index(1).run()
    assert not [w for w in at.sidebar.warning if "nonsense" in w.value]

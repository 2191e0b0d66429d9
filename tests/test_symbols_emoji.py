"""No emoji in anything a user reads: thin clients without an emoji font show them as
empty boxes. Traffic lights, quality states and chain statuses are text shapes that
DejaVu Sans (the PDF font, and the fallback of every Linux desktop) draws, always with
their word; on screen their table cells carry the term's tint."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib import ft2font

from core.networks import presence_matrix
from core.present.network_tables import network_status_table, presence_of
from core.present.vocabulary import (
    QUALITY_LEGEND,
    QUALITY_STATES,
    STAGE_CHANGE,
    STATUSES,
    TEXT_COLOUR,
    TRAFFIC_LIGHT_HELP,
    TRAFFIC_LIGHTS,
    WITHHELD_SIGN,
    cell_term,
)
from core.quarters import parse_quarter

ROOT = Path(__file__).resolve().parent.parent
#: code whose string constants end up as text on a page, slide, handout or file
TEXT_SOURCES = ("core", "ui", "pages", "app.py")

#: Emoji_Presentation=Yes below U+1F000 (Unicode emoji-data.txt): shown as a coloured
#: picture by default, so as a box where no emoji font is installed
_BMP_EMOJI = [
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3),
    (0x25FD, 0x25FE), (0x2614, 0x2615), (0x2648, 0x2653), (0x267F, 0x267F),
    (0x2693, 0x2693), (0x26A1, 0x26A1), (0x26AA, 0x26AB), (0x26BD, 0x26BE),
    (0x26C4, 0x26C5), (0x26CE, 0x26CE), (0x26D4, 0x26D4), (0x26EA, 0x26EA),
    (0x26F2, 0x26F3), (0x26F5, 0x26F5), (0x26FA, 0x26FA), (0x26FD, 0x26FD),
    (0x2705, 0x2705), (0x270A, 0x270B), (0x2728, 0x2728), (0x274C, 0x274C),
    (0x274E, 0x274E), (0x2753, 0x2755), (0x2757, 0x2757), (0x2795, 0x2797),
    (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
]  # fmt: skip


def is_emoji(char: str) -> bool:
    """A pictograph (U+1F000–U+1FAFF), a character shown as emoji by default, or the
    selector U+FE0F that turns a text symbol such as ✔ into an emoji."""
    code = ord(char)
    return (
        0x1F000 <= code <= 0x1FAFF
        or code == 0xFE0F
        or any(lo <= code <= hi for lo, hi in _BMP_EMOJI)
    )


def emoji_in(text: str) -> list[str]:
    return [c for c in text if is_emoji(c)]


def _python_files() -> list[Path]:
    files: list[Path] = []
    for name in TEXT_SOURCES:
        path = ROOT / name
        if path.is_file():
            files.append(path)
            continue
        for folder, _, names in os.walk(path):
            files += [Path(folder) / n for n in names if n.endswith(".py")]
    return sorted(files)


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_the_check_knows_an_emoji_from_a_text_symbol() -> None:
    assert emoji_in("🟢 grün ✅ ⬜ 🔶 ✔\ufe0f")  # the former traffic lights and states
    assert emoji_in("🟢") == ["🟢"] and emoji_in("✅") == ["✅"] and emoji_in("⬜") == ["⬜"]
    assert not emoji_in("● grün ▲ gelb ■ rot ◐ ○ ✔ ✖ ✓ ↑ ↓ → – • ±")


def test_no_string_in_the_code_of_pages_outputs_and_widgets_holds_an_emoji() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {''.join(emoji_in(text))}"
        for path in _python_files()
        for line, text in _string_constants(path)
        if emoji_in(text)
    ]
    assert len(_python_files()) > 50  # the walk found the code
    assert not found, "Emoji in Texten der Oberfläche:\n" + "\n".join(found)


def _dejavu() -> ft2font.FT2Font:
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return ft2font.FT2Font(str(path))


@pytest.mark.parametrize(
    "symbol",
    sorted(
        {t.symbol for t in (*TRAFFIC_LIGHTS.values(), *QUALITY_STATES.values())}
        | {t.symbol for t in STATUSES.values()}
        | set(STAGE_CHANGE.values())
        | {WITHHELD_SIGN}
    ),
)
def test_every_status_symbol_is_a_text_glyph_of_dejavu_sans(symbol: str) -> None:
    assert not emoji_in(symbol)
    assert _dejavu().get_char_index(ord(symbol)) != 0, f"{symbol!r} fehlt in DejaVu Sans"


def test_traffic_lights_and_quality_states_differ_in_shape_not_only_in_colour() -> None:
    for terms in (TRAFFIC_LIGHTS, QUALITY_STATES):
        assert len({t.symbol for t in terms.values()}) == len(terms)
        assert len({t.word for t in terms.values()}) == len(terms)
    assert TRAFFIC_LIGHT_HELP == (
        "● grün: läuft wie geplant · ▲ gelb: Schwierigkeiten · ■ rot: Arbeit gefährdet"
    )
    assert QUALITY_LEGEND == "● erreicht, ◐ begonnen, ○ offen"


def test_the_entry_form_explains_the_lights_as_the_tables_show_them() -> None:
    from ui.network_form import HELP_LIGHT
    from ui.network_tables import STATUS_AID

    assert HELP_LIGHT == TRAFFIC_LIGHT_HELP
    assert TRAFFIC_LIGHT_HELP in STATUS_AID


Q3 = parse_quarter("2026-Q3")


def test_network_tables_of_the_demo_show_shapes_and_words(demo_engine) -> None:
    with demo_engine.connect() as conn:
        status = network_status_table(conn, Q3).shown
        presence = presence_of(presence_matrix(conn)).shown
    lights = set(status["Ampel"])
    assert {"● grün", "▲ gelb", "■ rot"} <= lights <= {"● grün", "▲ gelb", "■ rot", "–"}
    cells = set(presence.drop(columns=["Netzwerkart", "erwartet je"]).to_numpy().ravel())
    assert {"✓", "✓ Kreis", "fehlt"} <= cells
    for frame in (status, presence):
        text = " ".join(map(str, [*frame.columns, *frame.to_numpy().ravel()]))
        assert not emoji_in(text)


def test_cells_with_a_light_or_state_are_tinted_with_dark_text() -> None:
    from ui.tables import tinted

    frame = pd.DataFrame(
        {"Netzwerk": ["A", "B", "C"], "Ampel": ["● grün", "■ rot", "–"]},
    )
    html = tinted(frame).to_html()
    assert f"background-color: {TRAFFIC_LIGHTS['gruen'].tint}" in html
    assert f"background-color: {TRAFFIC_LIGHTS['rot'].tint}" in html
    assert f"color: {TEXT_COLOUR}" in html
    styles = tinted(frame)._compute().ctx  # (row, col) -> styles; only the two lights
    assert sorted(styles) == [(0, 1), (1, 1)]
    plain = pd.DataFrame({"Netzwerk": ["A"], "Stufe": ["Informationsnetzwerk"]})
    assert tinted(plain) is plain


def test_a_cell_term_is_found_by_symbol_and_word_with_a_change_after_it() -> None:
    assert cell_term("◐ begonnen ↑") is QUALITY_STATES["in_progress"]
    assert cell_term("● erreicht") is QUALITY_STATES["done"]
    assert cell_term("● grün") is TRAFFIC_LIGHTS["gruen"]
    assert cell_term("✔ erreicht") is STATUSES["erreicht"]
    assert cell_term("grün") is None and cell_term("●") is None and cell_term(3) is None

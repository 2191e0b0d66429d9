"""How a change against an earlier value is written: one rule for every output.

A change is its symbol (:data:`~core.present.vocabulary.STAGE_CHANGE`: ↑ up, ↓ down,
→ unchanged) before the signed figure: ``"↑ +1,5 Pp."``, ``"↓ -0,2 Pp."``,
``"→ ±0,0 Pp."``. The key figures of the Übersicht, the slides of the presentation
mode, the PowerPoint and the PDF all write it with :func:`change_text`, so an unchanged
figure reads the same everywhere; the screen draws no arrow of its own beside it
(:func:`metric_delta`).

Whether a change is good news follows the figure's direction: ``"normal"`` (up is
good), ``"inverse"`` (up is bad) or ``"off"`` (neither), as stored with a key figure and
in frozen reports.
"""

from __future__ import annotations

from typing import Literal

from core.present.vocabulary import STAGE_CHANGE

Direction = Literal["up", "down", "same"]
Tone = Literal["good", "bad", "neutral"]

#: the sign of an unchanged figure (:func:`core.present.numbers.format_signed`)
UNCHANGED_SIGN = "±"
MINUS_SIGNS = ("-", "−")
#: the symbols explained, for help texts and reading aids
CHANGE_LEGEND = (
    f"{STAGE_CHANGE['up']} gestiegen, {STAGE_CHANGE['down']} gesunken, "
    f"{STAGE_CHANGE['same']} unverändert"
)
#: the colour of a change on screen (Streamlit's named colours of ``st.metric``)
METRIC_COLOURS: dict[Tone, str] = {"good": "green", "bad": "red", "neutral": "gray"}


def change_direction(signed: str | None) -> Direction | None:
    """``"+1,5 Pp."`` -> ``"up"``, ``"-0,2"`` -> ``"down"``, ``"±0"`` -> ``"same"``; a
    text that already carries its symbol by that symbol; None for no change shown."""
    text = (signed or "").strip()
    if not text:
        return None
    for direction, symbol in STAGE_CHANGE.items():
        if text.startswith(symbol):
            return direction  # type: ignore[return-value]
    if text.startswith(UNCHANGED_SIGN):
        return "same"
    if text.startswith(MINUS_SIGNS):
        return "down"
    digits = text.lstrip("+").replace(".", "").replace(",", "").split(" ")[0]
    return "same" if digits.isdigit() and int(digits) == 0 else "up"


def change_text(signed: str | None) -> str:
    """The change as every output writes it: symbol, space, signed figure
    (``"→ ±0 Pp."``); empty when there is no earlier value. Idempotent."""
    direction = change_direction(signed)
    if direction is None:
        return ""
    text = (signed or "").strip()
    symbol = STAGE_CHANGE[direction]
    return text if text.startswith(symbol) else f"{symbol} {text}"


def change_tone(signed: str | None, delta_color: str = "off") -> Tone:
    """Good, bad or neutral news: unchanged and ``"off"`` figures are neutral; up is good
    for ``"normal"`` figures and bad for ``"inverse"`` ones."""
    direction = change_direction(signed)
    if direction in (None, "same") or delta_color not in ("normal", "inverse"):
        return "neutral"
    good = (direction == "up") == (delta_color == "normal")
    return "good" if good else "bad"


def metric_delta(signed: str | None, delta_color: str = "off") -> dict[str, str | None]:
    """The keyword arguments of a change for a key-figure card on screen: the change
    text (its symbol included), its colour, and no second arrow drawn by the widget."""
    text = change_text(signed)
    return {
        "delta": text or None,
        "delta_color": METRIC_COLOURS[change_tone(signed, delta_color)],
        "delta_arrow": "off",
    }

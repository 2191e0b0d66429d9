"""The legends beside the map, as HTML: the value classes (swatch, range, number of
areas), the offer symbols and the selected area's outline. Every text is escaped; the
shapes and colours come from :mod:`core.present.map_style`."""

from __future__ import annotations

from core.escaping import html_text
from core.present.map_style import (
    BORDER_COLOR,
    HATCH_COLOR,
    OFFER_SYMBOLS,
    SELECTED_CASING_COLOR,
    SELECTED_COLOR,
    SUPPRESSED_COLOR,
    SWATCH_EDGE_COLOR,
    LegendEntry,
)
from core.present.vocabulary import MUTED_TEXT_COLOUR

#: Inline SVG bodies (18×18 viewBox) of the offer symbols.
SYMBOL_SVG: dict[str, str] = {
    "circle": '<circle cx="9" cy="9" r="6.5"/>',
    "square": '<rect x="3" y="3" width="12" height="12"/>',
    "triangle": '<polygon points="9,1.8 16.6,15.6 1.4,15.6"/>',
    "diamond": '<polygon points="9,1.2 16.8,9 9,16.8 1.2,9"/>',
    "pentagon": '<polygon points="9,1.5 16.6,7 13.7,16 4.3,16 1.4,7"/>',
    "star": '<polygon points="9,0.8 11.2,6.3 17.1,6.6 12.5,10.3 14,16.1 9,12.8 '
    '4,16.1 5.5,10.3 0.9,6.6 6.8,6.3"/>',
}


def symbol_svg(color: str, symbol: str, size: int = 18) -> str:
    """An offer symbol as an inline SVG element (also used in the page's legend)."""
    body = SYMBOL_SVG.get(symbol, SYMBOL_SVG["circle"])
    return (
        f'<svg width="{size}" height="{size}" viewBox="0 0 18 18" aria-hidden="true">'
        f'<g fill="{html_text(color)}" stroke="{BORDER_COLOR}" stroke-width="1.3">'
        f"{body}</g></svg>"
    )


HATCH_CSS = f"repeating-linear-gradient(45deg,{HATCH_COLOR} 0 2px,{SUPPRESSED_COLOR} 2px 5px)"
_ROW = '<div style="display:flex;align-items:center;gap:.5rem;margin:.15rem 0">{}</div>'


def legend_html(entries: list[LegendEntry], count_text: str = "{n} Gebiet(e)") -> str:
    """The value legend as HTML: swatch, class range, number of areas (all escaped)."""
    parts = []
    for e in entries:
        background = HATCH_CSS if e.hatched else html_text(e.color)
        swatch = (
            f'<span style="flex:none;width:1.4rem;height:1rem;border:1px solid {SWATCH_EDGE_COLOR};'
            f'background:{background}"></span>'
        )
        count = html_text(count_text.format(n=e.count))
        muted = f'<span style="color:{MUTED_TEXT_COLOUR}">({count})</span>'
        text = f"<span>{html_text(e.label)} {muted}</span>"
        parts.append(_ROW.format(swatch + text))
    return "".join(parts)


def selected_swatch_html() -> str:
    """A small square outlined as the selected area is on the map (for the side panel)."""
    return (
        '<svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true" '
        'style="vertical-align:-2px">'
        f'<rect x="2" y="2" width="14" height="10" fill="none" stroke="{SELECTED_CASING_COLOR}" '
        f'stroke-width="4"/><rect x="2" y="2" width="14" height="10" fill="none" '
        f'stroke="{SELECTED_COLOR}" stroke-width="2.5"/></svg>'
    )


def offer_legend_html(labels: dict[str, str]) -> str:
    """The offer symbols with their German type names as HTML."""
    return "".join(
        _ROW.format(f"{symbol_svg(*sym)}<span>{html_text(labels.get(t, t))}</span>")
        for t, sym in OFFER_SYMBOLS.items()
    )

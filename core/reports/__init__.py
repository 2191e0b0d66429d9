"""Reports for a committee session: slide content as plain data, and its renderings.

``content.build_report`` collects what the slides show (from the core query functions,
privacy-suppressed, de-DE formatted) into a JSON-able dict; ``pptx``, ``pdf`` and
``xlsx`` render that dict without a browser; ``snapshot`` freezes it in the database so
a session's figures stay the same after new data were loaded.
"""

from __future__ import annotations

#: Slide keys in their default order, with the German titles the presenter chooses from.
SLIDE_TITLES: dict[str, str] = {
    "title": "Titel",
    "key_figures": "Kennzahlen",
    "map": "Karte",
    "chain": "Präventionskette",
    "gaps": "Lücken: hoher Bedarf, niedrige Versorgung",
    "networks": "Netzwerkstatus",
    "quality": "Qualitätsbausteine",
    "sources": "Quellen und Hinweise",
}
SLIDE_KEYS: tuple[str, ...] = tuple(SLIDE_TITLES)

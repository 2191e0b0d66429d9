"""The one German vocabulary of every output: labels, signs and colours.

Screen (Streamlit, plotly, Leaflet), slides (PPTX), handouts (PDF) and files (CSV, XLSX)
all name and colour a fact from here, so a stage, a traffic light, a status of the
prevention chain, a quadrant or a withheld cell looks and reads the same wherever a
committee member meets it. Colours are colour-blind safe (Okabe-Ito for categories,
ColorBrewer for ordered scales) and never the only carrier of meaning: every status
also has a symbol and a word.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- Withheld cells (Datenschutz) ------------------------------------------------------

#: The one sign of every withheld cell, in every output.
WITHHELD_SIGN = "•"
#: What the sign means; the legend text of every withheld cell or area.
WITHHELD_TEXT = "aus Datenschutzgründen nicht ausgewiesen"
#: The legend line under a table or chart that can show the sign.
WITHHELD_LEGEND = f"{WITHHELD_SIGN} = {WITHHELD_TEXT}"
#: The export column that explains the sign on each row that shows it.
WITHHELD_COLUMN = "Datenschutz"
#: An area or cell without any value (nothing delivered).
NO_DATA = "keine Daten"

# --- Areas -----------------------------------------------------------------------------

LEVEL_LABELS = {"district": "Kreis", "municipality": "Kommune", "area": "Sozialraum"}
LEVEL_PLURALS = {"district": "Kreise", "municipality": "Kommunen", "area": "Sozialräume"}
WHOLE_DISTRICT = "ganzer Kreis"


def short_office(name: str) -> str:
    """A youth office as an axis or column label: ``"Jugendamt der Stadt Neuss"`` ->
    ``"Neuss"``; ``"Kreisjugendamt Rhein-Kreis Neuss"`` -> ``"Kreisjugendamt"``."""
    if name.startswith("Kreisjugendamt"):
        return "Kreisjugendamt"
    for prefix in ("Jugendamt der Stadt ", "Jugendamt der Gemeinde ", "Jugendamt "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def municipality_label(name: str, office: object) -> str:
    """A Kommune with its youth office for select boxes: ``"Neuss (Jugendamt Neuss)"``."""
    if not isinstance(office, str) or not office:
        return name
    return f"{name} ({office.replace('Jugendamt der Stadt ', 'Jugendamt ')})"


# --- Colours shared by charts ----------------------------------------------------------

#: Okabe-Ito: the categorical palette of every chart (colour-blind safe).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SELECTION_COLOUR = "#0B5563"
DISTRICT_COLOUR = "#7A7A7A"
REFERENCE_LINE_COLOUR = "#555555"
MISSING_COLOUR = "#F0F0F0"
WITHHELD_COLOUR = "#D4D4D4"
WITHHELD_HATCH_COLOUR = "#8A8A8A"
TEXT_COLOUR = "#1A1A1A"
MUTED_TEXT_COLOUR = "#5B6770"
GRID_COLOUR = "#DDDDDD"
PAGE_COLOUR = "#FFFFFF"


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: its German word, a symbol and a colour."""

    word: str
    symbol: str
    colour: str
    tint: str = "#FFFFFF"

    @property
    def text(self) -> str:
        """Symbol and word, e.g. ``"✔ erreicht"``; never colour alone."""
        return f"{self.symbol} {self.word}".strip()


# --- Prevention chain: status of a life phase ------------------------------------------

STATUS_REACHED, STATUS_CLOSE, STATUS_GAP = "erreicht", "knapp", "Lücke"
#: status -> term; the heatmap's fill is ``tint``, its outline and dots ``colour``.
STATUSES: dict[str, Term] = {
    STATUS_REACHED: Term(STATUS_REACHED, "✔", "#0072B2", "#DCEBF6"),
    STATUS_CLOSE: Term(STATUS_CLOSE, "◐", "#E69F00", "#FCEFD2"),
    STATUS_GAP: Term(STATUS_GAP, "✖", "#D55E00", "#F9DDCB"),
}
NO_STATUS = Term("ohne Wert", "–", "#7A7A7A", "#EFEFEF")


def status_term(status: str | None) -> Term:
    """The term of a chain status; :data:`NO_STATUS` for none."""
    return STATUSES.get(status or "", NO_STATUS)


# --- Need versus coverage: quadrants ---------------------------------------------------

QUADRANT_GAP = "hoher Bedarf, niedrige Versorgung"
#: (need high, coverage low) -> (label, colour, plotly marker)
QUADRANTS: dict[tuple[bool, bool], tuple[str, str, str]] = {
    (True, True): (QUADRANT_GAP, "#D55E00", "diamond"),
    (True, False): ("hoher Bedarf, gute Versorgung", "#0072B2", "circle"),
    (False, True): ("geringer Bedarf, niedrige Versorgung", "#E69F00", "square"),
    (False, False): ("geringer Bedarf, gute Versorgung", "#009E73", "triangle-up"),
}
NO_QUADRANT = "ohne ausgewiesenen Wert"


def quadrant_label(need_high: bool, coverage_low: bool) -> str:
    """The German name of a quadrant of need against coverage."""
    return QUADRANTS[(need_high, coverage_low)][0]


QUADRANT_STYLE = {label: (colour, marker) for label, colour, marker in QUADRANTS.values()}

# --- Networks: stages, traffic lights, quality blocks ----------------------------------

#: a network's stage against the previous quarter (never "=", which spreadsheets read as
#: the start of a formula)
STAGE_CHANGE = {"up": "↑", "down": "↓", "same": "→"}
#: light to dark: a network grows from information (1) to joint production (3)
STAGE_COLOURS = {1: "#9ECAE1", 2: "#4292C6", 3: "#08306B"}
NOT_REPORTED = "nicht gemeldet"
#: an empty quarter of a chart over the quarters: no network reported for it
NO_REPORT = "keine Meldung"
NOT_REPORTED_COLOUR = "#BDBDBD"


def stage_colour(stage: int | None) -> str:
    """The colour of a development stage; grey for a network that did not report."""
    return STAGE_COLOURS.get(int(stage), NOT_REPORTED_COLOUR) if stage else NOT_REPORTED_COLOUR


#: Symbols are text shapes of the Geometric Shapes block (in DejaVu Sans, the PDF font,
#: and in the system fonts of every thin client), never emoji, which show as empty boxes
#: where no emoji font is installed. Shapes differ as well as colours, so a black and
#: white print or a colour-blind reader still tells them apart; the word always follows.
#: ``tint`` is the background of a table cell that shows the term (dark text stays
#: readable on it); ``colour`` is the symbol, marker or line.
TRAFFIC_LIGHTS: dict[str, Term] = {
    "gruen": Term("grün", "●", "#009E73", "#D5EFE6"),
    "gelb": Term("gelb", "▲", "#E69F00", "#FCEFD2"),
    "rot": Term("rot", "■", "#D55E00", "#F9DDCB"),
}
#: the plotly marker of each light, the shape of its symbol
TRAFFIC_LIGHT_MARKERS = {"gruen": "circle", "gelb": "triangle-up", "rot": "square"}
#: what each light means: the help of the entry form and the reading aid of the table
TRAFFIC_LIGHT_MEANINGS = {
    "gruen": "läuft wie geplant",
    "gelb": "Schwierigkeiten",
    "rot": "Arbeit gefährdet",
}
TRAFFIC_LIGHT_HELP = " · ".join(
    f"{TRAFFIC_LIGHTS[k].text}: {meaning}" for k, meaning in TRAFFIC_LIGHT_MEANINGS.items()
)
#: a quality item fills up: open circle, half, full
QUALITY_STATES: dict[str, Term] = {
    "done": Term("erreicht", "●", "#0072B2", "#DCEBF6"),
    "in_progress": Term("begonnen", "◐", "#E69F00", "#FCEFD2"),
    "open": Term("offen", "○", "#D9D9D9"),
}
QUALITY_ORDER = {"open": 0, "in_progress": 1, "done": 2}
QUALITY_LEGEND = ", ".join(QUALITY_STATES[k].text for k in ("done", "in_progress", "open"))
#: bars of a count shown beside a status (a network's partners): neutral, no status
COUNT_COLOUR = "#9E9E9E"
_CELL_TERMS = (*TRAFFIC_LIGHTS.values(), *QUALITY_STATES.values(), *STATUSES.values())


def cell_term(cell: object) -> Term | None:
    """The traffic light, quality state or chain status a table cell shows, by its
    symbol and word (``"● grün"``, ``"◐ begonnen ↑"``, ``"✔ erreicht"``); None for
    any other cell. Screens tint such a cell with the term's ``tint``."""
    if not isinstance(cell, str):
        return None
    for term in _CELL_TERMS:
        if cell == term.text or cell.startswith(term.text + " "):
            return term
    return None


# --- Partners and steering: sectors -----------------------------------------------------

#: The sector of a network partner or a Steuerungsgruppe member (core.models.PARTNER_SECTORS).
SECTOR_LABELS = {
    "jugendhilfe": "Jugendhilfe",
    "schule": "Schule",
    "gesundheit": "Gesundheit",
    "soziales": "Soziales",
    "freie_traeger": "Freie Träger",
    "arbeit": "Arbeit",
    "ehrenamt": "Ehrenamt",
    "verwaltung": "Verwaltung",
    "sonstige": "Sonstige",
}


# --- Imports: what an import does to a row ---------------------------------------------

#: status of an imported area or row -> colour of its preview outline
IMPORT_STATUS_COLOURS = {"neu": "#009E73", "geändert": "#E69F00", "unverändert": "#7A7A7A"}


def import_colour(status: str) -> str:
    """The preview colour of an import status (new, changed, unchanged)."""
    return IMPORT_STATUS_COLOURS.get(status, TEXT_COLOUR)

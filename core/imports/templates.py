"""Templates per import kind (``data/templates/``) and the documentation of their columns.

The CSV templates are written like German Excel writes "CSV UTF-8": UTF-8 with BOM,
``;`` as separator, decimal comma, dates as TT.MM.JJJJ. A test checks that every
template column is documented here and that every template imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.config import DATA_DIR

TEMPLATE_DIR = DATA_DIR / "templates"


@dataclass(frozen=True)
class Column:
    """One column of a template: header, required or not, what goes in."""

    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class Template:
    """A template file and its documented columns."""

    kind: str
    file_name: str
    title: str
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def path(self) -> Path:
        """Where the template file lies."""
        return TEMPLATE_DIR / self.file_name

    def data(self) -> bytes:
        """The template's bytes (for a download button)."""
        return self.path.read_bytes()


C = Column
AREA_ID = "Kennung des Gebiets: AGS der Kommune (05162024) oder Sozialraum (05162024-07)"
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "areas": (
        Template(
            "areas",
            "gebiete.geojson",
            "Sozialräume (GeoJSON)",
            (
                C("id", True, "Kennung des Sozialraums, z. B. 05162024-01 (auch: AGS, kennung)"),
                C("name", True, "Name des Sozialraums (auch: GEN, bezeichnung)"),
                C("kommune", True, "AGS der Kommune, zu der er gehört (nur bei Sozialräumen)"),
                C("jugendamt", False, "zuständiges Jugendamt (sonst das der Kommune)"),
            ),
            "Flächen (Polygone) in einem beliebigen Koordinatensystem mit Angabe, z. B. "
            "EPSG:25832 aus dem städtischen GIS. Shapefile (als ZIP) und GeoPackage gehen "
            "ebenso. Die BKG-Gemeindegrenzen (VG250, Felder AGS und GEN) werden ohne "
            "weitere Angaben als Kommunen erkannt.",
        ),
    ),
    "indicators": (
        Template(
            "indicators",
            "indikatorwerte.csv",
            "Indikatorwerte (Langformat)",
            (
                C("Indikator", True, "Kennung aus dem Indikatorenkatalog, z. B. sgb2_u15"),
                C("Gebiet", True, AREA_ID),
                C("Stichtag", True, "Datum TT.MM.JJJJ, auf das sich der Wert bezieht"),
                C("Zähler", False, "z. B. Kinder unter 15 im SGB-II-Bezug; bei Anzahlen die Zahl"),
                C("Nenner", False, "z. B. alle Kinder unter 15 (bei Quoten zusammen mit Zähler)"),
                C("Wert", False, "nur, wenn Zähler und Nenner fehlen (veröffentlichte Quote)"),
                C("vorläufig", False, "ja, wenn der Wert noch vorläufig ist"),
            ),
        ),
        Template(
            "indicators",
            "indikatorwerte_breit.csv",
            "Indikatorwerte (Breitformat: eine Spalte je Jahr)",
            (
                C("Indikator", True, "Kennung aus dem Indikatorenkatalog"),
                C("Gebiet", True, AREA_ID),
                C("Name", False, "Name des Gebiets (nur zur Orientierung, wird nicht gelesen)"),
                C("2023", False, "Wert zum 31.12.2023 (Spalten auch 2024-Q3 oder 01.03.2024)"),
                C("2024", False, "Wert zum 31.12.2024"),
            ),
            "Ein Jahr steht für den 31.12.; mit der Option „Stichtag für Jahresspalten“ "
            "z. B. für den 01.03. (Kita-Stichtag).",
        ),
    ),
    "population": (
        Template(
            "population",
            "bevoelkerung.csv",
            "Bevölkerung (Kinder je Lebensphase)",
            (
                C("Gebiet", True, AREA_ID),
                C("Stichtag", True, "Datum TT.MM.JJJJ der Einwohnerzahlen"),
                C("rund um die Geburt", False, "Kinder unter 1 Jahr"),
                C("Krippe", False, "Kinder unter 3 Jahren"),
                C("Kita", False, "Kinder von 3 bis unter 6"),
                C("Grundschule", False, "Kinder von 6 bis unter 10"),
                C("weiterführende Schule", False, "Kinder und Jugendliche von 10 bis unter 16"),
                C("Übergang Schule–Beruf", False, "junge Menschen von 16 bis unter 21"),
            ),
            "Auch im Langformat möglich: Gebiet; Stichtag; Lebensphase; Kinder.",
        ),
    ),
    "offers": (
        Template(
            "offers",
            "angebote.csv",
            "Angebote",
            (
                C("Name", True, "Name des Angebots"),
                C("Träger", True, "Träger bzw. Anbieter"),
                C(
                    "Angebotsart",
                    True,
                    "Begleitung, Begegnung, Bildung, Beratung, Betreuung oder Information",
                ),
                C(
                    "Lebensphasen",
                    True,
                    "eine oder mehrere, durch Komma getrennt, z. B. „Krippe, Kita“",
                ),
                C("Gebiet", False, AREA_ID + "; leer lassen, wenn Koordinaten angegeben sind"),
                C("Breite", False, "geografische Breite in Grad (WGS84), z. B. 51,19876"),
                C("Länge", False, "geografische Länge in Grad (WGS84), z. B. 6,69123"),
                C("Plätze", False, "Zahl der Plätze, wenn bekannt"),
                C("Plätze U3", False, "Plätze für Kinder unter 3 (Krippe), z. B. einer Kita"),
                C(
                    "Plätze Ü3",
                    False,
                    "Plätze für Kinder ab 3 (Kita); ebenso „Plätze Grundschule“ …",
                ),
                C("Aktiv ab", False, "Beginn TT.MM.JJJJ (leer: gilt als schon lange aktiv)"),
                C("Aktiv bis", False, "Ende TT.MM.JJJJ (leer: läuft weiter)"),
                C("Netzwerk", False, "Name des Netzwerks (desselben Jugendamts oder des Kreises)"),
                C("Zielgruppe", False, "für wen, z. B. „Alleinerziehende“"),
                C("kostenfrei", False, "ja oder nein"),
                C("aufsuchend", False, "ja oder nein (das Angebot kommt zu den Familien)"),
                C("Sprachen", False, "durch Komma getrennt, z. B. „Deutsch, Türkisch“"),
                C("gefördert bis", False, "Ende der Förderung TT.MM.JJJJ"),
            ),
            "Ein Angebot wird an Name, Träger und Gebiet wiedererkannt; ein erneuter "
            "Import ändert es, statt es doppelt anzulegen.",
        ),
    ),
    "networks": (
        Template(
            "networks",
            "netzwerkstatus.csv",
            "Netzwerkstatus je Quartal",
            (
                C("Netzwerk", True, "Name des Netzwerks (wie auf der Seite „Netzwerke“)"),
                C("Quartal", True, "z. B. 2025-Q3 oder „3. Quartal 2025“"),
                C("Stufe", True, "1 Informations-, 2 Kooperations-, 3 Produktionsnetzwerk"),
                C("Ampel", True, "grün, gelb oder rot"),
                C("Partner", False, "Zahl der beteiligten Partner"),
                C("Treffen", False, "Zahl der Treffen im Quartal"),
                C(
                    "Kriterien",
                    False,
                    "erfüllte Stufenkriterien, durch Komma getrennt, z. B. „austausch, "
                    "vereinbarung“ (leer lassen: bleiben, wie gespeichert)",
                ),
                C("Ziele", False, "Ziele des Netzwerks"),
                C("Notiz", False, "Bemerkung zum Quartal"),
                C("Netzwerkart", False, "nur für neue Netzwerke: z. B. fruehe_hilfen"),
                C("Gebiet", False, "nur für neue Netzwerke: Kennung des Gebiets"),
                C("Jugendamt", False, "nur für neue Netzwerke: koordinierendes Jugendamt"),
            ),
        ),
    ),
    "quality": (
        Template(
            "quality",
            "qualitaetsbausteine.csv",
            "Qualitätsbausteine je Jugendamt und Quartal",
            (
                C("Jugendamt", True, "Name des Jugendamts, z. B. „Jugendamt der Stadt Neuss“"),
                C("Quartal", True, "z. B. 2025-Q3 oder „3. Quartal 2025“"),
                C("Punkt", True, "Nummer des Punkts, 1.1 bis 4.4"),
                C("Stand", True, "offen, begonnen oder erreicht"),
                C("Datum", False, "seit wann (TT.MM.JJJJ); Pflicht bei „erreicht“"),
                C("Nachweis", False, "Titel des Dokuments; Pflicht bei „erreicht“"),
                C("Nachweis-Datum", False, "Datum des Dokuments (TT.MM.JJJJ)"),
                C("Nachweis-Link", False, "Link (https://…) oder Ablageverweis"),
                C("Steuerungsnachweis", False, "nur Baustein 4: Nummer eines Steuerungseintrags"),
                C("Notiz", False, "Bemerkung zum Quartal"),
            ),
            "Je Jugendamt und Quartal gehören alle 13 Punkte in die Datei; ein erneuter "
            "Import ersetzt den Bericht und erhöht seine Fassung.",
        ),
    ),
}


def templates(kind: str) -> tuple[Template, ...]:
    """The templates of an import kind (empty for unknown kinds)."""
    return TEMPLATES.get(kind, ())

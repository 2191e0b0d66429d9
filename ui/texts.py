"""German UI texts shared by several pages, and labels for technical names."""

from __future__ import annotations

APP_TITLE = "Präventionsmonitor"

DB_UNREADABLE = (
    "Die Datenbank {url} konnte nicht gelesen werden ({reason}). "
    "Läuft der Datenbankserver und ist das Schema aktuell? "
    "Einrichten oder aktualisieren mit: python -m core init-db"
)

#: German names of the database tables, for row counts shown to users.
TABLE_LABELS: dict[str, str] = {
    "app_meta": "Angaben zur Datenbank",
    "area": "Gebiete (Kreis, Kommunen, Sozialräume)",
    "audit_log": "Änderungsprotokoll",
    "import_batch": "Importe",
    "indicator": "Indikatoren (Katalog)",
    "indicator_value": "Indikatorwerte",
    "life_phase": "Lebensphasen",
    "network": "Netzwerke",
    "network_kind": "Netzwerkarten",
    "network_stage": "Entwicklungsstufen der Netzwerke",
    "network_status": "Netzwerkstatus je Quartal",
    "offer": "Angebote",
    "offer_life_phase": "Zuordnungen Angebot–Lebensphase",
    "offer_type": "Angebotsarten",
    "population": "Bevölkerungszahlen (Kinder je Lebensphase)",
    "publication": "Geschützte Veröffentlichungen (Datenschutz, je Datenstand)",
    "quality_block": "Qualitätsbausteine",
    "quality_item": "Punkte der Qualitätsbausteine",
    "quality_progress": "Stand der Qualitätsbausteine",
    "snapshot": "Eingefrorene Datenstände (Sitzungen)",
    "youth_office": "Jugendämter",
}


def table_label(name: str) -> str:
    """The German label of a table; unknown tables keep their technical name."""
    return TABLE_LABELS.get(name, name)


_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def german_sort_key(text: str) -> str:
    """Sort key that files „Ä“ under A, as a German reader expects (DIN 5007-1)."""
    return text.casefold().translate(_UMLAUTS)

"""German for the texts that Streamlit's frontend writes itself.

Widget labels, help texts and placeholders are German where the app passes them. But
the frontend brings its own English words, with no option to change them: the file
uploader's button and size line, the tool bar of tables and charts and its tooltips, a
table's column menu, the search of a select box ("No results"), the hints of text
fields ("Press Enter to apply"), the running indicator, the main menu and the skip link.

:func:`install` puts one small script into the page (once per browser tab) that
watches the page and replaces exactly these texts (whole text nodes and the
attributes ``aria-label``, ``title`` and ``placeholder``, compared in full) by their
German words from :data:`TEXTS` and :data:`PATTERNS`. It changes only the text of an
existing node, never the node itself, so React keeps rendering as before; it reads no
data and sends nothing. Texts inside content the app writes (Markdown, captions,
headings, options of a select box) are never touched.

What stays English is listed in the README (drawn on a canvas or in the browser's own
dialogs, or shown only when the server is unreachable).
"""

from __future__ import annotations

import json

import streamlit as st

#: the calendar of a date field
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
GERMAN_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
    "September", "Oktober", "November", "Dezember",
)  # fmt: skip
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
GERMAN_WEEKDAYS = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")

#: English text of the frontend (compared in full, after trimming) -> German
TEXTS: dict[str, str] = {
    # file uploader
    "Upload": "Datei auswählen",
    "Upload directories": "Ordner auswählen",
    "Add files": "Dateien hinzufügen",
    "Drag and drop file here": "Datei hierher ziehen",
    "Drag and drop a file here": "Datei hierher ziehen",
    "Drag and drop files here": "Dateien hierher ziehen",
    "Drag and drop directories here": "Ordner hierher ziehen",
    "Browse files": "Dateien durchsuchen",
    "file upload": "Datei hochladen",
    "Error uploading file": "Die Datei konnte nicht hochgeladen werden",
    "Error deleting file": "Die Datei konnte nicht entfernt werden",
    # tool bar of tables and charts, and its tooltips
    "Fullscreen": "Vollbild",
    "Close fullscreen": "Vollbild beenden",
    "Download as CSV": "Als CSV herunterladen",
    "Search": "Suchen",
    "Close Search": "Suche schließen",
    "Type to search": "Suchbegriff eingeben",
    "Next Result": "Nächster Treffer",
    "Previous Result": "Vorheriger Treffer",
    "Show/hide columns": "Spalten ein-/ausblenden",
    "Select all": "Alle auswählen",
    "Clear selection": "Auswahl aufheben",
    # tool bar of an editable table
    "Add row": "Zeile hinzufügen",
    "Delete row": "Zeile löschen",
    "Delete rows": "Zeilen löschen",
    # column menu of a table
    "Sort ascending": "Aufsteigend sortieren",
    "Sort descending": "Absteigend sortieren",
    "Autosize": "Breite anpassen",
    "Pin column": "Spalte fixieren",
    "Unpin column": "Spalte lösen",
    "Hide column": "Spalte ausblenden",
    "Copy column name": "Spaltennamen kopieren",
    "Statistics": "Statistik",
    "Count": "Anzahl",
    "Distinct": "Verschiedene",
    "Empty": "Leer",
    "Average": "Mittelwert",
    "Median": "Median",
    "Minimum": "Minimum",
    "Maximum": "Maximum",
    "Sum": "Summe",
    "Standard deviation": "Standardabweichung",
    "Average length": "Mittlere Länge",
    "Minimum length": "Kürzeste Länge",
    "Maximum length": "Größte Länge",
    "Top values frequency chart": "Häufigste Werte",
    "Dataframe column menu": "Spaltenmenü",
    "Loading...": "Wird geladen …",
    "No data": "Keine Daten",
    # select boxes and multiselects
    "Choose an option": "Bitte wählen",
    "Choose options": "Bitte wählen",
    "No options to select": "Keine Auswahl möglich",
    "No options to select.": "Keine Auswahl möglich.",
    "No results": "Keine Treffer",
    "Clear all": "Alle entfernen",
    "Clear value": "Auswahl entfernen",
    "Open": "Öffnen",
    "Selected values": "Gewählte Werte",
    # text and number fields, date fields
    "Press Enter to apply": "Eingabetaste übernimmt",
    "Press Enter to submit form": "Eingabetaste sendet das Formular",
    "Press Ctrl+Enter to apply": "Strg+Eingabetaste übernimmt",
    "Press ⌘+Enter to apply": "⌘+Eingabetaste übernimmt",
    "Press Ctrl+Enter to submit form": "Strg+Eingabetaste sendet das Formular",
    "Press ⌘+Enter to submit form": "⌘+Eingabetaste sendet das Formular",
    "Show password": "Passwort zeigen",
    "Hide password": "Passwort verbergen",
    "Clear entry": "Eingabe löschen",
    "Increment": "Erhöhen",
    "Decrement": "Verringern",
    "Choose date": "Datum wählen",
    "Choose date range": "Zeitraum wählen",
    "Clear date": "Datum löschen",
    "Clear dates": "Daten löschen",
    "Select...": "Auswählen …",
    **dict(zip(MONTHS, GERMAN_MONTHS, strict=True)),
    **dict(zip(WEEKDAYS, GERMAN_WEEKDAYS, strict=True)),
    # app frame: running indicator, main menu, sidebar, dialogs, skip link
    "Skip to main content": "Zum Inhalt springen",
    "Running...": "Läuft …",
    "Stop": "Anhalten",
    "Stopping...": "Wird angehalten …",
    "Connecting": "Verbindung wird aufgebaut",
    "Please wait...": "Bitte warten …",
    "Main menu": "Hauptmenü",
    "Rerun": "Aktualisieren",
    "Settings": "Einstellungen",
    "Print": "Drucken",
    "About": "Über",
    "Record a screencast": "Bildschirm aufnehmen",
    "Record screen": "Bildschirm aufnehmen",
    "Made with Streamlit v": "Erstellt mit Streamlit v",
    "Clear cache": "Zwischenspeicher leeren",
    "Collapse sidebar": "Seitenleiste einklappen",
    "Expand sidebar": "Seitenleiste ausklappen",
    "Close": "Schließen",
    "Copy to clipboard": "In die Zwischenablage kopieren",
    "Copied": "Kopiert",
    "Connection error": "Verbindungsfehler",
    "Connection timed out.": "Zeitüberschreitung der Verbindung.",
    "Page not found": "Seite nicht gefunden",
}

#: templated texts: (JavaScript regular expression, replacement with $1 …)
PATTERNS: list[tuple[str, str]] = [
    (r"^(\d+(?:[.,]\d+)?)\s?([KMG]?B) per file(.*)$", "höchstens $1 $2 je Datei$3"),
    (r"^Help for (.+)$", "Hilfe zu $1"),
    (r"^Remove (.+)$", "$1 entfernen"),
    (r"^Select (\d+) matches$", "$1 Treffer auswählen"),
    (r"^View (\d+) more$", "$1 weitere anzeigen"),
    (r"^Add: (.+)$", "Hinzufügen: $1"),
]

#: containers whose text the app wrote (or its data): never changed
APP_TEXT = (
    '[data-testid="stMarkdown"], [data-testid="stCaptionContainer"], '
    '[data-testid="stHeading"], [data-testid="stText"], [data-testid="stCode"], '
    '[data-testid="stSelectboxVirtualDropdown"], [role="option"], [role="listbox"]'
)
#: the frontend's own lines in a list of options (everything else there is data)
LIST_TEXTS = ("No results", "No options to select", "No options to select.", "Select all")

_SCRIPT = """
<script>
(() => {
  if (window.__praevGerman) return;
  window.__praevGerman = true;
  const doc = window.document;
  const texts = new Map(Object.entries(%(texts)s));
  const patterns = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const appText = %(app_text)s;
  const listTexts = new Set(%(list_texts)s);
  const attributes = ["aria-label", "title", "placeholder"];
  const german = (value) => {
    const text = value.trim();
    if (!text) return null;
    if (texts.has(text)) return value.replace(text, texts.get(text));
    const colon = text.indexOf(": ");  // tool bar labels: "Search: Tabelle"
    if (colon > 0 && texts.has(text.slice(0, colon))) {
      return texts.get(text.slice(0, colon)) + text.slice(colon);
    }
    for (const [re, to] of patterns) if (re.test(text)) return text.replace(re, to);
    return null;
  };
  const own = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return !el || el.closest(appText) !== null;
  };
  const fixText = (node) => {
    if (own(node) && !listTexts.has(node.nodeValue.trim())) return;
    const to = german(node.nodeValue);
    if (to !== null && to !== node.nodeValue) node.nodeValue = to;
  };
  const fixAttributes = (el) => {
    if (own(el)) return;
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const to = german(value);
      if (to !== null && to !== value) el.setAttribute(name, to);
    }
  };
  const fixTree = (node) => {
    if (node.nodeType === 3) return fixText(node);
    if (node.nodeType !== 1) return;
    fixAttributes(node);
    const walker = doc.createTreeWalker(node, 5);  // elements and text
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === 3) fixText(n); else fixAttributes(n);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttributes(r.target);
      else r.addedNodes.forEach(fixTree);
    }
  }).observe(doc.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: attributes,
  });
  fixTree(doc.body);
})();
</script>
"""

#: the key of the invisible container that holds the script
KEY = "praev_german"
_HIDE = (
    f"<style>.st-key-{KEY}, [data-testid=stLayoutWrapper]:has(> .st-key-{KEY}) "
    "{ display: none !important; }</style>"
)


def script() -> str:
    """The script that puts :data:`TEXTS` and :data:`PATTERNS` in place of Streamlit's
    English texts (constant: no data of the app or its users goes into it)."""
    return _SCRIPT % {
        "texts": json.dumps(TEXTS, ensure_ascii=False),
        "patterns": json.dumps(PATTERNS, ensure_ascii=False),
        "app_text": json.dumps(APP_TEXT),
        "list_texts": json.dumps(LIST_TEXTS),
    }


def install() -> None:
    """Put the script into the page, in a hidden container (no space in the layout).
    Call once per run, before the page; the script installs itself once per tab."""
    st.html(_HIDE)  # style only: goes to the event container, takes no space
    with st.container(key=KEY):
        st.html(script(), unsafe_allow_javascript=True)

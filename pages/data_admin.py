"""Daten verwalten: import real data (upload, check, preview, import) and undo imports.

Thin: every check, preview and write is done by ``core.imports`` (the widgets are in
:mod:`ui.import_panel`); the page reads the user's choices and shows what core returns.
Only administrators reach this page (app.py does not list it for other roles; the page
checks again, and so does every write). Imports and rollbacks are recorded under the
signed-in user's name; the audit log is shown at the bottom. The page works without
data too: it is where the first data are loaded.
"""

from __future__ import annotations

import streamlit as st

from core.inventory import is_demo
from core.permissions import may_import
from core.selection import Selection
from ui.audit_log import audit_section
from ui.auth import require
from ui.filters import KEY_SELECTION
from ui.import_panel import KEY_DONE, batch_section, import_section
from ui.inventory import load_inventory
from ui.query import query

TITLE = "Daten verwalten"
INTRO = (
    "Hier laden Sie die eigenen Daten des Jugendamts: Gebiete (Kommunen, Sozialräume), "
    "Indikatorwerte, Bevölkerungszahlen, Angebote und den Netzwerkstatus. Jede Datei wird "
    "zuerst vollständig geprüft; nur eine fehlerfreie Datei wird übernommen – ganz oder "
    "gar nicht. Jeder Import lässt sich unten wieder zurücknehmen."
)
NOT_MIGRATED = "Die Datenbank ist noch nicht eingerichtet: `python -m core init-db` ausführen."


def render(sel: Selection | None) -> None:
    """Upload and import, the list of imports with rollback, and the audit log."""
    require(may_import)
    st.title(TITLE)
    st.write(INTRO)
    if message := st.session_state.pop(KEY_DONE, None):
        st.success(message, icon=":material/check_circle:")
    if not load_inventory().migrated:
        st.info(NOT_MIGRATED, icon=":material/info:")
        return
    import_section(query(is_demo))
    batch_section(True)
    audit_section()


# no Selection without data: this page loads the first data
render(st.session_state.get(KEY_SELECTION))

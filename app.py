"""Präventionsmonitor: the Streamlit entry point with page config, shared filters and
the page list.

Run with ``make run`` or ``streamlit run app.py``. The sidebar filters (Berichtsquartal,
Kommune) are rendered here, so they hold on every page and live in the URL.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.errors import PraevError
from core.escaping import markdown_lines
from core.inventory import quarters_with_data
from core.permissions import may_import, may_read
from ui.auth import check_startup, current_user, login_page, public, sidebar_account
from ui.filters import KEY_SELECTION, shared_filters
from ui.inventory import load_inventory
from ui.page import error_boundary
from ui.query import query
from ui.texts import APP_TITLE

ROOT = Path(__file__).resolve().parent
PAGES_DIR = ROOT / "pages"

st.set_page_config(
    page_title=APP_TITLE,
    page_icon=str(ROOT / "ui" / "assets" / "favicon.png"),
    layout="wide",
)

# Who is here decides which pages exist: pages a role may not use are neither listed
# nor reachable by URL (an unknown URL opens the default page).
check_startup()
user = current_user()
if not may_read(user, public()):
    st.navigation(
        [st.Page(login_page, title="Anmelden", icon=":material/login:", url_path="anmelden")],
        position="hidden",
    ).run()
    st.stop()

#: (file, title, icon, url path); pages need data in the database.
DATA_PAGES = [
    ("map.py", "Sozialraumkarte", ":material/map:", "karte"),
    ("prevention_chain.py", "Präventionskette", ":material/linear_scale:", "praeventionskette"),
    ("networks.py", "Netzwerke", ":material/hub:", "netzwerke"),
    ("area_profile.py", "Sozialraum-Steckbrief", ":material/location_city:", "steckbrief"),
    ("session.py", "Ausschuss-Sitzung", ":material/co_present:", "sitzung"),
]
#: pages whose content depends on one indicator: they show the Indikator box
INDICATOR_PAGES = {"karte", "sitzung"}

has_data = False
try:
    inventory = load_inventory()
    has_data = inventory.migrated and not inventory.empty and bool(query(quarters_with_data))
except PraevError as exc:
    st.sidebar.error(markdown_lines(str(exc)), icon=":material/error:")

pages = [
    st.Page(
        PAGES_DIR / "overview.py",
        title="Übersicht",
        icon=":material/dashboard:",
        url_path="uebersicht",
        default=True,
    ),
]
if has_data:
    pages += [
        st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=path)
        for file, title, icon, path in DATA_PAGES
    ]

ADMIN_PAGE = ("data_admin.py", "Daten verwalten", ":material/upload_file:", "daten")
if may_import(user):
    file, title, icon, path = ADMIN_PAGE
    pages.append(st.Page(PAGES_DIR / file, title=title, icon=icon, url_path=path))

# Resolve the page first: filters write the URL's query string, which must not happen
# before Streamlit knows which page the URL asked for.
page = st.navigation(pages)
with error_boundary():
    selection = shared_filters(page.url_path in INDICATOR_PAGES) if has_data else None
    st.session_state[KEY_SELECTION] = selection
    sidebar_account(user)
    # the one error boundary of every page: a PraevError becomes a German message
    page.run()

"""Präventionsmonitor: the Streamlit entry point with page config, shared filters and
the page list.

Run with ``make run`` (``streamlit run ui/server.py``: this app plus the routes of the
login cookie; ``streamlit run app.py`` works too, without logins that survive a
reload). The sidebar filters (Berichtsquartal,
Kommune) are rendered here, so they hold on every page and live in the URL.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.access import Access, page_access
from core.errors import PraevError
from core.escaping import markdown_lines
from core.inventory import quarters_with_data
from core.permissions import may_read
from ui import german, navigation, style
from ui.auth import check_startup, current_user, login_cookie_scripts, public, sidebar_account
from ui.filters import KEY_SELECTION, shared_filters
from ui.inventory import load_inventory
from ui.page import error_boundary
from ui.query import query
from ui.texts import APP_TITLE

ROOT = Path(__file__).resolve().parent
#: pages whose content depends on one indicator: they show the Indikator box
INDICATOR_PAGES = {"karte", "sitzung"}

st.set_page_config(
    page_title=APP_TITLE,
    page_icon=str(ROOT / "ui" / "assets" / "favicon.png"),
    layout="wide",
)

# Every page is registered for every visitor (ui.navigation): a page this visitor may
# not open is hidden from the menu and, opened by its link, shows a German note and the
# login in its place, so the link keeps its page and query through the login.
style.install()
german.install()  # German for the texts Streamlit's frontend writes itself
check_startup()
user = current_user()
reader = may_read(user, public())

has_data = False
if reader:
    try:
        inventory = load_inventory()
        has_data = inventory.migrated and not inventory.empty and bool(query(quarters_with_data))
    except PraevError as exc:
        st.sidebar.error(markdown_lines(str(exc)), icon=":material/error:")

nav = navigation.build(user, public(), has_data)
# Resolve the page first: filters write the URL's query string, which must not happen
# before Streamlit knows which page the URL asked for.
page = st.navigation(nav.pages, position="sidebar" if reader else "hidden")
entry = nav.entry(page)
access = page_access(entry, user, public(), has_data)
login_cookie_scripts()  # before the page: a page may end its run early (st.stop)
with error_boundary():  # the one error boundary of every page: PraevError → German message
    shows_data = has_data and access is Access.OPEN
    selection = shared_filters(page.url_path in INDICATOR_PAGES) if shows_data else None
    st.session_state[KEY_SELECTION] = selection
    if reader:
        sidebar_account(user)
    if access is Access.OPEN:
        page.run()
    else:
        navigation.refuse(access, entry, user, nav.reader)

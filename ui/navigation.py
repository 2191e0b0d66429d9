"""The page list every visitor gets, and the German notes in place of a refused page.

Every page of :data:`core.access.PAGES` is registered for every visitor: a page the
visitor may not open yet is only hidden from the menu, and opening its link shows a
login form ("Anmeldung nötig"), "Keine Berechtigung" or "Noch keine Daten" in its
place (:func:`core.access.page_access`). So a link never lands on the framework's
English "Page not found", and after the login the linked page opens with its query.
The Übersicht is the root page ``/`` and also answers at ``/uebersicht``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.access import OVERVIEW, PAGES, Access, PageEntry, page_access, refusal
from core.escaping import markdown_text
from core.users import User
from ui.auth import LOGIN_INTRO, LOGIN_INTRO_OIDC, LOGIN_TITLE, login_form, mode

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
#: internal path of the root page; the Übersicht's own path is an alias of it
ROOT_PATH = "start"


@dataclass(frozen=True)
class Navigation:
    """The registered pages and, by URL path, what each one is."""

    pages: list[st.Page]
    entries: dict[str, PageEntry]
    reader: bool

    def entry(self, page: st.Page) -> PageEntry:
        return self.entries.get(page.url_path, OVERVIEW)


def build(user: User | None, public: bool, has_data: bool) -> Navigation:
    """Every page, visible in the menu only where this visitor may open it."""
    reader = page_access(OVERVIEW, user, public, has_data) is not Access.LOGIN
    pages, entries = [], {}
    for entry in PAGES:
        open_ = page_access(entry, user, public, has_data) is Access.OPEN
        visibility = "visible" if open_ else "hidden"
        script = PAGES_DIR / entry.file
        if entry is OVERVIEW:
            pages.append(
                st.Page(script, title=entry.title, icon=entry.icon, url_path=ROOT_PATH,
                        default=True)
            )  # fmt: skip
            entries[""] = entry
            visibility = "hidden"  # the alias /uebersicht: never a second menu item
        pages.append(
            st.Page(script, title=entry.title, icon=entry.icon, url_path=entry.path,
                    visibility=visibility)
        )  # fmt: skip
        entries[entry.path] = entry
    return Navigation(pages, entries, reader)


def refuse(access: Access, entry: PageEntry, user: User | None, reader: bool) -> None:
    """The note (and, for anonymous visitors, the login form) instead of the page."""
    if not reader:  # a deployment that needs a login for everything
        st.title(LOGIN_TITLE)
        st.write(LOGIN_INTRO_OIDC if mode() == "oidc" else LOGIN_INTRO)
        if entry is not OVERVIEW:
            st.caption(f"Nach der Anmeldung öffnet sich „{markdown_text(entry.title)}“.")
    else:
        title, text = refusal(access, entry, user)
        st.title(title)
        st.info(markdown_text(text), icon=":material/lock:")
    if access is Access.LOGIN:
        left, _ = st.columns([1, 1])
        with left:
            login_form("main")

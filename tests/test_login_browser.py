"""The login as a coordinator meets it in Chromium: a link to a page opens that page
after the login (with its query), a reload keeps the login (HttpOnly cookie), the logout
ends it, and no English "Page not found" appears on the way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.auth_support import PASSWORD, users_file
from tests.browser_support import CHROMIUM_ARGS, streamlit_server, wait_for_run

pytestmark = pytest.mark.browser

NOT_FOUND = "Page not found"


@pytest.fixture(scope="module")
def login_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server that needs a login for everything, on a copy of the demo database."""
    folder = tmp_path_factory.mktemp("login_server")
    copy = folder / "demo.sqlite"
    copy.write_bytes(Path(demo_url.removeprefix("sqlite:///")).read_bytes())
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{copy}",
        PRAEV_AUTH="local",
        PRAEV_PUBLIC="0",
        PRAEV_USERS_FILE=str(users_file(folder)),
        PRAEV_COOKIE_KEY="s" * 40,
    )
    with streamlit_server(env, folder / "streamlit.log") as base:
        yield base


def _settled(page: Page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=30_000)
    wait_for_run(page)  # a late modal would show by now


def _log_in(page: Page, name: str) -> None:
    page.get_by_label("Benutzername", exact=True).fill(name)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    _settled(page, "Angemeldet als")


def test_a_link_survives_the_login_and_the_login_survives_a_reload(
    login_server: str, chromium_path: str
) -> None:
    link = f"{login_server}/karte?quartal=2026-Q2"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
            page = context.new_page()
            page.goto(link, wait_until="domcontentloaded")
            _settled(page, "Nach der Anmeldung öffnet sich „Sozialraumkarte“.")
            assert page.get_by_text(NOT_FOUND).count() == 0
            assert page.get_by_role("heading", name="Anmelden").count() == 1

            _log_in(page, "nina")
            assert page.url.startswith(link)  # the page and its query are kept
            page.get_by_role("heading", name="Sozialraumkarte").wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # the cookie request runs after the login
            cookies = {c["name"]: c for c in context.cookies()}
            assert cookies["praev_anmeldung"]["httpOnly"] is True
            assert cookies["praev_anmeldung"]["sameSite"] == "Strict"
            assert page.evaluate("document.cookie").find("praev_anmeldung") == -1

            page.reload(wait_until="domcontentloaded")
            _settled(page, "Angemeldet als")  # still signed in after the reload
            assert page.get_by_text(NOT_FOUND).count() == 0
            page.get_by_role("heading", name="Sozialraumkarte").wait_for(timeout=30_000)

            page.goto(f"{login_server}/daten", wait_until="domcontentloaded")
            _settled(page, "Keine Berechtigung")
            assert page.get_by_text(NOT_FOUND).count() == 0
            menu = page.get_by_test_id("stSidebarNav")
            assert menu.get_by_text("Netzwerke").count() == 1
            assert menu.get_by_text("Daten verwalten").count() == 0  # not offered to her

            page.get_by_role("button", name="Abmelden").click()
            _settled(page, "Anmelden")
            page.wait_for_timeout(1500)
            assert "praev_anmeldung" not in {c["name"] for c in context.cookies()}
            page.reload(wait_until="domcontentloaded")
            _settled(page, "Benutzername")
            assert page.get_by_text("Angemeldet als").count() == 0
        finally:
            browser.close()


@pytest.mark.parametrize("path", ["uebersicht", "daten", "steckbrief?gebiet=05162004001"])
def test_the_first_visit_of_any_link_shows_no_english_modal(
    login_server: str, chromium_path: str, path: str
) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720}, locale="de-DE")
            page.goto(f"{login_server}/{path}", wait_until="domcontentloaded")
            _settled(page, "Benutzername")
            assert page.get_by_text(NOT_FOUND).count() == 0
            assert page.get_by_text("Running the app").count() == 0
        finally:
            browser.close()

"""The Qualitätsbausteine report form in a real browser (Debian's chromium via Playwright):
the editor of Neuss signs in, marks an item erreicht with its evidence, saves, and sees
the saved report and its evidence link on the page."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from core.db import make_engine
from core.quality_entry import prefill
from tests.auth_support import PASSWORD, users_file
from tests.browser_support import CHROMIUM_ARGS, streamlit_server, wait_for_run

pytestmark = pytest.mark.browser

WAIT = 30_000
QUARTER = "2026-Q3"
LINK = "https://www.example.org/ratsinfo/neuss/vorlage-2026-77"


@pytest.fixture
def editor_server(form_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with the local login on a copy of the demo database (SQLite and
    PostgreSQL)."""
    folder = tmp_path_factory.mktemp("quality_server")
    env = dict(
        os.environ,
        DATABASE_URL=form_url,
        PRAEV_AUTH="local",
        PRAEV_PUBLIC="0",
        PRAEV_USERS_FILE=str(users_file(folder)),
        PRAEV_COOKIE_KEY="q" * 40,
    )
    with streamlit_server(env, folder / "streamlit.log") as base:
        yield base


def _begun_item(demo_url: str) -> str:
    """An item that Neuss reports as begonnen (so it already has a date)."""
    with make_engine(demo_url).connect() as conn:
        pf = prefill(conn, "neuss", QUARTER)
    return next(i for i, v in pf.items.items() if v["state"] == "in_progress")


def _log_in(page: Page, name: str) -> None:
    page.get_by_label("Benutzername", exact=True).fill(name)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Angemeldet als").first.wait_for(timeout=WAIT)
    wait_for_run(page)


def test_the_editor_of_neuss_reports_an_item_reached(
    editor_server: str, chromium_path: str, demo_url: str, tmp_path: Path
) -> None:
    item = _begun_item(demo_url)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="de-DE")
            page.goto(f"{editor_server}/qualitaet", wait_until="domcontentloaded")
            _log_in(page, "nina")
            expect(page.get_by_role("heading", name="Qualitätsbausteine").first).to_be_visible(
                timeout=WAIT
            )
            page.get_by_role("tab", name="Bausteine melden").click()
            expect(
                page.get_by_text("Bericht Jugendamt der Stadt Neuss, 3. Quartal 2026")
            ).to_be_visible(timeout=WAIT)
            box = page.locator(f".st-key-qf_box_{item.replace('.', '_')}")
            box.get_by_text("● erreicht").click()
            box.get_by_label("Nachweis", exact=True).fill("Gesamtkonzept, Beschluss JHA")
            box.get_by_label("Nachweis-Link", exact=True).fill(LINK)
            page.get_by_role("button", name="Bericht speichern").click()
            expect(
                page.get_by_text("Gespeichert: Bericht Neuss, 3. Quartal 2026 (Fassung 2, nina).")
            ).to_be_visible(timeout=WAIT)
            wait_for_run(page)
            page.screenshot(path=str(tmp_path / "bericht.png"), full_page=True)

            page.get_by_role("tab", name="Stand im Quartal").click()
            page.get_by_text("Links zu den Nachweisen").click()
            link = page.get_by_role("link", name="Gesamtkonzept, Beschluss JHA")
            expect(link).to_be_visible(timeout=WAIT)
            assert link.get_attribute("href") == LINK
        finally:
            browser.close()
    assert (tmp_path / "bericht.png").stat().st_size > 10_000

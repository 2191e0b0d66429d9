"""The steering form in a real browser (Debian's chromium via Playwright): an editor
adds a Beschluss for Jugendamt Neuss and finds it in the tab „Steuerung“ and its CSV."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import CHROMIUM_ARGS, remote_requests, streamlit_server, wait_for_run

pytestmark = pytest.mark.browser

WAIT = 30_000
DOWNLOAD = "Tabelle als CSV (Excel) herunterladen"


@pytest.fixture
def editing_server(form_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The app on a writable copy of the demo, PRAEV_AUTH=none (everyone is admin)."""
    env = dict(os.environ, DATABASE_URL=form_url, PRAEV_AUTH="none")
    with streamlit_server(env, tmp_path / "streamlit.log") as base:
        yield base


def test_add_a_decision_and_see_it_in_the_tab(
    editing_server: str, chromium_path: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{editing_server}/qualitaet?kommune=05162024", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Qualitätsbausteine")).to_be_visible(
                timeout=WAIT
            )
            wait_for_run(page)
            page.get_by_role("tab", name="Steuerung pflegen", exact=True).click()
            page.get_by_label("Eintrag", exact=True).click()
            page.get_by_role("option", name="Neuer Eintrag: Beschluss").click()
            wait_for_run(page)
            form = page.locator('[data-testid="stForm"]')
            expect(form.get_by_text("Neuer Eintrag für Jugendamt der Stadt Neuss")).to_be_visible(
                timeout=WAIT
            )
            form.get_by_role("textbox", name="Titel").fill("Ausbau der Familienzentren")
            form.get_by_role("spinbutton", name="day, Beschlossen am").click()
            page.keyboard.type("15092026")
            form.get_by_role("textbox", name="Gremium").fill("Jugendhilfeausschuss")
            form.get_by_role("textbox", name="Drucksache").fill("JHA/0777/2026")
            form.get_by_role("button", name="Speichern").click()
            wait_for_run(page)
            expect(
                page.get_by_text("Gespeichert: Beschluss „Ausbau der Familienzentren“")
            ).to_be_visible(timeout=WAIT)
            page.screenshot(path=str(tmp_path / "gespeichert.png"), full_page=True)

            page.get_by_role("tab", name="Steuerung", exact=True).click()
            wait_for_run(page)
            expect(page.get_by_role("heading", name="Beschlüsse")).to_be_visible(timeout=WAIT)
            with page.expect_download() as download:
                page.get_by_role("button", name=DOWNLOAD).last.click()
            csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
        finally:
            browser.close()

    lines = csv.splitlines()
    assert lines[0] == "Jugendamt;Beschlossen am;Gremium;Drucksache;Titel;Notiz"
    assert (
        "Neuss;15.09.2026;Jugendhilfeausschuss;JHA/0777/2026;Ausbau der Familienzentren;–" in lines
    )
    assert all(line.startswith("Neuss;") for line in lines[1:])  # the Kommune's office only
    assert remote_requests(requested) == []

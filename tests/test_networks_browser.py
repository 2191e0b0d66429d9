"""The Netzwerke page in a real browser (Debian's chromium via Playwright), fully offline;
and the status form as the editor of Neuss uses it: tick a criterion, add a partner to
the register, save, see the count derived from the register."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from core.db import make_engine
from core.network_entry import prefill
from tests.auth_support import PASSWORD, users_file
from tests.browser_support import CHROMIUM_ARGS, remote_requests, streamlit_server, wait_for_run

pytestmark = pytest.mark.browser

WAIT = 30_000


def test_networks_page_renders_table_charts_and_stays_offline(
    live_server: str, chromium_path: str, tmp_path: Path
) -> None:
    """Status table, a stage chart and the entry form show; nothing leaves the machine.

    The live server runs with PRAEV_AUTH=none (tests/conftest.py): everyone is admin."""
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda ws: requested.append(ws.url))
            page.goto(live_server, wait_until="domcontentloaded")
            page.get_by_role("link", name="Netzwerke").click(timeout=WAIT)
            expect(page.get_by_role("heading", name="Netzwerke")).to_be_visible(timeout=WAIT)
            expect(
                page.get_by_text("48 von 52 Netzwerken haben für das 3. Quartal 2026 gemeldet.")
            ).to_be_visible(timeout=WAIT)
            grid = page.locator('[data-testid="stDataFrame"]').first
            expect(grid).to_be_visible(timeout=WAIT)
            assert grid.bounding_box()["height"] > 200  # the table is drawn, not an empty box
            expect(page.get_by_text("Datenstand: 30.09.2026").first).to_be_visible(timeout=WAIT)
            expect(page.get_by_text("Demodaten").first).to_be_visible(timeout=WAIT)
            page.screenshot(path=str(tmp_path / "netzwerke.png"), full_page=True)

            page.get_by_role("tab", name="Entwicklungsstufen").click()
            chart = page.locator(".js-plotly-plot").first
            expect(chart).to_be_visible(timeout=WAIT)
            expect(chart.locator("text", has_text="Kreisjugendamt").first).to_be_attached(
                timeout=WAIT
            )
            expect(chart.locator("text", has_text="Produktionsnetzwerk").first).to_be_attached(
                timeout=WAIT
            )

            page.get_by_role("tab", name="Status melden").click()
            expect(page.get_by_text("Gespeichert wird unter Ihrem Benutzernamen")).to_be_visible(
                timeout=WAIT
            )
            wait_for_run(page)
        finally:
            browser.close()

    assert (tmp_path / "netzwerke.png").stat().st_size > 10_000
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"


@pytest.fixture
def editor_server(
    form_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A server with the local login on a copy of the demo database (url, database url),
    on SQLite and PostgreSQL."""
    folder = tmp_path_factory.mktemp("networks_server")
    env = dict(
        os.environ,
        DATABASE_URL=form_url,
        PRAEV_AUTH="local",
        PRAEV_PUBLIC="0",
        PRAEV_USERS_FILE=str(users_file(folder)),
        PRAEV_COOKIE_KEY="n" * 40,
    )
    with streamlit_server(env, folder / "streamlit.log") as base:
        yield base, env["DATABASE_URL"]


def _log_in(page: Page, name: str) -> None:
    page.get_by_label("Benutzername", exact=True).fill(name)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_text("Angemeldet als").first.wait_for(timeout=WAIT)
    wait_for_run(page)


def _add_partner(page: Page, organisation: str, sector: str) -> None:
    """Add a row to the register's table (drawn on a canvas: cells by position)."""
    editor = page.locator('[class*="st-key-nf_partners_"]')
    editor.hover()
    editor.get_by_role("button", name="Zeile hinzufügen").click()
    wait_for_run(page)
    box = editor.locator('[data-testid="stDataFrameResizable"]').first.bounding_box()
    assert box is not None
    new_row = box["y"] + box["height"] - 18  # the added row is the last one shown
    page.mouse.dblclick(box["x"] + 150, new_row)  # Organisation
    cell = page.locator("textarea.gdg-input, input.gdg-input").first
    cell.wait_for(timeout=WAIT)
    cell.fill(organisation)
    page.keyboard.press("Tab")
    wait_for_run(page)
    # Bereich, a select list: the column after the wide Organisation (at 1400 px: 520 px)
    page.mouse.dblclick(box["x"] + box["width"] * 0.57, new_row)
    page.wait_for_timeout(500)
    page.keyboard.type(sector)
    page.keyboard.press("Enter")
    wait_for_run(page)


def test_the_editor_ticks_a_criterion_adds_a_partner_and_sees_the_count(
    editor_server: tuple[str, str], chromium_path: str, tmp_path: Path
) -> None:
    base, database = editor_server
    with make_engine(database).connect() as conn:
        nid = int(
            conn.exec_driver_sql(
                "select id from network where name = 'Netzwerk Frühe Hilfen Neuss'"
            ).scalar()
        )
        before = prefill(conn, nid, "2026-Q3")
    count = before.values["partners"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="de-DE")
            page.goto(f"{base}/netzwerke", wait_until="domcontentloaded")
            _log_in(page, "nina")
            page.get_by_role("tab", name="Status melden").click()
            expect(
                page.get_by_text("Meldung für Netzwerk Frühe Hilfen Neuss, 3. Quartal 2026")
            ).to_be_visible(timeout=WAIT)
            expect(page.get_by_text(f"Partner am 30.09.2026: {count}")).to_be_visible(timeout=WAIT)

            page.get_by_text("Gemeinsam eingesetzte Mittel oder Personal", exact=True).click()
            wait_for_run(page)
            expect(page.get_by_text("Aus den Kriterien: Produktionsnetzwerk")).to_be_visible(
                timeout=WAIT
            )
            _add_partner(page, "Caritasverband Neuss", "Freie")
            expect(page.get_by_text(f"Partner am 30.09.2026: {count + 1}")).to_be_visible(
                timeout=WAIT
            )
            page.get_by_label("Notiz", exact=True).fill("Caritas neu im Netzwerk")
            page.get_by_role("button", name="Speichern").click()
            expect(page.get_by_text("Gespeichert: Netzwerk Frühe Hilfen Neuss")).to_be_visible(
                timeout=WAIT
            )
            wait_for_run(page)
            # after saving, the form shows the register from the database with the count
            expect(page.get_by_text(f"Partner am 30.09.2026: {count + 1}")).to_be_visible(
                timeout=WAIT
            )
            page.get_by_text("Änderungsprotokoll dieser Meldung").click()
            expect(
                page.get_by_text("neu: Caritasverband Neuss (Freie Träger)", exact=False)
            ).to_be_attached(timeout=WAIT)
            page.screenshot(path=str(tmp_path / "meldung.png"), full_page=True)
        finally:
            browser.close()
    with make_engine(database).connect() as conn:
        after = prefill(conn, nid, "2026-Q3")
    assert after.source == "current" and after.record is not None
    assert after.record["updated_by"] == "nina"
    assert after.values["partners"] == count + 1
    assert "gemeinsame_ressourcen" in after.values["criteria"]
    assert "Caritasverband Neuss" in {r.organisation for r in after.register}

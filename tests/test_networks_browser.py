"""The Netzwerke page in a real browser (Debian's chromium via Playwright), fully offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import CHROMIUM_ARGS, remote_requests, wait_for_run

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

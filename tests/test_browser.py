"""The running app in a real browser (Debian's chromium via Playwright), fully offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.browser_support import CHROMIUM_ARGS, remote_requests, wait_for_run

pytestmark = pytest.mark.browser


def test_overview_loads_without_leaving_the_machine(
    live_server: str, chromium_path: str, tmp_path: Path
) -> None:
    """The Übersicht renders, and nothing is fetched from the internet (no CDN, no tracking)."""
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda ws: requested.append(ws.url))
            page.goto(live_server, wait_until="domcontentloaded")
            heading = page.get_by_role("heading", name="Präventionsmonitor")
            heading.wait_for(timeout=30_000)
            page.get_by_text("Wo zuerst hinschauen?").wait_for(timeout=30_000)
            page.get_by_text("Demodaten").first.wait_for(timeout=30_000)
            page.get_by_text("Kennzahlen").first.wait_for(timeout=30_000)
            wait_for_run(page)
            assert page.title() == "Präventionsmonitor"
            page.screenshot(path=str(tmp_path / "uebersicht.png"), full_page=True)
        finally:
            browser.close()

    assert (tmp_path / "uebersicht.png").stat().st_size > 10_000
    assert requested, "der Browser hat nichts geladen"
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"

"""The Präventionskette page in a real browser (Debian's chromium via Playwright): the
chain and the heatmap are drawn, and nothing is fetched from outside the machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser_support import CHROMIUM_ARGS, remote_requests

pytestmark = pytest.mark.browser

WAIT_MS = 60_000


def test_chain_and_heatmap_render_offline(
    live_server: str, chromium_path: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    shot = tmp_path / "praeventionskette.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 6000}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda ws: requested.append(ws.url))
            page.goto(f"{live_server}/praeventionskette", wait_until="domcontentloaded")
            expect(page.get_by_role("heading", name="Präventionskette").first).to_be_visible(
                timeout=WAIT_MS
            )
            expect(page.get_by_text("Die Kette auf einen Blick")).to_be_visible(timeout=WAIT_MS)
            expect(page.get_by_text("Das schwächste Glied der Kette ist")).to_be_visible()
            charts = page.locator(".stPlotlyChart")
            expect(charts).to_have_count(5, timeout=WAIT_MS)
            chain, heatmap = charts.nth(0), charts.nth(1)
            # plotly draws SVG: the chain's links and the heatmap's cells with their text
            expect(chain.get_by_text("schwächstes Glied")).to_be_visible(timeout=WAIT_MS)
            expect(chain.locator("text", has_text="erreicht").first).to_be_attached()
            expect(heatmap.locator("text", has_text="Weckhoven").first).to_be_attached(
                timeout=WAIT_MS
            )
            expect(heatmap.locator("text", has_text="•").first).to_be_attached()
            expect(page.get_by_text("Entwicklung der Versorgung")).to_be_visible()
            expect(page.get_by_text("Datenstand:").first).to_be_visible()
            link_boxes = chain.locator("path[data-index]").count()
            status_words = chain.locator("text", has_text="erreicht").count()
            heat_cells = heatmap.locator("text", has_text="%").count()
            blocked = heatmap.locator("text", has_text="•").count()
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert link_boxes >= 6, "die sechs Glieder der Kette fehlen"
    assert status_words >= 1, "der Status steht nicht als Wort an den Gliedern"
    assert heat_cells > 100, "die Heatmap zeigt keine Zielerreichung in %"
    assert blocked >= 1, "nicht ausgewiesene Zellen tragen nicht das Zeichen „•“"
    assert shot.stat().st_size > 50_000
    assert requested, "der Browser hat nichts geladen"
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"

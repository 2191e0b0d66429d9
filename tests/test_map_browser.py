"""The Sozialraumkarte in a real browser (Debian's chromium via Playwright), offline:
Leaflet draws every Sozialraum, the offers layer toggles, a click selects an area and
links to its profile, and no request leaves 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from core.areas import areas_in
from tests.browser_support import CHROMIUM_ARGS, remote_requests

pytestmark = pytest.mark.browser

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT = 60_000


def _open_map(page: Page, base: str) -> None:
    # Load the app once first: a fresh server answers the very first deep link with
    # Streamlit's "Page not found" dialog before app.py has registered its pages.
    page.goto(base, wait_until="domcontentloaded")
    page.get_by_role("heading", name="Präventionsmonitor").wait_for(timeout=TIMEOUT)
    page.goto(f"{base}/karte", wait_until="domcontentloaded")
    page.get_by_role("heading", name="Sozialraumkarte").wait_for(timeout=TIMEOUT)
    dialog = page.get_by_test_id("stDialog")
    if dialog.count():
        page.keyboard.press("Escape")


def test_map_draws_every_area_offline_and_selects_on_click(
    live_server: str, chromium_path: str, demo_engine, tmp_path: Path
) -> None:
    with demo_engine.connect() as conn:
        area_ids = set(areas_in(conn, None, "area")["id"])
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1300}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda ws: requested.append(ws.url))
            _open_map(page, live_server)
            frame = page.frame_locator(MAP_FRAME)
            areas = frame.locator("path.leaflet-interactive")
            # every Sozialraum drawn (Leaflet adds the paths one after another)
            expect(areas.nth(len(area_ids) - 1)).to_be_attached(timeout=TIMEOUT)
            fills = areas.evaluate_all("els => els.map(e => e.getAttribute('fill'))")
            assert all(f and f != "none" for f in fills)
            assert "url(#praev-hatch)" in fills  # suppressed areas are hatched
            assert len({f for f in fills if f.startswith("#")}) >= 5  # five classes
            assert frame.locator("#praev-hatch").count() == 1
            attribution = frame.locator(".leaflet-control-attribution").inner_text()
            assert "Geometrie: Demodaten (schematisch)" in attribution

            # the offers layer is off, and the layer control switches it on and off
            offers = frame.get_by_label(re.compile(r"Angebote \("))
            assert not offers.is_checked()
            assert frame.locator(".praev-cluster, .praev-offer").count() == 0
            offers.check()
            frame.locator(".praev-cluster").first.wait_for(timeout=TIMEOUT)
            offers.uncheck()
            expect(frame.locator(".praev-cluster, .praev-offer")).to_have_count(0)

            # hovering shows the tooltip with the comparison values
            target = areas.nth(len(area_ids) // 2)
            target.hover()
            tooltip = frame.locator(".leaflet-tooltip")
            expect(tooltip).to_contain_text("Kommune gesamt:", timeout=TIMEOUT)
            expect(tooltip).to_contain_text("Kreis gesamt:")

            # clicking selects the area and offers the link to its profile
            target.click()
            link = page.get_by_role("link", name=re.compile("^Steckbrief von"))
            link.wait_for(timeout=TIMEOUT)
            href = link.get_attribute("href") or ""
            parts = urlsplit(href)
            assert parts.path.endswith("/steckbrief")
            assert parse_qs(parts.query)["gebiet"][0] in area_ids
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(tmp_path / "karte.png"))
        finally:
            browser.close()

    assert (tmp_path / "karte.png").stat().st_size > 20_000
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"
    assert any("/app/static/leaflet/leaflet.js" in url for url in requested)

"""The Sozialraumkarte in a real browser (Debian's chromium via Playwright), offline:
Leaflet draws every Sozialraum, the offers layer toggles, a click selects an area and
links to its profile, and no request leaves 127.0.0.1. On a projector (1280×720) and a
large screen the map starts high and fits the window, names the Kommunen and, closer
in, the Sozialräume, keeps its layer control closed, outlines the clicked area, and no
text of the page is cut."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from core.areas import areas_in
from core.present.map_style import SELECTED_COLOR
from tests.browser_support import CHROMIUM_ARGS, remote_requests, streamlit_server, wait_for_run
from tests.untrusted_support import EVALUATED, EVIL_HOST, evil_demo

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

            # the offers layer is off, and the (collapsed) layer control switches it
            frame.locator(".leaflet-control-layers").hover()
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
            link = page.get_by_role("link", name=re.compile("Steckbrief öffnen"))
            link.wait_for(timeout=TIMEOUT)
            href = link.get_attribute("href") or ""
            parts = urlsplit(href)
            assert parts.path.split("/")[-1] == "steckbrief"  # relative: works under a prefix
            assert parse_qs(parts.query)["gebiet"][0] in area_ids
            wait_for_run(page)
            page.screenshot(path=str(tmp_path / "karte.png"))
        finally:
            browser.close()

    assert (tmp_path / "karte.png").stat().st_size > 20_000
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"
    assert any("/app/static/leaflet/leaflet.js" in url for url in requested)


#: Elements whose text is cut with an ellipsis (in the page or in the map's frame).
TRUNCATED = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.scrollWidth > e.clientWidth + 1
    && getComputedStyle(e).textOverflow === 'ellipsis' && (e.innerText || '').trim())
  .map(e => e.tagName + ': ' + e.innerText.trim().slice(0, 60))"""
#: The names on the map the reader can see.
VISIBLE_LABELS = """els => els
  .filter(e => e.style.display !== 'none' && e.firstChild.offsetWidth > 0)
  .map(e => e.innerText.trim())"""
#: Top of the map at most this far down the window (a projector shows 1280×720).
MAP_TOP_LIMIT = 300
#: The map's bottom may reach this far below the window's bottom edge.
MAP_BOTTOM_SLACK = 20


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_map_fits_a_projector_names_areas_and_outlines_the_selection(
    live_server: str, chromium_path: str, demo_engine, tmp_path: Path, width: int, height: int
) -> None:
    with demo_engine.connect() as conn:
        municipalities = set(areas_in(conn, None, "municipality")["name"])
        sozialraeume = set(areas_in(conn, None, "area")["name"])
    requested: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # through the menu, as a user gets there (a typed deep link is another test's)
            page.goto(live_server, wait_until="domcontentloaded")
            page.get_by_role("link", name="Sozialraumkarte").click()
            page.get_by_role("heading", name="Sozialraumkarte").wait_for(timeout=TIMEOUT)
            frame = page.frame_locator(MAP_FRAME)
            frame.locator("path.leaflet-interactive").first.wait_for(timeout=TIMEOUT)
            frame.locator(".praev-label").first.wait_for(state="attached", timeout=TIMEOUT)
            page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=TIMEOUT)
            page.wait_for_timeout(1000)

            # the map starts high and ends at (about) the window's bottom
            box = page.locator(MAP_FRAME).bounding_box()
            assert box is not None and box["height"] > 300
            assert box["y"] <= MAP_TOP_LIMIT, f"Karte beginnt erst bei y = {box['y']:.0f}"
            bottom = box["y"] + box["height"]
            assert bottom <= height + MAP_BOTTOM_SLACK, f"Karte endet bei y = {bottom:.0f}"

            # the Kommunen are named at the first view; the layer control is closed
            labels = frame.locator(".praev-label")
            assert set(labels.evaluate_all(VISIBLE_LABELS)) == municipalities
            control = frame.locator(".leaflet-control-layers")
            assert "leaflet-control-layers-expanded" not in (control.get_attribute("class") or "")
            expect(frame.locator(".leaflet-control-layers-list")).to_be_hidden()
            control_box = control.bounding_box()
            assert control_box is not None and control_box["width"] < 60

            # closer in, the Sozialräume are named, and no two names overlap
            frame.locator(".leaflet-control-zoom-in").click()
            page.wait_for_timeout(1200)
            shown = labels.evaluate_all(VISIBLE_LABELS)
            assert len(shown) >= 10 and set(shown) <= sozialraeume, shown
            boxes = labels.evaluate_all(
                "els => els.filter(e => e.style.display !== 'none')"
                ".map(e => e.firstChild.getBoundingClientRect())"
                ".map(r => [r.left, r.top, r.right, r.bottom])"
            )
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                    assert not overlap, (a, b)
            frame.locator(".leaflet-control-zoom-out").click()
            page.wait_for_timeout(1200)

            # a click outlines the area on the map and names it beside the map
            assert frame.locator("path.praev-selected").count() == 0
            target = frame.locator("path.leaflet-interactive").nth(len(sozialraeume) // 3)
            target.click()
            outline = frame.locator("path.praev-selected")
            outline.wait_for(state="attached", timeout=TIMEOUT)
            assert outline.get_attribute("stroke") == SELECTED_COLOR
            assert outline.get_attribute("d") == target.get_attribute("d")
            link = page.get_by_role("link", name=re.compile("Steckbrief öffnen"))
            link.wait_for(timeout=TIMEOUT)
            assert link.get_attribute("target") in (None, "", "_self")
            page.mouse.move(5, height - 5)  # the tooltip away from the screenshot
            page.wait_for_timeout(500)
            page.screenshot(path=str(tmp_path / f"karte_{width}.png"))

            # no text cut with an ellipsis: page, map, popovers, the table's columns
            assert page.evaluate(TRUNCATED) == []
            assert (
                page.frame_locator(MAP_FRAME).locator("body").evaluate(f"b => ({TRUNCATED})()")
                == []
            )
            for button in ("Klassen", "Angebote"):
                page.get_by_role("button", name=button).click()
                page.get_by_test_id("stPopoverBody").wait_for(timeout=TIMEOUT)
                assert page.evaluate(TRUNCATED) == [], button
                page.keyboard.press("Escape")
            page.get_by_role("tab", name="Tabelle").click()
            table = page.get_by_test_id("stDataFrame").locator(".dvn-scroller").first
            table.wait_for(timeout=TIMEOUT)
            widths = table.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert widths[0] <= widths[1] + 1, f"Tabelle breiter als ihr Platz: {widths}"

            # the profile opens in this tab, with the selection
            link.click()
            page.wait_for_url(re.compile(r"/steckbrief\?.*gebiet="), timeout=TIMEOUT)
            assert len(browser.contexts[0].pages) == 1
        finally:
            browser.close()

    assert errors == [], f"Fehler in der Konsole: {errors}"
    remote = remote_requests(requested)
    assert remote == [], f"Anfragen ins Internet: {remote}"


def test_names_on_the_map_are_shown_as_typed(
    demo_url: str, chromium_path: str, tmp_path: Path
) -> None:
    """Every name an attack (markup, template syntax, links): the labels show it as text."""
    url = evil_demo(demo_url, tmp_path)
    env = dict(os.environ, DATABASE_URL=url, PRAEV_AUTH="none")
    requested: list[str] = []
    with (
        streamlit_server(env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            _open_map(page, base)
            frame = page.frame_locator(MAP_FRAME)
            labels = frame.locator(".praev-label")
            labels.first.wait_for(state="attached", timeout=TIMEOUT)
            page.wait_for_timeout(1000)
            shown = labels.evaluate_all(VISIBLE_LABELS)
            assert shown, "kein Name auf der Karte"
            assert all("{{ lipsum.__name__ }}" in text for text in shown)
            assert all("{% if true %}JA{% endif %}" in text for text in shown)
            assert all(f'<img src="http://{EVIL_HOST}/h.png">' in text for text in shown)
            assert frame.locator(".praev-label img, .praev-label a").count() == 0
            assert EVALUATED not in frame.locator("body").inner_text()
        finally:
            browser.close()
    assert [u for u in requested if EVIL_HOST in u] == []

"""The attack database in a real browser (Debian's chromium): every page shows the
attacks as text. No outside image is fetched, no link or image to the attacker's host
exists anywhere in the page, its frames or its charts, and the map's tooltip shows the
template syntax of a name exactly as typed."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from tests.browser_support import CHROMIUM_ARGS, remote_requests, streamlit_server
from tests.untrusted_support import EVALUATED, EVIL_HOST, evil_demo

pytestmark = pytest.mark.browser

TIMEOUT = 60_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: (path, heading that shows the page is drawn)
PAGES = [
    ("uebersicht?kommune=05162024", "Präventionsmonitor"),
    ("karte?kommune=05162024", "Sozialraumkarte"),
    ("praeventionskette?kommune=05162024", "Präventionskette"),
    ("netzwerke?kommune=05162024", "Netzwerke"),
    ("steckbrief?gebiet=05162024-10", "Sozialraum-Steckbrief"),
    ("sitzung", "Ausschuss-Sitzung"),
]
#: Every element of the document or a frame that would load or link the attacker's host:
#: a link or image address, a source set, a form target or a CSS url().
ATTRIBUTES_WITH_HOST = r"""host => [...document.querySelectorAll('*')].flatMap(e =>
  [...e.attributes]
    .filter(a => a.value.includes(host)
      && (/(^|:)(href|src|srcset|action|formaction|poster|background|data)$/i.test(a.name)
          || (a.name === 'style' && /url\(/i.test(a.value))))
    .map(a => e.tagName + ' ' + a.name))"""


@pytest.fixture(scope="module")
def evil_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("evil_browser")
    url = evil_demo(demo_url, folder)
    env = dict(os.environ, DATABASE_URL=url, PRAEV_AUTH="none")
    with streamlit_server(env, folder / "streamlit.log") as base:
        yield base


def _host_attributes(page: Page) -> list[str]:
    found = []
    for frame in page.frames:
        found += frame.evaluate(ATTRIBUTES_WITH_HOST, EVIL_HOST)
    return found


def _open(page: Page, base: str, path: str, heading: str) -> None:
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT)
    if page.get_by_test_id("stDialog").count():
        page.keyboard.press("Escape")
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # charts and the map draw after the script run


def test_every_page_shows_attacks_as_text(
    evil_server: str, chromium_path: str, tmp_path: Path
) -> None:
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="de-DE")
            page.on("request", lambda request: requested.append(request.url))
            page.goto(evil_server, wait_until="domcontentloaded")
            page.get_by_role("heading", name="Präventionsmonitor").wait_for(timeout=TIMEOUT)
            for path, heading in PAGES:
                _open(page, evil_server, path, heading)
                if path == "sitzung":  # the frozen session with its attacking title
                    page.get_by_text("Eingefrorene Sitzung").click()
                    page.get_by_text("Eingefroren", exact=False).nth(1).wait_for(timeout=TIMEOUT)
                    page.wait_for_timeout(1500)
                body = page.locator("body").inner_text()
                assert "lipsum.__name__" in body, f"{path}: kein Angriffsname sichtbar"
                assert EVALUATED not in body, path
                assert _host_attributes(page) == [], path
                if path.startswith("karte"):
                    frame = page.frame_locator(MAP_FRAME)
                    area = frame.locator("path.leaflet-interactive").first
                    area.hover()
                    tooltip = frame.locator(".leaflet-tooltip")
                    tooltip.wait_for(timeout=TIMEOUT)
                    text = tooltip.inner_text()
                    assert "{{ lipsum.__name__ }}" in text
                    assert "{% if true %}JA{% endif %}" in text
                    assert frame.locator(".leaflet-tooltip img").count() == 0
            page.screenshot(path=str(tmp_path / "sitzung.png"))
        finally:
            browser.close()
    assert [u for u in requested if EVIL_HOST in u] == []
    assert remote_requests(requested) == []

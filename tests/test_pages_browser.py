"""Every page as a committee member sees it on a projector (1280×720) and on a large
screen (1920×1080), in Chromium: German only, nothing cut off with "…", nothing fetched
from the internet, no error in the console, no error box and no English framework modal.

The slides of the presentation mode have their own suite (tests/test_presentation_*.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from core.access import PAGES
from tests.browser_support import CHROMIUM_ARGS, remote_requests, wait_for_run
from tests.english_strings import english_in

pytestmark = pytest.mark.browser

VIEWPORTS = [(1280, 720), (1920, 1080)]
#: the frontend looks for the server below the page's own path first (…/karte/_stcore/…)
#: and then at the root: Streamlit's way to find its base URL on a deep link. These
#: two 404s are expected; every other failed request counts.
BASE_URL_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")
#: what the app's pages show once rendered (one text each)
READY = {
    "uebersicht": "Kennzahlen",
    "karte": "Sozialraumkarte",
    "praeventionskette": "Präventionskette",
    "netzwerke": "Netzwerke",
    "qualitaet": "Stand je Punkt und Jugendamt",
    "angebote": "Angebotsliste",
    "steckbrief": "Sozialraum-Steckbrief",
    "sitzung": "Ausschuss-Sitzung",
    "daten": "Daten verwalten",
}

#: text cut off with an ellipsis: an element whose text overflows its box while CSS
#: shortens it (text-overflow: ellipsis), or a text node that ends in "…" where the
#: product never writes one
TRUNCATED_JS = """
() => {
  const cut = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.textOverflow !== 'ellipsis' || style.display === 'none') continue;
    if (style.visibility === 'hidden' || !el.offsetParent) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.textContent.trim()) {
      cut.push(el.textContent.trim().slice(0, 80));
    }
  }
  return cut;
}
"""


#: the tooltips and accessible names a mouse or a screen reader meets
LABELS_JS = """
() => Array.from(document.querySelectorAll('[title], [aria-label], [placeholder]'))
  .flatMap(el => ['title', 'aria-label', 'placeholder'].map(a => el.getAttribute(a) || ''))
  .filter(Boolean)
"""


@dataclass
class Visit:
    """What one page load did: requests, failed responses and console errors."""

    requested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("request", lambda r: self.requested.append(r.url))
        page.on("websocket", lambda ws: self.requested.append(ws.url))
        page.on("response", lambda r: self.failed.append(r.url) if r.status >= 400 else None)
        page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )

    def unexpected_failures(self) -> list[str]:
        from urllib.parse import urlsplit

        return [u for u in self.failed if not BASE_URL_PROBE.match(urlsplit(u).path)]

    def unexplained_console_errors(self) -> list[str]:
        """Console errors other than the browser's note on each expected probe 404."""
        probes = len(self.failed) - len(self.unexpected_failures())
        resource = [e for e in self.console_errors if e.startswith("Failed to load resource")]
        others = [e for e in self.console_errors if not e.startswith("Failed to load resource")]
        return others + resource[probes:]


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser: Browser, url: str, size: tuple[int, int], ready: str) -> tuple[Page, Visit]:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]}, locale="de-DE")
    visit = Visit()
    visit.watch(page)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text(ready, exact=True).first.wait_for(timeout=60_000)
    wait_for_run(page)  # the script has finished, the page stands still
    page.wait_for_timeout(1000)  # late charts, maps and modals
    return page, visit


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", [e.path for e in PAGES])
def test_every_page_is_german_complete_and_local(
    live_server: str, browser: Browser, path: str, size: tuple[int, int]
) -> None:
    page, visit = _open(browser, f"{live_server}/{path}", size, READY[path])
    try:
        text = page.inner_text("body") + "\n" + "\n".join(page.evaluate(LABELS_JS))
        english = english_in(text)
        assert not english, f"/{path}: englische Texte {english}"
        assert page.locator("[data-testid=stException]").count() == 0, f"/{path}: Traceback"
        errors = page.locator("[data-testid=stAlertContentError]").all_inner_texts()
        assert not errors, f"/{path}: Fehlermeldung {errors}"
        cut = page.evaluate(TRUNCATED_JS)
        assert not cut, f"/{path} bei {size}: abgeschnittene Texte {cut}"
        assert remote_requests(visit.requested) == []
        assert visit.unexpected_failures() == [], f"/{path}: {visit.unexpected_failures()}"
        assert visit.unexplained_console_errors() == [], f"/{path}: Konsole {visit.console_errors}"
    finally:
        page.close()

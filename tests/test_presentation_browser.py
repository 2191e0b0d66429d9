"""The presentation mode on a projector (1280×720) and a large screen (1920×1080), in
Chromium: every slide fits the viewport without scrolling, its body (map, charts, table)
ends above the reading aid, no Plotly tool bar, larger key figures than on the
Übersicht with the same change symbols, whole-number ticks and a legend clear of the
chart's title on the network slide, and Esc ends the presentation — without a console
error.

One server, one browser, one page: the slides are paged forward at 1280×720 and back at
1920×1080.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright

from core.reports import SLIDE_KEYS
from tests.browser_support import CHROMIUM_ARGS, wait_for_run

pytestmark = pytest.mark.browser

SLIDES = len(SLIDE_KEYS)
SMALL, LARGE = (1280, 720), (1920, 1080)
COUNTER = "Folie {number} von {total}"
CHANGE_SYMBOLS = ("↑", "↓", "→")
DORMAGEN = "05162004"
#: the frontend looks for its server below a deep link's path first (a 404 by design)
BASE_URL_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")

#: where the shown slide ends: the lowest text line or element box of the slide, the
#: lowest of its body (map, charts, table) against the body's own bottom, what is not
#: settled yet (a rerun's stale elements, charts not drawn), the Plotly tool bars
SLIDE_JS = """
() => {
  const slide = document.querySelector('.st-key-session_slide');
  if (!slide) return null;
  const shown = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    }
    return true;
  };
  const lowest = (root) => {
    let bottom = 0, what = '', right = 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim() || !shown(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.height && r.bottom > bottom) { bottom = r.bottom; what = node.textContent.trim(); }
        if (r.height) right = Math.max(right, r.right);
      }
    }
    const boxes = 'img, svg.main-svg, canvas, button, table, [data-testid="stMetric"]';
    for (const el of root.querySelectorAll(boxes)) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || !shown(el)) continue;
      if (r.bottom > bottom) { bottom = r.bottom; what = el.tagName + ' ' + (el.className || ''); }
      right = Math.max(right, r.right);
    }
    return {bottom, right, what: String(what).slice(0, 60)};
  };
  const body = slide.querySelector('.st-key-session_slide_body');
  const charts = [...slide.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const modebars = [...document.querySelectorAll('.modebar')].filter(
    (m) => shown(m) && m.getBoundingClientRect().width > 0);
  return {
    title: (slide.querySelector('h2') || {}).textContent || '',
    slide: lowest(slide),
    body: body ? {...lowest(body), end: body.getBoundingClientRect().bottom} : null,
    stale: document.querySelectorAll('[data-stale="true"]').length,
    charts: charts.length,
    drawn: charts.filter((c) => c.querySelector('svg.main-svg')).length,
    heights: charts.map((c) => Math.round(c.getBoundingClientRect().height)),
    // a table wider than its column is cut off at its right edge
    cut: [...slide.querySelectorAll('table')].filter((t) => {
      const column = t.closest('[data-testid="stColumn"]') || slide;
      return t.getBoundingClientRect().right > column.getBoundingClientRect().right + 1;
    }).map((t) => t.innerText.slice(0, 40)),
    modebars: modebars.length,
  };
}
"""

#: the key figures' value size and change texts (on the Übersicht and on the slide)
FIGURES_JS = """
(root) => {
  const scope = root ? document.querySelector(root) : document;
  const values = [...scope.querySelectorAll('[data-testid="stMetricValue"]')];
  const deltas = [...scope.querySelectorAll('[data-testid="stMetricDelta"]')];
  return {
    size: Math.min(...values.map((v) => parseFloat(getComputedStyle(
      v.querySelector('p') || v).fontSize))),
    deltas: deltas.map((d) => d.innerText.trim()),
    arrows: deltas.filter((d) => d.querySelector('svg')).length,
  };
}
"""

#: chart titles against their legends, and the tick labels of the network slide
NETWORK_JS = """
() => {
  const out = [];
  const slide = document.querySelector('.st-key-session_slide');
  for (const chart of slide.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const column = chart.closest('[data-testid="stColumn"]');
    const title = column.querySelector('[data-testid="stMarkdownContainer"] strong');
    const legend = chart.querySelector('g.legend');
    out.push({
      title: title ? title.getBoundingClientRect().bottom : null,
      legend: legend ? legend.getBoundingClientRect().top : null,
      ticks: [...chart.querySelectorAll('g.xtick text, g.ytick text')].map((t) => t.textContent),
    });
  }
  return out;
}
"""


def _settled(page: Page, number: int, timeout: float = 45.0) -> dict[str, Any]:
    """The measures of slide ``number`` once it is drawn and stands still."""
    expect(page.get_by_text(COUNTER.format(number=number, total=SLIDES))).to_be_visible(
        timeout=timeout * 1000
    )
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        now = page.evaluate(SLIDE_JS)
        ready = now and not now["stale"] and now["drawn"] == now["charts"]
        if ready and now == last:
            return now
        last = now
        page.wait_for_timeout(400)
    pytest.fail(f"Folie {number} kommt nicht zur Ruhe: {last}")


def _check_slide(page: Page, number: int, size: tuple[int, int], shots: Path) -> dict[str, Any]:
    width, height = size
    seen = _settled(page, number)
    title = seen["title"]
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"folie_{number}_{width}x{height}.png"))
    where = f"Folie {number} ({title}) bei {width}×{height}"
    assert seen["slide"]["bottom"] <= height, (
        f"{where}: {seen['slide']['what']!r} endet bei {seen['slide']['bottom']:.0f} px, "
        f"unterhalb des Bildschirms ({height} px)"
    )
    assert seen["slide"]["right"] <= width, f"{where}: Inhalt rechts abgeschnitten"
    assert seen["cut"] == [], f"{where}: Tabelle breiter als ihre Spalte: {seen['cut']}"
    if seen["body"]:
        assert seen["body"]["bottom"] <= seen["body"]["end"] + 1, (
            f"{where}: {seen['body']['what']!r} ragt über den Folienkörper in die Lesehilfe"
        )
    assert seen["modebars"] == 0, f"{where}: Plotly-Werkzeugleiste sichtbar"
    charts = page.locator('.st-key-session_slide [data-testid="stPlotlyChart"]')
    if charts.count():  # the tool bar shows on hover where it is not switched off
        charts.first.hover()
        page.wait_for_timeout(300)
        assert page.evaluate(SLIDE_JS)["modebars"] == 0, f"{where}: Werkzeugleiste beim Zeigen"
        page.mouse.move(1, height - 1)
    return seen


def _arrows_once(page: Page) -> None:
    """ "← Zurück" and "Weiter →": the arrow as the icon, not again as the key's hint."""
    for key, label in (("session_previous", "Zurück"), ("session_next", "Weiter")):
        expect(page.locator(f".st-key-{key} button")).to_contain_text(label)
        expect(page.locator(f".st-key-{key} kbd")).to_be_hidden()


def _key_figures(page: Page, root: str | None = None) -> dict[str, Any]:
    return page.evaluate(FIGURES_JS, root)


def _present(page: Page) -> None:
    """Switch presentation mode on (from slide 1) and check the slim bar."""
    expect(page.get_by_text(COUNTER.format(number=1, total=SLIDES))).to_be_visible(timeout=90_000)
    _arrows_once(page)
    page.locator("label").filter(has_text="Präsentationsmodus").first.click()
    bar = page.locator(".st-key-session_bar")
    expect(bar).to_be_visible(timeout=30_000)
    assert bar.bounding_box()["height"] <= 56  # a slim bar, not 150 px of chrome
    _arrows_once(page)


def _forward(page: Page, size: tuple[int, int], shots: Path) -> dict[int, dict[str, Any]]:
    """Every slide from the first to the last (arrow key →), each checked."""
    seen = {}
    for number in range(1, SLIDES + 1):
        seen[number] = _check_slide(page, number, size, shots)
        if number < SLIDES:
            page.keyboard.press("ArrowRight")
    return seen


def _console_error(errors: list[str], message: ConsoleMessage) -> None:
    """Collect console errors; the frontend's search for its base URL on a deep link
    (…/sitzung/_stcore/health, then /_stcore/health) answers 404 by design."""
    if message.type == "error" and not BASE_URL_PROBE.search(message.location.get("url", "")):
        errors.append(message.text)


def test_every_slide_fits_the_projector_and_esc_ends_it(
    live_server: str, chromium_path: str, tmp_path: Path
) -> None:
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(
                viewport={"width": SMALL[0], "height": SMALL[1]}, locale="de-DE"
            )
            page.on("console", lambda m: _console_error(errors, m))
            page.on("pageerror", lambda e: errors.append(str(e)))

            # the Übersicht's key figures, to compare the slide with
            page.goto(live_server)
            expect(page.locator('[data-testid="stMetricValue"]').first).to_be_visible(
                timeout=90_000
            )
            wait_for_run(page)  # every key figure is drawn, not just the first
            overview = _key_figures(page)
            page.get_by_role("link", name="Ausschuss-Sitzung").first.click()
            _present(page)

            # forward at 1280×720, back at 1920×1080: the same slides, charts growing
            seen = _forward(page, SMALL, tmp_path)
            page.set_viewport_size({"width": LARGE[0], "height": LARGE[1]})
            for number in range(SLIDES, 0, -1):
                large = _check_slide(page, number, LARGE, tmp_path)
                assert large["title"] == seen[number]["title"] != ""
                for tall, short in zip(large["heights"], seen[number]["heights"], strict=True):
                    assert tall > short * 1.3, f"{large['title']}: Diagramm wächst nicht mit"
                if SLIDE_KEYS[number - 1] == "key_figures":
                    figures = _key_figures(page, ".st-key-session_slide")
                    assert figures["size"] > overview["size"] * 1.5, (figures, overview)
                if SLIDE_KEYS[number - 1] == "networks":
                    _check_network_charts(page)
                if number > 1:
                    page.keyboard.press("ArrowLeft")

            # the Kennzahlen slide at 1280×720 as well: larger than on the Übersicht
            page.set_viewport_size({"width": SMALL[0], "height": SMALL[1]})
            for _ in range(SLIDE_KEYS.index("key_figures")):
                page.keyboard.press("ArrowRight")
            _settled(page, SLIDE_KEYS.index("key_figures") + 1)
            figures = _key_figures(page, ".st-key-session_slide")
            assert figures["size"] > overview["size"], (figures, overview)
            # one change rule: the slide writes the Übersicht's changes, symbol first
            assert figures["deltas"] == overview["deltas"]
            assert all(d.startswith(CHANGE_SYMBOLS) for d in figures["deltas"])
            assert any(d.startswith("→ ±0") for d in figures["deltas"])
            assert figures["arrows"] == overview["arrows"] == 0

            # Esc ends the presentation: the page with its controls is back
            page.keyboard.press("Escape")
            expect(page.locator(".st-key-session_bar")).to_be_hidden(timeout=30_000)
            expect(page.get_by_role("heading", name="Ausschuss-Sitzung")).to_be_visible(
                timeout=30_000
            )
            expect(
                page.locator("label").filter(has_text="Präsentationsmodus").first
            ).to_be_visible()

            # one Kommune in an earlier quarter: other names, one youth office, the
            # quality blocks as rows — still every slide on the projector
            page.goto(f"{live_server}/sitzung?quartal=2026-Q1&kommune={DORMAGEN}")
            _present(page)
            _forward(page, SMALL, tmp_path / "kommune")
            page.wait_for_timeout(500)
        finally:
            browser.close()
    assert errors == [], f"Fehler in der Browser-Konsole: {errors}"


def _check_network_charts(page: Page) -> None:
    """The network slide: each legend below its chart's title, counts in whole numbers."""
    charts = page.evaluate(NETWORK_JS)
    assert len(charts) == 2, charts
    for chart in charts:
        assert chart["title"] is not None and chart["legend"] is not None, chart
        assert chart["legend"] >= chart["title"], f"Legende überdeckt den Titel: {chart}"
        numbers = [t for t in chart["ticks"] if re.fullmatch(r"[\d.,\s%]+", t)]
        assert numbers, chart
        assert not [t for t in numbers if "," in t], f"Teilstriche mit Nachkommastellen: {chart}"

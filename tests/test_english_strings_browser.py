"""The frontend's own English texts appear in German (ui.german), in Debian's chromium:
the uploader, select boxes, text fields, the table tool bar and its tooltip, and the
script takes no room in the page. Also: the maintained list matches what it should."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from tests.browser_support import CHROMIUM_ARGS, ROOT, _healthy, free_port
from tests.english_strings import ENGLISH_STRINGS, english_in
from ui import german

PROBE = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(ROOT)!r})
    import pandas as pd
    import streamlit as st
    from ui import german

    german.install()
    st.title("Probe")
    st.file_uploader("Datei hochladen", type=["csv", "xlsx"])
    st.selectbox("Eine Kommune", ["Neuss", "Dormagen"], index=None)
    st.multiselect("Folien", ["Karte", "Kette"])
    st.text_input("Titel")
    st.dataframe(pd.DataFrame({{"Gebiet": ["Neuss", "Dormagen"], "Wert": [1, 2]}}))
    """
)


@pytest.fixture(scope="module")
def probe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("probe")
    script = folder / "probe.py"
    script.write_text(PROBE, encoding="utf-8")
    port = free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail((folder / "server.log").read_text(errors="replace"))
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page(probe_url: str, chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 720}, locale="de-DE")
        tab.goto(probe_url)
        tab.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
        tab.wait_for_function("window.__praevGerman === true", timeout=30_000)
        tab.wait_for_timeout(1000)
        yield tab
        browser.close()


def _visible(page) -> str:
    return page.evaluate("document.body.innerText")


def test_uploader_select_boxes_and_toolbar_speak_german(page) -> None:
    text = _visible(page)
    assert "Datei auswählen" in text
    assert "höchstens 200 MB je Datei • CSV, XLSX" in text
    placeholders = page.eval_on_selector_all(
        "[placeholder]", "els => els.map(e => e.getAttribute('placeholder'))"
    )
    assert placeholders.count("Bitte wählen") == 2, placeholders  # select box, multiselect
    assert english_in(text) == [], english_in(text)
    page.locator('[data-testid="stDataFrame"]').hover()
    buttons = page.locator('[data-testid="stElementToolbarButton"] button:visible')
    labels = [buttons.nth(i).get_attribute("aria-label") for i in range(buttons.count())]
    assert "Vollbild" in labels and "Suchen" in labels, labels
    assert not english_in(" ".join(labels))
    buttons.last.hover()
    tooltip = page.locator('[data-testid="stTooltipContent"]')
    tooltip.wait_for(timeout=5000)
    assert tooltip.inner_text().strip() == "Vollbild"


def test_search_without_hit_and_typing_hint_are_german(page) -> None:
    page.get_by_label("Eine Kommune").click()
    page.keyboard.type("zzzz")
    page.get_by_text("Keine Treffer").wait_for(timeout=5000)
    page.keyboard.press("Escape")
    page.get_by_label("Titel").fill("Ausschuss")
    page.get_by_text("Eingabetaste übernimmt").wait_for(timeout=5000)
    assert english_in(_visible(page)) == []


def test_the_script_takes_no_room_in_the_page(page) -> None:
    heading = page.locator("h1").first.bounding_box()
    block = page.evaluate(
        "document.querySelector('[data-testid=stMainBlockContainer] "
        "[data-testid=stVerticalBlock]').getBoundingClientRect().top"
    )
    assert heading is not None and abs(heading["y"] - block) < 2


def test_the_list_catches_what_it_should_and_spares_german_and_icons() -> None:
    assert english_in("Page not found · Drag and drop file here · Choose an option") == [
        "Choose an option",
        "Drag and drop",
        "Page not found",
    ]
    # icon ligatures (lower case), German words that contain an English one
    assert english_in("upload search Stopp Uploads Suchen Vollbild Druckvorschau") == []
    for english in ("Choose an option", "Upload", "Fullscreen", "Search", "No results"):
        assert english in ENGLISH_STRINGS and english in german.TEXTS

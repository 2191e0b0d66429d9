"""The page "Ausschuss-Sitzung" as a user sees it (AppTest), and in a real browser.

app.py does not list the page yet, so the tests run it through a tiny wrapper script
that sets up the shared filters exactly as app.py does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.key_figures import key_figures
from tests.untrusted_support import as_shown

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from ui.filters import shared_filters

st.set_page_config(layout="wide")
st.session_state["_selection"] = shared_filters(indicator_box=True)
page = st.Page({page!r}, title="Ausschuss-Sitzung", url_path="sitzung", default=True)
st.navigation([page]).run()
"""


@pytest.fixture(scope="module")
def wrapper(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sitzung") / "app.py"
    path.write_text(WRAPPER.format(root=str(ROOT), page=str(ROOT / "pages" / "session.py")))
    return str(path)


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory) -> str:
    """A demo database of this module's own: the tests freeze sessions into it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sitzung_db') / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    return url


def open_page(monkeypatch, wrapper: str, url: str) -> AppTest:
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(wrapper, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(as_shown(m.value) for m in at.markdown)


def test_slides_page_through_with_core_figures(monkeypatch, wrapper, demo_url, demo_engine):
    at = open_page(monkeypatch, wrapper, demo_url)
    assert at.title[0].value == "Ausschuss-Sitzung"
    assert "Folie 1 von 8" in markdown(at)
    assert "## Präventionskette gegen Kinderarmut" in markdown(at)
    assert "Datenstand: 30.06.2026" in "\n".join(c.value for c in at.caption)
    assert len(at.get("download_button")) == 3 + 1  # PPTX, PDF, Excel, CSV of the slide
    at.button(key="session_next").click().run()
    assert "Folie 2 von 8" in markdown(at)
    with demo_engine.connect() as conn:
        figures = key_figures(conn, "2026-Q3")
    shown = {as_shown(m.label): m.value for m in at.metric}
    assert shown == {f.label: f.value for f in figures}
    at.button(key="session_previous").click().run()
    assert "Folie 1 von 8" in markdown(at)


def test_presenter_chooses_and_orders_slides(monkeypatch, wrapper, demo_url) -> None:
    at = open_page(monkeypatch, wrapper, demo_url)
    at.multiselect(key="session_slides").set_value(["gaps", "map"]).run()
    assert "Folie 1 von 2" in markdown(at)
    assert "## Lücken: hoher Bedarf, niedrige Versorgung" in markdown(at)
    table = at.table[0].value
    assert list(table.columns)[:2] == ["Sozialraum", "Kommune"]
    assert "Hafengebiet" not in set(table["Sozialraum"])  # suppressed need is not ranked
    at.button(key="session_next").click().run()
    assert "## Karte: SGB-II-Quote u15" in markdown(at)
    captions = [as_shown(c) for img in at.get("image") for c in img.captions]
    assert captions == [
        "Karte der Sozialräume: SGB-II-Quote unter 15 Jahren (Kinderarmutsquote), 3. Quartal 2026"
    ]
    at.multiselect(key="session_slides").set_value([]).run()
    assert any("mindestens eine Folie" in i.value for i in at.info)


def test_presentation_mode_holds_while_paging(monkeypatch, wrapper, demo_url) -> None:
    at = open_page(monkeypatch, wrapper, demo_url)
    at.multiselect(key="session_slides").set_value(["title", "chain", "networks"]).run()
    at.toggle(key="session_presenting").set_value(True).run()
    css = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert 'data-testid="stSidebar"' in css and "display: none" in css
    at.button(key="session_next").click().run()
    at.button(key="session_next").click().run()
    assert "Folie 3 von 3" in markdown(at)
    assert at.toggle(key="session_presenting").value is True
    assert at.button(key="session_next").disabled
    end = next(b for b in at.button if b.label == "Präsentation beenden")
    end.click().run()
    assert at.toggle(key="session_presenting").value is False
    assert at.multiselect(key="session_slides").value == ["title", "chain", "networks"]


def test_freezing_a_session_opens_it_with_its_hash(monkeypatch, wrapper, own_demo) -> None:
    at = open_page(monkeypatch, wrapper, own_demo)
    at.text_input[0].input("Jugendhilfeausschuss 12/2026")
    next(b for b in at.button if b.label == "Einfrieren").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ist eingefroren" in s.value for s in at.success)
    assert at.radio(key="session_source").value == "Eingefrorene Sitzung"
    info = "\n".join(as_shown(i.value) for i in at.info)
    assert "Jugendhilfeausschuss 12/2026" in info and "Prüfsumme" in info
    assert "Datenstand 30.06.2026" in info
    assert "## Jugendhilfeausschuss 12/2026" in markdown(at)


def test_freezing_without_a_title_is_refused(monkeypatch, wrapper, own_demo) -> None:
    at = open_page(monkeypatch, wrapper, own_demo)
    next(b for b in at.button if b.label == "Einfrieren").click().run()
    assert any("Bitte einen Titel" in e.value for e in at.error)
    assert not any("ist eingefroren" in s.value for s in at.success)


@pytest.mark.browser
def test_arrow_keys_page_in_the_browser(chromium_path, demo_url, wrapper, tmp_path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=demo_url)
    cmd = [sys.executable, "-m", "streamlit", "run", wrapper, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Streamlit ist nicht gestartet")
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium_path,
                args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"],
            )  # fmt: skip
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("text=Folie 1 von 8", timeout=90_000)
            page.keyboard.press("ArrowRight")
            page.wait_for_selector("text=Folie 2 von 8", timeout=30_000)
            page.wait_for_selector("text=Kennzahlen 3. Quartal 2026")
            page.keyboard.press("ArrowLeft")
            page.wait_for_selector("text=Folie 1 von 8", timeout=30_000)
            page.screenshot(path=str(tmp_path / "sitzung.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)

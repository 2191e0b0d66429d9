"""The page "Ausschuss-Sitzung" as a user sees it (AppTest, through app.py), and in a
real browser."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.key_figures import key_figures
from core.quarters import Quarter, parse_quarter
from core.reports.content import build_report
from core.reports.spec import report_stand
from tests.app_support import open_app, shown_text
from tests.untrusted_support import as_shown

QUARTER = {"quartal": "2026-Q3"}


@pytest.fixture(scope="module")
def own_demo(tmp_path_factory) -> str:
    """A demo database of this module's own: the tests freeze sessions into it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sitzung_db') / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    return url


def open_page(monkeypatch, url: str) -> AppTest:
    return open_app(monkeypatch, url, "sitzung", params=QUARTER, timeout=120)


def markdown(at: AppTest) -> str:
    return "\n".join(as_shown(m.value) for m in at.markdown)


def test_slides_page_through_with_core_figures(monkeypatch, demo_url, demo_engine):
    at = open_page(monkeypatch, demo_url)
    assert at.title[0].value == "Ausschuss-Sitzung"
    assert "Folie 1 von 8" in markdown(at)
    assert "## Präventionskette gegen Kinderarmut" in markdown(at)
    with demo_engine.connect() as conn:
        stand = report_stand(build_report(conn, Quarter(2026, 3)))
    captions = "\n".join(c.value for c in at.caption)
    assert stand.label in captions  # the page header and the title slide: one Stand
    assert shown_text(at).count(stand.text) >= 2
    assert len(at.get("download_button")) == 3 + 1  # PPTX, PDF, Excel, CSV of the slide
    at.button(key="session_next").click().run()
    assert "Folie 2 von 8" in markdown(at)
    with demo_engine.connect() as conn:
        figures = key_figures(conn, parse_quarter("2026-Q3"))
    shown = {as_shown(m.label): m.value for m in at.metric}
    assert shown == {f.label: f.value for f in figures}
    at.button(key="session_previous").click().run()
    assert "Folie 1 von 8" in markdown(at)


def test_presenter_chooses_and_orders_slides(monkeypatch, demo_url) -> None:
    at = open_page(monkeypatch, demo_url)
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


def test_presentation_mode_holds_while_paging(monkeypatch, demo_url) -> None:
    at = open_page(monkeypatch, demo_url)
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


def test_freezing_a_session_opens_it_with_its_hash(monkeypatch, own_demo) -> None:
    at = open_page(monkeypatch, own_demo)
    at.text_input[0].input("Jugendhilfeausschuss 12/2026")
    next(b for b in at.button if b.label == "Einfrieren").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("ist eingefroren" in s.value for s in at.success)
    assert at.radio(key="session_source").value == "Eingefrorene Sitzung"
    info = "\n".join(as_shown(i.value) for i in at.info)
    assert "Jugendhilfeausschuss 12/2026" in info and "Prüfsumme" in info
    assert "Datenstand: " in info
    assert "## Jugendhilfeausschuss 12/2026" in markdown(at)


def test_freezing_without_a_title_is_refused(monkeypatch, own_demo) -> None:
    at = open_page(monkeypatch, own_demo)
    next(b for b in at.button if b.label == "Einfrieren").click().run()
    assert any("Bitte einen Titel" in e.value for e in at.error)
    assert not any("ist eingefroren" in s.value for s in at.success)


@pytest.mark.browser
def test_arrow_keys_page_in_the_browser(live_server: str, chromium_path: str, tmp_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_support import CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{live_server}/sitzung?quartal=2026-Q3")
            expect(page.get_by_text("Folie 1 von 8")).to_be_visible(timeout=90_000)
            # the keys work once the page's run has finished (no "Läuft …" indicator)
            page.wait_for_function(
                "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
            )
            page.wait_for_timeout(500)
            page.keyboard.press("ArrowRight")
            expect(page.get_by_text("Folie 2 von 8")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Kennzahlen 3. Quartal 2026").first).to_be_visible()
            page.wait_for_function(
                "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
            )
            page.wait_for_timeout(500)
            page.keyboard.press("ArrowLeft")
            expect(page.get_by_text("Folie 1 von 8")).to_be_visible(timeout=30_000)
            page.screenshot(path=str(tmp_path / "sitzung.png"))
        finally:
            browser.close()

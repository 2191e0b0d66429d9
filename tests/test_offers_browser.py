"""The Angebote page in a real browser (Debian's chromium): an administrator
(PRAEV_AUTH=none) corrects one offer and sees the change in the offer list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from core.catalogue import offer_types
from core.db import make_engine
from core.networks import youth_offices
from core.offer_entry import offer_record, office_choices
from tests.browser_support import CHROMIUM_ARGS, streamlit_server, wait_for_run

pytestmark = pytest.mark.browser

WAIT = 30_000
NEW_NAME = "Aaa Korrektur im Browser"


def test_admin_corrects_an_offer_and_sees_it_in_the_list(
    form_url: str, chromium_path: str, tmp_path: Path
) -> None:
    engine = make_engine(form_url)
    with engine.connect() as conn:
        office = str(youth_offices(conn)["id"].iloc[0])  # the form's first Jugendamt
        offer_id, label = office_choices(conn, office)["offers"][0]
        record = offer_record(conn, offer_id)
        types = offer_types(conn).set_index("id")["label"]
    assert record is not None
    type_label = str(types[record["offer_type_id"]])
    env = dict(os.environ, DATABASE_URL=form_url, PRAEV_AUTH="none")
    with (
        streamlit_server(env, tmp_path / "streamlit.log") as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1400}, locale="de-DE")
            page.goto(base, wait_until="domcontentloaded")
            page.get_by_role("link", name="Angebote").click(timeout=WAIT)
            expect(page.get_by_role("heading", name="Angebote")).to_be_visible(timeout=WAIT)
            page.get_by_role("tab", name="Angebot erfassen oder ändern").click()
            wait_for_run(page)
            picker = page.get_by_label("Angebot (zum Suchen tippen)")
            picker.click()
            page.keyboard.type(f"(Nr. {offer_id})")
            page.get_by_role("option", name=f"(Nr. {offer_id})").first.click()
            wait_for_run(page)
            name = page.get_by_label("Name des Angebots")
            expect(name).to_have_value(record["name"], timeout=WAIT)
            name.fill(NEW_NAME)
            name.press("Tab")
            wait_for_run(page)
            page.get_by_role("button", name="Angebot speichern").click()
            expect(page.get_by_text(f"Gespeichert: {NEW_NAME}")).to_be_visible(timeout=WAIT)
            page.screenshot(path=str(tmp_path / "angebot_form.png"), full_page=True)

            page.get_by_role("tab", name="Angebotsliste").click()
            page.get_by_label("Angebotsart").first.click()
            page.get_by_role("option", name=type_label, exact=True).click()
            wait_for_run(page)
            grid = page.locator('[data-testid="stDataFrame"]').first
            expect(grid).to_be_visible(timeout=WAIT)
            # sorted by type and name: the corrected offer is the first row of its type
            expect(grid.get_by_text(NEW_NAME).first).to_be_attached(timeout=WAIT)
            page.screenshot(path=str(tmp_path / "angebote_liste.png"), full_page=True)
        finally:
            browser.close()
    with engine.connect() as conn:
        saved = offer_record(conn, offer_id)
    assert saved is not None and saved["name"] == NEW_NAME and saved["version"] == 2
    assert label  # the offer was one of the Jugendamt's

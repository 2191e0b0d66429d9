"""The page "Daten verwalten" (administrators; tests run with PRAEV_AUTH=none): demo note,
import list, audit log and
rollback (AppTest), and upload → problems → preview → import in a real browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.cli import main
from core.db import make_engine
from core.imports import ImportFile, run_import
from core.models import Area, IndicatorValue
from core.permissions import operator
from tests.app_support import open_app
from tests.browser_support import CHROMIUM_ARGS, streamlit_server
from tests.imports_support import add_test_areas


def page(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    """The page for an administrator (``PRAEV_AUTH=none`` in tests makes everyone admin).

    Who may not reach it (anonymous, viewer, editor) is tested in test_auth_pages.py.
    """
    return open_app(monkeypatch, url, "daten")


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'leer.sqlite'}"
    assert main(["--database-url", url, "init-db"]) == 0
    return url


def test_admin_sees_upload_templates_and_an_empty_import_list(
    monkeypatch: pytest.MonkeyPatch, empty_url: str
) -> None:
    at = page(monkeypatch, empty_url)
    assert at.title[0].value == "Daten verwalten"
    assert at.get("file_uploader")
    assert any("Vorlage" in b.label for b in at.get("download_button"))
    assert any("Noch keine Importe" in c.value for c in at.caption)


def test_demo_database_is_named_and_replacing_it_is_offered(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    at = page(monkeypatch, url)
    assert any("Demodaten" in w.value for w in at.warning)
    assert [c.label for c in at.checkbox] == ["Demodaten vorher löschen"]


def test_imports_are_listed_and_can_be_rolled_back(
    monkeypatch: pytest.MonkeyPatch, empty_url: str
) -> None:
    engine = make_engine(empty_url)
    add_test_areas(engine)
    csv = "Indikator;Gebiet;Stichtag;Zähler\r\nbirths;05999004;31.12.2024;1.118\r\n"
    files = [ImportFile("geburten.csv", csv.encode())]
    result = run_import(engine, "indicators", files, user=operator("planung"))
    at = page(monkeypatch, empty_url)
    table = next(d.value for d in at.dataframe if "Art" in d.value.columns)
    assert list(table.columns) == [
        "Nr.",
        "Art",
        "Datei",
        "Zeilen",
        "von",
        "am",
        "zurückgenommen am",
    ]
    assert table.iloc[0][["Art", "Datei", "Zeilen", "von"]].tolist() == [
        "Indikatorwerte",
        "geburten.csv",
        "1",
        "planung",
    ]
    button = next(b for b in at.button if b.label == "Zurücknehmen")
    assert button.disabled
    next(c for c in at.checkbox if c.label == "Ja, diesen Import zurücknehmen").check().run()
    next(b for b in at.button if b.label == "Zurücknehmen").click().run()
    assert not at.exception, at.exception
    assert any(f"Import Nr. {result.batch_id} zurückgenommen" in s.value for s in at.success)
    audit = next(d.value for d in at.dataframe if "Aktion" in d.value.columns)
    rolled = audit[audit["Aktion"] == "Import zurückgenommen"]
    assert rolled["Benutzer"].tolist() == ["entwicklung"]  # the signed-in user's name
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(IndicatorValue)).scalar() == 0
    engine.dispose()


# ------------------------------------------------------------------------------ browser


@pytest.fixture
def editing_server(empty_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    env = dict(os.environ, DATABASE_URL=empty_url, PRAEV_AUTH="none")
    with streamlit_server(env, tmp_path / "streamlit.log") as base:
        yield base


def settle(pg) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished its run (elements of a running script are stale)."""
    from playwright.sync_api import expect

    expect(pg.locator('[data-stale="true"]')).to_have_count(0, timeout=30_000)


@pytest.mark.browser
def test_upload_shows_problems_then_preview_map_and_imports(
    editing_server: str, chromium_path: str, tmp_path: Path, empty_url: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    geo = tmp_path / "gemeinden.geojson"
    geo.write_text(
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"AGS":"05162024","GEN":"Neuss"},'
        '"geometry":{"type":"Polygon","coordinates":[[[6.6,51.12],[6.78,51.12],[6.78,51.24],[6.6,51.24],[6.6,51.12]]]}},'
        '{"type":"Feature","properties":{"AGS":"05162024","GEN":"Neuss doppelt"},'
        '"geometry":{"type":"Polygon","coordinates":[[[6.6,51.12],[6.7,51.12],[6.7,51.2],[6.6,51.12]]]}}]}'
    )
    good = tmp_path / "gemeinden_gut.geojson"
    good.write_text(
        geo.read_text().split(
            ',{"type":"Feature","properties":{"AGS":"05162024","GEN":"Neuss doppelt"}'
        )[0]
        + "]}"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.goto(editing_server)
        expect(pg.locator("[data-testid=stSidebarNav]")).to_be_visible(timeout=30_000)
        settle(pg)
        pg.locator("[data-testid=stSidebarNav] a", has_text="Daten verwalten").click()
        expect(pg.get_by_text("Bisherige Importe")).to_be_visible(timeout=30_000)
        settle(pg)
        pg.locator("[data-testid=stButtonGroup] button", has_text="Gebiete").first.click()
        expect(pg.get_by_text("Vorlage gebiete.geojson herunterladen")).to_be_visible(
            timeout=30_000
        )
        settle(pg)
        pg.locator("input[type=file][accept*=geojson]").set_input_files(str(geo))
        expect(pg.get_by_text("wurde nicht übernommen")).to_be_visible(timeout=30_000)
        expect(pg.get_by_text("Doppelte Kennung").first).to_be_attached(timeout=30_000)
        pg.screenshot(path=str(tmp_path / "probleme.png"))
        settle(pg)
        pg.locator("[data-testid=stFileChipDeleteBtn] button").first.click()
        settle(pg)
        pg.locator("input[type=file][accept*=geojson]").set_input_files(str(good))
        expect(pg.get_by_text("Die Datei ist fehlerfrei.")).to_be_visible(timeout=30_000)
        expect(pg.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
        settle(pg)
        pg.get_by_role("button", name="Jetzt importieren").click()
        expect(pg.get_by_text("Importiert als Import Nr. 1")).to_be_visible(timeout=30_000)
        pg.screenshot(path=str(tmp_path / "importiert.png"))
        browser.close()
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        ids = set(conn.execute(select(Area.id)).scalars())
    engine.dispose()
    assert ids == {"05162", "05162024"}

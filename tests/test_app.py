"""The app as a user sees it, run headless with Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.catalogue import load_catalogue
from core.db import make_engine, migrate
from core.inventory import newest_reference_date
from core.present.numbers import format_date
from core.present.stand import LABEL, NEWEST_IN_DATABASE
from tests.app_support import open_app
from tests.untrusted_support import as_shown

TIMEOUT = 30


def _run(monkeypatch: pytest.MonkeyPatch, url: str) -> AppTest:
    return open_app(monkeypatch, url, timeout=TIMEOUT)


def _markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


@pytest.fixture
def migrated_url(tmp_path: Path) -> str:
    """A migrated SQLite database with the catalogue but no areas or values."""
    url = f"sqlite:///{tmp_path / 'leer.sqlite'}"
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        load_catalogue(conn)
    engine.dispose()
    return url


def test_unmigrated_database_says_how_to_set_it_up(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _run(monkeypatch, f"sqlite:///{tmp_path / 'nichts.sqlite'}")
    assert at.title[0].value == "Präventionsmonitor"
    assert any("python -m core init-db --demo" in i.value for i in at.info)
    assert not at.dataframe


def test_empty_database_shows_title_counts_and_hint(
    monkeypatch: pytest.MonkeyPatch, migrated_url: str
) -> None:
    at = _run(monkeypatch, migrated_url)
    assert at.title[0].value == "Präventionsmonitor"
    assert any("Rhein-Kreis Neuss" in m for m in _markdown(at).splitlines())
    assert any("python -m core init-db --demo" in i.value for i in at.info)
    assert "Demodaten" not in _markdown(at)
    assert at.metric[0].label == NEWEST_IN_DATABASE
    assert at.metric[0].value == "–"
    assert not any(LABEL in c.value for c in at.caption)  # no data, no Datenstand
    table = at.dataframe[0].value
    rows = dict(zip(table["Tabelle"], table["Einträge"], strict=True))
    assert rows["Lebensphasen"] == "6"
    assert rows["Angebotsarten"] == "6"
    assert rows["Gebiete (Kreis, Kommunen, Sozialräume)"] == "0"
    labels = list(table["Tabelle"])
    assert labels.index("Änderungsprotokoll") < labels.index(
        "Bevölkerungszahlen (Kinder je Lebensphase)"
    )


def test_demo_database_is_labelled_and_shows_datenstand(
    monkeypatch: pytest.MonkeyPatch, demo_url: str, demo_engine
) -> None:
    at = _run(monkeypatch, demo_url)
    assert at.title[0].value == "Präventionsmonitor"
    assert "Demodaten" in _markdown(at)
    assert not at.info
    with demo_engine.connect() as conn:
        newest = newest_reference_date(conn)
    assert newest is not None
    newest_shown = [m for m in at.metric if m.label == NEWEST_IN_DATABASE]
    assert newest_shown[0].value == format_date(newest)
    assert not any(m.label.startswith(LABEL) for m in at.metric)
    table = next(d.value for d in at.dataframe if "Tabelle" in d.value.columns)
    rows = dict(zip(table["Tabelle"], table["Einträge"], strict=True))
    assert rows["Gebiete (Kreis, Kommunen, Sozialräume)"] != "0"


def test_unreachable_database_shows_a_german_error(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://niemand@127.0.0.1:1/gibtesnicht?connect_timeout=2"
    at = _run(monkeypatch, url)
    assert at.title[0].value == "Präventionsmonitor"
    assert at.error, "erwartet: eine Fehlermeldung statt eines Absturzes"
    assert "konnte nicht gelesen werden" in as_shown(at.error[0].value)
    assert "python -m core init-db" in as_shown(at.error[0].value)
    assert any("Präventionsmonitor zeigt" in m.value for m in at.markdown)  # intro first

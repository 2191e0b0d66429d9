"""Loading own data into a database that holds the demo data (AppTest, PRAEV_AUTH=none:
an administrator): the page says before the upload what to do, the upload is locked
until „Demodaten vorher löschen“ is ticked, and nothing ever happens silently."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.db import make_engine
from core.errors import ConflictError
from core.imports import ImportFile, preview
from core.inventory import is_demo
from core.models import Area
from tests.app_support import open_app, shown_text

GOOD_AREAS = (
    '{"type":"FeatureCollection","features":['
    '{"type":"Feature","properties":{"AGS":"05162024","GEN":"Neuss"},'
    '"geometry":{"type":"Polygon","coordinates":'
    "[[[6.6,51.12],[6.78,51.12],[6.78,51.24],[6.6,51.24],[6.6,51.12]]]}}]}"
)
LOCKED = "Hochladen ist gesperrt, solange die Demodaten bleiben sollen"


def _uploader(at: AppTest):  # type: ignore[no-untyped-def]
    return at.get("file_uploader")[0]


def test_with_demo_data_the_upload_is_locked_and_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, writable_url: str
) -> None:
    at = open_app(monkeypatch, writable_url, "daten")
    assert _uploader(at).proto.disabled
    assert LOCKED in shown_text(at)
    assert "„Demodaten vorher löschen“ ankreuzen" in shown_text(at)

    at.checkbox(key="imp_replace_demo").check().run()
    assert not _uploader(at).proto.disabled
    assert LOCKED not in shown_text(at)


def test_a_file_uploaded_while_unticked_is_never_silently_ignored(
    monkeypatch: pytest.MonkeyPatch, writable_url: str
) -> None:
    at = open_app(monkeypatch, writable_url, "daten")
    at.checkbox(key="imp_replace_demo").check().run()
    _uploader(at).upload("tabelle.csv", b"Indikator;Gebiet;Stichtag;Z\xc3\xa4hler\r\n").run()
    assert not at.exception
    checked = shown_text(at)
    assert "nicht** übernommen" in checked or "fehlerfrei" in checked  # the file was checked

    at.checkbox(key="imp_replace_demo").uncheck().run()
    assert not at.exception
    assert LOCKED in shown_text(at)  # the file stays, and the page says why nothing happens
    assert not [b for b in at.button if b.label == "Jetzt importieren"]


def test_ticked_an_area_file_is_checked_and_imported_replacing_the_demo(
    monkeypatch: pytest.MonkeyPatch, writable_url: str
) -> None:
    at = open_app(monkeypatch, writable_url, "daten")
    at.checkbox(key="imp_replace_demo").check().run()
    at.get("button_group")[0].set_value("areas").run()  # „Was möchten Sie laden?“ Gebiete
    _uploader(at).upload("gemeinden.geojson", GOOD_AREAS.encode()).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Die Datei ist fehlerfrei." in [s.value for s in at.success]
    next(b for b in at.button if b.label == "Jetzt importieren").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Importiert als Import Nr." in s.value for s in at.success)
    engine = make_engine(writable_url)
    with engine.connect() as conn:
        assert not is_demo(conn)
        assert set(conn.execute(select(Area.id)).scalars()) == {"05162", "05162024"}
    engine.dispose()


def test_core_refuses_to_mix_real_and_demo_data_with_a_german_reason(writable_url: str) -> None:
    engine = make_engine(writable_url)
    with pytest.raises(ConflictError, match="Demodaten vorher löschen"):
        preview(engine, "areas", [ImportFile("g.geojson", GOOD_AREAS.encode())])
    engine.dispose()

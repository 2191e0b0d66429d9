"""The one way tests open the app headless (AppTest): a page, a database, URL
parameters, session values, and optionally a signed-in user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = {
    "uebersicht": "pages/overview.py",
    "karte": "pages/map.py",
    "praeventionskette": "pages/prevention_chain.py",
    "netzwerke": "pages/networks.py",
    "steckbrief": "pages/area_profile.py",
    "sitzung": "pages/session.py",
    "daten": "pages/data_admin.py",
}


def open_app(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    page: str = "uebersicht",
    *,
    params: dict[str, str] | None = None,
    state: dict[str, Any] | None = None,
    timeout: float = 90,
    check: bool = True,
) -> AppTest:
    """The app on database ``url`` showing ``page`` (a URL path such as ``"karte"``).

    ``params`` are URL query parameters (read as a link would be), ``state`` session
    values set before the page's second run (widget keys, e.g. ``{"map_k": 4}``). With
    ``check`` the run must end without an exception.
    """
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page != "uebersicht":
        at.switch_page(PAGES[page])
        for key, value in (params or {}).items():
            at.query_params[key] = value
        at.run()
    if state:
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    """Everything a reader sees as text: titles, headings, Markdown, captions, metrics,
    alerts (Markdown escapes undone)."""
    from tests.untrusted_support import as_shown

    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        parts += [as_shown(str(e.value)) for e in getattr(at, kind)]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(parts)


def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every file the app offers for download during the next runs, by file name (the
    bytes the browser would get). Call before :func:`open_app`."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: dict[str, bytes] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def record(self, data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        if filename and isinstance(data, bytes):
            files[filename] = data
        return load(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files

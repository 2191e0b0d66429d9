"""Shared fixtures: fresh databases on SQLite and PostgreSQL, the demo database,
Chromium and a live Streamlit server.

PostgreSQL tests need ``TEST_DATABASE_URL`` (its tables are dropped before each test);
browser tests need Debian's ``chromium``; the handout render tests need LibreOffice
Impress (``soffice``) and poppler (``pdftoppm``, ``pdftotext``). Locally they are
skipped when missing; with ``CI=true`` a missing PostgreSQL, Chromium, LibreOffice or
poppler fails the run instead.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, make_url, text

from core.catalogue import load_catalogue
from core.db import make_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # app.py, pages/ and ui/ are not installed packages
    sys.path.insert(0, str(ROOT))

SERVER_START_TIMEOUT = 60.0

# Page tests run without login (everyone is admin) unless a test sets PRAEV_AUTH itself
# (tests/test_auth_pages.py logs in per role). Subprocess servers inherit this.
os.environ["PRAEV_AUTH"] = "none"
os.environ["PRAEV_PRODUCTION"] = "0"


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it under CI (``CI=true``), where nothing may be skipped."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: dieser Test darf in CI nicht übersprungen werden)")
    pytest.skip(reason)


def _clear_database(url: str) -> None:
    """Drop every table (including ``alembic_version``) so the test starts from empty."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            meta.drop_all(conn)
    finally:
        engine.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database: a SQLite file, or the cleared TEST_DATABASE_URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        skip_or_fail("PostgreSQL nicht konfiguriert: TEST_DATABASE_URL setzen")
    _clear_database(url)
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database with the schema migrated and the catalogue loaded."""
    eng = make_engine(db_url)
    migrate(eng)
    with eng.begin() as conn:
        load_catalogue(conn)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a SQLite database built like ``python -m core init-db --demo`` (once per run)."""
    from core.cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    return url


@pytest.fixture(scope="session")
def demo_engine(demo_url: str) -> Iterator[Engine]:
    """An engine on the demo database. Tests must not change its data."""
    eng = make_engine(demo_url)
    yield eng
    eng.dispose()


@pytest.fixture
def writable_url(demo_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database that a test may change."""
    copy = tmp_path / "demo_kopie.sqlite"
    src = sqlite3.connect(demo_url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(copy)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{copy}"


_COPIES = itertools.count(1)


def _with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` on the same PostgreSQL server."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _recreate(url: str, name: str, template: str | None = None) -> None:
    """Drop and create the database ``name`` (a copy of ``template`` when given)."""
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if template:  # a template must have no sessions (pools of earlier engines)
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": template},
                )
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_demo_name() -> str:
    """A PostgreSQL database with the demo data, built once per run beside
    ``TEST_DATABASE_URL`` (the name gets the suffix ``_demo``); the template of
    :func:`form_url`'s copies."""
    from core.cli import main

    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        skip_or_fail("PostgreSQL nicht konfiguriert: TEST_DATABASE_URL setzen")
    name = f"{make_url(url).database}_demo"
    _recreate(url, name)
    assert main(["--database-url", _with_database(url, name), "init-db", "--demo"]) == 0
    return name


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def form_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A private, writable copy of the demo database on SQLite and on PostgreSQL: the
    forms are tried on both (PostgreSQL: a copy of the demo built once per run, under
    a name of its own per test, so no cache of the app process mistakes one for another)."""
    if request.param == "sqlite":
        yield str(request.getfixturevalue("writable_url"))
        return
    template = request.getfixturevalue("postgres_demo_name")
    url = os.environ["TEST_DATABASE_URL"].strip()
    name = f"{make_url(url).database}_formular_{next(_COPIES)}"
    _recreate(url, name, template)
    yield _with_database(url, name)
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of Debian's chromium (for Playwright's ``executable_path``)."""
    path = shutil.which("chromium")
    if path is None:
        skip_or_fail("Chromium nicht gefunden: apt-get install chromium")
    return path


@pytest.fixture(scope="session")
def soffice_path() -> str:
    """Path of LibreOffice's ``soffice`` (renders the PPTX for the handout tests)."""
    path = shutil.which("soffice")
    if path is None:
        skip_or_fail("LibreOffice nicht gefunden: apt-get install libreoffice-impress")
    return path


@pytest.fixture(scope="session")
def poppler() -> None:
    """Poppler's ``pdftoppm`` and ``pdftotext`` (PDF pages as pictures and words)."""
    missing = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        skip_or_fail(f"{', '.join(missing)} nicht gefunden: apt-get install poppler-utils")


@pytest.fixture(scope="session")
def live_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``streamlit run app.py`` serving the demo database on a free port."""
    from tests.browser_support import streamlit_server

    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with streamlit_server(dict(os.environ, DATABASE_URL=demo_url), log_path) as base:
        yield base

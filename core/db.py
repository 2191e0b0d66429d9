"""Database access: engines from URLs and schema migration (Alembic). Writes own their
transaction in the module that writes (``engine.begin()``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text

from core.config import PROJECT_ROOT, database_url
from core.errors import ConfigError

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` (default: :func:`core.config.database_url`).

    SQLite gets foreign keys switched on and its parent folder created;
    ``postgresql://`` URLs are routed to the psycopg 3 driver.
    """
    url = url or database_url()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    except Exception as exc:
        raise ConfigError(
            f"Die Datenbank-URL „{url}“ ist ungültig ({exc}). "
            "Beispiel: sqlite:///data/praeventionsmonitor.sqlite oder "
            "postgresql+psycopg://benutzer@host/datenbank"
        ) from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    """Alembic configuration that migrates the database behind ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``)."""
    command.upgrade(alembic_config(engine), "head")


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

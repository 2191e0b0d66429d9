"""Settings, kept as data: every setting has a default, an environment variable and a description.

The README's configuration table is checked against :data:`SETTINGS` by a test, so
no setting goes undocumented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "praeventionsmonitor.sqlite"


@dataclass(frozen=True)
class Setting:
    """One setting: environment variable, default and what it does."""

    env: str
    default: str
    description: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        f"sqlite:///{DEFAULT_SQLITE_PATH.relative_to(PROJECT_ROOT)}",
        "SQLAlchemy URL of the database; PostgreSQL: postgresql+psycopg://user@host/db",
    ),
    Setting("PORT", "8501", "Port of the web app (make run)"),
    Setting("PRAEV_MIN_COUNT", "3", "Counts below this are shown as '<N' (privacy)"),
    Setting("PRAEV_MIN_DENOMINATOR", "20", "Rates whose denominator is below this are not shown"),
    Setting("PRAEV_EDITING", "0", "1 enables editing of network status without login"),
    Setting("PRAEV_TILE_URL", "", "Basemap tile URL template; empty means no basemap (offline)"),
    Setting("PRAEV_TILE_ATTRIBUTION", "", "Attribution shown for the basemap tiles"),
)


def setting(env: str) -> str:
    """Current value of a setting: the environment variable or the documented default."""
    for s in SETTINGS:
        if s.env == env:
            return os.environ.get(env, s.default)
    raise KeyError(env)


def database_url() -> str:
    """The database URL: ``DATABASE_URL`` or the SQLite file under ``data/``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or f"sqlite:///{DEFAULT_SQLITE_PATH}"

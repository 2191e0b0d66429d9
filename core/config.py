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
    Setting(
        "PRAEV_AUTH", "local", "Login: local (users file), oidc (st.login) or none (development)"
    ),
    Setting("PRAEV_USERS_FILE", "data/users.yaml", "Users file of the local login (YAML, bcrypt)"),
    Setting("PRAEV_PUBLIC", "0", "1: anonymous visitors may read without login"),
    Setting("PRAEV_PRODUCTION", "0", "1: refuse to start with a default cookie key or auth none"),
    Setting("PRAEV_COOKIE_KEY", "", "Secret for session cookies; required in production"),
    Setting("PRAEV_LOGIN_HOURS", "12", "Hours a login survives reloads (cookie); 0: never"),
    Setting("PRAEV_LOGIN_MAX_FAILURES", "5", "Failed logins per user name before a lock"),
    Setting("PRAEV_LOGIN_CLIENT_MAX_FAILURES", "20", "Failed logins per client before a lock"),
    Setting("PRAEV_LOGIN_WINDOW_MINUTES", "15", "Minutes in which failed logins are counted"),
    Setting("PRAEV_LOGIN_LOCK_MINUTES", "15", "Minutes a locked login stays locked"),
    Setting("PRAEV_LOGIN_DELAY_SECONDS", "1", "Wait after a failed login; doubles per failure"),
    Setting(
        "PRAEV_TRUSTED_PROXIES", "", "Reverse proxies (IPs/networks) whose X-Forwarded-For counts"
    ),
    Setting("PRAEV_ROLE_CLAIM", "roles", "OIDC claim that carries the roles"),
    Setting(
        "PRAEV_OIDC_ROLE_MAP",
        "praev-admin=admin,praev-editor=editor,praev-viewer=viewer",
        "Claim value = role, comma-separated; 'value:office' gives an editor's youth office",
    ),
    Setting("PRAEV_TILE_URL", "", "Basemap tile URL template; empty means no basemap (offline)"),
    Setting("PRAEV_TILE_ATTRIBUTION", "", "Attribution shown for the basemap tiles"),
    Setting("PRAEV_IMPORT_MAX_UPLOAD_MB", "200", "Largest import file (MB) before unpacking"),
    Setting("PRAEV_IMPORT_MAX_UNPACKED_MB", "500", "Largest unpacked size (MB) of a ZIP/XLSX"),
    Setting("PRAEV_IMPORT_MAX_FILES", "500", "Most files in a ZIP/XLSX (nested ones included)"),
    Setting("PRAEV_IMPORT_MAX_DEPTH", "2", "Most levels of ZIP in ZIP (1: no nested ZIPs)"),
    Setting("PRAEV_IMPORT_MAX_RATIO", "500", "Highest compression ratio of a member over 1 MB"),
    Setting("PRAEV_IMPORT_MAX_ROWS", "1000000", "Most data rows of an imported table"),
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


#: Cookie keys that count as missing (examples from the docs, placeholders).
WEAK_COOKIE_KEYS = frozenset({"", "change-me", "changeme", "secret", "default", "praev"})
MIN_COOKIE_KEY = 32
AUTH_MODES = ("local", "oidc", "none")


def startup_problems() -> list[str]:
    """German reasons why the app must not start with the current settings (empty: fine).

    Always checked: ``PRAEV_AUTH`` is a known mode. With ``PRAEV_PRODUCTION=1`` also: the
    cookie key is set, not a placeholder and at least 32 characters, and ``PRAEV_AUTH``
    is not ``none``.
    """
    problems = []
    auth = setting("PRAEV_AUTH").strip().lower()
    if auth not in AUTH_MODES:
        problems.append(
            f"Die Einstellung PRAEV_AUTH={auth!r} ist unbekannt; erlaubt sind "
            f"{', '.join(AUTH_MODES)}."
        )
    if setting("PRAEV_PRODUCTION").strip() == "1":
        key = setting("PRAEV_COOKIE_KEY").strip()
        if key.lower() in WEAK_COOKIE_KEYS or len(key) < MIN_COOKIE_KEY:
            problems.append(
                "Im Produktivbetrieb braucht die App einen geheimen Schlüssel "
                f"PRAEV_COOKIE_KEY (mindestens {MIN_COOKIE_KEY} Zeichen, kein Beispielwert). "
                'Erzeugen mit: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        if auth == "none":
            problems.append(
                "Im Produktivbetrieb ist PRAEV_AUTH=none (alle sind Administratoren) nicht "
                "erlaubt. Bitte PRAEV_AUTH=local oder PRAEV_AUTH=oidc setzen."
            )
    return problems

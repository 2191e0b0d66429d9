"""Local users: a YAML file of user names, roles, youth offices and bcrypt password hashes.

The file (setting ``PRAEV_USERS_FILE``, default ``data/users.yaml``, git-ignored) looks like::

    users:
      anna:
        role: editor
        youth_offices: [neuss]
        password_hash: $2b$12$...

Passwords are hashed with the ``bcrypt`` package (no home-made cryptography). Hashes
never leave this module: :class:`User` has no hash field, and :func:`list_users`,
:func:`verify` and the CLI return users without it. The file is written atomically
and readable by its owner only.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt
import yaml

from core.config import PROJECT_ROOT, setting
from core.errors import ConfigError, ConflictError, DataError, NotFoundError, Problem

ROLES: tuple[str, ...] = ("viewer", "editor", "admin")
ROLE_LABELS: dict[str, str] = {
    "viewer": "Lesen",
    "editor": "Netzwerk-Koordination",
    "admin": "Administration",
}
MIN_PASSWORD = 10
MAX_PASSWORD = 72  # bcrypt uses the first 72 bytes only; longer is refused, not cut
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


@dataclass(frozen=True)
class User:
    """A signed-in or listed user; never carries the password hash."""

    name: str
    role: str
    youth_offices: tuple[str, ...] = field(default_factory=tuple)
    display_name: str = ""

    @property
    def label(self) -> str:
        """Name and role for the sidebar, e.g. 'anna (Netzwerk-Koordination)'."""
        return f"{self.display_name or self.name} ({ROLE_LABELS.get(self.role, self.role)})"


@functools.cache
def _dummy_hash() -> bytes:
    """Compared against when the user does not exist, so that the answer takes as long."""
    return bcrypt.hashpw(b"praev-dummy-password", bcrypt.gensalt())


def users_file() -> Path:
    """The users file from the setting ``PRAEV_USERS_FILE`` (relative to the project)."""
    path = Path(setting("PRAEV_USERS_FILE"))
    return path if path.is_absolute() else PROJECT_ROOT / path


def _problem(column: str, value: str, problem: str, fix: str) -> DataError:
    return DataError(Problem("Benutzer", None, column, value, problem, fix))


def check_name(name: str) -> str:
    """The normalised user name, or :class:`DataError` when it is not allowed."""
    clean = (name or "").strip().lower()
    if not NAME_PATTERN.match(clean):
        raise _problem(
            "Name",
            name,
            "Der Benutzername ist ungültig",
            "Erlaubt sind 2–40 Zeichen: Kleinbuchstaben, Ziffern, Punkt, Bindestrich, Unterstrich.",
        )
    return clean


def check_role(role: str, youth_offices: tuple[str, ...]) -> None:
    """Raise :class:`DataError` for an unknown role or an editor without youth office."""
    if role not in ROLES:
        raise _problem("Rolle", role, "Unbekannte Rolle", f"Erlaubt: {', '.join(ROLES)}.")
    if role == "editor" and not youth_offices:
        raise _problem(
            "Jugendamt",
            "",
            "Eine Netzwerk-Koordination braucht mindestens ein Jugendamt",
            "Mit --jugendamt angeben, z. B. --jugendamt neuss.",
        )


def check_password(password: str) -> bytes:
    """The password as bytes, or :class:`DataError` when it is too short or too long."""
    raw = (password or "").encode("utf-8")
    if len(password or "") < MIN_PASSWORD:
        raise _problem(
            "Passwort",
            "",
            f"Das Passwort ist zu kurz (mindestens {MIN_PASSWORD} Zeichen)",
            "Bitte ein längeres Passwort wählen.",
        )
    if len(raw) > MAX_PASSWORD:
        raise _problem(
            "Passwort",
            "",
            f"Das Passwort ist zu lang (höchstens {MAX_PASSWORD} Bytes)",
            "Bitte ein kürzeres Passwort wählen.",
        )
    return raw


def _read(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"Die Benutzerdatei {path} ist kein gültiges YAML: {exc}") from None
    users = data.get("users") if isinstance(data, Mapping) else None
    if users is None:
        return {}
    if not isinstance(users, Mapping):
        raise ConfigError(f"Die Benutzerdatei {path} braucht einen Abschnitt „users:“.")
    return {str(k): dict(v or {}) for k, v in users.items()}


def _write(path: Path, users: dict[str, dict[str, Any]]) -> None:
    """Write the file atomically (temporary file, then rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _user(name: str, entry: Mapping[str, Any]) -> User:
    offices = entry.get("youth_offices") or []
    if isinstance(offices, str):
        offices = [offices]
    return User(
        name=name,
        role=str(entry.get("role", "viewer")),
        youth_offices=tuple(str(o) for o in offices),
        display_name=str(entry.get("display_name") or ""),
    )


def list_users(path: Path | None = None) -> list[User]:
    """All users, sorted by name, without their hashes."""
    users = _read(path or users_file())
    return [_user(name, users[name]) for name in sorted(users)]


def get_user(name: str, path: Path | None = None) -> User:
    """One user without hash; :class:`NotFoundError` when unknown."""
    users = _read(path or users_file())
    clean = (name or "").strip().lower()
    if clean not in users:
        raise NotFoundError(f"Den Benutzer „{name}“ gibt es nicht.")
    return _user(clean, users[clean])


def hash_password(password: str) -> str:
    """A bcrypt hash (with its own salt) of a password that passed :func:`check_password`."""
    return bcrypt.hashpw(check_password(password), bcrypt.gensalt()).decode("ascii")


def add_user(
    name: str,
    password: str,
    role: str,
    youth_offices: tuple[str, ...] = (),
    display_name: str = "",
    path: Path | None = None,
) -> User:
    """Create a user; :class:`ConflictError` when the name is taken."""
    path = path or users_file()
    clean = check_name(name)
    offices = tuple(sorted({o.strip().lower() for o in youth_offices if o.strip()}))
    check_role(role, offices)
    users = _read(path)
    if clean in users:
        raise ConflictError(f"Den Benutzer „{clean}“ gibt es schon. Zum Ändern: passwd/remove.")
    entry: dict[str, Any] = {"role": role, "password_hash": hash_password(password)}
    if offices:
        entry["youth_offices"] = list(offices)
    if display_name.strip():
        entry["display_name"] = display_name.strip()
    users[clean] = entry
    _write(path, users)
    return _user(clean, entry)


def set_password(name: str, password: str, path: Path | None = None) -> User:
    """Replace a user's password; :class:`NotFoundError` when unknown."""
    path = path or users_file()
    users = _read(path)
    user = get_user(name, path)
    users[user.name]["password_hash"] = hash_password(password)
    _write(path, users)
    return user


def remove_user(name: str, path: Path | None = None) -> User:
    """Delete a user; returns what was deleted (without hash)."""
    path = path or users_file()
    users = _read(path)
    user = get_user(name, path)
    del users[user.name]
    _write(path, users)
    return user


def verify(name: str, password: str, path: Path | None = None) -> User | None:
    """The user when name and password match, else None (same time for unknown names)."""
    users = _read(path or users_file())
    clean = (name or "").strip().lower()
    entry = users.get(clean)
    stored = str(entry.get("password_hash", "")) if entry else ""
    raw = (password or "").encode("utf-8")[:MAX_PASSWORD]
    try:
        ok = bcrypt.checkpw(raw, stored.encode("ascii")) if stored else False
    except ValueError:  # not a bcrypt hash
        ok = False
    if not stored:
        bcrypt.checkpw(raw, _dummy_hash())
    return _user(clean, entry) if ok and entry else None


def public_fields(user: User) -> dict[str, Any]:
    """What an audit entry may store about a user (never a hash)."""
    return {"role": user.role, "youth_offices": list(user.youth_offices)}

"""Helpers for page tests with a login: a users file per test and the login form in AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.users import add_user

PASSWORD = "richtig-geheim-42"
#: name -> (role, youth offices)
PEOPLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "vera": ("viewer", ()),
    "nina": ("editor", ("neuss",)),
    "anton": ("admin", ()),
}


def users_file(tmp_path: Path) -> Path:
    """A users file with one viewer, one editor of Neuss and one admin."""
    path = tmp_path / "users.yaml"
    for name, (role, offices) in PEOPLE.items():
        add_user(name, PASSWORD, role, offices, path=path)
    return path


def use_local_login(monkeypatch: pytest.MonkeyPatch, path: Path, public: bool = False) -> None:
    """Switch the app under test to the local login with ``path`` as users file."""
    monkeypatch.setenv("PRAEV_AUTH", "local")
    monkeypatch.setenv("PRAEV_USERS_FILE", str(path))
    monkeypatch.setenv("PRAEV_PUBLIC", "1" if public else "0")


def log_in(at: AppTest, name: str, password: str = PASSWORD, where: str = "main") -> AppTest:
    """Fill and submit the login form (main area or sidebar) and run the app again."""
    at.text_input(key=f"_login_{where}_name").input(name)
    at.text_input(key=f"_login_{where}_pw").input(password)
    form_button = next(b for b in at.button if b.label == "Anmelden")
    form_button.click().run()
    return at

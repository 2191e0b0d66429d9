"""Settings are data (core.config.SETTINGS); each one is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.config import SETTINGS, Setting, setting

README = Path(__file__).resolve().parent.parent / "README.md"


def _configuration_rows() -> dict[str, str]:
    """Rows of the README's configuration table, by the environment variable they name."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Konfiguration.*?$(.*?)(?=^## )", text, re.M | re.S)
    assert section, "README.md hat keinen Abschnitt „## Konfiguration“"
    rows = {}
    for line in section.group(1).splitlines():
        match = re.match(r"\|\s*`([A-Z_][A-Z0-9_]*)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize("s", SETTINGS, ids=[s.env for s in SETTINGS])
def test_setting_is_documented_in_readme(s: Setting) -> None:
    rows = _configuration_rows()
    assert s.env in rows, f"{s.env} fehlt in der Konfigurationstabelle von README.md"
    if s.default:
        assert f"`{s.default}`" in rows[s.env], f"Standardwert von {s.env} im README falsch"


def test_readme_documents_no_unknown_settings() -> None:
    known = {s.env for s in SETTINGS}
    assert set(_configuration_rows()) <= known


def test_setting_reads_environment_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRAEV_MIN_COUNT", raising=False)
    assert setting("PRAEV_MIN_COUNT") == "3"
    monkeypatch.setenv("PRAEV_MIN_COUNT", "5")
    assert setting("PRAEV_MIN_COUNT") == "5"
    with pytest.raises(KeyError):
        setting("GIBT_ES_NICHT")

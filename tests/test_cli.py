"""The administrator's command line: ``python -m core init-db|info|…``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert

from core.catalogue import indicators, life_phases, offer_types
from core.cli import main
from core.db import make_engine, schema_revision
from core.inventory import table_counts
from core.models import Area

ROOT = Path(__file__).resolve().parent.parent

LIFE_PHASES_IN_ORDER = [
    "rund um die Geburt",
    "Krippe (0–3)",
    "Kita (3–6)",
    "Grundschule (6–10)",
    "weiterführende Schule (10–16)",
    "Übergang Schule–Beruf (16–21)",
]
OFFER_TYPES_IN_ORDER = [
    "Begleitung",
    "Begegnung",
    "Bildung",
    "Beratung",
    "Betreuung",
    "Information",
]


def _head() -> str:
    """The newest revision of migrations/versions."""
    from alembic.script import ScriptDirectory

    from core.db import MIGRATIONS_DIR

    return str(ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head())


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file that does not exist yet (in a folder that does not exist yet)."""
    return f"sqlite:///{tmp_path / 'neu' / 'praeventionsmonitor.sqlite'}"


def test_init_db_creates_schema_and_loads_catalogue(sqlite_url: str) -> None:
    assert main(["--database-url", sqlite_url, "init-db"]) == 0
    engine = make_engine(sqlite_url)
    try:
        assert schema_revision(engine) == _head()
        with engine.connect() as conn:
            assert life_phases(conn)["label"].tolist() == LIFE_PHASES_IN_ORDER
            assert offer_types(conn)["label"].tolist() == OFFER_TYPES_IN_ORDER
            assert len(indicators(conn)) >= 12
            assert "sgb2_u15" in indicators(conn)["id"].tolist()
    finally:
        engine.dispose()


def test_init_db_twice_keeps_the_data(sqlite_url: str) -> None:
    assert main(["--database-url", sqlite_url, "init-db"]) == 0
    engine = make_engine(sqlite_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(Area).values(id="05162", name="Rhein-Kreis Neuss", level="district")
            )
            before = table_counts(conn)
        assert main(["init-db", "--database-url", sqlite_url]) == 0
        with engine.connect() as conn:
            after = table_counts(conn)
        assert after == before
        assert after["area"] == 1
        assert after["life_phase"] == 6
    finally:
        engine.dispose()


def test_info_prints_counts_and_datenstand(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", sqlite_url, "init-db"]) == 0
    capsys.readouterr()
    assert main(["--database-url", sqlite_url, "info"]) == 0
    out = capsys.readouterr().out
    counts = {
        parts[0]: int(parts[1])
        for line in out.splitlines()
        if len(parts := line.split()) == 2 and parts[1].isdigit()
    }
    assert counts["life_phase"] == 6
    assert counts["offer_type"] == 6
    assert counts["indicator"] >= 12
    assert counts["area"] == 0
    assert "Neuester Datenstand: –" in out
    assert "Demodaten: nein" in out


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["init-db", "--help"], ["info", "--help"], ["export", "--help"]],
    ids=["main", "init-db", "info", "export"],
)
def test_help_exits_0(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    assert "usage: python -m core" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["gibt-es-nicht"])
    assert exc.value.code == 2
    assert "init-db" in capsys.readouterr().err


def test_python_m_core_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "core", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "init-db" in result.stdout
    assert "export" in result.stdout

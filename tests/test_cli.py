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
        # the stored protection of the publication is derived from the data, not data
        assert after.pop("publication") >= before.pop("publication")
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
    assert "Jüngster Stichtag in der Datenbank: –" in out
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


@pytest.fixture
def demo_copy(demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the demo database; ``DATABASE_URL`` points somewhere else."""
    import sqlite3

    src = sqlite3.connect(demo_url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(tmp_path / "kopie.sqlite")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'falsch' / 'nicht.sqlite'}")
    monkeypatch.setenv("PRAEV_USERS_FILE", str(tmp_path / "users.yaml"))
    return f"sqlite:///{tmp_path / 'kopie.sqlite'}"


#: command -> (arguments, exit code, expected output); --database-url goes in everywhere
CLI_COMMANDS = {
    "init-db": (["init-db", "--demo"], 0, "Datenbank bereit"),
    "info": (["info"], 0, "Demodaten: ja"),
    "export indicators": (
        ["export", "indicators", "--quarter", "2026-Q3", "-o", "{tmp}/i.csv"],
        0,
        "Zeilen nach",
    ),
    "export coverage": (
        ["export", "coverage", "--quarter", "2026-Q3", "-o", "{tmp}/v.xlsx"],
        0,
        "Zeilen nach",
    ),
    "export networks": (
        ["export", "networks", "--quarter", "2026-Q3", "-o", "{tmp}/n.csv"],
        0,
        "52 Zeilen nach",
    ),
    "import batches": (["import", "batches"], 0, "Noch keine Importe"),
    "import rollback": (["import", "rollback", "999"], 1, "Import Nr. 999 gibt es nicht"),
    "import indicators": (
        ["import", "indicators", str(ROOT / "data/templates/indikatorwerte.csv"), "--dry-run"],
        1,
        "Die Datenbank enthält Demodaten",
    ),
    "report": (["report", "--list"], 0, "keine eingefrorenen Sitzungen"),
    "users list": (["users", "list"], 0, "Keine Benutzer"),
    "users locks": (["users", "locks"], 0, "Keine Anmeldesperren"),
    "users unlock": (["users", "unlock", "nina"], 0, "Anmeldesperre von „nina“ aufgehoben"),
}


def _positions(argv: list[str]) -> dict[str, int]:
    """Where ``--database-url`` may go: before the command, after each (sub)command, last."""
    words = 2 if argv[0] in ("export", "import", "users") else 1
    found = {"vor dem Befehl": 0, "am Ende": len(argv)}
    for i in range(1, words + 1):
        found[f"nach {' '.join(argv[:i])}"] = i
    return found


@pytest.mark.parametrize("command", list(CLI_COMMANDS))
def test_every_command_takes_database_url_before_and_after(
    command: str, demo_copy: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, code, expected = CLI_COMMANDS[command]
    argv = [a.format(tmp=tmp_path) for a in argv]
    for where, at in _positions(argv).items():
        line = [*argv[:at], "--database-url", demo_copy, *argv[at:]]
        assert main(line) == code, (where, line, capsys.readouterr())
        out = capsys.readouterr()
        assert expected in out.out + out.err, (where, out)
    assert not (tmp_path / "falsch" / "nicht.sqlite").exists()  # DATABASE_URL never used


def test_database_url_given_last_wins(demo_copy: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'anders.sqlite'}"
    assert main(["--database-url", other, "init-db", "--database-url", demo_copy]) == 0
    assert not (tmp_path / "anders.sqlite").exists()

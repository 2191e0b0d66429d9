"""``python -m core import …``: exit codes, the printed problem table, batches, rollback,
--replace-demo; and the templates (documented, importable)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import box, mapping

from core.audit import audit_entries
from core.cli import main
from core.db import make_engine
from core.errors import PermissionDeniedError
from core.imports import rollback_batch, run_import
from core.imports.tables import ImportFile
from core.imports.templates import TEMPLATE_DIR, TEMPLATES
from core.inventory import is_demo, table_counts
from core.permissions import SYSTEM, operator
from core.users import User

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["--database-url", url, "init-db"]) == 0
    return url


def municipality_file(tmp_path: Path) -> Path:
    path = tmp_path / "gemeinden.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"AGS": "05162024", "GEN": "Neuss"},
            "geometry": mapping(box(6.6, 51.12, 6.78, 51.24)),
        },
        {
            "type": "Feature",
            "properties": {"AGS": "05162004", "GEN": "Dormagen"},
            "geometry": mapping(box(6.78, 51.04, 6.9, 51.12)),
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_import_prints_the_problem_table_and_exits_1(url: str, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "werte.csv"
    bad.write_text(
        "Indikator;Gebiet;Stichtag;Zähler\nbirths;nirgendwo;31.12.2024;viele\n", encoding="cp1252"
    )
    assert main(["--database-url", url, "import", "indicators", str(bad)]) == 1
    err = capsys.readouterr().err
    assert (
        "werte.csv, Zeile 2, Spalte „Gebiet“: Dieses Gebiet gibt es in der Datenbank nicht" in err
    )
    assert "Spalte „Zähler“: Hier wird eine Zahl erwartet" in err
    assert "→" in err and "nichts geändert" in err


def test_usage_errors_exit_2(url: str, tmp_path: Path) -> None:
    assert main(["--database-url", url, "import", "indicators", str(tmp_path / "fehlt.csv")]) == 2
    with pytest.raises(SystemExit) as info:
        main(["--database-url", url, "import", "kinder", "x.csv"])
    assert info.value.code == 2


def test_import_batches_and_rollback(url: str, tmp_path: Path, capsys) -> None:
    path = municipality_file(tmp_path)
    args = ["--database-url", url, "import", "areas", str(path), "--level", "municipality"]
    assert main([*args, "--district-name", "Rhein-Kreis Neuss", "--user", "planung"]) == 0
    assert "Importiert als Import Nr. 1: 2 neu" in capsys.readouterr().out
    assert main(args) == 0
    assert "Nichts zu tun" in capsys.readouterr().out
    assert main(["--database-url", url, "import", "batches"]) == 0
    out = capsys.readouterr().out
    assert "Gebiete" in out and "gemeinden.geojson" in out and "(planung)" in out
    assert main(["--database-url", url, "import", "rollback", "1"]) == 0
    assert "3 Zeilen" in capsys.readouterr().out
    engine = make_engine(url)
    with engine.connect() as conn:
        assert table_counts(conn)["area"] == 0
    engine.dispose()
    assert main(["--database-url", url, "import", "rollback", "1"]) == 1
    assert main(["--database-url", url, "import", "rollback", "99"]) == 1


def test_warnings_need_accept_warnings(url: str, tmp_path: Path, capsys) -> None:
    main(["--database-url", url, "import", "areas", str(municipality_file(tmp_path))])
    wide = tmp_path / "breit.csv"
    wide.write_text("Indikator;Gebiet;2023\nsgb2_u15;05162024;21,5\n", encoding="utf-8")
    assert main(["--database-url", url, "import", "indicators", str(wide)]) == 1
    assert "--accept-warnings" in capsys.readouterr().err
    assert (
        main(["--database-url", url, "import", "indicators", str(wide), "--accept-warnings"]) == 0
    )


def test_replace_demo_deletes_the_demo_data_first(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    assert main(["--database-url", url, "init-db", "--demo"]) == 0
    path = str(municipality_file(tmp_path))
    assert main(["--database-url", url, "import", "areas", path]) == 1
    assert "Demodaten" in capsys.readouterr().err
    assert main(["--database-url", url, "import", "areas", path, "--replace-demo"]) == 0
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = table_counts(conn)
        assert not is_demo(conn)
    engine.dispose()
    assert counts["area"] == 3 and counts["indicator_value"] == 0 and counts["offer"] == 0


def test_the_module_runs_as_a_program(url: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "core",
            "--database-url",
            url,
            "import",
            "areas",
            str(municipality_file(tmp_path)),
            "--dry-run",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "nichts geschrieben (--dry-run)" in proc.stdout


# ------------------------------------------------------------------------------ templates


def test_every_template_file_exists_and_every_column_is_documented() -> None:
    documented = {t.file_name for ts in TEMPLATES.values() for t in ts}
    assert documented == {p.name for p in TEMPLATE_DIR.iterdir()}
    for ts in TEMPLATES.values():
        for t in ts:
            names = [c.name for c in t.columns]
            if t.file_name.endswith(".csv"):
                raw = t.data()
                assert raw.startswith("\ufeff".encode()), "UTF-8 mit BOM wie Excel"
                header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
                assert header == names
            else:
                props = json.loads(t.data())["features"][0]["properties"]
                assert set(props) <= set(names)
            assert all(c.description for c in t.columns)


def test_every_template_imports(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with engine.begin():
        pass
    path = municipality_file(tmp_path)
    run_import(engine, "areas", [ImportFile(path.name, path.read_bytes())], user=SYSTEM)
    for kind in ("areas", "indicators", "population", "offers", "networks", "quality"):
        for t in TEMPLATES[kind]:
            result = run_import(
                engine, kind, [ImportFile(t.file_name, t.data())], accept_warnings=True, user=SYSTEM
            )
            assert result.batch_id > 0, t.file_name
            assert result.counts["neu"] >= 2, t.file_name


# --- the write pattern: permission, transaction, one audit entry -----------------------

NOT_ADMINS = [
    pytest.param(None, "melden Sie sich an", id="anonymous"),
    pytest.param(User("vera", "viewer"), "nur die Administration", id="viewer"),
    pytest.param(User("anna", "editor", ("neuss",)), "nur die Administration", id="editor"),
]


def _areas(tmp_path: Path) -> list[ImportFile]:
    path = municipality_file(tmp_path)
    return [ImportFile(path.name, path.read_bytes())]


@pytest.mark.parametrize(("user", "says"), NOT_ADMINS)
def test_import_is_refused_without_permission_and_writes_nothing(
    engine, tmp_path: Path, user, says
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError, match=says):
        run_import(engine, "areas", _areas(tmp_path), user=user)
    with engine.connect() as conn:
        assert table_counts(conn).get("area", 0) == 0
        assert audit_entries(conn).empty


@pytest.mark.parametrize(("user", "says"), NOT_ADMINS)
def test_rollback_is_refused_without_permission_and_changes_nothing(
    engine, tmp_path: Path, user, says
) -> None:  # type: ignore[no-untyped-def]
    done = run_import(engine, "areas", _areas(tmp_path), user=operator("admin"))
    with pytest.raises(PermissionDeniedError, match=says):
        rollback_batch(engine, done.batch_id, user)
    with engine.connect() as conn:
        assert table_counts(conn)["area"] > 0
        assert audit_entries(conn)["action"].tolist() == ["import"]


def test_import_and_rollback_leave_one_audit_entry_each(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    admin = User("ada", "admin")
    done = run_import(engine, "areas", _areas(tmp_path), user=admin)
    with engine.connect() as conn:
        log = audit_entries(conn)
    assert (log["action"].tolist(), log["user"].tolist()) == (["import"], ["ada"])
    rollback_batch(engine, done.batch_id, admin)
    with engine.connect() as conn:
        log = audit_entries(conn)
    assert log["action"].tolist() == ["import_rollback", "import"]
    assert log["user"].tolist() == ["ada", "ada"]

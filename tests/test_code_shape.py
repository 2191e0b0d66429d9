"""The shape the architecture promises (docs/architecture.md), checked on every run:
pages are thin render functions behind one error boundary, core is typed and never
imports Streamlit, and presentation facts live in core/present only."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))
MAX_PAGE_LINES = 150


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_a_page_is_a_short_render_function_without_try(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = len(source.splitlines())
    assert lines <= MAX_PAGE_LINES, f"{path.name}: {lines} Zeilen (höchstens {MAX_PAGE_LINES})"
    tries = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Try)]
    assert not tries, f"{path.name}: try/except in Zeile {tries} (Fehlergrenze ist app.py)"
    renders = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "render"]
    assert renders, f"{path.name}: keine Funktion render(selection)"


def test_core_never_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "core").rglob("*.py")
        if re.search(r"^\s*(import|from)\s+streamlit\b", p.read_text(encoding="utf-8"), re.M)
    ]
    assert not offenders


def test_every_chart_is_drawn_through_the_one_chart_widget() -> None:
    """German tool bar texts and no tool bar on slides hold only if every chart goes
    through ui.charts.show."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "ui").glob("*.py"), *PAGES]
        if p.name != "charts.py" and "plotly_chart(" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, f"st.plotly_chart außerhalb von ui/charts.py: {offenders}"


def test_colours_live_in_the_vocabulary_and_the_map_style() -> None:
    """A hex colour written anywhere but core/present (and CSS of the Streamlit shell) is a
    copy that can drift from what slides and files show."""
    allowed = {ROOT / "core" / "present", ROOT / "ui" / "presentation.py"}
    hex_colour = re.compile(r"[\"']#[0-9A-Fa-f]{6}[\"']")
    found = []
    for folder in ("core", "ui", "pages"):
        for p in (ROOT / folder).rglob("*.py"):
            if any(p == a or a in p.parents for a in allowed):
                continue
            for no, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if hex_colour.search(line):
                    found.append(f"{p.relative_to(ROOT)}:{no}")
    assert not found, found


def test_the_type_checker_passes_on_core() -> None:
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    assert mypy, "mypy fehlt: pip install -e '.[test]'"
    run = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]

"""An area file must not silently rebuild the hierarchy (Kreis ⊃ Kommune ⊃ Sozialraum).

Each refusal names row, column, value and fix and leaves the database unchanged; a
Sozialraum moves to another Kommune only as a confirmed boundary change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import shapely
from sqlalchemy import Engine, insert, select, update

from core.errors import DataError, Problem
from core.imports import ImportOptions, rollback_batch, run_import
from core.models import Area
from core.permissions import SYSTEM
from tests.imports_support import (
    ADORF,
    BESTADT,
    NORD,
    SUED,
    add_test_areas,
    fingerprint,
    geojson_file,
)

EAST = shapely.affinity.translate(SUED, 0.1, 0)  # the southern half of Bestadt


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


def parents(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Area.id, Area.parent_id)).all())


def refused(
    engine: Engine, features: list[dict[str, Any]], **options: Any
) -> tuple[list[Problem], list[Problem]]:
    """Import the features; assert the import is refused and nothing changed."""
    before = fingerprint(engine)
    file = geojson_file("gebiete.geojson", features)
    with pytest.raises(DataError) as info:
        run_import(
            engine, "areas", [file], ImportOptions(**options), accept_warnings=True, user=SYSTEM
        )
    assert fingerprint(engine) == before
    for p in info.value.problems:
        assert p.fix, p
        assert "/tmp" not in p.as_text() and "Exception" not in p.as_text()
    return info.value.problems, info.value.warnings


@pytest.mark.parametrize("own", ["name", "ags"])
def test_a_kommune_column_naming_the_kommune_itself_is_no_parent(areas: Engine, own: str) -> None:
    """AGS/GEN plus "Kommune" used to make every Kommune its own parent (Kreis emptied)."""
    features = [
        {"AGS": ags, "GEN": gen, "Kommune": gen if own == "name" else ags, "geometry": geom}
        for ags, gen, geom in (("05999004", "Adorf", ADORF), ("05999008", "Bestadt", BESTADT))
    ]
    run_import(areas, "areas", [geojson_file("gemeinden.geojson", features)], user=SYSTEM)
    assert parents(areas)["05999004"] == parents(areas)["05999008"] == "05999"


def test_a_kommune_column_naming_another_kommune_is_refused(areas: Engine) -> None:
    problems, _ = refused(
        areas,
        [
            {"AGS": "05999004", "GEN": "Adorf", "Kommune": "Bestadt", "geometry": ADORF},
            {"AGS": "05999008", "GEN": "Bestadt", "Kommune": "Bestadt", "geometry": BESTADT},
        ],
    )
    (p,) = problems
    assert (p.row, p.column, p.value) == (1, "Kommune", "Bestadt")
    assert "kann eine Kommune kein übergeordnetes Gebiet einer Kommune sein" in p.problem
    assert "--level area" in p.fix


def test_kommune_as_its_own_parent_via_parent_field_is_refused(areas: Engine) -> None:
    problems, _ = refused(
        areas,
        [{"AGS": "05999004", "GEN": "Adorf", "Kommune": "05999004", "geometry": ADORF}],
        parent_field="Kommune",
        level="municipality",
    )
    assert [(p.row, p.column, p.value) for p in problems] == [(1, "Kommune", "05999004")]
    assert "sein eigenes übergeordnetes Gebiet" in problems[0].problem


def test_kommune_under_a_kommune_is_refused(areas: Engine) -> None:
    """Neuss moved under Dormagen changed the Kreis rate without a word."""
    problems, _ = refused(
        areas,
        [{"AGS": "05999004", "GEN": "Adorf", "parent_id": "05999008", "geometry": ADORF}],
    )
    (p,) = problems
    assert (p.row, p.column, p.value) == (1, "parent_id", "05999008")
    assert "Eine Kommune gehört zu einem Kreis; „Bestadt“ (05999008) ist aber eine Kommune" in (
        p.problem
    )
    assert parents(areas)["05999004"] == "05999"


def test_existing_kommune_does_not_change_its_kreis(areas: Engine) -> None:
    with areas.begin() as conn:
        conn.execute(
            insert(Area).values(id="05998", name="Nachbarkreis", level="district", parent_id=None)
        )
    problems, _ = refused(
        areas, [{"AGS": "05999004", "GEN": "Adorf", "Kreis": "05998", "geometry": ADORF}]
    )
    (p,) = problems
    assert (p.row, p.column, p.value) == (1, "Kreis", "05998")
    assert "„Testkreis“ (05999)" in p.problem and "„Nachbarkreis“ (05998)" in p.problem


def test_sozialraum_under_itself_is_refused_without_a_geometry_warning(areas: Engine) -> None:
    problems, warnings = refused(
        areas, [{"id": "05999004-01", "name": "Nord", "kommune": "05999004-01", "geometry": NORD}]
    )
    (p,) = problems
    assert (p.row, p.column, p.value) == (1, "kommune", "05999004-01")
    assert "sein eigenes übergeordnetes Gebiet" in p.problem
    assert not [w for w in warnings if "außerhalb" in w.problem]


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        (
            "05999004-02",
            "Ein Sozialraum gehört zu einer Kommune; „Süd“ (05999004-02) ist aber ein ",
        ),
        ("Süd", "„Süd“ (05999004-02) ist aber ein Sozialraum"),
        ("05999", "„Testkreis“ (05999) ist aber ein Kreis"),
    ],
)
def test_sozialraum_under_the_wrong_level_is_refused(
    areas: Engine, parent: str, message: str
) -> None:
    problems, _ = refused(
        areas, [{"id": "05999004-03", "name": "Ost", "kommune": parent, "geometry": NORD}]
    )
    (p,) = problems
    assert (p.row, p.column, p.value) == (
        1,
        "kommune",
        "05999004-02" if parent == "Süd" else parent,
    )
    assert message in p.problem
    assert "Die Kennung der Kommune eintragen" in p.fix


def test_sozialraum_under_a_sozialraum_of_the_same_file_is_refused(areas: Engine) -> None:
    problems, _ = refused(
        areas,
        [
            {"id": "05999004-03", "name": "Ost", "kommune": "05999004-04", "geometry": NORD},
            {"id": "05999004-04", "name": "West", "kommune": "05999004", "geometry": SUED},
        ],
    )
    assert [(p.row, p.value) for p in problems] == [(1, "05999004-04")]
    assert "„West“ (05999004-04) ist aber ein Sozialraum" in problems[0].problem


def test_existing_area_does_not_change_its_level(areas: Engine) -> None:
    problems, _ = refused(
        areas,
        [{"id": "05999008", "name": "Bestadt", "kommune": "05999004", "geometry": BESTADT}],
        level="area",
    )
    (p,) = problems
    assert p.row == 1 and p.value == "05999008 Bestadt"
    assert "ist in der Datenbank eine Kommune; die Datei würde daraus einen Sozialraum" in (
        p.problem
    )


def test_moving_a_sozialraum_needs_a_confirmed_boundary_change(areas: Engine) -> None:
    features = [{"id": "05999004-02", "name": "Süd", "kommune": "05999008", "geometry": EAST}]
    problems, _ = refused(areas, features)
    (p,) = problems
    assert (p.row, p.column, p.value) == (1, "kommune", "05999008")
    assert "zur Kommune „Adorf“ (05999004)" in p.problem and "„Bestadt“ (05999008)" in p.problem
    assert "--boundary-change --valid-from" in p.fix

    problems, _ = refused(areas, features, boundary_change=True)
    assert "fehlt das Datum" in problems[0].problem
    problems, _ = refused(areas, features, valid_from=dt.date(2025, 1, 1))
    assert "nur für eine bestätigte Grenzänderung" in problems[0].problem

    day = dt.date(2025, 1, 1)
    options = ImportOptions(boundary_change=True, valid_from=day)
    result = run_import(
        areas,
        "areas",
        [geojson_file("neu.geojson", features)],
        options,
        accept_warnings=True,
        user=SYSTEM,
    )
    assert result.counts == {"neu": 0, "geändert": 1, "unverändert": 0}
    with areas.connect() as conn:
        moved = conn.execute(
            select(Area.parent_id, Area.valid_from).where(Area.id == "05999004-02")
        ).one()
    assert tuple(moved) == ("05999008", day)
    rollback_batch(areas, result.batch_id, user=SYSTEM)
    assert parents(areas)["05999004-02"] == "05999004"


def test_a_cycle_through_file_and_database_is_refused(areas: Engine) -> None:
    """A damaged database (the Kreis under its own Kommune) must not be closed into a loop."""
    with areas.begin() as conn:
        conn.execute(update(Area).where(Area.id == "05999").values(parent_id="05999004"))
    problems, _ = refused(
        areas,
        [{"AGS": "05999004", "GEN": "Adorf", "Kreis": "05999", "geometry": ADORF}],
    )
    (p,) = problems
    assert (p.row, p.column) == (1, "Kreis")
    assert "Kreislauf: 05999004 → 05999 → 05999004" in p.problem


def test_every_hierarchy_problem_of_a_file_is_reported_at_once(areas: Engine) -> None:
    problems, _ = refused(
        areas,
        [
            {"id": "05999004-01", "name": "Nord", "kommune": "05999004-01", "geometry": NORD},
            {"id": "05999004-02", "name": "Süd", "kommune": "05999008", "geometry": SUED},
            {"id": "05999004-03", "name": "Ost", "kommune": "05999004-02", "geometry": NORD},
            {"id": "05999004-04", "name": "Gut", "kommune": "05999004", "geometry": NORD},
        ],
    )
    assert [p.row for p in problems] == [1, 2, 3]


def test_cli_boundary_change_with_valid_from(db_url: str, tmp_path) -> None:
    from core.cli import main
    from core.db import make_engine

    assert main(["--database-url", db_url, "init-db"]) == 0
    engine = make_engine(db_url)
    try:
        add_test_areas(engine)
        path = tmp_path / "sr.geojson"
        path.write_bytes(
            geojson_file(
                "sr.geojson",
                [{"id": "05999004-02", "name": "Süd", "kommune": "05999008", "geometry": EAST}],
            ).data
        )
        args = ["--database-url", db_url, "import", "areas", str(path), "--accept-warnings"]
        assert main(args) == 1
        with pytest.raises(SystemExit) as usage:
            main([*args, "--boundary-change", "--valid-from", "31.02.2025"])
        assert usage.value.code == 2
        assert main([*args, "--boundary-change", "--valid-from", "01.01.2025"]) == 0
        assert parents(engine)["05999004-02"] == "05999008"
    finally:
        engine.dispose()

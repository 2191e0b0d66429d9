"""Import of the Qualitätsbausteine (template, all or nothing, rollback) on SQLite and
PostgreSQL (``engine`` fixture)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import DataError
from core.imports import rollback_batch, run_import
from core.imports.tables import ImportFile
from core.imports.templates import TEMPLATES
from core.models import QualityProgress, QualityReport, YouthOffice
from core.permissions import SYSTEM
from core.quality import quality_progress
from core.quality_entry import ItemEntry, ReportEntry, report_record, save_report
from core.quarters import parse_quarter
from tests.builders import add_tiny_areas


@pytest.fixture
def offices(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
        conn.execute(
            YouthOffice.__table__.insert().values(id="neuss", name="Jugendamt der Stadt Neuss")
        )
    return engine


def _template() -> bytes:
    (template,) = TEMPLATES["quality"]
    return template.data()


def _file(data: bytes, name: str = "qualitaet.csv") -> list[ImportFile]:
    return [ImportFile(name, data)]


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        reports = conn.execute(select(func.count()).select_from(QualityReport)).scalar_one()
        items = conn.execute(select(func.count()).select_from(QualityProgress)).scalar_one()
    return int(reports), int(items)


def test_the_template_imports_as_one_report_and_rolls_back(offices) -> None:
    result = run_import(offices, "quality", _file(_template()), user=SYSTEM)
    assert result.counts["neu"] == 13
    assert _counts(offices) == (1, 13)
    with offices.connect() as conn:
        progress = quality_progress(conn, parse_quarter("2025-Q3"), "neuss").set_index("item_id")
        batch = conn.execute(select(QualityReport.import_batch_id)).scalar_one()
    assert batch == result.batch_id
    assert progress.loc["4.1", "state_label"] == "erreicht"
    assert (
        progress.loc["4.1", "evidence_title"] == "Handlungskonzept Präventionskette, Beschluss JHA"
    )
    assert progress.loc["1.3", "note"] == "Abgleich mit den Trägern läuft"
    assert run_import(offices, "quality", _file(_template()), user=SYSTEM).batch_id == 0
    rollback_batch(offices, result.batch_id, SYSTEM)
    assert _counts(offices) == (0, 0)


def test_a_bad_file_changes_nothing_and_names_row_and_column(offices) -> None:
    run_import(offices, "quality", _file(_template()), user=SYSTEM)
    bad = (
        _template()
        .replace(b"Ablage JA 51/2025/022", b"javascript:alert(1)")
        .replace(
            b"Jugendamt der Stadt Neuss;2025-Q3;3.3;offen", b"Jugendamt Nirgendwo;2025-Q3;3.3;offen"
        )
        .replace(b";4.2;begonnen;", b";4.2;fertig;")
        .replace(b";2.2;begonnen;15.04.2025;", b";2.2;erreicht;15.04.2025;")
    )
    with pytest.raises(DataError) as err:
        run_import(offices, "quality", _file(bad), user=SYSTEM)
    found = {(p.row, p.column, p.problem) for p in err.value.problems}
    assert (5, "Nachweis-Link", "Ein Verweis mit „javascript:“ ist nicht erlaubt") in found
    assert (10, "Jugendamt", "Dieses Jugendamt ist unbekannt") in found
    assert (12, "Stand", "Unbekannter Stand") in found
    assert (6, "Nachweis", "Für „erreicht“ fehlt ein Nachweis") in found
    with offices.connect() as conn:
        rec = report_record(conn, "neuss", "2025-Q3")
    assert rec is not None and rec["version"] == 1
    assert rec["items"]["2.1"]["evidence_ref"] == "Ablage JA 51/2025/022"


def test_missing_items_are_named(offices) -> None:
    lines = _template().split(b"\r\n")
    short = b"\r\n".join(lines[:5]) + b"\r\n"
    with pytest.raises(DataError, match="fehlen Punkte") as err:
        run_import(offices, "quality", _file(short), user=SYSTEM)
    assert "2.3, 3.1" in str(err.value.problems[0].value)


def test_reimport_over_a_form_report_bumps_its_version_and_rollback_restores(offices) -> None:
    items = tuple(
        ItemEntry(i, "open")
        for i in [*(f"{b}.{n}" for b in (1, 2, 3) for n in (1, 2, 3)), "4.1", "4.2", "4.3", "4.4"]
    )
    save_report(offices, SYSTEM, ReportEntry("neuss", "2025-Q3", items), None)
    result = run_import(offices, "quality", _file(_template()), user=SYSTEM)
    assert result.counts["geändert"] == 9  # the items that are not offen in the template
    with offices.connect() as conn:
        rec = report_record(conn, "neuss", "2025-Q3")
    assert rec is not None and rec["version"] == 2 and rec["items"]["4.1"]["state"] == "done"
    rollback_batch(offices, result.batch_id, SYSTEM)
    with offices.connect() as conn:
        rec = report_record(conn, "neuss", "2025-Q3")
    assert rec is not None and rec["items"]["4.1"]["state"] == "open"
    assert _counts(offices) == (1, 13)

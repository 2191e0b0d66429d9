"""Old network status files keep importing (SQLite and PostgreSQL): the partner count
where a network has no register, the register's count where it has one, and a column
"Qualitätsbausteine" ignored with a note in the preview, never an error or a warning."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select

from core.errors import DataError
from core.imports import preview, run_import
from core.models import Network, NetworkPartner, NetworkStatus
from core.permissions import SYSTEM
from tests.imports_support import STATUS, add_test_areas, csv_file

NOTE = "Qualitätsbausteine nicht übernommen"


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


def _statuses(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                NetworkStatus.quarter, NetworkStatus.partners, NetworkStatus.quality_blocks
            ).order_by(NetworkStatus.quarter)
        ).all()
    return [tuple(r) for r in rows]


def test_an_old_file_with_count_and_quality_column_imports_with_a_note(areas) -> None:
    assert "Qualitätsbausteine" in STATUS[0] and "Partner" in STATUS[0]
    plan = preview(areas, "networks", [csv_file("alt.csv", STATUS)])
    assert plan.warnings == []  # nothing to accept: the import goes through as it is
    assert plan.preview["Hinweis"].str.startswith(NOTE).all()
    result = run_import(areas, "networks", [csv_file("alt.csv", STATUS)], user=SYSTEM)
    assert result.counts["neu"] == 2
    # the counts of the file stand (no register), the quality blocks are not taken
    assert _statuses(areas) == [("2025-Q2", 12, []), ("2025-Q3", 14, [])]


def test_a_file_without_the_quality_column_has_no_note(areas) -> None:
    column = STATUS[0].index("Qualitätsbausteine")
    rows = [[c for i, c in enumerate(r) if i != column] for r in STATUS]
    plan = preview(areas, "networks", [csv_file("neu.csv", rows)])
    assert (plan.preview["Hinweis"] == "").all()
    assert plan.warnings == []


def test_where_a_register_exists_its_count_replaces_the_files(areas) -> None:
    run_import(areas, "networks", [csv_file("alt.csv", STATUS)], user=SYSTEM)
    with areas.begin() as conn:
        nid = conn.execute(select(Network.id)).scalar_one()
        conn.execute(
            insert(NetworkPartner),
            [
                {"network_id": nid, "organisation": o, "sector": s, "joined_on": j}
                for o, s, j in (
                    ("Caritasverband Adorf", "freie_traeger", dt.date(2020, 1, 1)),
                    ("Gesamtschule Adorf", "schule", dt.date(2025, 5, 1)),
                    ("Jobcenter Testkreis", "arbeit", dt.date(2025, 8, 1)),
                )
            ],
        )
    plan = preview(areas, "networks", [csv_file("wieder.csv", STATUS)])
    notes = plan.preview.set_index("Quartal")["Hinweis"]
    assert notes["2025-Q2"].startswith("Partner aus dem Partnerverzeichnis: 2 (Datei: 12)")
    assert notes["2025-Q3"].startswith("Partner aus dem Partnerverzeichnis: 3 (Datei: 14)")
    assert plan.warnings == []
    run_import(areas, "networks", [csv_file("wieder.csv", STATUS)], user=SYSTEM)
    assert [(q, p) for q, p, _ in _statuses(areas)] == [("2025-Q2", 2), ("2025-Q3", 3)]


def _with_criteria(cells: list[str]) -> list[list[str]]:
    column = STATUS[0].index("Qualitätsbausteine")
    rows = [[c for i, c in enumerate(r) if i != column] for r in STATUS]
    return [[*rows[0], "Kriterien"], *[[*r, c] for r, c in zip(rows[1:], cells, strict=True)]]


def _criteria(engine: Engine) -> list[list[str]]:
    with engine.connect() as conn:
        stmt = select(NetworkStatus.criteria).order_by(NetworkStatus.quarter)
        return [list(c) for c in conn.execute(stmt).scalars()]


def test_the_stage_criteria_import_by_id_or_label_and_old_files_keep_them(areas) -> None:
    rows = _with_criteria(["vereinbarung, Austausch", "Schriftliche Kooperationsvereinbarung"])
    run_import(areas, "networks", [csv_file("kriterien.csv", rows)], user=SYSTEM)
    assert _criteria(areas) == [["austausch", "vereinbarung"], ["vereinbarung"]]
    # a later file without the column changes the statuses but keeps their criteria
    run_import(areas, "networks", [csv_file("alt.csv", STATUS)], user=SYSTEM)
    assert _criteria(areas) == [["austausch", "vereinbarung"], ["vereinbarung"]]


def test_an_unknown_criterion_names_its_row_and_the_valid_ones(areas) -> None:
    rows = _with_criteria(["austausch", "Kaffeekasse"])
    with pytest.raises(DataError) as err:
        run_import(areas, "networks", [csv_file("kriterien.csv", rows)], user=SYSTEM)
    text = str(err.value)
    assert "Zeile 3" in text and "Kriterien" in text and "Kaffeekasse" in text
    assert "vereinbarung" in text  # the fix lists the valid ids
    assert _criteria(areas) == []  # nothing imported

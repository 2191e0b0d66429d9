"""Reporting the Qualitätsbausteine of a Jugendamt: prefill, validation, save with lock,
permission and audit, on SQLite and PostgreSQL (``engine`` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from core.audit import audit_entries
from core.errors import ConflictError, DataError, PermissionDeniedError
from core.models import QualityProgress, QualityReport, SteeringRecord
from core.quality import quality_changes, quality_history, quality_progress
from core.quality_entry import (
    ItemEntry,
    ReportEntry,
    evidence_ref_problem,
    prefill,
    report_record,
    save_report,
)
from core.quarters import parse_quarter
from core.users import User
from tests.builders import add_tiny_areas

TODAY = dt.date(2025, 11, 20)
EDITOR_A = User("nina", "editor", ("jaA",))
ADMIN = User("anton", "admin")
IDS = [f"{b}.{i}" for b in (1, 2, 3) for i in (1, 2, 3)] + ["4.1", "4.2", "4.3", "4.4"]


def report(quarter: str = "2025-Q3", office: str = "jaA", **items: ItemEntry) -> ReportEntry:
    """Every item offen, except the ones given."""
    entries = tuple(items.get(i.replace(".", "_"), ItemEntry(i, "open")) for i in IDS)
    return ReportEntry(office, quarter, entries)


DONE_11 = ItemEntry(
    "1.1",
    "done",
    dt.date(2025, 8, 14),
    "Angebotsübersicht Präventionskette",
    dt.date(2025, 8, 14),
    "https://www.example.org/ratsinfo/vorlage-2025-31",
    None,
    "im Quartal abgeschlossen",
)
BEGUN_21 = ItemEntry("2.1", "in_progress", dt.date(2025, 6, 1), note="Arbeitsgruppe gebildet")


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
    return engine


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def test_first_report_prefills_offen_then_saves_with_audit(tiny) -> None:
    with tiny.connect() as conn:
        pf = prefill(conn, "jaA", "2025-Q3")
    assert pf.source == "empty" and pf.version is None
    assert list(pf.items) == IDS and {v["state"] for v in pf.items.values()} == {"open"}
    saved = save_report(tiny, EDITOR_A, report(**{"1_1": DONE_11, "2_1": BEGUN_21}), None, TODAY)
    assert saved["version"] == 1 and saved["updated_by"] == "nina"
    assert saved["items"]["1.1"]["evidence_title"] == "Angebotsübersicht Präventionskette"
    assert _count(tiny, QualityProgress) == 13 and _count(tiny, QualityReport) == 1
    with tiny.connect() as conn:
        pf = prefill(conn, "jaA", "2025-Q3")
        audit = audit_entries(conn)
    assert pf.source == "current" and pf.version == 1
    assert pf.items["1.1"]["state_date"] == dt.date(2025, 8, 14)
    entry = audit[audit["entity"] == "quality_report"].iloc[0]
    assert entry["entity_key"] == "jaA/2025-Q3" and entry["old"] is None
    assert entry["new"]["items"]["1.1"]["state"] == "done"
    assert entry["new"]["items"]["2.1"]["note"] == "Arbeitsgruppe gebildet"


def test_next_quarter_starts_from_the_last_report_without_notes(tiny) -> None:
    save_report(tiny, EDITOR_A, report(**{"1_1": DONE_11, "2_1": BEGUN_21}), None, TODAY)
    with tiny.connect() as conn:
        pf = prefill(conn, "jaA", "2025-Q4")
    assert pf.source == "previous" and pf.source_quarter == "2025-Q3" and pf.version is None
    assert pf.items["1.1"]["state"] == "done"
    assert pf.items["1.1"]["evidence_ref"] == DONE_11.evidence_ref
    assert pf.items["2.1"]["note"] == "" and pf.items["1.1"]["note"] == ""


def test_update_audits_old_and_new_items_and_the_page_reads_the_change(tiny) -> None:
    save_report(tiny, EDITOR_A, report("2025-Q2", **{"2_1": BEGUN_21}), None, TODAY)
    done_21 = dataclasses.replace(
        BEGUN_21, state="done", state_date=dt.date(2025, 9, 1), evidence_title="Zielpapier"
    )
    save_report(tiny, EDITOR_A, report(**{"2_1": BEGUN_21}), None, TODAY)
    saved = save_report(tiny, ADMIN, report(**{"2_1": done_21}), 1, TODAY)
    assert saved["version"] == 2 and saved["updated_by"] == "anton"
    with tiny.connect() as conn:
        audit = audit_entries(conn)
        progress = quality_progress(conn, parse_quarter("2025-Q3"), "jaA")
        history = quality_history(conn, [parse_quarter("2025-Q2"), parse_quarter("2025-Q3")])
    last = audit[audit["entity_key"] == "jaA/2025-Q3"].sort_values("id").iloc[-1]
    assert last["old"]["items"]["2.1"]["state"] == "in_progress"
    assert last["new"]["items"]["2.1"]["state"] == "done"
    changes = quality_changes(progress)
    assert changes[["item_id", "previous_state", "state"]].values.tolist() == [
        ["2.1", "in_progress", "done"]
    ]
    q3 = history[history["quarter"] == "2025-Q3"].set_index("state")["items"].to_dict()
    assert q3 == {"done": 1, "in_progress": 0, "open": 12}


@pytest.mark.parametrize(
    ("item", "column", "says"),
    [
        (ItemEntry("1.1", "done", None, "Titel"), "Punkt 1.1 · Datum", "fehlt das Datum"),
        (
            ItemEntry("1.1", "done", dt.date(2025, 8, 1)),
            "Punkt 1.1 · Nachweis",
            "fehlt ein Nachweis",
        ),
        (ItemEntry("1.1", "erledigt"), "Punkt 1.1 · Stand", "ungültig"),
        (
            ItemEntry("1.1", "in_progress", dt.date(2025, 12, 1)),
            "Punkt 1.1 · Datum",
            "in der Zukunft",
        ),
        (
            ItemEntry("1.1", "in_progress", dt.date(2025, 10, 2)),
            "Punkt 1.1 · Datum",
            "nach dem Ende des Quartals (30.09.2025)",
        ),
        (
            ItemEntry("1.1", "open", evidence_ref="javascript:alert(1)"),
            "Punkt 1.1 · Nachweis-Link",
            "„javascript:“ ist nicht erlaubt",
        ),
        (
            ItemEntry("1.1", "open", evidence_title="x" * 301),
            "Punkt 1.1 · Nachweis",
            "erlaubt sind 300",
        ),
        (ItemEntry("1.1", "open", note="x" * 2001), "Punkt 1.1 · Notiz", "2001 Zeichen"),
        (
            ItemEntry("1.1", "open", steering_record_id=1),
            "Punkt 1.1 · Steuerungsnachweis",
            "nur zu Baustein 4",
        ),
    ],
)
def test_validation_names_the_item_and_field_and_writes_nothing(tiny, item, column, says) -> None:
    with pytest.raises(DataError) as err:
        save_report(tiny, EDITOR_A, report(**{"1_1": item}), None, TODAY)
    assert [(p.column, says in p.problem) for p in err.value.problems] == [(column, True)]
    assert err.value.problems[0].fix
    assert _count(tiny, QualityReport) == 0 and _count(tiny, QualityProgress) == 0


def test_all_problems_at_once_and_whole_report_required(tiny) -> None:
    bad = ReportEntry(
        "jaA",
        "2026-Q2",
        (ItemEntry("1.1", "done"), ItemEntry("1.1", "open"), ItemEntry("9.9", "open")),
    )
    with pytest.raises(DataError) as err:
        save_report(tiny, EDITOR_A, bad, None, TODAY)
    problems = {(p.column, p.problem) for p in err.value.problems}
    assert ("Quartal", "Für ein künftiges Quartal kann noch nichts gemeldet werden") in problems
    assert ("Punkt", "Diesen Punkt gibt es nicht") in problems
    assert ("Punkt", "Dieser Punkt steht doppelt im Bericht") in problems
    assert ("Punkt", "Diese Punkte fehlen im Bericht") in problems
    assert ("Punkt 1.1 · Datum", "Für „erreicht“ fehlt das Datum") in problems


@pytest.mark.parametrize(
    ("ref", "ok"),
    [
        ("https://www.example.org/ratsinfo/1", True),
        ("Ablage JA 51/2025/013", True),
        ("K:\\Jugendamt\\Konzept.pdf", True),
        ("\\\\server\\ablage\\beschluss.pdf", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("https://", False),
        ("Konzept <script>", False),
    ],
)
def test_evidence_link_is_http_or_a_plain_file_reference(ref, ok) -> None:
    assert (evidence_ref_problem(ref) is None) is ok


def test_block_4_cites_a_steering_record_of_its_own_office(tiny) -> None:
    with tiny.begin() as conn:
        own = conn.execute(
            insert(SteeringRecord)
            .values(youth_office_id="jaA", kind="leitbild", title="Handlungskonzept")
            .returning(SteeringRecord.id)
        ).scalar_one()
        other = conn.execute(
            insert(SteeringRecord)
            .values(youth_office_id="jaB", kind="leitbild", title="Fremdes Konzept")
            .returning(SteeringRecord.id)
        ).scalar_one()
    by_record = ItemEntry("4.1", "done", dt.date(2025, 9, 2), steering_record_id=own)
    saved = save_report(tiny, EDITOR_A, report(**{"4_1": by_record}), None, TODAY)
    assert saved["items"]["4.1"]["steering_record_id"] == own
    foreign = dataclasses.replace(by_record, steering_record_id=other)
    with pytest.raises(DataError, match="gibt es für dieses Jugendamt nicht"):
        save_report(tiny, EDITOR_A, report(**{"4_1": foreign}), 1, TODAY)


def test_conflict_keeps_the_database_and_carries_their_report(tiny) -> None:
    save_report(tiny, EDITOR_A, report(**{"2_1": BEGUN_21}), None, TODAY)
    # a second form that also found no report, and one that loaded version 1 after an update
    with pytest.raises(ConflictError) as err:
        save_report(tiny, ADMIN, report(**{"1_1": DONE_11}), None, TODAY)
    assert "nina" in str(err.value) and "Ihre Eingabe ist nicht verloren" in str(err.value)
    assert err.value.current["items"]["2.1"]["state"] == "in_progress"
    save_report(tiny, EDITOR_A, report(), 1, TODAY)
    with pytest.raises(ConflictError, match="Sie hatten Fassung 1 geladen"):
        save_report(tiny, ADMIN, report(**{"1_1": DONE_11}), 1, TODAY)
    with tiny.connect() as conn:
        rec = report_record(conn, "jaA", "2025-Q3")
    assert rec is not None and rec["version"] == 2
    assert rec["items"]["1.1"]["state"] == "open"  # the refused save wrote nothing


@pytest.mark.parametrize(
    ("user", "says"),
    [
        pytest.param(None, "melden Sie sich an", id="anonymous"),
        pytest.param(User("vera", "viewer"), "Netzwerk-Koordination", id="viewer"),
        pytest.param(User("ben", "editor", ("jaB",)), "Jugendamt A", id="editor-of-another"),
    ],
)
def test_only_editors_of_the_office_and_admins_save(tiny, user, says) -> None:
    with pytest.raises(PermissionDeniedError, match=says):
        save_report(tiny, user, report(**{"1_1": DONE_11}), None, TODAY)
    assert _count(tiny, QualityReport) == 0
    with tiny.connect() as conn:
        assert audit_entries(conn).empty

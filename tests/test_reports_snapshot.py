"""Frozen Datenstände: a snapshot keeps its figures after the data change, on SQLite and
PostgreSQL, and every snapshot is in the audit log."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select, update

from core.audit import audit_entries
from core.catalogue import indicator
from core.cli import main
from core.db import make_engine
from core.errors import PermissionDeniedError, PraevError
from core.indicators import indicator_values
from core.models import IndicatorValue, Snapshot
from core.permissions import operator
from core.present.numbers import din_round
from core.quarters import parse_quarter
from core.reports.content import build_report
from core.reports.snapshot import data_changed, freeze_session, load_snapshot, snapshots
from core.reports.spec import report_stand
from core.reports.xlsx import to_report_xlsx_bytes
from core.users import User

QUARTER = "2026-Q3"
ERFTTAL = "05162024-10"
SESSION = dt.date(2026, 11, 12)


@pytest.fixture
def demo_copy(db_url):
    """A demo database of its own (SQLite in tmp_path or the cleared PostgreSQL test DB)."""
    assert main(["--database-url", db_url, "init-db", "--demo"]) == 0
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def _erfttal_on_map(report: dict) -> object:
    sheet = openpyxl.load_workbook(io.BytesIO(to_report_xlsx_bytes(report)))["3 Karte"]
    header = [c.value for c in sheet[1]]
    value = next(i for i, h in enumerate(header) if h.startswith("Wert"))
    return next(r[value] for r in sheet.iter_rows(2, values_only=True) if r[0] == "Erfttal")


def _raise_erfttal(engine) -> None:
    """Load "new data": Erfttal's latest SGB-II value before the quarter's end goes up."""
    end = parse_quarter(QUARTER).end
    with engine.begin() as conn:
        row = conn.execute(
            select(IndicatorValue.id, IndicatorValue.numerator, IndicatorValue.denominator)
            .where(
                IndicatorValue.indicator_id == "sgb2_u15",
                IndicatorValue.area_id == ERFTTAL,
                IndicatorValue.period_end <= end,
            )
            .order_by(IndicatorValue.period_end.desc())
            .limit(1)
        ).one()
        numerator = row.numerator + 100
        conn.execute(
            update(IndicatorValue)
            .where(IndicatorValue.id == row.id)
            .values(numerator=numerator, value=numerator / row.denominator * 100)
        )


def test_snapshot_keeps_its_figures_after_new_data(demo_copy) -> None:
    sid = freeze_session(
        demo_copy,
        operator("Frau Beispiel"),
        "Jugendhilfeausschuss",
        SESSION,
        parse_quarter(QUARTER),
    )
    with demo_copy.connect() as conn:
        before = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter(QUARTER), "area", "05162024"
        )
        frozen = load_snapshot(conn, sid)
    old = din_round(float(before.set_index("area_id").loc[ERFTTAL, "value"]), 1)
    assert _erfttal_on_map(frozen) == old

    _raise_erfttal(demo_copy)

    with demo_copy.connect() as conn:
        live = build_report(conn, parse_quarter(QUARTER))
        again = load_snapshot(conn, sid)
        assert data_changed(conn, again)
        assert not data_changed(conn, live)
    assert _erfttal_on_map(live) > old
    assert _erfttal_on_map(again) == old
    assert again["slides"] == frozen["slides"]
    assert again["meta"]["data_hash"] != live["meta"]["data_hash"]


def test_snapshot_is_listed_with_title_date_stand_hash_and_audited(demo_copy) -> None:
    editor = User("herr.muster", "editor", ("neuss",))
    with demo_copy.connect() as conn:
        u3 = indicator(conn, "u3_care")
    sid = freeze_session(
        demo_copy, editor, "  Sozialausschuss  ", SESSION, parse_quarter(QUARTER), "05162024", u3
    )
    with demo_copy.connect() as conn:
        listed = snapshots(conn)
        audit = audit_entries(conn, "snapshot", str(sid))
        frozen = load_snapshot(conn, sid)
    row = listed.iloc[0]
    assert (row["id"], row["title"], row["scope"], row["quarter"]) == (
        sid,
        "Sozialausschuss",
        "Neuss",
        QUARTER,
    )
    assert row["session_date"] == SESSION
    assert row["data_as_of"] == report_stand(frozen).last  # the newest date it shows
    assert len(row["data_hash"]) == 64
    assert frozen["slides"][0]["title"] == "Sozialausschuss"
    assert frozen["meta"]["session_date"] == "2026-11-12"
    assert len(audit) == 1
    entry = audit.iloc[0]
    assert (entry["user"], entry["action"]) == ("herr.muster", "create")
    assert entry["new"]["title"] == "Sozialausschuss"
    assert entry["new"]["data_hash"] == row["data_hash"]


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Titel"), ("   ", "Titel"), ("x" * 301, "zu lang")],
)
def test_snapshot_needs_a_title(engine, title, message) -> None:
    with pytest.raises(PraevError, match=message):
        freeze_session(engine, operator("Test"), title, SESSION, parse_quarter(QUARTER))
    with engine.connect() as conn:
        assert snapshots(conn).empty
        assert audit_entries(conn, "snapshot").empty


@pytest.mark.parametrize(
    ("user", "says"),
    [(None, "melden Sie sich an"), (User("vera", "viewer"), "Netzwerk-Koordination")],
    ids=["anonymous", "viewer"],
)
def test_freezing_is_refused_without_permission_and_writes_nothing(engine, user, says) -> None:
    with pytest.raises(PermissionDeniedError, match=says):
        freeze_session(engine, user, "Jugendhilfeausschuss", SESSION, parse_quarter(QUARTER))
    with engine.connect() as conn:
        assert conn.execute(select(Snapshot.id)).first() is None
        assert audit_entries(conn).empty

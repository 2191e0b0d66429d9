"""Steering records (Qualitätsbaustein 4): validation of each kind, create, update,
conflict, close, permission, audit and the funding warning, on SQLite and PostgreSQL
(``engine`` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import insert

from core.audit import audit_entries
from core.errors import ConflictError, DataError, PermissionDeniedError
from core.models import SteeringRecord
from core.permissions import operator
from core.present.steering_tables import (
    decision_table,
    group_table,
    post_table,
    steering_summary,
)
from core.quarters import Quarter
from core.steering import (
    SteeringEntry,
    close_record,
    editable_offices,
    funding_warnings,
    record,
    save_record,
    steering_records,
    validate,
)
from core.users import User
from tests.builders import add_tiny_areas

TODAY = dt.date(2026, 11, 24)
ADMIN = operator("Anna Admin")
EDITOR_A = User(name="Erik", role="editor", youth_offices=("jaA",))
EDITOR_B = User(name="Berta", role="editor", youth_offices=("jaB",))
VIEWER = User(name="Vera", role="viewer")

DECISION = SteeringEntry(
    youth_office_id="jaA",
    kind="beschluss",
    title="Aufbau der Präventionskette",
    dated=dt.date(2025, 3, 12),
    committee="Jugendhilfeausschuss",
    drucksache="JHA/0042/2025",
)
GROUP = SteeringEntry(
    youth_office_id="jaA",
    kind="steuerungsgruppe",
    title="Steuerungsgruppe Präventionskette",
    members=(
        {"department": "Jugendamt", "sector": "jugendhilfe"},
        {"department": "Gesundheitsamt", "sector": "Gesundheit"},  # the German label works too
    ),
    meetings=("2026-03-10", dt.date(2026, 6, 2), "10.09.2026"),
)
POST = SteeringEntry(
    youth_office_id="jaA",
    kind="koordinationsstelle",
    title="Koordination Präventionskette",
    dated=dt.date(2024, 1, 1),
    fte=1.0,
    funding_source="kinderstark – NRW schafft Chancen",
    funded_until=dt.date(2027, 12, 31),
)


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
    return engine


def problems_of(entry: SteeringEntry) -> dict[str, str]:
    _, problems = validate(entry, TODAY)
    return {p.column or "": f"{p.problem}. {p.fix}" for p in problems}


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "changes", "field", "says"),
    [
        (DECISION, {"title": "  "}, "Titel", "„Titel“ fehlt"),
        (DECISION, {"dated": None}, "Datum", "„Beschlossen am“ fehlt"),
        (DECISION, {"committee": ""}, "Gremium", "„Gremium“ fehlt"),
        (DECISION, {"dated": "31.02.2025"}, "Datum", "ist kein Datum"),
        (DECISION, {"dated": dt.date(1920, 1, 1)}, "Datum", "nicht zwischen 01.01.1990"),
        (DECISION, {"dated": dt.date(2027, 1, 5)}, "Datum", "nicht zwischen"),
        (DECISION, {"drucksache": "x" * 101}, "Drucksache", "höchstens 100 Zeichen"),
        (DECISION, {"title": "x" * 301}, "Titel", "höchstens 300 Zeichen"),
        (POST, {"fte": 0}, "Stellenumfang (VZÄ)", "größer als 0"),
        (POST, {"fte": 20.5}, "Stellenumfang (VZÄ)", "höchstens 20"),
        (POST, {"fte": "viel"}, "Stellenumfang (VZÄ)", "Vollzeitäquivalenten"),
        (POST, {"fte": None}, "Stellenumfang (VZÄ)", "fehlt"),
        (
            POST,
            {"funded_until": dt.date(2023, 12, 31)},
            "Gefördert bis",
            "liegt vor „Besetzt seit“",
        ),
        (POST, {"funded_until": dt.date(2099, 1, 1)}, "Gefördert bis", "nicht zwischen"),
        (GROUP, {"members": ()}, "Mitglieder", "noch kein Mitglied"),
        (
            GROUP,
            {"members": ({"department": "Schulamt", "sector": "Kirche"},)},
            "Mitglieder",
            "Mitglied 1: der Bereich fehlt oder ist unbekannt",
        ),
        (
            GROUP,
            {"members": ({"department": "", "sector": "schule"},)},
            "Mitglieder",
            "Mitglied 1: das Amt bzw. die Einrichtung fehlt",
        ),
        (GROUP, {"meetings": ("2027-01-10",)}, "Sitzungen", "Sitzung 1 liegt in der Zukunft"),
        (GROUP, {"meetings": ("morgen",)}, "Sitzungen", "Sitzung 1 ist kein Datum"),
        (GROUP, {"kind": "kaffeerunde"}, "Art", "gibt es nicht"),
    ],
)
def test_each_problem_names_its_field_and_fix(base, changes, field, says) -> None:
    found = problems_of(dataclasses.replace(base, **changes))
    assert field in found, found
    assert says in found[field]


def test_all_problems_are_reported_at_once() -> None:
    bad = dataclasses.replace(
        DECISION, title="", dated="gestern", committee="", drucksache="y" * 200
    )
    found = problems_of(bad)
    assert set(found) == {"Titel", "Datum", "Gremium", "Drucksache"}


def test_valid_entries_are_cleaned_per_kind() -> None:
    values, problems = validate(dataclasses.replace(GROUP, fte=2, committee="Rat"), TODAY)
    assert problems == []
    assert values["members"][1] == {"department": "Gesundheitsamt", "sector": "gesundheit"}
    assert values["meetings"] == ["2026-03-10", "2026-06-02", "2026-09-10"]
    assert values["fte"] is None and values["committee"] == ""  # not fields of a group
    values, problems = validate(dataclasses.replace(POST, fte="0,5"), TODAY)
    assert problems == [] and values["fte"] == 0.5


# --- writing ---------------------------------------------------------------------------


def test_create_update_and_audit(tiny) -> None:
    saved = save_record(tiny, EDITOR_A, DECISION, today=TODAY)
    assert saved["version"] == 1 and saved["updated_by"] == "Erik"
    changed = dataclasses.replace(DECISION, drucksache="JHA/0043/2025")
    again = save_record(tiny, EDITOR_A, changed, saved["id"], 1, today=TODAY)
    assert again["version"] == 2 and again["drucksache"] == "JHA/0043/2025"
    with tiny.connect() as conn:
        rows = steering_records(conn, "jaA")
        log = audit_entries(conn, "steering_record", str(saved["id"]))
    assert rows["drucksache"].tolist() == ["JHA/0043/2025"]
    assert rows["kind_label"].tolist() == ["Beschluss"]
    assert log["action"].tolist() == ["update", "create"]
    assert log["old"].iloc[0]["drucksache"] == "JHA/0042/2025"
    assert log["new"].iloc[0]["drucksache"] == "JHA/0043/2025"
    assert log["user"].tolist() == ["Erik", "Erik"]


def test_two_new_records_get_their_own_ids(tiny) -> None:
    first = save_record(tiny, ADMIN, DECISION, today=TODAY)
    second = save_record(tiny, ADMIN, GROUP, today=TODAY)
    third = save_record(tiny, ADMIN, dataclasses.replace(POST, youth_office_id="jaB"), today=TODAY)
    assert len({first["id"], second["id"], third["id"]}) == 3
    with tiny.connect() as conn:
        df = steering_records(conn)
    assert df["kind"].tolist() == ["steuerungsgruppe", "beschluss", "koordinationsstelle"]
    assert df["members"].iloc[0][0] == {"department": "Jugendamt", "sector": "jugendhilfe"}


def test_invalid_input_writes_nothing(tiny) -> None:
    with pytest.raises(DataError) as err:
        save_record(tiny, EDITOR_A, dataclasses.replace(POST, fte=25), today=TODAY)
    assert "Stellenumfang" in str(err.value)
    with tiny.connect() as conn:
        assert steering_records(conn).empty
        assert audit_entries(conn, "steering_record").empty


def test_concurrent_edit_is_a_conflict_carrying_the_saved_record(tiny) -> None:
    saved = save_record(tiny, EDITOR_A, DECISION, today=TODAY)
    save_record(
        tiny, ADMIN, dataclasses.replace(DECISION, title="Neu"), saved["id"], 1, today=TODAY
    )
    with pytest.raises(ConflictError) as err:
        save_record(
            tiny, EDITOR_A, dataclasses.replace(DECISION, note="meins"), saved["id"], 1, today=TODAY
        )
    assert "Anna Admin" in str(err.value) and "Fassung 2" in str(err.value)
    assert err.value.current["title"] == "Neu" and err.value.current["version"] == 2
    mine = save_record(
        tiny, EDITOR_A, dataclasses.replace(DECISION, note="meins"), saved["id"], 2, today=TODAY
    )
    assert mine["version"] == 3 and mine["note"] == "meins"


def test_close_keeps_the_record_with_its_end(tiny) -> None:
    saved = save_record(tiny, EDITOR_A, GROUP, today=TODAY)
    closed = close_record(tiny, EDITOR_A, saved["id"], 1, dt.date(2026, 10, 1), today=TODAY)
    assert closed["ended_on"] == dt.date(2026, 10, 1) and closed["version"] == 2
    assert closed["members"] == saved["members"]
    with pytest.raises(ConflictError):
        close_record(tiny, EDITOR_A, saved["id"], 1, dt.date(2026, 10, 2), today=TODAY)
    with pytest.raises(DataError) as err:
        close_record(tiny, EDITOR_A, saved["id"], 2, dt.date(1900, 1, 1), today=TODAY)
    assert "Beendet am" in str(err.value)
    with tiny.connect() as conn:
        assert audit_entries(conn, "steering_record", str(saved["id"]))["action"].tolist() == [
            "update",
            "create",
        ]
        assert record(conn, saved["id"])["ended_on"] == dt.date(2026, 10, 1)


def test_permission_editors_of_the_office_and_admins(tiny) -> None:
    with pytest.raises(PermissionDeniedError) as err:
        save_record(tiny, VIEWER, DECISION, today=TODAY)
    assert "Netzwerk-Koordination" in str(err.value)
    with pytest.raises(PermissionDeniedError) as err:
        save_record(tiny, EDITOR_B, DECISION, today=TODAY)
    assert "Jugendamt A" in str(err.value) and "Jugendamt B" in str(err.value)
    with pytest.raises(PermissionDeniedError):
        save_record(tiny, None, DECISION, today=TODAY)
    saved = save_record(tiny, ADMIN, DECISION, today=TODAY)
    # an editor of B can neither change nor close A's record, nor move it to B
    moved = dataclasses.replace(DECISION, youth_office_id="jaB")
    with pytest.raises(PermissionDeniedError):
        save_record(tiny, EDITOR_B, moved, saved["id"], 1, today=TODAY)
    with pytest.raises(PermissionDeniedError):
        close_record(tiny, EDITOR_B, saved["id"], 1, TODAY, today=TODAY)
    with tiny.connect() as conn:
        assert steering_records(conn)["version"].tolist() == [1]
        assert list(editable_offices(conn, EDITOR_A)) == ["jaA"]
        assert list(editable_offices(conn, ADMIN)) == ["jaA", "jaB"]
        assert editable_offices(conn, VIEWER) == {}


# --- the funding warning ---------------------------------------------------------------


def _post(conn, office: str, until: dt.date | None, ended: dt.date | None = None) -> None:
    conn.execute(
        insert(SteeringRecord).values(
            youth_office_id=office,
            kind="koordinationsstelle",
            title=f"Stelle {office} {until}",
            fte=1.0,
            funded_until=until,
            ended_on=ended,
        )
    )


@pytest.mark.parametrize(
    ("until", "ended", "expected"),
    [
        (dt.date(2027, 6, 30), None, "endet am 30.06.2027 – in drei Quartalen"),
        (dt.date(2027, 7, 1), None, None),  # more than three quarters ahead
        (dt.date(2026, 12, 31), None, "endet am 31.12.2026 – im nächsten Quartal"),
        (dt.date(2027, 3, 31), None, "endet am 31.03.2027 – in zwei Quartalen"),
        (dt.date(2026, 9, 30), None, "endet am 30.09.2026 – mit dem Berichtsquartal"),
        (dt.date(2026, 5, 31), None, "ist am 31.05.2026 ausgelaufen"),
        (dt.date(2026, 5, 31), dt.date(2026, 6, 30), None),  # closed: nothing to warn
        (dt.date(2027, 6, 30), dt.date(2027, 6, 30), None),
        (None, None, None),
    ],
)
def test_funding_warning_boundaries(tiny, until, ended, expected) -> None:
    with tiny.begin() as conn:
        _post(conn, "jaA", until, ended)
        warnings = funding_warnings(conn, Quarter(2026, 3))
    if expected is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and expected in warnings[0]
        assert "Jugendamt A" in warnings[0] and "Koordinationsstelle" in warnings[0]


def test_funding_warning_follows_the_selection(tiny) -> None:
    with tiny.begin() as conn:
        _post(conn, "jaA", dt.date(2027, 1, 31))
        _post(conn, "jaB", dt.date(2027, 2, 28))
        assert len(funding_warnings(conn, Quarter(2026, 3))) == 2
        only_a = funding_warnings(conn, Quarter(2026, 3), municipality_id="M1")
        assert len(only_a) == 1 and "Jugendamt A" in only_a[0]
        assert funding_warnings(conn, Quarter(2026, 3), "jaB")[0].count("28.02.2027") == 1
        # three quarters later the first has passed, the second too
        assert all("ausgelaufen" in w for w in funding_warnings(conn, Quarter(2027, 2)))


# --- tables and the summary for the Sitzungsvorlage ------------------------------------


def test_tables_and_summary(tiny) -> None:
    save_record(tiny, ADMIN, DECISION, today=TODAY)
    save_record(
        tiny,
        ADMIN,
        dataclasses.replace(DECISION, dated=dt.date(2026, 2, 1), drucksache="JHA/7/2026"),
        today=TODAY,
    )
    save_record(tiny, ADMIN, GROUP, today=TODAY)
    save_record(
        tiny, ADMIN, dataclasses.replace(POST, funded_until=dt.date(2027, 3, 31)), today=TODAY
    )
    q = Quarter(2026, 3)
    with tiny.connect() as conn:
        decisions = decision_table(conn, "jaA")
        groups = group_table(conn, q, "jaA")
        posts = post_table(conn, q, "jaA")
        summary = steering_summary(conn, ["jaA", "jaB"])
    assert decisions.shown["Drucksache"].tolist() == ["JHA/7/2026", "JHA/0042/2025"]
    assert groups.shown["Mitglieder"].iloc[0] == "2"
    assert groups.export["Sitzungen in den letzten vier Quartalen"].iloc[0] == 3
    assert groups.shown["Bereiche"].iloc[0] == "Gesundheit 1, Jugendhilfe 1"
    assert posts.shown["Stellenumfang (VZÄ)"].iloc[0] == "1,00"
    assert posts.shown["Hinweis"].iloc[0] == "⚠ Förderung endet bald"
    a, b = summary.to_dict("records")
    assert a["Leitbild beschlossen am"] == "–"
    assert a["Steuerungsgruppe: Mitglieder"] == "2" and a["Steuerungsgruppe: Bereiche"] == "2"
    assert a["Koordinationsstelle: VZÄ"] == "1,00"
    assert a["Koordinationsstelle: Förderung bis"] == "31.03.2027"
    assert a["Letzter Beschluss"] == "01.02.2026 · Jugendhilfeausschuss · JHA/7/2026"
    assert b["Jugendamt"] == "B"  # by its short name, also without records
    assert set(b.values()) == {"B", "–"}


def test_the_summary_of_an_older_quarter_shows_no_later_steps(tiny) -> None:
    """The Sitzungsvorlage of an older Berichtsquartal: a decision taken later is not
    yet there, and a post closed later was still open then."""
    save_record(tiny, ADMIN, DECISION, today=TODAY)
    later = dataclasses.replace(DECISION, dated=dt.date(2026, 2, 1), drucksache="JHA/7/2026")
    save_record(tiny, ADMIN, later, today=TODAY)
    with tiny.connect() as conn:
        then = steering_summary(conn, ["jaA"], Quarter(2025, 4).end).iloc[0]
        now = steering_summary(conn, ["jaA"], Quarter(2026, 1).end).iloc[0]
    assert "JHA/7/2026" not in then["Letzter Beschluss"]
    assert "JHA/0042/2025" in then["Letzter Beschluss"]
    assert now["Letzter Beschluss"].endswith("JHA/7/2026")


def test_the_soonest_funding_end_is_warned_first(tiny) -> None:
    with tiny.begin() as conn:
        _post(conn, "jaA", dt.date(2027, 3, 31))
        _post(conn, "jaB", dt.date(2026, 12, 31))
        first, second = funding_warnings(conn, Quarter(2026, 3))
    assert "31.12.2026" in first and "Jugendamt B" in first
    assert "31.03.2027" in second

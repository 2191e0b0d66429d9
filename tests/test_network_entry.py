"""Entering a network's quarterly status: validation, prefill, audit log and conflicts,
on SQLite and PostgreSQL (``engine`` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.audit import audit_entries, record
from core.audit_view import status_changes
from core.errors import ConflictError, DataError, NotFoundError, PermissionDeniedError
from core.network_entry import (
    RegisterEdit,
    StatusEntry,
    differences,
    prefill,
    save_status,
    stage_disagreement,
    status_record,
    suggested_stage,
    validate,
)
from core.networks import status_table
from core.partners import PartnerRow, register
from core.permissions import operator
from core.present.network_tables import network_status_table
from core.quarters import parse_quarter
from core.users import User
from tests.builders import add_network, add_tiny_areas

TODAY = dt.date(2026, 11, 24)
CRITERIA = {
    "austausch": 1,
    "koordination": 1,
    "vereinbarung": 2,
    "ziele": 2,
    "verfahren": 2,
    "gemeinsame_angebote": 3,
    "gemeinsame_ressourcen": 3,
}
STAGES = {1: "Informationsnetzwerk", 2: "Kooperationsnetzwerk", 3: "Produktionsnetzwerk"}
VALID = StatusEntry(
    network_id=1,
    quarter="2025-Q3",
    stage=2,
    partners=12,
    meetings=2,
    traffic_light="gruen",
    criteria=("austausch", "vereinbarung"),
    goals="Übergänge gestalten",
    note="",
)


@pytest.fixture
def tiny(engine):
    """Jugendamt A with a network reported in Q2 (stage 1) and Q3 (stage 2) of 2025, and a
    second network without any report."""
    with engine.begin() as conn:
        add_tiny_areas(conn)
        fh = add_network(
            conn, "Frühe Hilfen Eins", "fruehe_hilfen", "M1", "jaA", {"2025-Q2": 1, "2025-Q3": 2}
        )
        fresh = add_network(conn, "Ganztag Eins", "ganztag", "M1", "jaA", {})
    engine.ids = {"fh": fh, "fresh": fresh}  # type: ignore[attr-defined]
    return engine


def entry(network_id: int, **changes) -> StatusEntry:
    return dataclasses.replace(VALID, network_id=network_id, **changes)


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "user", "previous_stage", "field", "says"),
    [
        ({"partners": -1}, "Anna", None, "Partner", "nicht negativ"),
        ({"meetings": -2}, "Anna", None, "Treffen im Quartal", "nicht negativ"),
        ({"partners": 501}, "Anna", None, "Partner", "unplausibel"),
        ({"meetings": 91}, "Anna", None, "Treffen im Quartal", "unplausibel"),
        ({"partners": None}, "Anna", None, "Partner", "fehlt"),
        ({"partners": 2.5}, "Anna", None, "Partner", "keine ganze Zahl"),
        ({"stage": 4}, "Anna", None, "Entwicklungsstufe", "1, 2 oder 3"),
        ({"stage": 0}, "Anna", None, "Entwicklungsstufe", "1, 2 oder 3"),
        ({"traffic_light": "blau"}, "Anna", None, "Ampel", "ungültig"),
        ({"traffic_light": None}, "Anna", None, "Ampel", "fehlt"),
        ({"criteria": ("zauberei",)}, "Anna", None, "Erfüllte Kriterien", "gibt es nicht"),
        ({"note": "x" * 2001}, "Anna", None, "Notiz", "2001 Zeichen"),
        ({"goals": "x" * 2001}, "Anna", None, "Ziele", "erlaubt sind 2000"),
        ({"quarter": "2027-Q1"}, "Anna", None, "Quartal", "künftiges Quartal"),
        ({"quarter": "Sommer"}, "Anna", None, "Quartal", "Unbekanntes Quartal"),
        ({}, "   ", None, "Ihr Name", "Ihr Name fehlt"),
        ({"stage": 3, "note": ""}, "Anna", 1, "Notiz", "über eine Stufe hinweg"),
        ({"stage": 1, "note": "  "}, "Anna", 3, "Notiz", "über eine Stufe hinweg"),
    ],
)
def test_invalid_entries_get_a_german_message(changes, user, previous_stage, field, says) -> None:
    problems = validate(entry(1, **changes), user, previous_stage, "2025-Q2", CRITERIA, today=TODAY)
    assert [p.column for p in problems] == [field]
    assert says in problems[0].problem
    assert problems[0].fix.endswith(".")


@pytest.mark.parametrize(
    ("changes", "previous_stage"),
    [
        ({"partners": 0, "meetings": 0}, None),
        ({"partners": 500, "meetings": 90}, None),
        ({"note": "x" * 2000, "goals": "y" * 2000}, None),
        ({"stage": 3, "note": "Kooperationsvertrag und gemeinsames Angebot"}, 1),
        ({"stage": 2, "note": ""}, 1),  # one stage up needs no note
        ({"stage": 1, "note": ""}, 2),
        ({"quarter": "2026-Q4"}, None),  # the current quarter may be reported
        ({"criteria": ()}, None),
        ({"stage": 1, "criteria": ("gemeinsame_angebote",)}, None),  # disagreeing: a note only
    ],
)
def test_valid_entries_pass(changes, previous_stage) -> None:
    assert validate(entry(1, **changes), "Anna", previous_stage, None, CRITERIA, today=TODAY) == []


def test_all_problems_are_reported_at_once_and_nothing_is_written(tiny) -> None:
    nid = tiny.ids["fh"]
    bad = entry(nid, quarter="2025-Q4", partners=-1, meetings=100, traffic_light=None)
    with pytest.raises(DataError) as err:
        save_status(tiny, User("", "admin"), bad, None)
    fields = [p.column for p in err.value.problems]
    assert fields == ["Partner", "Treffen im Quartal", "Ampel", "Ihr Name"]
    assert "nichts geändert" in str(err.value)
    with tiny.connect() as conn:
        assert status_record(conn, nid, "2025-Q4") is None
        assert audit_entries(conn).empty


def test_stage_jump_is_checked_against_the_latest_earlier_report(tiny) -> None:
    with tiny.begin() as conn:  # reported in Q2/2025 only, then silent for a quarter
        nid = add_network(conn, "Kinderschutz Eins", "kinderschutz", "M1", "jaA", {"2025-Q2": 1})
    jump = entry(nid, quarter="2025-Q4", stage=3, note="")
    with pytest.raises(DataError) as err:
        save_status(tiny, operator("Anna"), jump, None, TODAY)
    (problem,) = err.value.problems
    assert problem.column == "Notiz"
    assert "„Informationsnetzwerk“ (Q2/2025) auf „Produktionsnetzwerk“" in problem.problem
    explained = dataclasses.replace(jump, note="Gemeinsames Angebot mit den Familienzentren")
    assert save_status(tiny, operator("Anna"), explained, None, TODAY)["stage"] == 3


def test_unknown_network_is_not_found(tiny) -> None:
    with pytest.raises(NotFoundError, match="gibt es nicht"):
        save_status(tiny, operator("Anna"), entry(9999), None)


# --- prefill ---------------------------------------------------------------------------


def test_prefill_uses_the_saved_status_of_the_quarter(tiny) -> None:
    with tiny.connect() as conn:
        pf = prefill(conn, tiny.ids["fh"], "2025-Q3")
    assert pf.source == "current"
    assert pf.version == 1
    assert pf.values["stage"] == 2
    assert pf.previous_stage == 1


def test_prefill_copies_the_previous_quarter_but_not_its_note(tiny) -> None:
    nid = tiny.ids["fh"]
    save_status(
        tiny,
        operator("Anna"),
        entry(nid, stage=2, partners=17, note="Fachtag im September"),
        1,
        TODAY,
    )
    with tiny.connect() as conn:
        pf = prefill(conn, nid, "2025-Q4")
    assert pf.source == "previous"
    assert pf.source_quarter == "2025-Q3"
    assert pf.version is None  # no record for Q4 yet: saving creates one
    assert pf.values["partners"] == 17
    assert pf.values["criteria"] == ["austausch", "vereinbarung"]
    assert pf.values["goals"] == "Übergänge gestalten"
    assert pf.values["note"] == ""


def test_prefill_of_a_network_without_reports_is_empty(tiny) -> None:
    with tiny.connect() as conn:
        pf = prefill(conn, tiny.ids["fresh"], "2025-Q3")
    assert pf.source == "empty"
    assert pf.values["traffic_light"] is None
    assert pf.values["partners"] == 0


# --- saving and the audit log ----------------------------------------------------------


def test_first_report_creates_version_1_and_an_audit_entry(tiny) -> None:
    nid = tiny.ids["fresh"]
    saved = save_status(tiny, operator("Anna Koordinatorin"), entry(nid, partners=8), None, TODAY)
    assert saved["version"] == 1
    assert saved["updated_by"] == "Anna Koordinatorin"
    with tiny.connect() as conn:
        log = audit_entries(conn, "network_status", f"{nid}/2025-Q3")
        table = status_table(conn, parse_quarter("2025-Q3"), youth_office_id="jaA").set_index(
            "name"
        )
    assert log["action"].tolist() == ["create"]
    assert log["user"].tolist() == ["Anna Koordinatorin"]
    assert log["old"].iloc[0] is None
    assert log["new"].iloc[0]["partners"] == 8
    assert table.loc["Ganztag Eins", "partners"] == 8
    assert table.loc["Ganztag Eins", "change"] == "neu"


def test_update_bumps_the_version_and_logs_old_and_new(tiny) -> None:
    nid = tiny.ids["fh"]
    saved = save_status(
        tiny, operator("Ben"), entry(nid, partners=20, traffic_light="rot"), 1, TODAY
    )
    assert saved["version"] == 2
    assert saved["traffic_light"] == "rot"
    with tiny.connect() as conn:
        log = audit_entries(conn, "network_status")
    assert log["action"].tolist() == ["update"]
    old, new = log["old"].iloc[0], log["new"].iloc[0]
    assert (old["partners"], new["partners"]) == (12, 20)
    assert (old["version"], new["version"]) == (1, 2)
    assert differences(new, old) == [
        "criteria",
        "partners",
        "meetings",
        "traffic_light",
        "goals",
    ]
    assert isinstance(new["updated_at"], str)  # stored as ISO text in JSON


def test_two_stale_editors_conflict_and_nothing_is_lost(tiny) -> None:
    nid = tiny.ids["fh"]
    with tiny.connect() as conn:
        anna_loaded = prefill(conn, nid, "2025-Q3")
        ben_loaded = prefill(conn, nid, "2025-Q3")
    assert anna_loaded.version == ben_loaded.version == 1

    save_status(tiny, operator("Anna"), entry(nid, partners=20), anna_loaded.version, TODAY)
    ben = entry(nid, partners=30, note="Neue Partner aus der Schulsozialarbeit")
    with pytest.raises(ConflictError) as err:
        save_status(tiny, operator("Ben"), ben, ben_loaded.version, TODAY)
    conflict = err.value
    assert conflict.current["partners"] == 20
    assert conflict.current["version"] == 2
    assert conflict.current["updated_by"] == "Anna"
    assert "inzwischen von Anna gespeichert" in str(conflict)
    assert "nicht verloren" in str(conflict)
    with tiny.connect() as conn:
        assert status_record(conn, nid, "2025-Q3")["partners"] == 20  # Anna's save stands
        assert len(audit_entries(conn)) == 1

    # Ben decides to overwrite with his input, knowingly, against Anna's version
    saved = save_status(tiny, operator("Ben"), ben, conflict.current["version"], TODAY)
    assert saved["version"] == 3
    assert saved["partners"] == 30
    with tiny.connect() as conn:
        log = audit_entries(conn, "network_status", f"{nid}/2025-Q3")
    assert log["user"].tolist() == ["Ben", "Anna"]
    assert log["old"].iloc[0]["partners"] == 20  # Anna's values are in the log


def test_two_first_reports_for_the_same_quarter_conflict(tiny) -> None:
    nid = tiny.ids["fresh"]
    save_status(tiny, operator("Anna"), entry(nid, partners=5), None, TODAY)
    with pytest.raises(ConflictError, match="noch keine Meldung") as err:
        save_status(tiny, operator("Ben"), entry(nid, partners=6), None, TODAY)
    assert err.value.current["partners"] == 5


def test_audit_record_needs_a_user_and_filters_by_key(engine) -> None:
    with engine.begin() as conn:
        with pytest.raises(ValueError):
            record(conn, " ", "update", "offer", "1", None, {"a": 1})
        record(conn, "Anna", "create", "offer", "1", None, {"day": dt.date(2026, 3, 1)})
        record(conn, "Ben", "create", "offer", "2", None, {"n": 2})
    with engine.connect() as conn:
        one = audit_entries(conn, "offer", "1")
        by_ben = audit_entries(conn, user="Ben")
    assert one["new"].iloc[0] == {"day": "2026-03-01"}
    assert by_ben["entity_key"].tolist() == ["2"]


# --- the write pattern: permission, transaction, one audit entry -----------------------


@pytest.mark.parametrize(
    ("user", "says"),
    [
        (None, "melden Sie sich an"),
        (User("vera", "viewer"), "Netzwerk-Koordination"),
        (User("otto", "editor", ("jaB",)), "Dieses Netzwerk gehört zum "),
    ],
    ids=["anonymous", "viewer", "editor-of-another-office"],
)
def test_saving_is_refused_without_permission_and_writes_nothing(tiny, user, says) -> None:
    nid = tiny.ids["fresh"]
    with pytest.raises(PermissionDeniedError, match=says):
        save_status(tiny, user, entry(nid, partners=8), None, TODAY)
    with tiny.connect() as conn:
        assert status_record(conn, nid, "2025-Q3") is None
        assert audit_entries(conn).empty


def test_an_editor_saves_her_own_office_with_exactly_one_audit_entry(tiny) -> None:
    nid = tiny.ids["fresh"]
    saved = save_status(tiny, User("anna", "editor", ("jaA",)), entry(nid), None, TODAY)
    assert saved["updated_by"] == "anna"
    with tiny.connect() as conn:
        log = audit_entries(conn)
    assert len(log) == 1
    assert (log["user"].iloc[0], log["entity"].iloc[0]) == ("anna", "network_status")


# --- stage criteria --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met", "stage"),
    [
        ((), 1),
        (("austausch", "koordination"), 1),
        (("austausch", "vereinbarung"), 2),
        (("gemeinsame_angebote",), 3),
        (("ziele", "gemeinsame_ressourcen", "austausch"), 3),
        (("unbekannt",), 1),
    ],
)
def test_the_criteria_suggest_the_highest_stage_they_support(met, stage) -> None:
    assert suggested_stage(met, CRITERIA) == stage


@pytest.mark.parametrize(
    ("stage", "met", "says"),
    [
        (3, ("austausch", "vereinbarung"), "stützen aber nur „Kooperationsnetzwerk“"),
        (2, (), "stützen aber nur „Informationsnetzwerk“"),
        (1, ("vereinbarung",), "gilt aber erst ab „Kooperationsnetzwerk“"),
        (2, ("gemeinsame_angebote",), "gilt aber erst ab „Produktionsnetzwerk“"),
    ],
)
def test_a_stage_that_disagrees_with_the_criteria_gets_a_german_note(stage, met, says) -> None:
    note = stage_disagreement(stage, met, CRITERIA, STAGES)
    assert note is not None and says in note
    assert note.startswith(f"Gewählt ist „{STAGES[stage]}“")


def test_a_stage_that_agrees_with_the_criteria_gets_no_note() -> None:
    assert stage_disagreement(2, ("koordination", "ziele"), CRITERIA, STAGES) is None
    assert stage_disagreement(1, (), CRITERIA, STAGES) is None


def test_criteria_are_saved_and_unknown_ones_refused(tiny) -> None:
    nid = tiny.ids["fresh"]
    with pytest.raises(DataError) as err:
        save_status(tiny, operator("Anna"), entry(nid, criteria=("zauberei",)), None, TODAY)
    assert [p.column for p in err.value.problems] == ["Erfüllte Kriterien"]
    # a stage above the criteria is saved all the same (the form only warns)
    met = ("vereinbarung", "austausch")
    saved = save_status(tiny, operator("Anna"), entry(nid, stage=3, criteria=met), None, TODAY)
    assert saved["criteria"] == ["austausch", "vereinbarung"]
    with tiny.connect() as conn:
        row = status_table(conn, parse_quarter("2025-Q3"), youth_office_id="jaA").set_index("name")
    assert row.loc["Ganztag Eins", "criteria_labels"] == [
        "Regelmäßiger Informationsaustausch der Partner",
        "Schriftliche Kooperationsvereinbarung",
    ]


# --- the partner register: saved with the status, count derived -------------------------

CARITAS = PartnerRow("Caritasverband Neuss", "freie_traeger", dt.date(2020, 1, 1))
SCHULE = PartnerRow("Städtisches Gymnasium Eins", "schule", dt.date(2025, 8, 1))
GONE = PartnerRow("Jobcenter Rhein-Kreis Neuss", "arbeit", dt.date(2019, 1, 1), dt.date(2025, 9, 1))
LATER = PartnerRow("Gesundheitsamt Rhein-Kreis Neuss", "gesundheit", dt.date(2025, 10, 2))


def _first_register(engine, nid: int, rows: tuple[PartnerRow, ...], user: str = "Anna"):
    return save_status(
        engine, operator(user), entry(nid, partners=99), None, TODAY, RegisterEdit((), rows)
    )


def test_the_partner_count_is_derived_from_the_register_at_the_quarter_end(tiny) -> None:
    nid = tiny.ids["fresh"]
    saved = _first_register(tiny, nid, (CARITAS, SCHULE, GONE, LATER))
    # Caritas and the Gymnasium: the Jobcenter left before, the Gesundheitsamt joined after
    # the 30.09.2025; the 99 typed is not used
    assert saved["partners"] == 2
    with tiny.connect() as conn:
        rows = register(conn, nid)
        pf = prefill(conn, nid, "2025-Q4")
        table = network_status_table(conn, parse_quarter("2025-Q3"), youth_office_id="jaA")
    assert {r.organisation for r in rows} == {
        p.organisation for p in (CARITAS, SCHULE, GONE, LATER)
    }
    assert pf.values["partners"] == 3  # the next quarter counts the Gesundheitsamt too
    assert len(pf.register) == 4
    shown = table.shown.set_index("Netzwerk").loc["Ganztag Eins"]
    assert shown["Partner"] == "2"
    assert shown["Partner nach Bereich"] == "Schule 1, Freie Träger 1"
    other = table.shown.set_index("Netzwerk").loc["Frühe Hilfen Eins"]
    assert other["Partner nach Bereich"] == "ohne Partnerverzeichnis"


def test_the_audit_entry_of_the_status_lists_the_register_changes(tiny) -> None:
    nid = tiny.ids["fresh"]
    _first_register(tiny, nid, (CARITAS, SCHULE))
    with tiny.connect() as conn:
        pf = prefill(conn, nid, "2025-Q3")
    loaded = pf.register
    caritas = next(r for r in loaded if r.organisation == CARITAS.organisation)
    left = dataclasses.replace(caritas, left_on=dt.date(2025, 9, 15))
    edited = (left, *[r for r in loaded if r is not caritas], LATER)
    saved = save_status(
        tiny,
        operator("Ben"),
        entry(nid, partners=pf.values["partners"]),
        pf.version,
        TODAY,
        RegisterEdit(loaded, edited),
    )
    assert saved["partners"] == 1  # Caritas left in September, the Gesundheitsamt comes later
    with tiny.connect() as conn:
        log = audit_entries(conn, "network_status", f"{nid}/2025-Q3")
        changes = status_changes(conn, nid, "2025-Q3")
    assert len(log) == 2  # one entry per save, the register's changes inside it
    assert log["new"].iloc[0]["partner_changes"] == [
        "ausgeschieden am 15.09.2025: Caritasverband Neuss (Freie Träger)",
        "neu: Gesundheitsamt Rhein-Kreis Neuss (Gesundheit)",
    ]
    assert log["new"].iloc[1]["partner_changes"] == [
        "neu: Caritasverband Neuss (Freie Träger)",
        "neu: Städtisches Gymnasium Eins (Schule)",
    ]
    text = changes["Änderung"].iloc[0]
    assert "Partner: 2 → 1" in text
    assert "Partnerverzeichnis: " in text and "ausgeschieden am 15.09.2025" in text


def test_a_stale_register_edit_conflicts_and_writes_nothing(tiny) -> None:
    nid = tiny.ids["fresh"]
    _first_register(tiny, nid, (CARITAS,))
    with tiny.connect() as conn:
        anna = prefill(conn, nid, "2025-Q3")
        ben = prefill(conn, nid, "2025-Q3")
    save_status(
        tiny, operator("Anna"), entry(nid), anna.version, TODAY,
        RegisterEdit(anna.register, (*anna.register, SCHULE)),
    )  # fmt: skip
    ben_edit = RegisterEdit(ben.register, (*ben.register, LATER, GONE))
    with pytest.raises(ConflictError) as err:
        save_status(tiny, operator("Ben"), entry(nid), ben.version, TODAY, ben_edit)
    assert err.value.current["partners"] == 2
    with tiny.connect() as conn:
        assert {r.organisation for r in register(conn, nid)} == {
            CARITAS.organisation,
            SCHULE.organisation,
        }
        assert len(audit_entries(conn)) == 2
    # Ben overwrites knowingly: his additions are written, Anna's partner stays
    saved = save_status(
        tiny, operator("Ben"), entry(nid), err.value.current["version"], TODAY, ben_edit
    )
    assert saved["partners"] == 2  # Caritas and the Gymnasium at 30.09.2025
    with tiny.connect() as conn:
        assert len(register(conn, nid)) == 4


def test_register_problems_are_reported_with_the_status_and_nothing_is_written(tiny) -> None:
    nid = tiny.ids["fresh"]
    bad = (
        PartnerRow("", "schule", dt.date(2024, 1, 1)),
        PartnerRow("Verein", "zirkus"),
        PartnerRow("Tafel Eins", "ehrenamt", dt.date(2025, 5, 1), dt.date(2025, 4, 1)),
        PartnerRow("", None),  # an empty line of the editor: ignored
        PartnerRow("Caritasverband Neuss", "freie_traeger"),
        PartnerRow("caritasverband neuss", "freie_traeger"),
    )
    with pytest.raises(DataError) as err:
        save_status(
            tiny, operator("Anna"), entry(nid, meetings=-1), None, TODAY, RegisterEdit((), bad)
        )
    columns = [p.column for p in err.value.problems]
    assert columns == [
        "Treffen im Quartal",
        "Partnerverzeichnis, Zeile 1: Organisation",
        "Partnerverzeichnis, Zeile 2: Bereich",
        "Partnerverzeichnis, Zeile 3: Ausgeschieden am",
        "Partnerverzeichnis, Zeile 6: Organisation",
    ]
    assert "schon in Zeile 5" in err.value.problems[-1].problem
    with tiny.connect() as conn:
        assert register(conn, nid) == []
        assert status_record(conn, nid, "2025-Q3") is None


def test_without_a_register_the_carried_count_stands(tiny) -> None:
    nid = tiny.ids["fh"]  # imported statuses, no register
    saved = save_status(
        tiny, operator("Anna"), entry(nid, partners=14), 1, TODAY, RegisterEdit((), ())
    )
    assert saved["partners"] == 14

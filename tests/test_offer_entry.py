"""Keeping an offer in the app: the one validation, create/edit/close, duplicates,
conflicts, permissions, audit, and coverage with places per phase — on SQLite and
PostgreSQL (``engine`` fixture)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from core.audit import audit_entries
from core.errors import ConflictError, DataError, NotFoundError, PermissionDeniedError
from core.offer_entry import (
    OfferEntry,
    check,
    close_offer,
    differences,
    offer_record,
    possible_duplicates,
    rules,
    save_offer,
)
from core.offers import offer_landscape, offer_phase_links
from core.users import User
from tests.builders import add_network, add_offer, add_tiny_areas

ANNA = User("anna", "editor", ("jaA",))
BERT = User("bert", "editor", ("jaA",))
VIEWER = User("vera", "viewer", ("jaA",))
OTHER = User("olga", "editor", ("jaB",))
ADMIN = User("admin", "admin")
KITA = OfferEntry(
    name="Kita Sonnenschein",
    provider="AWO",
    offer_type="betreuung",
    area_id="M1-01",
    phases=("crib", "kita"),
    places={"crib": 12, "kita": 45},
    capacity=None,
    active_from=dt.date(2020, 8, 1),
    target_group="Familien im Quartier",
    free_of_charge=False,
    outreach=False,
    languages=("Deutsch", "Türkisch"),
    funded_until=dt.date(2027, 7, 31),
)


@pytest.fixture
def tiny(engine):
    with engine.begin() as conn:
        add_tiny_areas(conn)
        net_a = add_network(conn, "Frühe Hilfen Eins", "fruehe_hilfen", "M1", "jaA", {})
        net_b = add_network(conn, "Netz Zwei", "kita_fz", "M2", "jaB", {})
    engine.ids = {"a": net_a, "b": net_b}  # type: ignore[attr-defined]
    return engine


def problems_of(engine, entry: OfferEntry) -> dict[str, str]:
    with engine.connect() as conn:
        found, _ = check(entry, rules(conn))
    return {p.column or "": p.problem for p in found}


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "says"),
    [
        ({"name": "  "}, "Name des Angebots", "Name fehlt"),
        ({"provider": ""}, "Träger", "Träger fehlt"),
        ({"offer_type": "Tanz"}, "Angebotsart", "gibt es nicht"),
        ({"area_id": "X9"}, "Sozialraum", "gibt es in der Datenbank nicht"),
        ({"area_id": None}, "Sozialraum", "fehlt"),
        ({"phases": ()}, "Lebensphasen", "Lebensphase fehlt"),
        ({"phases": ("kita", "Rente")}, "Lebensphasen", "Unbekannte Lebensphase: Rente"),
        ({"places": {"crib": -1}}, "Plätze Krippe", "ganze Zahl"),
        ({"places": {"crib": 2.5}}, "Plätze Krippe", "ganze Zahl"),
        ({"places": {"primary": 5}}, "Plätze Grundschule", "nicht bedient"),
        ({"capacity": 50}, "Plätze insgesamt", "ergeben zusammen 57"),
        ({"active_from": None}, "Aktiv ab", "Beginn fehlt"),
        ({"active_to": dt.date(2019, 1, 1)}, "Aktiv bis", "vor dem Beginn"),
        ({"funded_until": dt.date(2019, 1, 1)}, "Gefördert bis", "vor dem Beginn"),
        ({"target_group": "x" * 501}, "Zielgruppe", "501 Zeichen"),
        ({"languages": ("x" * 51,)}, "Sprachen", "keine Liste"),
    ],
)
def test_check_names_field_and_problem(tiny, changes, column, says):
    found = problems_of(tiny, dataclasses.replace(KITA, **changes))
    assert column in found, found
    assert says in found[column]


def test_network_of_another_youth_office_is_refused(tiny):
    found = problems_of(tiny, dataclasses.replace(KITA, network_id=tiny.ids["b"]))
    assert "anderen Jugendamt" in found["Netzwerk"]
    assert problems_of(tiny, dataclasses.replace(KITA, network_id=tiny.ids["a"])) == {}


def test_valid_entry_has_no_problems_and_the_total_follows_the_phases(tiny):
    with tiny.connect() as conn:
        found, values = check(KITA, rules(conn))
    assert found == []
    assert values["capacity"] == 57
    assert values["phase_places"] == {"crib": 12, "kita": 45}
    assert values["languages"] == "Deutsch, Türkisch"


def test_check_accepts_labels_as_the_import_writes_them(tiny):
    entry = dataclasses.replace(
        KITA, offer_type="Betreuung", phases=("Krippe", "Kita"), places={"Krippe": 10}
    )
    with tiny.connect() as conn:
        found, values = check(entry, rules(conn))
    assert found == []
    assert values["offer_type_id"] == "betreuung"
    assert values["phase_places"] == {"crib": 10, "kita": None}


# --- create, edit, close, audit ---------------------------------------------------------


def test_create_edit_close_with_audit(tiny):
    saved = save_offer(tiny, ANNA, KITA)
    assert saved["version"] == 1 and saved["updated_by"] == "anna"
    assert saved["places"] == {"crib": 12, "kita": 45}
    oid = saved["id"]
    edited = save_offer(
        tiny,
        BERT,
        dataclasses.replace(KITA, places={"crib": 15, "kita": 45}, network_id=tiny.ids["a"]),
        oid,
        1,
    )
    assert edited["version"] == 2 and edited["places"]["crib"] == 15
    closed = close_offer(tiny, ANNA, oid, 2, dt.date(2026, 7, 31))
    assert closed["active_to"] == dt.date(2026, 7, 31) and closed["version"] == 3
    with tiny.connect() as conn:
        log = audit_entries(conn, "offer", str(oid))
        assert offer_record(conn, oid)["places"] == {"crib": 15, "kita": 45}
        listed = offer_landscape(conn, dt.date(2026, 9, 30), "M1")
    assert list(log["action"]) == ["update", "update", "create"]
    assert log.iloc[1]["old"]["places"] == {"crib": 12, "kita": 45}
    assert log.iloc[1]["new"]["places"] == {"crib": 15, "kita": 45}
    assert log.iloc[0]["new"]["active_to"] == "2026-07-31"
    row = listed.iloc[0]
    assert row["network_name"] == "Frühe Hilfen Eins"
    assert row["phases_with_places"] == "Krippe 15, Kita 45"
    assert not row["active"]


def test_close_before_start_is_refused(tiny):
    saved = save_offer(tiny, ANNA, KITA)
    with pytest.raises(DataError, match="vor dem Beginn"):
        close_offer(tiny, ANNA, saved["id"], 1, dt.date(2019, 1, 1))


def test_invalid_entry_writes_nothing(tiny):
    with pytest.raises(DataError) as err:
        save_offer(tiny, ANNA, dataclasses.replace(KITA, name="", capacity=5))
    assert len(err.value.problems) == 2
    with tiny.connect() as conn:
        assert offer_landscape(conn, dt.date(2026, 1, 1)).empty
        assert audit_entries(conn, "offer").empty


def test_unknown_offer(tiny):
    with pytest.raises(NotFoundError, match=r"Nr\. 999"):
        save_offer(tiny, ANNA, KITA, 999, 1)


# --- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("user", [VIEWER, OTHER, None])
def test_only_editors_of_the_youth_office_and_admins(tiny, user):
    with pytest.raises(PermissionDeniedError):
        save_offer(tiny, user, KITA)
    assert save_offer(tiny, ADMIN, KITA)["updated_by"] == "admin"


def test_moving_an_offer_needs_both_youth_offices(tiny):
    oid = save_offer(tiny, ANNA, KITA)["id"]
    with pytest.raises(PermissionDeniedError, match="Jugendamt B"):
        save_offer(tiny, ANNA, dataclasses.replace(KITA, area_id="M2-01"), oid, 1)
    with pytest.raises(PermissionDeniedError, match="Jugendamt A"):
        close_offer(tiny, OTHER, oid, 1, dt.date(2026, 1, 1))


# --- conflicts ---------------------------------------------------------------------------


def test_conflict_carries_their_version_with_phases(tiny):
    oid = save_offer(tiny, ANNA, KITA)["id"]
    save_offer(tiny, BERT, dataclasses.replace(KITA, places={"crib": 20, "kita": 40}), oid, 1)
    mine = dataclasses.replace(KITA, name="Kita Sonnenschein (neu)")
    with pytest.raises(ConflictError, match="bert") as err:
        save_offer(tiny, ANNA, mine, oid, 1)
    theirs = err.value.current
    assert theirs["version"] == 2 and theirs["places"] == {"crib": 20, "kita": 40}
    assert "name" in differences({"name": mine.name}, theirs)
    # keep mine: save again on their version
    kept = save_offer(tiny, ANNA, mine, oid, theirs["version"])
    assert kept["name"] == "Kita Sonnenschein (neu)" and kept["version"] == 3
    assert kept["places"] == {"crib": 12, "kita": 45}


# --- duplicates --------------------------------------------------------------------------


def test_possible_duplicates_same_provider_type_and_area(tiny):
    first = save_offer(tiny, ANNA, KITA)["id"]
    save_offer(tiny, ANNA, dataclasses.replace(KITA, name="Kita Mond", area_id="M1-02"))
    with tiny.connect() as conn:
        found = possible_duplicates(conn, "  awo ", "betreuung", "M1-01")
        assert [d["id"] for d in found] == [first]
        assert possible_duplicates(conn, "AWO", "betreuung", "M1-01", exclude_id=first) == []
        assert possible_duplicates(conn, "Caritas", "betreuung", "M1-01") == []
        assert possible_duplicates(conn, "AWO", "beratung", "M1-01") == []


# --- coverage with places per phase ------------------------------------------------------


def test_coverage_uses_places_per_phase(tiny):
    with tiny.begin() as conn:
        shared = add_offer(conn, "M1-01", "betreuung", ["crib", "kita"], capacity=60)
    oid = save_offer(tiny, ANNA, KITA)["id"]
    mixed = dataclasses.replace(
        KITA, name="Gemischt", phases=("crib", "kita", "primary"), places={"crib": 10}, capacity=40
    )
    mid = save_offer(tiny, ANNA, mixed)["id"]
    with tiny.connect() as conn:
        links = offer_phase_links(conn, dt.date(2025, 12, 31))
    got = {(r.offer_id, r.life_phase_id): r.places for r in links.itertuples()}
    assert got[(shared, "crib")] == 30 and got[(shared, "kita")] == 30  # as before
    assert got[(oid, "crib")] == 12 and got[(oid, "kita")] == 45
    assert got[(mid, "crib")] == 10 and got[(mid, "kita")] == 15 and got[(mid, "primary")] == 15

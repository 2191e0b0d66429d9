"""The audit log as an administrator reads it: names instead of keys, a readable change
instead of JSON, and German local time that agrees with what the form said."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from core.audit_view import Names, audit_table, describe_change, status_changes, subject
from core.cli import main
from core.db import make_engine
from core.imports import ImportFile, rollback_batch, run_import
from core.models import Area, AuditLog, Network, Offer
from core.network_entry import StatusEntry, format_timestamp, prefill, save_status
from core.permissions import operator
from core.present.numbers import format_datetime, local_day_bounds
from core.users import User
from tests.app_support import open_app
from tests.imports_support import add_test_areas

NETWORK = "Netzwerk Frühe Hilfen Neuss"


# --- local time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (dt.datetime(2026, 7, 14, 19, 38), "14.07.2026, 21:38 Uhr"),  # summer: UTC+2
        (dt.datetime(2026, 11, 24, 11, 30), "24.11.2026, 12:30 Uhr"),  # winter: UTC+1
        (dt.datetime(2026, 12, 31, 23, 30), "01.01.2027, 00:30 Uhr"),  # the next day
        (dt.datetime(2026, 11, 24, 11, 30, tzinfo=dt.UTC), "24.11.2026, 12:30 Uhr"),
        (None, "–"),
    ],
)
def test_stored_utc_times_are_shown_in_german_local_time(utc, shown) -> None:
    assert format_datetime(utc) == shown
    assert format_timestamp(utc) == shown  # the form's formatter is the same one


def test_a_local_calendar_day_is_a_utc_interval() -> None:
    start, end = local_day_bounds(dt.date(2026, 7, 2), dt.date(2026, 7, 2))
    assert (start, end) == (dt.datetime(2026, 7, 1, 22), dt.datetime(2026, 7, 2, 22))


# --- what changed, in words ------------------------------------------------------------

OLD = {
    "network_id": 7,
    "quarter": "2026-Q3",
    "stage": 1,
    "partners": 8,
    "meetings": 2,
    "traffic_light": "gelb",
    "quality_blocks": [1],
    "goals": "Fachtag",
    "note": "alt",
    "version": 1,
    "updated_by": "nina",
    "updated_at": "2026-07-14T19:38:00",
}


def test_an_update_is_described_field_by_field_in_words() -> None:
    new = dict(OLD, traffic_light="gruen", note="neu", version=2, quality_blocks=[1, 3])
    text = describe_change("network_status", "update", OLD, new)
    # an entry written before the quality blocks left the form still reads in words
    assert text == "Ampel: gelb → grün; Notiz: geändert; Erreichte Qualitätsbausteine: 1 → 1, 3"
    assert "{" not in text and "version" not in text.lower()


def test_a_creation_lists_its_values_with_stage_names() -> None:
    names = Names(networks={7: NETWORK}, stages={1: "Informationsnetzwerk"})
    text = describe_change("network_status", "create", None, OLD, names)
    assert text.startswith("Entwicklungsstufe: Informationsnetzwerk; Partner: 8;")
    assert "Ampel: gelb" in text and "Notiz: eingetragen" in text
    assert subject("network_status", "7/2026-Q3", names) == f"{NETWORK}, 3. Quartal 2026"


def test_logins_imports_and_sessions_read_as_sentences() -> None:
    login = describe_change(
        "login", "login_failed", None, {"client": "10.0.0.7", "reason": "falsches Passwort"}
    )
    assert login == "Client: 10.0.0.7; Grund: falsches Passwort"
    batch = {
        "kind": "indicators",
        "file": "geburten.csv",
        "rows": {"indicator_value": {"neu": 1200, "geändert": 3, "unverändert": 0}},
    }
    assert describe_change("import_batch", "import", None, batch) == (
        "Indikatorwerte aus „geburten.csv“: 1.200 neu, 3 geändert, 0 unverändert"
    )
    assert describe_change("import_batch", "import_rollback", None, {"reverted": 4}) == (
        "4 Zeilen zurückgenommen"
    )
    locked = describe_change("login", "login_locked", None, {"until": "2026-11-24T11:30:00"})
    assert locked == "gesperrt bis: 24.11.2026, 12:30 Uhr"
    assert describe_change("import_batch", "import_rollback", None, {"reverted": 1}) == (
        "1 Zeile zurückgenommen"
    )
    assert subject("import_batch", "4", Names()) == "Import Nr. 4"
    assert subject("indicator_value", "4:17", Names()) == "Indikatorwert Nr. 17 (Import Nr. 4)"


# --- the table and the form agree ------------------------------------------------------


def test_the_log_names_the_network_and_shows_the_time_the_form_showed(writable_url) -> None:
    engine = make_engine(writable_url)
    with engine.connect() as conn:
        nid = int(conn.execute(select(Network.id).where(Network.name == NETWORK)).scalar_one())
        pf = prefill(conn, nid, "2026-Q3")
    values = dict(pf.values, traffic_light="rot", note="Neue Notiz")
    values["criteria"] = tuple(values["criteria"])
    saved = save_status(
        engine,
        User("nina", "editor", ("neuss",)),
        StatusEntry(nid, "2026-Q3", **values),
        pf.version,
    )
    with engine.connect() as conn:
        table = audit_table(conn)
        history = status_changes(conn, nid, "2026-Q3")
    engine.dispose()
    row = table.shown.iloc[0]
    assert row["Gegenstand"] == f"{NETWORK}, 3. Quartal 2026"
    assert row["Zeitpunkt"] == format_timestamp(saved["updated_at"])  # what the form says
    assert row["Änderung"].startswith("Ampel: ")
    assert "→ rot" in row["Änderung"] and "Notiz: " in row["Änderung"]
    assert not table.shown.apply(lambda c: c.astype(str).str.contains(r"[{}]")).any().any()
    assert "UTC" not in " ".join(table.shown.columns)
    assert '"traffic_light": "rot"' in table.export.iloc[0]["Nachher (vollständig)"]
    assert history.iloc[0]["Zeit"] == row["Zeitpunkt"]
    assert history.iloc[0]["Änderung"] == row["Änderung"]


def test_the_period_filter_uses_local_calendar_days(engine) -> None:
    late = dt.datetime(2026, 7, 1, 22, 30)  # 2 July, 00:30 in Germany
    with engine.begin() as conn:
        conn.execute(
            insert(AuditLog).values(
                at=late, user="nina", action="login", entity="login", entity_key="nina", new={}
            )
        )
    with engine.connect() as conn:
        on_first = audit_table(conn, since=dt.date(2026, 7, 1), until=dt.date(2026, 7, 1))
        on_second = audit_table(conn, since=dt.date(2026, 7, 2), until=dt.date(2026, 7, 2))
    assert on_first.shown.empty
    assert on_second.shown["Zeitpunkt"].tolist() == ["02.07.2026, 00:30 Uhr"]


def test_the_admin_page_shows_names_words_and_local_time(monkeypatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leer.sqlite'}"
    assert main(["--database-url", url, "init-db"]) == 0
    engine = make_engine(url)
    add_test_areas(engine)
    csv = "Indikator;Gebiet;Stichtag;Zähler\r\nbirths;05999004;31.12.2024;1.118\r\n"
    done = run_import(
        engine, "indicators", [ImportFile("geburten.csv", csv.encode())], user=operator("planung")
    )
    rollback_batch(engine, done.batch_id, operator("planung"))
    engine.dispose()
    at = open_app(monkeypatch, url, "daten")
    log = next(d.value for d in at.dataframe if "Änderung" in d.value.columns)
    assert log["Gegenstand"].tolist() == [f"Import Nr. {done.batch_id}"] * 2
    assert log["Änderung"].tolist() == [
        "1 Zeile zurückgenommen",
        "Indikatorwerte aus „geburten.csv“: 1 neu, 0 geändert, 0 unverändert",
    ]
    assert all(t.endswith(" Uhr") for t in log["Zeitpunkt"])
    captions = " ".join(c.value for c in at.caption)
    assert "deutscher Ortszeit" in captions and "UTC" not in captions


def test_the_log_reads_the_jugendamts_own_records_in_german(writable_url) -> None:
    """Qualitätsbausteine, a steering record and an offer: named, and changed field by
    field in German words, never the stored field names or state codes."""
    from core.offer_entry import entry_of, offer_record, save_offer
    from core.quality_entry import prefill as quality_prefill
    from core.quality_entry import save_report
    from core.quality_validation import ItemEntry, ReportEntry
    from core.steering import SteeringEntry, save_record

    engine = make_engine(writable_url)
    nina = User("nina", "editor", ("neuss",))
    with engine.connect() as conn:
        start = quality_prefill(conn, "neuss", "2026-Q3")
        offer_id = int(
            conn.execute(
                select(Offer.id).join(Area, Area.id == Offer.area_id)
                .where(Area.youth_office_id == "neuss").order_by(Offer.id)
            ).scalars().first() or 0
        )  # fmt: skip
        offer = offer_record(conn, offer_id)
    item = next(i for i, v in start.items.items() if v["state"] == "in_progress")
    items = [ItemEntry(item_id=i, **v) for i, v in start.items.items()]
    items = [
        ItemEntry(
            item_id=item,
            state="done",
            state_date=dt.date(2026, 9, 1),
            evidence_title="Konzept Präventionskette",
            evidence_ref="Ablage JA 51/2026/7",
        )
        if e.item_id == item
        else e
        for e in items
    ]
    save_report(engine, nina, ReportEntry("neuss", "2026-Q3", tuple(items)), start.version)
    decision = SteeringEntry(
        youth_office_id="neuss",
        kind="beschluss",
        title="Präventionskette fortschreiben",
        dated=dt.date(2026, 9, 10),
        committee="Jugendhilfeausschuss",
        drucksache="JHA/1/2026",
    )
    save_record(engine, nina, decision)
    assert offer is not None
    changed = entry_of(offer)
    save_offer(
        engine,
        nina,
        type(changed)(**{**changed.__dict__, "target_group": "Alleinerziehende"}),
        offer_id,
        offer["version"],
    )
    with engine.connect() as conn:
        shown = audit_table(conn).shown
    engine.dispose()
    rows = {r["Bereich"]: r for r in shown.head(3).to_dict("records")}
    assert set(rows) == {"Qualitätsbausteine", "Steuerung", "Angebot"}
    quality = rows["Qualitätsbausteine"]
    assert quality["Gegenstand"].endswith(", 3. Quartal 2026")
    assert quality["Gegenstand"].startswith("Jugendamt")
    assert f"{item} Stand: begonnen → erreicht" in quality["Änderung"]
    assert f"{item} Nachweis: – → Konzept Präventionskette" in quality["Änderung"]
    steering = rows["Steuerung"]
    assert steering["Gegenstand"].startswith("Steuerung Nr. ")
    assert (
        "Art: Beschluss" in steering["Änderung"]
        and "Drucksache: JHA/1/2026" in steering["Änderung"]
    )
    assert "Jugendamt: Jugendamt der Stadt Neuss" in steering["Änderung"]
    assert rows["Angebot"]["Gegenstand"] == f"Angebot Nr. {offer_id}"
    assert "Zielgruppe: " in rows["Angebot"]["Änderung"]
    assert rows["Angebot"]["Änderung"].endswith("→ Alleinerziehende")
    words = " ".join(str(v) for r in rows.values() for v in r.values())
    for code in ("evidence", "state_date", "in_progress", "done", "youth_office", "drucksache"):
        assert code not in words, code

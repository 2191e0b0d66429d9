"""The Jugendamt's own records without any demo data: a database filled only by
imports of the files users deliver (the templates), then an editor of the Jugendamt
Neuss records a quarter's Qualitätsbausteine, a steering decision, a network status
with partners and criteria, and corrects an offer. Each shows in the page's table, in
the export and in the Sitzungsvorlage, and each write is in the audit log (SQLite and
PostgreSQL). The forms themselves are driven in tests/test_*_page.py (AppTest) and
tests/test_*_browser.py (Chromium)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from core.audit import audit_entries
from core.errors import PermissionDeniedError
from core.exporting import export_table
from core.imports import run_import
from core.imports.tables import ImportFile
from core.imports.templates import TEMPLATES
from core.inventory import is_demo
from core.models import Network, Offer, YouthOffice
from core.network_entry import StatusEntry, save_status
from core.offer_entry import entry_of, offer_record, save_offer
from core.partners import PartnerRow, RegisterEdit
from core.permissions import SYSTEM
from core.present.network_tables import network_status_table
from core.present.quality_tables import matrix_of
from core.present.steering_tables import decision_table
from core.quality import quality_progress
from core.quality_entry import prefill, save_report
from core.quality_validation import ItemEntry, ReportEntry
from core.quarters import parse_quarter
from core.reports.content import build_report
from core.steering import SteeringEntry, save_record
from core.users import User
from tests.test_imports_cli import municipality_file

QUARTER = parse_quarter("2026-Q3")
TODAY = dt.date(2026, 10, 15)


def _kommunen(tmp_path: Path, with_office: bool) -> ImportFile:
    """Kommunen as a BKG-style GeoJSON, with the column „Jugendamt“ as the template has it."""
    path = municipality_file(tmp_path)
    data = json.loads(path.read_text())
    if with_office:
        for feature in data["features"]:
            gen = feature["properties"]["GEN"]
            feature["properties"]["Jugendamt"] = f"Jugendamt der Stadt {gen}"
    return ImportFile(path.name, json.dumps(data).encode())


def _import_all(engine: Engine, kommunen: ImportFile) -> Engine:
    run_import(engine, "areas", [kommunen], accept_warnings=True, user=SYSTEM)
    for kind in ("areas", "indicators", "population", "offers", "networks", "quality"):
        for t in TEMPLATES[kind]:
            files = [ImportFile(t.file_name, t.data())]
            run_import(engine, kind, files, accept_warnings=True, user=SYSTEM)
    return engine


@pytest.fixture
def real(engine: Engine, tmp_path: Path) -> Engine:
    """Kommunen with their Jugendamt from a BKG-style file, then every template."""
    return _import_all(engine, _kommunen(tmp_path, with_office=True))


def _neuss(conn) -> str:  # type: ignore[no-untyped-def]
    return str(
        conn.execute(select(YouthOffice.id).where(YouthOffice.name.contains("Neuss"))).scalar_one()
    )


def test_an_editor_keeps_the_jugendamts_records_on_imported_data(real: Engine) -> None:
    with real.connect() as conn:
        assert not is_demo(conn)
        office = _neuss(conn)
        network = conn.execute(select(Network.id)).scalars().first()
        offer_id = conn.execute(select(Offer.id).order_by(Offer.id)).scalars().first()
    assert network is not None and offer_id is not None
    nina = User("nina", "editor", (office,))

    # Qualitätsbausteine: the quarter's report, started from the imported one
    with real.connect() as conn:
        start = prefill(conn, office, QUARTER.key)
    items = [
        ItemEntry(item_id=i, state=v["state"], state_date=v["state_date"],
                  evidence_title=v["evidence_title"], evidence_date=v["evidence_date"],
                  evidence_ref=v["evidence_ref"], steering_record_id=None, note="")
        for i, v in start.items.items()
    ]  # fmt: skip
    items[-1] = ItemEntry(
        item_id=items[-1].item_id,
        state="done",
        state_date=dt.date(2026, 9, 1),
        evidence_title="Beschluss JHA zur Präventionskette",
        evidence_ref="https://ratsinfo.example.org/vorlage/2026-77",
    )
    save_report(real, nina, ReportEntry(office, QUARTER.key, tuple(items)), start.version, TODAY)

    # steering: a committee decision
    decision = SteeringEntry(
        youth_office_id=office,
        kind="beschluss",
        title="Fortschreibung der Präventionskette",
        dated=dt.date(2026, 9, 10),
        committee="Jugendhilfeausschuss",
        drucksache="JHA/0815/2026",
    )
    save_record(real, nina, decision, today=TODAY)

    # the network's status with its register and criteria
    edit = RegisterEdit(
        loaded=(),
        edited=(
            PartnerRow("Caritasverband Neuss", "freie_traeger", dt.date(2024, 1, 1)),
            PartnerRow("Gesundheitsamt Rhein-Kreis Neuss", "gesundheit", dt.date(2025, 3, 1)),
        ),
    )
    status = StatusEntry(
        network_id=network,
        quarter=QUARTER.key,
        stage=2,
        partners=None,
        meetings=3,
        traffic_light="gruen",
        criteria=("austausch", "vereinbarung"),
        note="Kooperationsvereinbarung unterzeichnet",
    )
    saved_status = save_status(real, nina, status, None, TODAY, edit)
    assert saved_status["partners"] == 2  # counted from the register

    # an offer corrected: its places per phase
    with real.connect() as conn:
        record = offer_record(conn, offer_id)
    assert record is not None
    corrected = entry_of(record)
    phases = list(record["places"])
    places = {p: 10 + i for i, p in enumerate(phases)}
    fixed = save_offer(
        real,
        nina,
        type(corrected)(**{**corrected.__dict__, "places": places, "target_group": "Familien"}),
        offer_id,
        record["version"],
    )
    assert fixed["version"] == record["version"] + 1

    with real.connect() as conn:
        progress = quality_progress(conn, QUARTER, office)
        page = matrix_of(progress, QUARTER).shown
        assert (page == "● erreicht").to_numpy().any()
        export = export_table(conn, "quality", QUARTER)
        assert "Beschluss JHA zur Präventionskette" in export["Nachweis"].tolist()
        assert "JHA/0815/2026" in decision_table(conn, office).shown["Drucksache"].tolist()
        steering = export_table(conn, "steering", QUARTER)
        assert steering["Letzter Beschluss"].str.contains("JHA/0815/2026").any()
        networks = network_status_table(conn, QUARTER).export
        row = networks[networks["Partner"] == 2]
        assert len(row) == 1 and "Gesundheit 1" in row["Partner nach Bereich"].iloc[0]
        offers = export_table(conn, "offers", QUARTER)
        assert offers["Zielgruppe"].eq("Familien").any()
        report = build_report(conn, QUARTER)
        log = audit_entries(conn)
    slides = {s["key"]: s for s in report["slides"]}
    tables = {t["name"]: t for t in slides["quality"]["tables"]}
    assert any(
        "JHA/0815/2026" in str(c) for row in tables["Steuerung (Baustein 4)"]["rows"] for c in row
    )
    evidence = [str(c) for row in tables["Qualität Nachweise"]["rows"] for c in row]
    assert "Beschluss JHA zur Präventionskette" in evidence
    written = log[log["user"] == "nina"]["entity"].tolist()
    assert {"quality_report", "steering_record", "network_status", "offer"} <= set(written)


def test_an_offer_in_an_area_without_jugendamt_says_what_the_admin_must_do(
    engine: Engine, tmp_path: Path
) -> None:
    """Kommunen imported without the column „Jugendamt“: no coordination may edit the
    offers there, and the message says why and who fixes it; an admin still may."""
    _import_all(engine, _kommunen(tmp_path, with_office=False))
    with engine.connect() as conn:
        offer_id = conn.execute(select(Offer.id).order_by(Offer.id)).scalars().first()
        record = offer_record(conn, int(offer_id or 0))
    assert record is not None
    entry = entry_of(record)
    editor = User("nina", "editor", ("jugendamt_der_stadt_neuss",))
    with pytest.raises(PermissionDeniedError, match="keinem Jugendamt zugeordnet"):
        save_offer(engine, editor, entry, record["id"], record["version"])
    admin = save_offer(engine, User("anton", "admin"), entry, record["id"], record["version"])
    assert admin["version"] == record["version"] + 1

"""A database of the previous release, with offers, network statuses and
Qualitätsbausteine in it, keeps them through the upgrade to the records of the
Jugendamt's own work (migration 0005): every reported quarter becomes a report with a
version, existing offers and statuses get their defaults, and nothing is lost."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from core.catalogue import load_catalogue
from core.db import alembic_config, make_engine, migrate, schema_revision
from core.quality import quality_progress
from core.quarters import parse_quarter

ROWS_0004 = [
    "INSERT INTO youth_office (id, name) VALUES ('neuss', 'Jugendamt der Stadt Neuss')",
    "INSERT INTO area (id, name, level) VALUES ('05162024', 'Neuss', 'municipality')",
    "INSERT INTO offer_type (id, position, label, description) VALUES ('kita', 1, 'Kita', '')",
    "INSERT INTO life_phase (id, position, label, age_from, age_to, description, "
    "coverage_metric, coverage_target) VALUES ('kita', 1, 'Kita', 3, 6, '', 'places', 90)",
    "INSERT INTO offer (name, provider, offer_type_id, area_id, capacity, active_from) "
    "VALUES ('Kita Sonnenschein', 'Stadt Neuss', 'kita', '05162024', 60, '2020-08-01')",
    "INSERT INTO offer_life_phase (offer_id, life_phase_id) VALUES (1, 'kita')",
    "INSERT INTO network_kind (id, position, label, description) "
    "VALUES ('fruehe_hilfen', 1, 'Frühe Hilfen', '')",
    "INSERT INTO network_stage (id, label, meaning) VALUES (1, 'Informationsnetzwerk', '')",
    "INSERT INTO network (name, kind_id, scope_area_id, youth_office_id) "
    "VALUES ('Netzwerk Frühe Hilfen Neuss', 'fruehe_hilfen', '05162024', 'neuss')",
    "INSERT INTO network_status (network_id, quarter, stage, partners, meetings, "
    "traffic_light, quality_blocks, goals, note, version, updated_by, updated_at) VALUES "
    "(1, '2026-Q2', 1, 12, 2, 'gruen', '[]', '', '', 3, 'nina', '2026-06-30 10:00:00')",
    "INSERT INTO quality_block (id, title, description) VALUES (1, 'Analyse', '')",
    "INSERT INTO quality_item (id, block_id, position, label) VALUES ('1.1', 1, 1, 'erfasst')",
    "INSERT INTO quality_item (id, block_id, position, label) VALUES ('1.2', 1, 2, 'geordnet')",
    "INSERT INTO quality_progress (youth_office_id, quarter, item_id, state) VALUES "
    "('neuss', '2026-Q1', '1.1', 'in_progress'), ('neuss', '2026-Q2', '1.1', 'done'), "
    "('neuss', '2026-Q2', '1.2', 'open')",
]


def test_an_older_database_keeps_its_records_through_the_upgrade(db_url: str) -> None:
    eng = make_engine(db_url)
    try:
        command.upgrade(alembic_config(eng), "0004")
        with eng.begin() as conn:
            for statement in ROWS_0004:
                conn.execute(text(statement))
        migrate(eng)
        assert (schema_revision(eng) or "") >= "0005"
        with eng.begin() as conn:
            reports = conn.execute(
                text("SELECT youth_office_id, quarter, version FROM quality_report ORDER BY 2")
            ).all()
            assert [tuple(r) for r in reports] == [("neuss", "2026-Q1", 1), ("neuss", "2026-Q2", 1)]
            offer = conn.execute(
                text("SELECT capacity, version, target_group, languages FROM offer")
            ).one()
            assert tuple(offer) == (60, 1, "", "")
            places = conn.execute(text("SELECT places FROM offer_life_phase")).scalar()
            assert places is None  # the capacity is shared as before
            status = conn.execute(text("SELECT partners, version, criteria FROM network_status"))
            partners, version, criteria = status.one()
            assert (partners, version) == (12, 3)
            assert criteria in ([], "[]")
            level = conn.execute(text("SELECT expected_level FROM network_kind")).scalar()
            assert level == "jugendamt"
            load_catalogue(conn)  # the catalogue then says where each kind is expected
            levels = dict(conn.execute(text("SELECT id, expected_level FROM network_kind")).all())
            assert levels["gesundheitskonferenz"] == "kreis"
            assert levels["sozialraumkonferenz"] == "sozialraum"
            progress = quality_progress(conn, parse_quarter("2026-Q2"), "neuss")
        states = dict(zip(progress["item_id"], progress["state"], strict=True))
        assert states["1.1"] == "done" and states["1.2"] == "open"
        moved = progress.set_index("item_id")["change"]
        assert moved["1.1"] == "↑"  # begun in Q1, reached in Q2
        assert progress["evidence_title"].tolist() == ["", ""]
    finally:
        eng.dispose()

"""The schema on SQLite and PostgreSQL: migrations, round trips and constraints."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import make_engine, migrate, schema_revision
from core.models import (
    Area,
    Base,
    IndicatorValue,
    Network,
    NetworkStatus,
    Offer,
    OfferLifePhase,
    YouthOffice,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[6.68, 51.19], [6.70, 51.19], [6.70, 51.21], [6.68, 51.21], [6.68, 51.19]]],
}


def _add_areas(session: Session) -> None:
    session.add(YouthOffice(id="ja-neuss", name="Jugendamt der Stadt Neuss"))
    session.flush()  # no ORM relationship orders youth_office before area
    session.add_all(
        [
            Area(id="05162", name="Rhein-Kreis Neuss", level="district"),
            Area(
                id="05162024",
                name="Neuss",
                level="municipality",
                parent_id="05162",
                youth_office_id="ja-neuss",
            ),
            Area(
                id="05162024-07",
                name="Weckhoven",
                level="area",
                parent_id="05162024",
                youth_office_id="ja-neuss",
                geometry=json.dumps(SQUARE),
                valid_from=dt.date(2020, 1, 1),
            ),
        ]
    )
    session.flush()


def test_models_round_trip(engine: Engine) -> None:
    """What is stored comes back unchanged: areas with geometry, values, offers, networks."""
    with Session(engine) as session, session.begin():
        _add_areas(session)
        session.add(
            IndicatorValue(
                indicator_id="sgb2_u15",
                area_id="05162024-07",
                period_end=dt.date(2025, 12, 31),
                numerator=312,
                denominator=1480,
                value=21.08,
                provisional=True,
            )
        )
        network = Network(
            name="Netzwerk Frühe Hilfen Neuss",
            kind_id="fruehe_hilfen",
            scope_area_id="05162024",
            youth_office_id="ja-neuss",
        )
        session.add(network)
        session.flush()
        offer = Offer(
            name="Familienzentrum Weckhoven",
            provider="Stadt Neuss",
            offer_type_id="beratung",
            area_id="05162024-07",
            lat=51.17,
            lon=6.72,
            capacity=25,
            active_from=dt.date(2024, 8, 1),
            network_id=network.id,
            phases=[OfferLifePhase(life_phase_id="crib"), OfferLifePhase(life_phase_id="kita")],
        )
        session.add(offer)
        session.add(
            NetworkStatus(
                network_id=network.id,
                quarter="2025-Q4",
                stage=2,
                partners=14,
                meetings=3,
                traffic_light="gelb",
                quality_blocks=[1, 2, {"block": 3, "note": "Gesamtkonzept in Arbeit"}],
                goals="Übergang Kita–Grundschule begleiten",
            )
        )

    with Session(engine) as session:
        sozialraum = session.get(Area, "05162024-07")
        assert sozialraum is not None
        assert sozialraum.parent is not None and sozialraum.parent.name == "Neuss"
        assert sozialraum.parent.parent is not None
        assert sozialraum.parent.parent.level == "district"
        assert json.loads(sozialraum.geometry or "null") == SQUARE
        assert sozialraum.valid_from == dt.date(2020, 1, 1)

        value = session.scalars(select(IndicatorValue)).one()
        assert (value.numerator, value.denominator, value.value) == (312, 1480, 21.08)
        assert value.period_end == dt.date(2025, 12, 31)
        assert value.provisional is True

        stored_offer = session.scalars(select(Offer)).one()
        assert sorted(p.life_phase_id for p in stored_offer.phases) == ["crib", "kita"]
        assert stored_offer.capacity == 25
        assert stored_offer.network_id is not None

        status = session.scalars(select(NetworkStatus)).one()
        assert status.quality_blocks == [1, 2, {"block": 3, "note": "Gesamtkonzept in Arbeit"}]
        assert (status.stage, status.traffic_light, status.version) == (2, "gelb", 1)
        assert status.goals == "Übergang Kita–Grundschule begleiten"
        assert isinstance(status.updated_at, dt.datetime)


def _head() -> str:
    """The newest revision of migrations/versions."""
    from alembic.script import ScriptDirectory

    from core.db import MIGRATIONS_DIR

    return str(ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head())


def test_migration_from_empty_creates_the_whole_schema(db_url: str) -> None:
    """``migrate`` turns an empty database into exactly the schema of the models."""
    eng = make_engine(db_url)
    try:
        assert schema_revision(eng) is None
        migrate(eng)
        assert schema_revision(eng) == _head()
        with eng.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert set(Base.metadata.tables) <= tables
            for name, table in Base.metadata.tables.items():
                columns = {c["name"] for c in inspect(conn).get_columns(name)}
                assert columns == set(table.columns.keys()), name
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"Migrationen und Modelle weichen ab: {diff}"
        migrate(eng)  # a second run is a no-op
        assert schema_revision(eng) == _head()
    finally:
        eng.dispose()


def test_indicator_value_is_unique_per_indicator_area_and_date(engine: Engine) -> None:
    """The same indicator cannot have two values for one area and reference date."""
    with Session(engine) as session, session.begin():
        _add_areas(session)
        session.add(
            IndicatorValue(
                indicator_id="sgb2_u15", area_id="05162024", period_end=dt.date(2025, 6, 30)
            )
        )
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(
            IndicatorValue(
                indicator_id="sgb2_u15",
                area_id="05162024",
                period_end=dt.date(2025, 6, 30),
                value=1.0,
            )
        )
    with Session(engine) as session:
        assert len(session.scalars(select(IndicatorValue)).all()) == 1


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    """A Sozialraum cannot point at a municipality that does not exist (also on SQLite)."""
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(Area(id="05162999-01", name="Nirgendwo", level="area", parent_id="05162999"))
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        _add_areas(session)
        session.add(
            IndicatorValue(
                indicator_id="gibt_es_nicht", area_id="05162024", period_end=dt.date(2025, 6, 30)
            )
        )
    with Session(engine) as session:
        assert session.scalars(select(Area)).all() == []

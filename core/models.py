"""Database models: the schema of DESIGN.md as SQLAlchemy 2 typed classes.

Geometry is stored portably as GeoJSON text in EPSG:4326 so that SQLite and
PostgreSQL hold the same thing without spatial extensions. Quarters are stored
as their key (``"2025-Q3"``); reference dates of indicator values as dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

AREA_LEVELS = ("district", "municipality", "area")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING)


class AppMeta(Base):
    """Key/value facts about the database itself (e.g. whether it holds demo data)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class YouthOffice(Base):
    """A Jugendamt: a city's own or the Kreisjugendamt."""

    __tablename__ = "youth_office"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Area(Base):
    """Kreis, Kommune or Sozialraum, in one table with a level and a parent."""

    __tablename__ = "area"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("area.id"), index=True)
    youth_office_id: Mapped[str | None] = mapped_column(ForeignKey("youth_office.id"))
    geometry: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    parent: Mapped[Area | None] = relationship(remote_side=[id])


class LifePhase(Base):
    """A phase of the prevention chain with its age band and coverage target."""

    __tablename__ = "life_phase"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    age_from: Mapped[float] = mapped_column(Float)
    age_to: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    coverage_metric: Mapped[str] = mapped_column(String(32))
    coverage_target: Mapped[float] = mapped_column(Float)


class OfferType(Base):
    """One of the six kinds of offer (ISS model)."""

    __tablename__ = "offer_type"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")


class Indicator(Base):
    """A catalogue entry: what is measured, how, from which source."""

    __tablename__ = "indicator"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # rate | count
    unit: Mapped[str] = mapped_column(String(50))
    scale: Mapped[float] = mapped_column(Float, default=100.0)
    definition: Mapped[str] = mapped_column(Text)
    numerator_label: Mapped[str] = mapped_column(Text)
    denominator_label: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    reference_note: Mapped[str] = mapped_column(Text)
    periodicity: Mapped[str] = mapped_column(String(16))  # monthly | quarterly | annual
    polarity: Mapped[str] = mapped_column(String(16))  # higher_worse | higher_better | neutral
    decimals: Mapped[int] = mapped_column(Integer, default=1)
    topic: Mapped[str] = mapped_column(String(100))


class ImportBatch(Base):
    """One import of a file: what, from where, by whom; the unit of rollback."""

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    rolled_back_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IndicatorValue(Base):
    """A value of an indicator for an area at a reference date (period end)."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_id", "area_id", "period_end"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicator.id"), index=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("area.id"), index=True)
    period_end: Mapped[dt.date] = mapped_column(Date, index=True)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class Population(Base):
    """Children of an area in a life phase's age band at a reference date."""

    __tablename__ = "population"
    __table_args__ = (UniqueConstraint("area_id", "period_end", "life_phase_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    area_id: Mapped[str] = mapped_column(ForeignKey("area.id"), index=True)
    period_end: Mapped[dt.date] = mapped_column(Date)
    life_phase_id: Mapped[str] = mapped_column(ForeignKey("life_phase.id"))
    children: Mapped[int] = mapped_column(Integer)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


NETWORK_LEVELS = ("kreis", "jugendamt", "sozialraum")


class NetworkKind(Base):
    """One of the ten kinds of local network, with the level at which one is expected:
    ``kreis`` (one for the whole Kreis, counting for each of its Jugendämter),
    ``jugendamt`` (one per Jugendamt) or ``sozialraum`` (one per Sozialraum)."""

    __tablename__ = "network_kind"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    expected_level: Mapped[str] = mapped_column(String(16), default="jugendamt")


class NetworkCriterion(Base):
    """A checkable criterion of a network's stage: met, it means at least ``min_stage``
    (e.g. a Kooperationsvereinbarung means at least Kooperationsnetzwerk)."""

    __tablename__ = "network_criterion"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    min_stage: Mapped[int] = mapped_column(ForeignKey("network_stage.id"))
    description: Mapped[str] = mapped_column(Text, default="")


class NetworkStage(Base):
    """Informations-, Kooperations-, Produktionsnetzwerk (1-3)."""

    __tablename__ = "network_stage"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(100))
    meaning: Mapped[str] = mapped_column(Text)


class Network(Base):
    """A local network, coordinated by a youth office, for a scope area."""

    __tablename__ = "network"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    kind_id: Mapped[str] = mapped_column(ForeignKey("network_kind.id"))
    scope_area_id: Mapped[str] = mapped_column(ForeignKey("area.id"))
    youth_office_id: Mapped[str] = mapped_column(ForeignKey("youth_office.id"))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class Offer(Base):
    """An offer of a provider in an area, with the life phases it serves."""

    __tablename__ = "offer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(300))
    offer_type_id: Mapped[str] = mapped_column(ForeignKey("offer_type.id"))
    area_id: Mapped[str] = mapped_column(ForeignKey("area.id"), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer)
    active_from: Mapped[dt.date] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id"))
    target_group: Mapped[str] = mapped_column(Text, default="")
    free_of_charge: Mapped[bool | None] = mapped_column(Boolean)
    outreach: Mapped[bool | None] = mapped_column(Boolean)  # aufsuchend
    languages: Mapped[str] = mapped_column(Text, default="")
    funded_until: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    phases: Mapped[list[OfferLifePhase]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class OfferLifePhase(Base):
    """Which life phases an offer serves (many-to-many), with its places in each phase
    where known (e.g. a Kita's U3 and Ü3 places); None: the offer's capacity is shared
    evenly among its phases."""

    __tablename__ = "offer_life_phase"
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
    )
    life_phase_id: Mapped[str] = mapped_column(ForeignKey("life_phase.id"), primary_key=True)
    places: Mapped[int | None] = mapped_column(Integer)


class NetworkStatus(Base):
    """A network's quarterly status; ``version`` is the optimistic lock."""

    __tablename__ = "network_status"
    __table_args__ = (UniqueConstraint("network_id", "quarter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    stage: Mapped[int] = mapped_column(ForeignKey("network_stage.id"))
    partners: Mapped[int] = mapped_column(Integer, default=0)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    traffic_light: Mapped[str] = mapped_column(String(8))  # gruen | gelb | rot
    quality_blocks: Mapped[list[Any]] = mapped_column(JSON, default=list)  # no longer entered
    criteria: Mapped[list[Any]] = mapped_column(JSON, default=list)  # met NetworkCriterion ids
    goals: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


PARTNER_SECTORS = (
    "jugendhilfe",
    "schule",
    "gesundheit",
    "soziales",
    "freie_traeger",
    "arbeit",
    "ehrenamt",
    "verwaltung",
    "sonstige",
)


class NetworkPartner(Base):
    """A partner organisation in a network's register; a network's partner count in a
    quarter is the number of partners whose membership covers the quarter's end."""

    __tablename__ = "network_partner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(300))
    sector: Mapped[str] = mapped_column(String(32))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class QualityBlock(Base):
    """One of the four Qualitätsbausteine."""

    __tablename__ = "quality_block"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class QualityItem(Base):
    """A sub-item of a quality block, e.g. "4.2 Ämterübergreifende Steuerungsgruppe"."""

    __tablename__ = "quality_item"
    id: Mapped[str] = mapped_column(String(8), primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("quality_block.id"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)


class QualityReport(Base):
    """A youth office's report of its Qualitätsbausteine for a quarter: the unit that is
    saved, locked (``version``) and audited; its items are :class:`QualityProgress`."""

    __tablename__ = "quality_report"
    __table_args__ = (UniqueConstraint("youth_office_id", "quarter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    youth_office_id: Mapped[str] = mapped_column(ForeignKey("youth_office.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class QualityProgress(Base):
    """A youth office's state of one quality item in a quarter: ``open`` (offen),
    ``in_progress`` (begonnen) or ``done`` (erreicht), since ``state_date``, with the
    evidence (a document's title, date and link or file reference, or a steering
    record) and a note."""

    __tablename__ = "quality_progress"
    __table_args__ = (UniqueConstraint("youth_office_id", "quarter", "item_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    youth_office_id: Mapped[str] = mapped_column(ForeignKey("youth_office.id"))
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("quality_item.id"))
    state: Mapped[str] = mapped_column(String(16))  # done | in_progress | open
    state_date: Mapped[dt.date | None] = mapped_column(Date)
    evidence_title: Mapped[str] = mapped_column(Text, default="")
    evidence_date: Mapped[dt.date | None] = mapped_column(Date)
    evidence_ref: Mapped[str] = mapped_column(Text, default="")  # link or file reference
    steering_record_id: Mapped[int | None] = mapped_column(ForeignKey("steering_record.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


STEERING_KINDS = ("leitbild", "steuerungsgruppe", "koordinationsstelle", "beschluss")


class SteeringRecord(Base):
    """A record of a youth office's coordination and steering (Qualitätsbaustein 4).

    ``kind``: ``leitbild`` (Leitbild/Handlungskonzept: adopted ``dated`` by
    ``committee``, ``drucksache``), ``steuerungsgruppe`` (``members``: department and
    sector each, ``meetings``: dates), ``koordinationsstelle`` (``fte``,
    ``funding_source``, ``funded_until``) or ``beschluss`` (a committee decision:
    ``dated``, ``committee``, ``drucksache``). ``ended_on`` closes a record (a group
    dissolved, a post ended); ``version`` is the optimistic lock.
    """

    __tablename__ = "steering_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    youth_office_id: Mapped[str] = mapped_column(ForeignKey("youth_office.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    dated: Mapped[dt.date | None] = mapped_column(Date)
    committee: Mapped[str] = mapped_column(String(300), default="")
    drucksache: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    meetings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fte: Mapped[float | None] = mapped_column(Float)
    funding_source: Mapped[str] = mapped_column(String(300), default="")
    funded_until: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200), default="system")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))


class AuditLog(Base):
    """Every write: who, when, what, old and new."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    user: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_key: Mapped[str] = mapped_column(String(200))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LoginAttempt(Base):
    """One login attempt or lock reset, for throttling across app processes.

    ``kind``: ``failure`` (also an attempt still being checked), ``success``, ``refused``
    (not checked: locked or too early) or ``unlock`` (an administrator lifted the lock of
    a user name or a client). Never holds a password. Old rows are pruned.
    """

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_name: Mapped[str | None] = mapped_column(String(64), index=True)
    client: Mapped[str | None] = mapped_column(String(64), index=True)


class LoginSession(Base):
    """A login that survives a reload (:mod:`core.login_sessions`).

    Created with a one-time ``ticket`` right after a successful login; the browser
    redeems the ticket once for the session cookie, whose token is stored here only as
    its SHA-256 hash. Valid until ``expires_at`` unless revoked (logout).
    """

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_name: Mapped[str] = mapped_column(String(64), index=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Publication(Base):
    """The protection of the publication for one state of the data: every cell of the
    table set and the withheld ones, stored under the hash of the table set
    (:mod:`core.publication`). Derived data: recomputed when missing, never part of a
    Datenstand's checksum."""

    __tablename__ = "publication"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_hash: Mapped[str] = mapped_column(String(64), unique=True)
    data_version: Mapped[str] = mapped_column(String(200), index=True)
    cells: Mapped[list[Any]] = mapped_column(JSON, default=list)
    withheld: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)


class Snapshot(Base):
    """A frozen Datenstand for a committee session."""

    __tablename__ = "snapshot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    session_date: Mapped[dt.date] = mapped_column(Date)
    quarter: Mapped[str] = mapped_column(String(7))
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    data_as_of: Mapped[dt.date | None] = mapped_column(Date)
    data_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)

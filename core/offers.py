"""Offers: what is active at a quarter's end, with provider, type, phases and location."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, or_, select

from core.areas import areas
from core.models import LifePhase, Network, Offer, OfferLifePhase, OfferType
from core.quarters import Quarter, parse_quarter

OFFER_COLUMNS = [
    "offer_id",
    "name",
    "provider",
    "offer_type_id",
    "offer_type",
    "area_id",
    "area_name",
    "municipality_id",
    "municipality_name",
    "lat",
    "lon",
    "capacity",
    "active_from",
    "active_to",
    "phase_ids",
    "phases",
]


def active_on(day: dt.date):
    """SQL condition: the offer is active on ``day``."""
    return (Offer.active_from <= day) & or_(Offer.active_to.is_(None), Offer.active_to >= day)


def phase_places(links: pd.DataFrame) -> pd.Series:
    """The places of each (offer, life phase) link: the phase's own places where given
    (``phase_places``, e.g. a Kita's U3 and Ü3 places), else the offer's capacity less
    the phases' own places, shared evenly among the phases without their own (the whole
    capacity evenly when no phase has its own, as before places per phase). NaN where
    nothing is known. ``links``: offer_id, capacity, phase_places (one row per link)."""
    if links.empty:
        return pd.Series(dtype=float, index=links.index)
    own = pd.to_numeric(links["phase_places"], errors="coerce").astype(float)
    capacity = pd.to_numeric(links["capacity"], errors="coerce").astype(float)
    by_offer = own.groupby(links["offer_id"])
    given = by_offer.transform("sum")  # NaN-skipping
    without = own.isna().groupby(links["offer_id"]).transform("sum").astype(float)
    rest = (capacity - given).clip(lower=0) / without.where(without > 0)
    return own.where(own.notna(), rest)


def offer_phase_links(conn: Connection, day: dt.date) -> pd.DataFrame:
    """One row per active offer and life phase it serves, with its places in the phase.

    An offer that serves several phases counts in each phase; its places are the
    phase's own where given, else shared (:func:`phase_places`), so no place is counted
    twice.
    """
    stmt = (
        select(
            Offer.id.label("offer_id"),
            Offer.area_id,
            Offer.offer_type_id,
            Offer.capacity,
            OfferLifePhase.life_phase_id,
            OfferLifePhase.places.label("phase_places"),
        )
        .join(OfferLifePhase, OfferLifePhase.offer_id == Offer.id)
        .where(active_on(day))
    )
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(
            columns=["offer_id", "area_id", "offer_type_id", "capacity", "life_phase_id", "places"]
        )
    df["places"] = phase_places(df)
    return df.drop(columns=["phase_places"])


def active_offers(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    phases: list[str] | None = None,
    offer_types: list[str] | None = None,
    area_id: str | None = None,
) -> pd.DataFrame:
    """Offers active at the quarter's end, optionally filtered; one row per offer.

    ``phases`` keeps offers serving at least one of the phases. Columns: OFFER_COLUMNS.
    """
    day = parse_quarter(quarter).end
    stmt = (
        select(
            Offer.id.label("offer_id"),
            Offer.name,
            Offer.provider,
            Offer.offer_type_id,
            OfferType.label.label("offer_type"),
            Offer.area_id,
            Offer.lat,
            Offer.lon,
            Offer.capacity,
            Offer.active_from,
            Offer.active_to,
        )
        .join(OfferType, OfferType.id == Offer.offer_type_id)
        .where(active_on(day))
        .order_by(Offer.id)
    )
    if offer_types:
        stmt = stmt.where(Offer.offer_type_id.in_(offer_types))
    if area_id:
        stmt = stmt.where(Offer.area_id == area_id)
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=OFFER_COLUMNS)
    link_rows = conn.execute(
        select(OfferLifePhase.offer_id, OfferLifePhase.life_phase_id, LifePhase.label)
        .join(LifePhase, LifePhase.id == OfferLifePhase.life_phase_id)
        .order_by(LifePhase.position)
    ).all()
    ids: dict[int, list[str]] = {}
    labels: dict[int, list[str]] = {}
    for offer_id, phase_id, label in link_rows:
        ids.setdefault(offer_id, []).append(phase_id)
        labels.setdefault(offer_id, []).append(label)
    df["phase_ids"] = [ids.get(o, []) for o in df["offer_id"]]
    df["phases"] = [", ".join(labels.get(o, [])) for o in df["offer_id"]]
    meta = areas(conn).set_index("id")
    df["area_name"] = df["area_id"].map(meta["name"])
    df["municipality_id"] = df["area_id"].map(meta["municipality_id"])
    df["municipality_name"] = df["area_id"].map(meta["municipality_name"])
    if municipality_id:
        df = df[df["municipality_id"] == municipality_id]
    if phases:
        wanted = set(phases)
        df = df[[bool(wanted.intersection(p)) for p in df["phase_ids"]]]
    return df[OFFER_COLUMNS].reset_index(drop=True)


LANDSCAPE_COLUMNS = [
    "offer_id",
    "name",
    "provider",
    "offer_type_id",
    "offer_type",
    "area_id",
    "area_name",
    "municipality_id",
    "municipality_name",
    "youth_office_id",
    "phase_ids",
    "phase_places",
    "phases_with_places",
    "capacity",
    "target_group",
    "free_of_charge",
    "outreach",
    "languages",
    "network_id",
    "network_name",
    "funded_until",
    "active_from",
    "active_to",
    "active",
    "version",
]


def offer_landscape(
    conn: Connection,
    day: dt.date,
    municipality_id: str | None = None,
    offer_type_id: str | None = None,
    life_phase_id: str | None = None,
    active: bool | None = None,
) -> pd.DataFrame:
    """Every offer (active or closed at ``day``) of the Kommune (None: all), with its
    places per life phase, access features, network name and funding end; filtered by
    type, phase and ``active`` (True: active at ``day``, False: not). Columns:
    LANDSCAPE_COLUMNS; ``phase_places`` maps phase id to its places (None: shared),
    ``phases_with_places`` says it in German ("Krippe 12, Kita 45")."""
    stmt = (
        select(
            Offer.id.label("offer_id"),
            Offer.name,
            Offer.provider,
            Offer.offer_type_id,
            OfferType.label.label("offer_type"),
            Offer.area_id,
            Offer.capacity,
            Offer.target_group,
            Offer.free_of_charge,
            Offer.outreach,
            Offer.languages,
            Offer.network_id,
            Network.name.label("network_name"),
            Offer.funded_until,
            Offer.active_from,
            Offer.active_to,
            Offer.version,
        )
        .join(OfferType, OfferType.id == Offer.offer_type_id)
        .outerjoin(Network, Network.id == Offer.network_id)
        .order_by(OfferType.position, Offer.name, Offer.id)
    )
    if offer_type_id:
        stmt = stmt.where(Offer.offer_type_id == offer_type_id)
    if life_phase_id:
        serves = select(OfferLifePhase.offer_id).where(
            OfferLifePhase.life_phase_id == life_phase_id
        )
        stmt = stmt.where(Offer.id.in_(serves))
    if active is True:
        stmt = stmt.where(active_on(day))
    elif active is False:
        stmt = stmt.where(~active_on(day))
    meta = areas(conn).set_index("id")
    if municipality_id:
        inside = [i for i, m in meta["municipality_id"].items() if m == municipality_id]
        stmt = stmt.where(Offer.area_id.in_(inside))
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=LANDSCAPE_COLUMNS)
    links = conn.execute(
        select(
            OfferLifePhase.offer_id,
            OfferLifePhase.life_phase_id,
            OfferLifePhase.places,
            LifePhase.label,
        )
        .join(LifePhase, LifePhase.id == OfferLifePhase.life_phase_id)
        .where(OfferLifePhase.offer_id.in_([int(i) for i in df["offer_id"]]))
        .order_by(LifePhase.position)
    ).all()
    places: dict[int, dict[str, int | None]] = {}
    said: dict[int, list[str]] = {}
    for offer_id, phase_id, n, label in links:
        places.setdefault(offer_id, {})[phase_id] = n
        short = label.split("(")[0].strip()
        said.setdefault(offer_id, []).append(short if n is None else f"{short} {n}")
    df["phase_places"] = [places.get(o, {}) for o in df["offer_id"]]
    df["phase_ids"] = [list(p) for p in df["phase_places"]]
    df["phases_with_places"] = [", ".join(said.get(o, [])) for o in df["offer_id"]]
    df["area_name"] = df["area_id"].map(meta["name"])
    df["municipality_id"] = df["area_id"].map(meta["municipality_id"])
    df["municipality_name"] = df["area_id"].map(meta["municipality_name"])
    df["youth_office_id"] = df["area_id"].map(meta["youth_office_id"])
    start = pd.to_datetime(df["active_from"]).dt.date
    stop = pd.to_datetime(df["active_to"]).dt.date
    df["active"] = [s <= day and (pd.isna(e) or e >= day) for s, e in zip(start, stop, strict=True)]
    return df[LANDSCAPE_COLUMNS].reset_index(drop=True)

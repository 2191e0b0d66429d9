"""Offers: what is active at a quarter's end, with provider, type, phases and location."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, or_, select

from core.areas import areas
from core.models import LifePhase, Offer, OfferLifePhase, OfferType
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


def offer_phase_links(conn: Connection, day: dt.date) -> pd.DataFrame:
    """One row per active offer and life phase it serves, with its share of places.

    An offer that serves several phases counts in each phase; its places are divided
    evenly between them, so no place is counted twice.
    """
    stmt = (
        select(
            Offer.id.label("offer_id"),
            Offer.area_id,
            Offer.offer_type_id,
            Offer.capacity,
            OfferLifePhase.life_phase_id,
        )
        .join(OfferLifePhase, OfferLifePhase.offer_id == Offer.id)
        .where(active_on(day))
    )
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(
            columns=["offer_id", "area_id", "offer_type_id", "capacity", "life_phase_id", "places"]
        )
    n_phases = df.groupby("offer_id")["life_phase_id"].transform("count")
    df["places"] = df["capacity"].astype(float) / n_phases
    return df


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

"""The committed catalogue: life phases, offer types, indicators, network kinds and stages,
quality blocks. Loaded from ``data/catalogue/*.json`` into the database by ``init-db``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, RowMapping, Table, select

from core.config import DATA_DIR
from core.models import (
    Base,
    Indicator,
    LifePhase,
    NetworkCriterion,
    NetworkKind,
    NetworkStage,
    OfferType,
    QualityBlock,
    QualityItem,
)

CATALOGUE_DIR = DATA_DIR / "catalogue"


def read_json(name: str, folder: Path = CATALOGUE_DIR) -> list[dict[str, Any]]:
    """Read one catalogue file (a JSON list of objects)."""
    with (folder / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def _upsert(conn: Connection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    table = cast(Table, model.__table__)
    existing = {r[0] for r in conn.execute(select(table.c.id))}
    for row in rows:
        if row["id"] in existing:
            conn.execute(table.update().where(table.c.id == row["id"]).values(**row))
        else:
            conn.execute(table.insert().values(**row))


def load_catalogue(conn: Connection) -> None:
    """Insert or update every catalogue entry; safe to run again."""
    phases = [dict(r, position=i) for i, r in enumerate(read_json("life_phases.json"), 1)]
    _upsert(conn, LifePhase, phases)
    types = [dict(r, position=i) for i, r in enumerate(read_json("offer_types.json"), 1)]
    _upsert(conn, OfferType, types)
    inds = [dict(r, position=i) for i, r in enumerate(read_json("indicators.json"), 1)]
    _upsert(conn, Indicator, inds)
    kinds = [dict(r, position=i) for i, r in enumerate(read_json("network_kinds.json"), 1)]
    _upsert(conn, NetworkKind, kinds)
    _upsert(conn, NetworkStage, read_json("network_stages.json"))
    criteria = [dict(r, position=i) for i, r in enumerate(read_json("network_criteria.json"), 1)]
    _upsert(conn, NetworkCriterion, criteria)
    blocks = read_json("quality_blocks.json")
    _upsert(conn, QualityBlock, [{k: b[k] for k in ("id", "title", "description")} for b in blocks])
    items = [
        {"id": it["id"], "block_id": b["id"], "position": i, "label": it["label"]}
        for b in blocks
        for i, it in enumerate(b["items"], 1)
    ]
    _upsert(conn, QualityItem, items)


def _frame(conn: Connection, model: type[Base], order: Any) -> pd.DataFrame:
    rows = conn.execute(select(model.__table__).order_by(order)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows])


def life_phases(conn: Connection) -> pd.DataFrame:
    """Life phases in chain order with label, age band and coverage target."""
    return _frame(conn, LifePhase, LifePhase.position)


def offer_types(conn: Connection) -> pd.DataFrame:
    """The six offer types in order."""
    return _frame(conn, OfferType, OfferType.position)


def indicators(conn: Connection) -> pd.DataFrame:
    """The indicator catalogue in display order."""
    return _frame(conn, Indicator, Indicator.position)


@dataclass(frozen=True)
class IndicatorEntry:
    """One indicator of the catalogue: fetched once, then passed to core functions."""

    id: str
    name: str
    short_name: str
    kind: str  # rate | count
    unit: str
    scale: float
    definition: str
    numerator_label: str
    denominator_label: str | None
    source: str
    reference_note: str
    periodicity: str  # monthly | quarterly | annual
    polarity: str  # higher_worse | higher_better | neutral
    decimals: int
    topic: str
    position: int = 0

    @property
    def higher_is_better(self) -> bool:
        """True for indicators where a high value is good (care rates, visits)."""
        return self.polarity == "higher_better"

    @classmethod
    def from_row(cls, row: Mapping[str, Any] | RowMapping) -> IndicatorEntry:
        """An entry from a database row or a catalogue frame's record."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in dict(row).items() if k in names}
        values["decimals"] = int(values.get("decimals") or 0)
        values["scale"] = float(values.get("scale") or 0.0)
        return cls(**values)


def indicator(conn: Connection, indicator_id: str) -> IndicatorEntry:
    """One catalogue entry; raises NotFoundError for an unknown id."""
    from core.errors import NotFoundError

    row = conn.execute(select(Indicator.__table__).where(Indicator.id == indicator_id))
    found = row.mappings().first()
    if found is None:
        known = ", ".join(indicators(conn)["id"].tolist())
        raise NotFoundError(f"Den Indikator „{indicator_id}“ gibt es nicht. Bekannt sind: {known}.")
    return IndicatorEntry.from_row(found)


def indicator_entries(conn: Connection) -> list[IndicatorEntry]:
    """Every catalogue entry in display order."""
    return [IndicatorEntry.from_row(r) for r in indicators(conn).to_dict("records")]


def network_kinds(conn: Connection) -> pd.DataFrame:
    """The ten network kinds in order."""
    return _frame(conn, NetworkKind, NetworkKind.position)


def network_stages(conn: Connection) -> pd.DataFrame:
    """The three stages with their meaning."""
    return _frame(conn, NetworkStage, NetworkStage.id)


def network_criteria(conn: Connection) -> pd.DataFrame:
    """The stage criteria in order, each with the stage it means at least."""
    return _frame(conn, NetworkCriterion, NetworkCriterion.position)


def quality_items(conn: Connection) -> pd.DataFrame:
    """Quality items with their block title, in order."""
    stmt = (
        select(
            QualityItem.id,
            QualityItem.label,
            QualityItem.block_id,
            QualityBlock.title.label("block_title"),
        )
        .join(QualityBlock, QualityBlock.id == QualityItem.block_id)
        .order_by(QualityItem.block_id, QualityItem.position)
    )
    return pd.DataFrame(conn.execute(stmt).mappings().all())

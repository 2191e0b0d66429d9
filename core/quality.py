"""The Qualitätsbausteine of each Jugendamt: the state of the 13 items of the four
blocks per quarter, with evidence, read for pages, exports and the Sitzungsvorlage."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, func, select

from core.models import QualityBlock, QualityItem, QualityProgress, YouthOffice
from core.present.vocabulary import QUALITY_ORDER, QUALITY_STATES
from core.quarters import Quarter


def quality_progress(
    conn: Connection, quarter: Quarter, youth_office_id: str | None = None
) -> pd.DataFrame:
    """Quality items per youth office: state in the quarter and in the previous one.

    Columns: youth_office_id, youth_office, block_id, block_title, item_id, item, state,
    state_label, state_date, evidence_title, evidence_date, evidence_ref,
    steering_record_id, note, previous_state, change (↑ when the item moved forward).
    """
    stmt = (
        select(
            QualityProgress.youth_office_id,
            YouthOffice.name.label("youth_office"),
            QualityProgress.quarter,
            QualityItem.block_id,
            QualityBlock.title.label("block_title"),
            QualityItem.id.label("item_id"),
            QualityItem.label.label("item"),
            QualityItem.position,
            QualityProgress.state,
            QualityProgress.state_date,
            QualityProgress.evidence_title,
            QualityProgress.evidence_date,
            QualityProgress.evidence_ref,
            QualityProgress.steering_record_id,
            QualityProgress.note,
        )
        .join(QualityItem, QualityItem.id == QualityProgress.item_id)
        .join(QualityBlock, QualityBlock.id == QualityItem.block_id)
        .join(YouthOffice, YouthOffice.id == QualityProgress.youth_office_id)
        .where(QualityProgress.quarter.in_([quarter.key, quarter.previous().key]))
    )
    if youth_office_id:
        stmt = stmt.where(QualityProgress.youth_office_id == youth_office_id)
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return df
    cur = df[df["quarter"] == quarter.key].drop(columns="quarter")
    prev = df[df["quarter"] == quarter.previous().key][["youth_office_id", "item_id", "state"]]
    out = cur.merge(
        prev.rename(columns={"state": "previous_state"}),
        how="left",
        on=["youth_office_id", "item_id"],
    )
    out["state_label"] = [QUALITY_STATES[s].word for s in out["state"]]
    out["change"] = [
        "↑" if isinstance(p, str) and QUALITY_ORDER[s] > QUALITY_ORDER[p] else ""
        for s, p in zip(out["state"], out["previous_state"], strict=True)
    ]
    return out.sort_values(["youth_office_id", "block_id", "position"]).reset_index(drop=True)


def quality_history(
    conn: Connection, quarters: Sequence[Quarter], youth_office_id: str | None = None
) -> pd.DataFrame:
    """Items per youth office, quarter and state over ``quarters``.

    Columns: youth_office_id, youth_office, quarter, label (short quarter label), state,
    items; every state appears for every office and quarter with a report (0 when none),
    so stacked charts and tables do not skip a state.
    """
    keys = [q.key for q in quarters]
    stmt = (
        select(
            QualityProgress.youth_office_id,
            YouthOffice.name.label("youth_office"),
            QualityProgress.quarter,
            QualityProgress.state,
            func.count().label("items"),
        )
        .join(YouthOffice, YouthOffice.id == QualityProgress.youth_office_id)
        .where(QualityProgress.quarter.in_(keys))
        .group_by(
            QualityProgress.youth_office_id,
            YouthOffice.name,
            QualityProgress.quarter,
            QualityProgress.state,
        )
    )
    if youth_office_id:
        stmt = stmt.where(QualityProgress.youth_office_id == youth_office_id)
    columns = ["youth_office_id", "youth_office", "quarter", "label", "state", "items"]
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=columns)
    labels = {q.key: q.short_label for q in quarters}
    reports = df.drop_duplicates(["youth_office_id", "quarter"])[
        ["youth_office_id", "youth_office", "quarter"]
    ]
    grid = reports.merge(pd.DataFrame({"state": list(QUALITY_STATES)}), how="cross")
    counts = df.set_index(["youth_office_id", "quarter", "state"])["items"]
    grid["items"] = [
        int(counts.get((o, q, s), 0))
        for o, q, s in zip(grid["youth_office_id"], grid["quarter"], grid["state"], strict=True)
    ]
    grid["label"] = grid["quarter"].map(labels)
    return grid.sort_values(["youth_office", "quarter"], kind="stable")[columns].reset_index(
        drop=True
    )


def quality_changes(progress: pd.DataFrame) -> pd.DataFrame:
    """The items whose state differs from the previous quarter (rows of
    :func:`quality_progress` with a previous state), forward moves first."""
    if progress.empty:
        return progress
    moved = progress[
        progress["previous_state"].notna() & (progress["previous_state"] != progress["state"])
    ]
    return moved.reset_index(drop=True)

"""Population: children per area and life phase as of a day (latest reference date)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, func, select

from core.models import Population


def children_as_of(conn: Connection, day: dt.date) -> pd.DataFrame:
    """Children per area and life phase from the latest count on or before ``day``.

    Columns: area_id, life_phase_id, children, stand.
    """
    latest = (
        select(
            Population.area_id,
            Population.life_phase_id,
            func.max(Population.period_end).label("pe"),
        )
        .where(Population.period_end <= day)
        .group_by(Population.area_id, Population.life_phase_id)
        .subquery()
    )
    stmt = select(
        Population.area_id,
        Population.life_phase_id,
        Population.children,
        Population.period_end.label("stand"),
    ).join(
        latest,
        and_(
            Population.area_id == latest.c.area_id,
            Population.life_phase_id == latest.c.life_phase_id,
            Population.period_end == latest.c.pe,
        ),
    )
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=["area_id", "life_phase_id", "children", "stand"])
    return df

"""Indicator values as of a quarter, aggregated correctly and suppressed for privacy.

* As of a quarter: for each area the latest value whose reference date
  (``period_end``) is on or before the quarter's end; the date is returned as ``stand``.
* Aggregation to Kommune and Kreis sums numerators and denominators of the areas
  below, each as of the same day; rates are never averaged. The aggregate's Stand is
  the oldest reference date that went into it. A value stored for the larger area
  itself (e.g. imported official figures) wins.
* Privacy suppression is applied here, so no caller can forget it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, func, select

from core.areas import areas
from core.catalogue import indicator as indicator_entry
from core.models import IndicatorValue
from core.privacy import PrivacyRules, display_value, suppress
from core.quarters import Quarter, parse_quarter

COLUMNS = [
    "area_id",
    "name",
    "level",
    "parent_id",
    "municipality_id",
    "municipality_name",
    "stand",
    "numerator",
    "denominator",
    "value",
    "provisional",
    "areas_included",
]


def _latest_values(conn: Connection, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """Stored values: per area the latest row on or before ``as_of``."""
    latest = (
        select(IndicatorValue.area_id, func.max(IndicatorValue.period_end).label("pe"))
        .where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.period_end <= as_of)
        .group_by(IndicatorValue.area_id)
        .subquery()
    )
    stmt = (
        select(
            IndicatorValue.area_id,
            IndicatorValue.period_end.label("stand"),
            IndicatorValue.numerator,
            IndicatorValue.denominator,
            IndicatorValue.value,
            IndicatorValue.provisional,
        )
        .join(
            latest,
            and_(
                IndicatorValue.area_id == latest.c.area_id,
                IndicatorValue.period_end == latest.c.pe,
            ),
        )
        .where(IndicatorValue.indicator_id == indicator_id)
    )
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(
            columns=["area_id", "stand", "numerator", "denominator", "value", "provisional"]
        )
    return df


def rate_value(num: float | None, den: float | None, entry: dict[str, Any]) -> float | None:
    if entry["kind"] == "count":
        return num
    if num is None or den is None or pd.isna(num) or pd.isna(den) or den == 0:
        return None
    return float(num) / float(den) * float(entry["scale"])


def _aggregate(children: pd.DataFrame, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Sum the children's as-of values; the Stand is the oldest of their reference dates.

    Children without any value are left out (``areas_included`` says how many count);
    when a child has only a rate without numerator and denominator, no sum is possible.
    """
    have = children.dropna(subset=["stand"])
    if have.empty:
        return None
    if have["numerator"].isna().any() or (
        entry["kind"] == "rate" and have["denominator"].isna().any()
    ):
        num = den = None
    else:
        num = float(have["numerator"].sum())
        den = float(have["denominator"].sum()) if entry["kind"] == "rate" else None
    return {
        "stand": have["stand"].min(),
        "numerator": num,
        "denominator": den,
        "value": rate_value(num, den, entry),
        "provisional": bool(have["provisional"].fillna(False).astype(bool).any()),
        "areas_included": len(have),
    }


def hierarchy_values(conn: Connection, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
    """Unsuppressed values of every area at every level as of a day (internal use).

    Sozialräume take their stored values; a Kommune and the Kreis take a stored
    value of their own if there is one, else the aggregate of the level below.
    """
    entry = indicator_entry(conn, indicator_id)
    meta = areas(conn)
    stored = _latest_values(conn, indicator_id, as_of)
    df = meta.merge(stored, how="left", left_on="id", right_on="area_id")
    df["area_id"] = df["id"]
    df["areas_included"] = 1
    if not stored.empty:
        recompute = df["value"].isna() & df["numerator"].notna()
        df.loc[recompute, "value"] = [
            np.nan if (v := rate_value(n, d, entry)) is None else v
            for n, d in zip(
                df.loc[recompute, "numerator"], df.loc[recompute, "denominator"], strict=True
            )
        ]
    rows = {r["id"]: r for r in df.to_dict("records")}
    for level, child_level in (("municipality", "area"), ("district", "municipality")):
        for rid, row in rows.items():
            if row["level"] != level or not pd.isna(row.get("stand")):
                continue
            kids = pd.DataFrame(
                [r for r in rows.values() if r["parent_id"] == rid and r["level"] == child_level]
            )
            agg = _aggregate(kids, entry) if not kids.empty else None
            if agg:
                row.update(agg)
    out = pd.DataFrame(list(rows.values()))
    out["provisional"] = out["provisional"].astype(object).where(out["provisional"].notna(), False)
    return out[COLUMNS]


def indicator_values(
    conn: Connection,
    indicator_id: str,
    quarter: str | Quarter,
    level: str = "area",
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Values of one indicator for one level as of the quarter's end, privacy-suppressed.

    Columns: area_id, name, level, municipality_id, municipality_name, stand (reference
    date), numerator, denominator, value, provisional, suppressed, suppression,
    display (German text), municipality_value, district_value (for comparison).
    Secondary suppression works within each Kommune (Sozialräume) or the Kreis (Kommunen).
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    entry = indicator_entry(conn, indicator_id)
    full = hierarchy_values(conn, indicator_id, q.end)
    shown = _suppressed_levels(full, entry, rules)
    out = shown[shown["level"] == level].copy()
    if municipality_id and level != "district":
        out = out[out["municipality_id"] == municipality_id]
    by_id = shown.set_index("area_id")
    muni_value = by_id["value"].to_dict()
    district_ids = shown.loc[shown["level"] == "district", "area_id"].tolist()
    out["municipality_value"] = out["municipality_id"].map(muni_value)
    out["district_value"] = muni_value.get(district_ids[0]) if district_ids else None
    out["display"] = [
        display_value(v, s, rules, int(entry["decimals"]), entry["unit"], entry["kind"])
        for v, s in zip(out["value"], out["suppression"], strict=True)
    ]
    return out.sort_values(["municipality_id", "area_id"], na_position="first").reset_index(
        drop=True
    )


def _suppressed_levels(
    full: pd.DataFrame, entry: dict[str, Any], rules: PrivacyRules
) -> pd.DataFrame:
    """Suppress each level with its parent as the group whose total is shown."""
    parts = []
    for level in ("district", "municipality", "area"):
        part = full[full["level"] == level]
        if part.empty:
            continue
        parts.append(suppress(part, rules, kind=entry["kind"], group="parent_id"))
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(float)
    return out


def time_series(
    conn: Connection,
    indicator_id: str,
    area_id: str,
    quarters: list[Quarter],
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """One area's value as of each quarter, with the Kreis value beside it.

    Columns: quarter (key), label, stand, value, suppressed, suppression, district_value.
    """
    rules = rules or PrivacyRules.from_settings()
    entry = indicator_entry(conn, indicator_id)
    rows = []
    for q in quarters:
        full = _suppressed_levels(hierarchy_values(conn, indicator_id, q.end), entry, rules)
        mine = full[full["area_id"] == area_id]
        kreis = full[full["level"] == "district"]
        if mine.empty:
            continue
        r = mine.iloc[0]
        rows.append(
            {
                "quarter": q.key,
                "label": q.short_label,
                "stand": r["stand"],
                "value": r["value"],
                "suppressed": bool(r["suppressed"]),
                "suppression": r["suppression"],
                "district_value": kreis["value"].iloc[0] if not kreis.empty else np.nan,
            }
        )
    return pd.DataFrame(rows)


def values_for_areas(
    conn: Connection,
    quarter: str | Quarter,
    area_ids: list[str] | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Every indicator for some areas (all levels) as of the quarter: a profile table."""
    from core.catalogue import indicators

    rules = rules or PrivacyRules.from_settings()
    frames = []
    for ind in indicators(conn).to_dict("records"):
        q = parse_quarter(quarter)
        full = _suppressed_levels(hierarchy_values(conn, ind["id"], q.end), ind, rules)
        if area_ids is not None:
            full = full[full["area_id"].isin(area_ids)]
        full = full.assign(indicator_id=ind["id"], indicator=ind["short_name"], unit=ind["unit"])
        full["display"] = [
            display_value(v, s, rules, int(ind["decimals"]), ind["unit"], ind["kind"])
            for v, s in zip(full["value"], full["suppression"], strict=True)
        ]
        frames.append(full)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

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

import numpy as np
import pandas as pd
from sqlalchemy import Connection, and_, func, select

from core.areas import areas
from core.catalogue import IndicatorEntry
from core.models import IndicatorValue
from core.privacy import PrivacyRules, display_value
from core.quarters import Quarter, quarter_of

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


STORED_COLUMNS = ["area_id", "stand", "numerator", "denominator", "value", "provisional"]


def _stored_values(
    conn: Connection, indicator_id: str, until: dt.date, latest_only: bool = False
) -> pd.DataFrame:
    """Stored values of an indicator with a reference date on or before ``until``; with
    ``latest_only`` just each area's newest one (one row per area, read by the database)."""
    stmt = select(
        IndicatorValue.area_id,
        IndicatorValue.period_end.label("stand"),
        IndicatorValue.numerator,
        IndicatorValue.denominator,
        IndicatorValue.value,
        IndicatorValue.provisional,
    ).where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.period_end <= until)
    if latest_only:
        newest = (
            select(IndicatorValue.area_id, func.max(IndicatorValue.period_end).label("pe"))
            .where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.period_end <= until)
            .group_by(IndicatorValue.area_id)
            .subquery()
        )
        stmt = stmt.join(
            newest,
            and_(
                IndicatorValue.area_id == newest.c.area_id,
                IndicatorValue.period_end == newest.c.pe,
            ),
        )
    return pd.DataFrame(conn.execute(stmt).all(), columns=STORED_COLUMNS)


def _latest(stored: pd.DataFrame, days: dict[str, dt.date]) -> pd.DataFrame:
    """Per as-of key and area the latest stored row on or before that day."""
    frames = []
    ordered = stored.sort_values("stand")
    for key, day in days.items():
        upto = ordered[ordered["stand"] <= day]
        frames.append(upto.groupby("area_id", as_index=False).tail(1).assign(asof=key))
    return pd.concat(frames, ignore_index=True) if frames else stored.assign(asof=None)


def rate_value(num: float | None, den: float | None, entry: IndicatorEntry) -> float | None:
    if entry.kind == "count":
        return num
    if num is None or den is None or pd.isna(num) or pd.isna(den) or den == 0:
        return None
    return float(num) / float(den) * entry.scale


def _rates(num: pd.Series, den: pd.Series, entry: IndicatorEntry) -> pd.Series:
    """Vectorised :func:`rate_value`."""
    num = num.astype(float)
    if entry.kind == "count":
        return num
    den = den.astype(float)
    return (num / den.where(den != 0) * entry.scale).astype(float)


def _fill_from_children(
    df: pd.DataFrame, level: str, child_level: str, entry: IndicatorEntry
) -> pd.DataFrame:
    """Give areas of ``level`` without a stored value the sum of their children.

    The Stand is the oldest reference date that went into the sum; children without
    any value are left out (``areas_included`` counts those that went in). When a
    child has only a rate without numerator and denominator, no sum is possible.
    """
    kids = df[(df["level"] == child_level) & df["stand"].notna()]
    if kids.empty:
        return df
    g = kids.groupby(["asof", "parent_id"])
    incomplete = g["numerator"].count() < g.size()
    if entry.kind == "rate":
        incomplete |= g["denominator"].count() < g.size()
    agg = pd.DataFrame(
        {
            "stand": g["stand"].min(),
            "numerator": g["numerator"].sum().where(~incomplete),
            "denominator": g["denominator"].sum().where(~incomplete)
            if entry.kind == "rate"
            else np.nan,
            "provisional": kids.assign(p=kids["provisional"].fillna(False).astype(bool))
            .groupby(["asof", "parent_id"])["p"]
            .any(),
            "areas_included": g.size(),
        }
    )
    agg["value"] = _rates(agg["numerator"], agg["denominator"], entry)
    keys = pd.MultiIndex.from_arrays([df["asof"], df["id"]])
    found = keys.isin(agg.index)
    target = ((df["level"] == level) & df["stand"].isna()).to_numpy() & found
    aligned = agg.reindex(keys)
    for col in ("stand", "numerator", "denominator", "value", "provisional", "areas_included"):
        df[col] = np.where(target, aligned[col].to_numpy(dtype=object), df[col].to_numpy(object))
    for col in ("numerator", "denominator", "value"):
        df[col] = df[col].astype(float)
    return df


def hierarchy_panel(
    conn: Connection, entry: IndicatorEntry, quarters: list[Quarter]
) -> pd.DataFrame:
    """Unsuppressed values of every area at every level as of each quarter's end (one
    read; column ``asof`` holds the quarter key). Internal use: outputs withhold first."""
    stored = _stored_values(conn, entry.id, max(q.end for q in quarters))
    days = {q.key: q.end for q in quarters}
    return _hierarchy(entry, areas(conn), _latest(stored, days), list(days))


def hierarchy_values(conn: Connection, entry: IndicatorEntry, as_of: dt.date) -> pd.DataFrame:
    """Unsuppressed values of every area at every level as of a day (internal use).

    Sozialräume take their stored values; a Kommune and the Kreis take a stored
    value of their own if there is one, else the aggregate of the level below.
    """
    stored = _stored_values(conn, entry.id, as_of, latest_only=True)
    return _hierarchy(entry, areas(conn), _latest(stored, {"asof": as_of}), ["asof"])


def _hierarchy(
    entry: IndicatorEntry, meta: pd.DataFrame, latest: pd.DataFrame, asof: list[str]
) -> pd.DataFrame:
    """Every area at every level for every as-of key of ``latest`` (column ``asof``)."""
    keys = pd.DataFrame({"asof": asof})  # every as-of key, with or without values
    df = meta.merge(keys, how="cross").merge(
        latest, how="left", left_on=["id", "asof"], right_on=["area_id", "asof"]
    )
    df["area_id"] = df["id"]
    df["areas_included"] = 1
    for col in ("numerator", "denominator", "value"):
        df[col] = df[col].astype(float)
    recompute = df["value"].isna() & df["numerator"].notna()
    df.loc[recompute, "value"] = _rates(
        df.loc[recompute, "numerator"], df.loc[recompute, "denominator"], entry
    )
    df = _fill_from_children(df, "municipality", "area", entry)
    df = _fill_from_children(df, "district", "municipality", entry)
    df["provisional"] = df["provisional"].astype(object).where(df["provisional"].notna(), False)
    return df[[*COLUMNS, "asof"]]


def indicator_values(
    conn: Connection,
    entry: IndicatorEntry,
    q: Quarter,
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
    full = hierarchy_values(conn, entry, q.end)
    shown = _suppressed_levels(conn, full, entry, rules)
    out = shown[shown["level"] == level].copy()
    if municipality_id and level != "district":
        out = out[out["municipality_id"] == municipality_id]
    by_id = shown.set_index("area_id")
    muni_value = by_id["value"].to_dict()
    district_ids = shown.loc[shown["level"] == "district", "area_id"].tolist()
    out["municipality_value"] = out["municipality_id"].map(muni_value)
    out["district_value"] = muni_value.get(district_ids[0]) if district_ids else None
    out["display"] = [
        display_value(v, s, rules, entry.decimals, entry.unit, entry.kind)
        for v, s in zip(out["value"], out["suppression"], strict=True)
    ]
    return out.sort_values(["municipality_id", "area_id"], na_position="first").reset_index(
        drop=True
    )


def _suppressed_levels(
    conn: Connection, full: pd.DataFrame, entry: IndicatorEntry, rules: PrivacyRules
) -> pd.DataFrame:
    """Withhold what the protected publication withholds: a withheld numerator or
    denominator hides the value and the numerator, a withheld denominator also itself."""
    from core.publication import REASON_WITHHELD, protected
    from core.published_cells import indicator_cells

    guard = protected(conn, rules)
    num_keys, den_keys = indicator_cells(entry, full)
    num_hidden = np.array([guard.hides(k) for k in num_keys], dtype=bool)
    den_hidden = np.array([guard.hides(k) for k in den_keys], dtype=bool)
    hidden = num_hidden | den_hidden
    out = full.copy()
    out["suppressed"] = hidden
    out["suppression"] = pd.Series(
        np.where(hidden, REASON_WITHHELD, None),  # type: ignore[call-overload]
        index=out.index,
        dtype=object,
    )
    out.loc[hidden, ["numerator", "value"]] = None
    out.loc[den_hidden, "denominator"] = None
    for col in ("numerator", "denominator", "value"):
        out[col] = out[col].astype(float)
    return out


def value_on(
    conn: Connection,
    entry: IndicatorEntry,
    area_id: str,
    day: dt.date,
    rules: PrivacyRules | None = None,
) -> float | None:
    """The published value of one area as of the last quarter that ended on or before
    ``day`` (None when withheld or missing): what the product showed for that quarter."""
    rules = rules or PrivacyRules.from_settings()
    q = quarter_of(day)
    if q.end > day:
        q = q.previous()
    full = hierarchy_values(conn, entry, q.end)
    shown = _suppressed_levels(conn, full, entry, rules)
    row = shown[shown["area_id"] == area_id]
    if row.empty or pd.isna(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def panel(
    conn: Connection,
    entry: IndicatorEntry,
    quarters: list[Quarter],
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Suppressed values of every area at every level as of each quarter (long format).

    Reads the indicator's values once; columns as :func:`indicator_values` without the
    comparison columns, plus ``quarter`` and ``label``.
    """
    rules = rules or PrivacyRules.from_settings()
    if not quarters:
        return pd.DataFrame(columns=[*COLUMNS, "suppressed", "suppression", "quarter", "label"])
    full = hierarchy_panel(conn, entry, quarters)
    out = _suppressed_levels(conn, full, entry, rules).rename(columns={"asof": "quarter"})
    out["label"] = out["quarter"].map({q.key: q.short_label for q in quarters})
    return out


def time_series(
    conn: Connection,
    entry: IndicatorEntry,
    area_id: str,
    quarters: list[Quarter],
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """One area's value as of each quarter, with the Kreis value beside it.

    Columns: quarter (key), label, stand, value, suppressed, suppression, district_value.
    """
    full = panel(conn, entry, quarters, rules)
    kreis = full[full["level"] == "district"].set_index("quarter")["value"]
    mine = full[full["area_id"] == area_id]
    out = mine[["quarter", "label", "stand", "value", "suppressed", "suppression"]].copy()
    out["suppressed"] = out["suppressed"].astype(bool)
    out["district_value"] = out["quarter"].map(kreis).astype(float)
    return out.reset_index(drop=True)

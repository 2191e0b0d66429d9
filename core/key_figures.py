"""Key figures of the start page and what changed since the previous quarter.

Each key figure carries its value, the change against a sensible earlier value, the
Stand and a German explanation. The earlier value is the previous quarter for
monthly and quarterly data, and the previous reference date (usually a year earlier)
for annual data, so an annual figure never shows a meaningless "±0".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from core.catalogue import IndicatorEntry
from core.catalogue import indicator as indicator_entry
from core.coverage import chain_completeness, coverage_cells
from core.indicators import indicator_values, value_on
from core.models import IndicatorValue
from core.networks import status_table
from core.present.numbers import format_date, format_number, format_value
from core.privacy import PrivacyRules
from core.quarters import Quarter, parse_quarter, quarter_of

KEY_INDICATORS = ("children_u18", "sgb2_u15", "u3_care", "ue3_care")


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the start page."""

    key: str
    label: str
    value: str
    delta: str | None
    delta_color: str  # "normal" (up is good), "inverse" (up is bad) or "off"
    stand: dt.date | None
    help: str


def _selection_row(
    conn: Connection, entry: IndicatorEntry, q: Quarter, muni: str | None, rules: PrivacyRules
) -> dict[str, Any] | None:
    level = "municipality" if muni else "district"
    df = indicator_values(conn, entry, q, level, muni, rules)
    return df.iloc[0].to_dict() if len(df) else None


def _delta_text(delta: float | None, unit: str, decimals: int) -> str | None:
    if delta is None:
        return None
    delta = round(delta, decimals) + 0.0  # no "-0,0"
    sign = "+" if delta > 0 else ("±" if delta == 0 else "")
    unit = "Pp." if unit == "%" else unit
    return f"{sign}{format_number(delta, decimals)} {unit}".strip()


def _colour(polarity: str) -> str:
    return {"higher_worse": "inverse", "higher_better": "normal"}.get(polarity, "off")


def indicator_figure(
    conn: Connection,
    indicator_id: str,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> KeyFigure:
    """An indicator for the Kreis or one Kommune with its change."""
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    entry = indicator_entry(conn, indicator_id)
    row = _selection_row(conn, entry, q, municipality_id, rules)
    value = row["value"] if row else None
    stand = row["stand"] if row and not pd.isna(row["stand"]) else None
    previous = None
    if row and value is not None and not pd.isna(value) and stand:
        earlier = (
            quarter_of(stand).previous().end
            if entry.periodicity in ("monthly", "quarterly")
            else stand - dt.timedelta(days=1)
        )
        previous = value_on(conn, entry, row["area_id"], earlier, rules)
    delta = None if previous is None or value is None or pd.isna(value) else value - previous
    basis = (
        "dem Quartal davor"
        if entry.periodicity in ("monthly", "quarterly")
        else "dem vorherigen Stichtag"
    )
    help_text = (
        f"{entry.definition} Quelle: {entry.source}. Stand: "
        f"{format_date(stand)}. Veränderung gegenüber {basis}."
    )
    shown = row["display"] if row else "–"
    if entry.kind == "count" and row is not None and not row["suppressed"]:
        shown = format_number(value, entry.decimals)  # the label names the unit
    unchanged = delta is not None and round(delta, entry.decimals) == 0
    return KeyFigure(
        key=indicator_id,
        label=entry.short_name,
        value=shown,
        delta=_delta_text(delta, entry.unit, entry.decimals),
        delta_color="off" if unchanged else _colour(entry.polarity),
        stand=stand,
        help=help_text,
    )


def _completeness_figure(conn: Connection, q: Quarter, muni: str | None) -> KeyFigure:
    _, share = chain_completeness(conn, q, muni)
    _, before = chain_completeness(conn, q.previous(), muni)
    change = round((share - before) * 100)
    return KeyFigure(
        key="completeness",
        label="Vollständigkeit der Kette",
        value=format_value(share * 100, "%", 0),
        delta=_delta_text((share - before) * 100, "%", 0),
        delta_color="normal" if change else "off",
        stand=q.end,
        help=(
            "Anteil der 36 Felder Lebensphase × Angebotsart, in denen es mindestens ein "
            "aktives Angebot gibt. Veränderung gegenüber dem Vorquartal."
        ),
    )


def _stage3_figure(conn: Connection, q: Quarter, muni: str | None) -> KeyFigure:
    now = status_table(conn, q, municipality_id=muni)
    before = status_table(conn, q.previous(), municipality_id=muni)
    n_now = int((now["stage"] == 3).sum())
    n_before = int((before["stage"] == 3).sum())
    return KeyFigure(
        key="networks_stage3",
        label="Netzwerke auf Stufe 3",
        value=f"{n_now} von {len(now)}",
        delta=_delta_text(n_now - n_before, "", 0),
        delta_color="normal" if n_now != n_before else "off",
        stand=q.end,
        help=(
            "Netzwerke, die als Produktionsnetzwerk arbeiten: Die Partner entwickeln und "
            "erbringen gemeinsam Angebote. Veränderung gegenüber dem Vorquartal."
        ),
    )


def _gaps_figure(conn: Connection, q: Quarter, muni: str | None, rules: PrivacyRules) -> KeyFigure:
    now = coverage_cells(conn, q, muni, rules)
    before = coverage_cells(conn, q.previous(), muni, rules)
    n_now = int((now["gap"] == True).sum())  # noqa: E712
    n_before = int((before["gap"] == True).sum())  # noqa: E712
    return KeyFigure(
        key="open_gaps",
        label="Offene Lücken",
        value=format_number(n_now, 0),
        delta=_delta_text(n_now - n_before, "", 0),
        delta_color="inverse" if n_now != n_before else "off",
        stand=q.end,
        help=(
            "Felder Sozialraum × Lebensphase, deren Versorgung unter dem Zielwert liegt "
            "oder in denen es kein Angebot gibt. Veränderung gegenüber dem Vorquartal."
        ),
    )


def key_figures(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> list[KeyFigure]:
    """The start page's figures for the Kreis or one Kommune."""
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    figures = [indicator_figure(conn, i, q, municipality_id, rules) for i in KEY_INDICATORS]
    figures.append(_completeness_figure(conn, q, municipality_id))
    figures.append(_stage3_figure(conn, q, municipality_id))
    figures.append(_gaps_figure(conn, q, municipality_id, rules))
    return figures


def new_data(conn: Connection, quarter: str | Quarter) -> pd.DataFrame:
    """Indicators with values whose reference date falls into the quarter.

    Columns: indicator_id, indicator, stand (newest date in the quarter), areas.
    """
    from core.catalogue import indicators

    q = parse_quarter(quarter)
    stmt = select(
        IndicatorValue.indicator_id, IndicatorValue.period_end, IndicatorValue.area_id
    ).where(IndicatorValue.period_end >= q.start, IndicatorValue.period_end <= q.end)
    df = pd.DataFrame(conn.execute(stmt).all(), columns=["indicator_id", "stand", "area_id"])
    names = indicators(conn).set_index("id")["name"]
    if df.empty:
        return pd.DataFrame(columns=["indicator_id", "indicator", "stand", "areas"])
    out = df.groupby("indicator_id").agg(stand=("stand", "max"), areas=("area_id", "nunique"))
    out = out.reset_index()
    out["indicator"] = out["indicator_id"].map(names)
    return out.sort_values("indicator").reset_index(drop=True)


def stage_changes(
    conn: Connection, quarter: str | Quarter, municipality_id: str | None = None
) -> pd.DataFrame:
    """Networks whose stage went up or down against the previous quarter."""
    df = status_table(conn, quarter, municipality_id=municipality_id)
    if df.empty:
        return df
    return df[df["change"].isin(["↑", "↓"])].reset_index(drop=True)

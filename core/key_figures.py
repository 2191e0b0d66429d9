"""Key figures of the start page, its trends and what changed since the previous quarter.

Each key figure carries its value, the change against a sensible earlier value, its
Stand and a German explanation. The earlier value is the previous quarter for
monthly and quarterly data, and the previous reference date (usually a year earlier)
for annual data, so an annual figure never shows a meaningless "±0". Value and
change are rounded once by DIN 1333 (:mod:`core.present.numbers`); the change is the
difference of the rounded values, so it always matches the figures a reader compares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from core.areas import district
from core.catalogue import IndicatorEntry, indicator, indicators
from core.coverage import chain_completeness, coverage_cells, need_vs_coverage
from core.indicators import indicator_values, time_series, value_on
from core.models import IndicatorValue
from core.networks import status_table
from core.present.changes import change_direction, change_text
from core.present.numbers import din_round, format_number, format_signed, format_value
from core.present.overview_tables import Trend
from core.present.stand import Stand
from core.present.vocabulary import QUADRANT_GAP
from core.privacy import PrivacyRules
from core.quarters import Quarter, quarter_of

KEY_INDICATORS = ("children_u18", "sgb2_u15", "u3_care", "ue3_care")
#: the indicators of the start page's trend charts, in order
TREND_INDICATORS = ("sgb2_u15", "u3_care", "ue3_care", "ogs", "hze", "welcome_visits")
PERCENT_POINTS = "Pp."


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

    @property
    def unchanged(self) -> bool:
        """True when the shown change is zero (``±…``)."""
        return change_direction(self.delta) == "same"

    @property
    def change(self) -> str:
        """The change as every output writes it, its symbol first (``"→ ±0 Pp."``, the
        one rule of :mod:`core.present.changes`); empty without an earlier value."""
        return change_text(self.delta)


def figures_stand(figures: Iterable[KeyFigure]) -> Stand:
    """The Stand of key figures shown together (one rule: :class:`Stand`)."""
    return Stand.of(f.stand for f in figures)


def _selection_row(
    conn: Connection, entry: IndicatorEntry, q: Quarter, muni: str | None, rules: PrivacyRules
) -> dict[str, Any] | None:
    level = "municipality" if muni else "district"
    df = indicator_values(conn, entry, q, level, muni, rules)
    return df.iloc[0].to_dict() if len(df) else None


def _change(now: float, before: float, decimals: int) -> float:
    """The change between two values as shown (both rounded by DIN 1333 first)."""
    shown_now = din_round(now, decimals) or 0.0
    shown_before = din_round(before, decimals) or 0.0
    return din_round(shown_now - shown_before, decimals) or 0.0


def _delta_text(delta: float | None, unit: str, decimals: int) -> str | None:
    if delta is None:
        return None
    return format_signed(delta, decimals, PERCENT_POINTS if unit == "%" else unit)


def _colour(polarity: str) -> str:
    return {"higher_worse": "inverse", "higher_better": "normal"}.get(polarity, "off")


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def indicator_figure(
    conn: Connection,
    entry: IndicatorEntry,
    q: Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> KeyFigure:
    """An indicator for the Kreis or one Kommune as of the quarter's end, with its change."""
    rules = rules or PrivacyRules.from_settings()
    row = _selection_row(conn, entry, q, municipality_id, rules)
    value = None if row is None or _missing(row["value"]) else float(row["value"])
    stand = None if row is None or _missing(row["stand"]) else row["stand"]
    if isinstance(stand, pd.Timestamp):
        stand = stand.date()
    delta = None
    if row is not None and value is not None and stand is not None:
        earlier = (
            quarter_of(stand).previous().end
            if entry.periodicity in ("monthly", "quarterly")
            else stand - dt.timedelta(days=1)
        )
        previous = value_on(conn, entry, row["area_id"], earlier, rules)
        if previous is not None:
            delta = _change(value, previous, entry.decimals)
    basis = (
        "dem Quartal davor"
        if entry.periodicity in ("monthly", "quarterly")
        else "dem vorherigen Stichtag"
    )
    help_text = (
        f"{entry.definition} Quelle: {entry.source}. Stand: "
        f"{Stand.of([stand]).text}. Veränderung gegenüber {basis}."
    )
    shown = row["display"] if row else format_value(None, entry.unit)
    if entry.kind == "count" and row is not None and not row["suppressed"]:
        shown = format_number(value, entry.decimals)  # the label names the unit
    return KeyFigure(
        key=entry.id,
        label=entry.short_name,
        value=shown,
        delta=_delta_text(delta, entry.unit, entry.decimals),
        delta_color="off" if delta == 0 else _colour(entry.polarity),
        stand=stand,
        help=help_text,
    )


def _completeness_figure(conn: Connection, q: Quarter, muni: str | None) -> KeyFigure:
    _, share = chain_completeness(conn, q, muni)
    _, before = chain_completeness(conn, q.previous(), muni)
    change = _change(share * 100, before * 100, 0)
    return KeyFigure(
        key="completeness",
        label="Vollständigkeit der Kette",
        value=format_value(share * 100, "%", 0),
        delta=_delta_text(change, "%", 0),
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
        value=f"{format_number(n_now, 0)} von {format_number(len(now), 0)}",
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
    q: Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> list[KeyFigure]:
    """The start page's figures for the Kreis or one Kommune as of the quarter's end."""
    rules = rules or PrivacyRules.from_settings()
    figures = [
        indicator_figure(conn, indicator(conn, i), q, municipality_id, rules)
        for i in KEY_INDICATORS
    ]
    figures.append(_completeness_figure(conn, q, municipality_id))
    figures.append(_stage3_figure(conn, q, municipality_id))
    figures.append(_gaps_figure(conn, q, municipality_id, rules))
    return figures


def look_first(
    conn: Connection, q: Quarter, municipality_id: str | None = None, limit: int = 5
) -> pd.DataFrame:
    """Where to look first: the Sozialräume with high need and low coverage, the
    strongest combination first (rows of :func:`core.coverage.need_vs_coverage`)."""
    look = need_vs_coverage(conn, q, municipality_id)
    return look[look["quadrant"] == QUADRANT_GAP].head(limit).reset_index(drop=True)


def trends(
    conn: Connection,
    quarters: Sequence[Quarter],
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> list[Trend]:
    """The start page's trend indicators for the Kreis or one Kommune over ``quarters``
    (pass the selection's history, so no series runs past the Berichtsquartal)."""
    area_id = municipality_id or str(district(conn)["id"])
    known = set(indicators(conn)["id"])
    entries = [indicator(conn, i) for i in TREND_INDICATORS if i in known]
    keys = {q.key for q in quarters}
    out = []
    for entry in entries:
        series = time_series(conn, entry, area_id, list(quarters), rules)
        # an indicator without any value yields no row of these quarters
        out.append(Trend(entry, series[series["quarter"].isin(keys)].reset_index(drop=True)))
    return out


def new_data(conn: Connection, q: Quarter) -> pd.DataFrame:
    """Indicators with values whose reference date falls into the quarter.

    Columns: indicator_id, indicator, stand (newest date in the quarter), areas.
    """
    stmt = select(
        IndicatorValue.indicator_id, IndicatorValue.period_end, IndicatorValue.area_id
    ).where(IndicatorValue.period_end >= q.start, IndicatorValue.period_end <= q.end)
    df = pd.DataFrame(conn.execute(stmt).all(), columns=["indicator_id", "stand", "area_id"])
    if df.empty:
        return pd.DataFrame(columns=["indicator_id", "indicator", "stand", "areas"])
    names = indicators(conn).set_index("id")["name"]
    out = df.groupby("indicator_id").agg(stand=("stand", "max"), areas=("area_id", "nunique"))
    out = out.reset_index()
    out["indicator"] = out["indicator_id"].map(names)
    return out.sort_values("indicator").reset_index(drop=True)


def stage_changes(conn: Connection, q: Quarter, municipality_id: str | None = None) -> pd.DataFrame:
    """Networks whose stage went up or down against the previous quarter."""
    df = status_table(conn, q, municipality_id=municipality_id)
    if df.empty:
        return df
    return df[df["change"].isin(["↑", "↓"])].reset_index(drop=True)

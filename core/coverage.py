"""Prevention-chain coverage: offers and places against children, per Sozialraum and
life phase, chain completeness, and need against coverage.

* Coverage of a phase: places per 100 children where the phase is measured in
  places (Krippe, Kita, Grundschule), else offers per 1,000 children; the metric and
  the target per phase come from the catalogue (``data/catalogue/life_phases.json``).
* Target attainment (``ratio``): the coverage as shown (DIN 1333, one decimal) /
  target, so the status is judged on the figure a reader sees (59,97 -> "60,0" against
  a target of 60 is "erreicht", 100 %); see :mod:`core.coverage_grid`. A *gap* is a
  phase below target or without any offer.
* Children are counts of persons: privacy suppression applies to them and to every
  coverage computed from them (primary and secondary, within each Kommune).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from core.areas import areas
from core.catalogue import (
    IndicatorEntry,
    indicator,
    indicator_entries,
    indicators,
    life_phases,
    offer_types,
)
from core.coverage_grid import (  # noqa: F401 (METRIC_LABELS, STATUS_*, status_of re-exported)
    CLOSE_SHARE,
    METRIC_LABELS,
    STATUS_CLOSE,
    STATUS_GAP,
    STATUS_REACHED,
    active_mask,
    coverage_grid,
    phase_totals,
    quarter_days,
    read_inputs,
    shown_percent,
    status_of,
    suppressed_cells,
    total_area,
)
from core.indicators import indicator_values
from core.offers import offer_phase_links
from core.present.numbers import din_round, format_number
from core.present.vocabulary import quadrant_label
from core.privacy import PrivacyRules
from core.publication import protected
from core.quarters import Quarter, parse_quarter

LOW_ATTAINMENT = 0.9


def coverage_cells(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Sozialraum × life phase for the quarter's end, privacy-suppressed.

    Columns: area_id, area_name, municipality_id, municipality_name, life_phase_id,
    phase, position, metric, metric_label, offers, places, children, children_stand,
    coverage, target, ratio, status, gap, suppressed, suppression.
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    days = quarter_days([q])
    grid = coverage_grid(read_inputs(conn, q.end), days, municipality_id)
    cells = suppressed_cells(grid, rules, protected(conn, rules))
    return cells.drop(columns="quarter").reset_index(drop=True)


def chain_summary(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """The chain for the Kreis or one Kommune: one row per life phase, in order.

    Totals sum offers, places and children over the Sozialräume (unsuppressed sums,
    then the privacy rules are applied to the total). ``gap_areas`` counts the
    Sozialräume with a gap in the phase.
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    inp, days = read_inputs(conn, q.end), quarter_days([q])
    grid = coverage_grid(inp, days, municipality_id)
    guard, total = protected(conn, rules), total_area(inp, municipality_id)
    cells = suppressed_cells(grid, rules, guard)
    totals = phase_totals(grid, cells, inp.phases, days, rules, guard, total)
    return totals.drop(columns="quarter")


def weakest_link(summary: pd.DataFrame) -> str:
    """One German sentence naming the weakest phase of a chain summary."""
    known = summary.dropna(subset=["ratio"])
    if known.empty:
        return (
            "Für diese Auswahl lässt sich keine Versorgung berechnen (keine oder nicht "
            "ausgewiesene Daten)."
        )
    row = known.sort_values(["ratio", "position"]).iloc[0]
    reached = shown_percent(row["ratio"])
    text = (
        f"Das schwächste Glied der Kette ist „{row['phase']}“: "
        f"{format_number(row['coverage'], 1)} {row['metric_label']} bei einem Ziel von "
        f"{format_number(row['target'], 0)} ({reached} % des Ziels)"
    )
    if row["gap_areas"]:
        text += f"; in {row['gap_areas']} von {row['areas']} Sozialräumen liegt eine Lücke vor"
    if (known["status"] == STATUS_REACHED).all():
        return "Alle Glieder der Kette erreichen ihr Ziel. " + text + "."
    return text + "."


def chain_completeness(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    area_id: str | None = None,
) -> tuple[pd.DataFrame, float]:
    """Life phase × offer type with the number of active offers, and the share of
    cells with at least one offer (0..1). Empty cells are the chain's gaps."""
    day = parse_quarter(quarter).end
    return _completeness(
        offer_phase_links(conn, day),
        areas(conn),
        life_phases(conn),
        offer_types(conn),
        municipality_id,
        area_id,
    )


def _completeness(
    links: pd.DataFrame,
    meta: pd.DataFrame,
    phases: pd.DataFrame,
    types: pd.DataFrame,
    municipality_id: str | None,
    area_id: str | None,
) -> tuple[pd.DataFrame, float]:
    if municipality_id:
        muni_of = dict(zip(meta["id"], meta["municipality_id"], strict=True))
        links = links[links["area_id"].map(muni_of) == municipality_id]
    if area_id:
        links = links[links["area_id"] == area_id]
    offers = set(
        zip(links["life_phase_id"], links["offer_type_id"], links["offer_id"], strict=True)
    )
    counts = Counter((phase, kind) for phase, kind, _ in offers)
    grid = pd.DataFrame(
        [
            {
                "life_phase_id": p.id,
                "phase": p.label,
                "phase_position": p.position,
                "offer_type_id": t.id,
                "offer_type": t.label,
                "type_position": t.position,
                "offers": counts.get((p.id, t.id), 0),
            }
            for p in phases.itertuples()
            for t in types.itertuples()
        ],
        columns=[
            "life_phase_id",
            "phase",
            "phase_position",
            "offer_type_id",
            "offer_type",
            "type_position",
            "offers",
        ],
    )
    grid["gap"] = grid["offers"] == 0
    share = float((~grid["gap"]).mean()) if len(grid) else 0.0
    return grid.sort_values(["phase_position", "type_position"]).reset_index(drop=True), share


def need_vs_coverage(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    need_indicator: str | IndicatorEntry = "sgb2_u15",
    phase: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Each Sozialraum's need (an indicator) against its coverage, with a quadrant.

    Need is *high* above the Kreis value of the indicator. Coverage is the target
    attainment of ``phase``, or, for ``phase=None``, the chain's mean attainment with
    each phase capped at 100 %; it is *low* below 100 % (one phase) or below 90 %
    (whole chain), judged on the whole percent as shown (``coverage_percent``).
    ``priority`` orders where to look first: need relative to the Kreis times the
    missing share of the target.
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)  # a Quarter; text still accepted for older callers
    entry = _entry(conn, need_indicator)
    need = indicator_values(conn, entry, q, "area", municipality_id, rules)
    return _need_vs(need, coverage_cells(conn, q, municipality_id, rules), phase)


def _entry(conn: Connection, wanted: str | IndicatorEntry) -> IndicatorEntry:
    return wanted if isinstance(wanted, IndicatorEntry) else indicator(conn, wanted)


def _percent(ratio: float, phase: str | None) -> int | None:
    """The coverage of a scatter point in whole percent as shown: a phase's attainment
    as everywhere (:func:`shown_percent`), the chain's mean rounded by DIN 1333."""
    if pd.isna(ratio):
        return None
    if phase:
        return shown_percent(ratio)
    return int(din_round(ratio * 100, 0) or 0)


def _need_vs(need: pd.DataFrame, cells: pd.DataFrame, phase: str | None) -> pd.DataFrame:
    gaps: dict[str, list[str]] = {}
    for area, phase_label, gap in zip(cells["area_id"], cells["phase"], cells["gap"], strict=True):
        if gap is True:
            gaps.setdefault(area, []).append(phase_label)
    if phase:
        cov = cells[cells["life_phase_id"] == phase].set_index("area_id")["ratio"]
        threshold = 1.0
    else:
        capped = cells.assign(r=cells["ratio"].clip(upper=1.0))
        cov = capped.groupby("area_id")["r"].mean()
        threshold = LOW_ATTAINMENT
    out = need[
        [
            "area_id",
            "name",
            "municipality_id",
            "municipality_name",
            "value",
            "display",
            "stand",
            "district_value",
            "suppressed",
        ]
    ].rename(
        columns={
            "value": "need",
            "display": "need_display",
            "stand": "need_stand",
            "suppressed": "need_suppressed",
        }
    )
    out["coverage_ratio"] = out["area_id"].map(cov).astype(float)
    out["coverage_percent"] = [_percent(r, phase) for r in out["coverage_ratio"]]
    out["gaps"] = [", ".join(gaps.get(a, [])) for a in out["area_id"]]
    out["need_high"] = out["need"] > out["district_value"]
    # judged on the percent as shown: 89,6 % of the chain is shown as 90 %, not low
    out["coverage_low"] = [p is not None and p < threshold * 100 for p in out["coverage_percent"]]
    out["quadrant"] = [
        None if pd.isna(n) or pd.isna(c) else quadrant_label(bool(h), bool(lo))
        for n, c, h, lo in zip(
            out["need"], out["coverage_ratio"], out["need_high"], out["coverage_low"], strict=True
        )
    ]
    rel_need = out["need"] / out["district_value"]
    out["priority"] = rel_need * (1 - out["coverage_ratio"].clip(upper=1.0))
    out.loc[out["quadrant"].isna(), "priority"] = np.nan
    return out.sort_values("priority", ascending=False, na_position="last").reset_index(drop=True)


def coverage_trend(
    conn: Connection,
    quarters: Sequence[Quarter],
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Coverage per life phase over the quarters for the Kreis or one Kommune.

    Rows as :func:`chain_summary`, plus ``quarter`` (key) and ``label`` (for axes).
    ``quarters`` are the series' quarters, e.g. ``Selection.history``.
    """
    rules = rules or PrivacyRules.from_settings()
    qs = list(quarters)
    if not qs:
        return pd.DataFrame()
    inp, days = read_inputs(conn, max(q.end for q in qs)), quarter_days(sorted(set(qs)))
    grid = coverage_grid(inp, days, municipality_id)
    guard, total = protected(conn, rules), total_area(inp, municipality_id)
    cells = suppressed_cells(grid, rules, guard)
    return _trend(phase_totals(grid, cells, inp.phases, days, rules, guard, total), qs)


def _trend(summaries: pd.DataFrame, quarters: list[Quarter]) -> pd.DataFrame:
    """The summaries of ``quarters`` in the order given, with ``quarter`` and ``label``."""
    wanted = pd.DataFrame({"quarter": [q.key for q in quarters]})
    out = wanted.merge(summaries, on="quarter", how="left")
    quarter = out.pop("quarter")
    return out.assign(quarter=quarter, label=quarter.map({q.key: q.short_label for q in quarters}))


HEATMAP_NEED = "sgb2_u15"


def need_indicators(conn: Connection) -> pd.DataFrame:
    """Indicators that measure need: rates where a higher value is worse."""
    df = indicators(conn)
    return df[(df["kind"] == "rate") & (df["polarity"] == "higher_worse")].reset_index(drop=True)


def need_entries(conn: Connection) -> tuple[IndicatorEntry, ...]:
    """:func:`need_indicators` as catalogue entries, in catalogue order."""
    return tuple(
        e for e in indicator_entries(conn) if e.kind == "rate" and e.polarity == "higher_worse"
    )


def _heatmap_order(cells: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    """The cells with their Sozialraum's need (``need``, ``need_display``, ``need_stand``,
    ``need_suppressed``), highest need first, each area's phases in chain order."""
    by_area = order.set_index("area_id")
    hidden = cells["area_id"].map(by_area["suppressed"])
    return (
        cells.assign(
            need=cells["area_id"].map(by_area["value"]).astype(float),
            need_display=cells["area_id"].map(by_area["display"]),
            need_stand=cells["area_id"].map(by_area["stand"]),
            need_suppressed=[h is True or h == 1 for h in hidden],
        )
        .sort_values(
            ["need", "area_id", "position"], ascending=[False, True, True], na_position="last"
        )
        .reset_index(drop=True)
    )


def heatmap_cells(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """:func:`coverage_cells` in heatmap order with each Sozialraum's need
    (:data:`HEATMAP_NEED`): the rows of the coverage table of page and CLI export."""
    rules = rules or PrivacyRules.from_settings()
    cells = coverage_cells(conn, quarter, municipality_id, rules)
    entry = indicator(conn, HEATMAP_NEED)
    need = indicator_values(conn, entry, quarter, "area", municipality_id, rules)
    return _heatmap_order(cells, need)


@dataclass(frozen=True)
class ChainView:
    """Everything the Präventionskette page shows for one selection, computed together.

    ``cells`` are :func:`heatmap_cells` (the Sozialraum's SGB-II-Quote unter 15,
    highest need first); ``heat_need`` is that indicator; ``need`` is
    :func:`need_vs_coverage`; ``trend`` is :func:`coverage_trend`.
    """

    summary: pd.DataFrame
    weakest: str
    cells: pd.DataFrame
    completeness: pd.DataFrame
    completeness_share: float
    need: pd.DataFrame
    trend: pd.DataFrame
    heat_need: IndicatorEntry


def _one_quarter(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows of one quarter, with ``status`` typed as if computed for that quarter
    alone (all unknown: ``None``; else text with NaN), like the single functions."""
    out = frame[frame["quarter"] == key].drop(columns="quarter")
    return out.assign(status=[None if pd.isna(v) else v for v in out["status"]])


def chain_view(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    quarters: Sequence[Quarter] = (),
    need_indicator: str | IndicatorEntry = HEATMAP_NEED,
    phase: str | None = None,
    rules: PrivacyRules | None = None,
) -> ChainView:
    """The page's data in one pass: the offers and children are read once for the
    quarter and the trend ``quarters`` (``Selection.history``: the trend ends at the
    selected quarter); results equal the single functions'."""
    rules = rules or PrivacyRules.from_settings()
    q = quarter
    trend_qs = list(quarters) or [q]
    qs = sorted({q, *trend_qs})
    inp = read_inputs(conn, qs[-1].end)
    days = quarter_days(qs)
    grid = coverage_grid(inp, days, municipality_id)
    guard, total = protected(conn, rules), total_area(inp, municipality_id)
    all_cells = suppressed_cells(grid, rules, guard)
    summaries = phase_totals(grid, all_cells, inp.phases, days, rules, guard, total)
    summary, cells = _one_quarter(summaries, q.key), _one_quarter(all_cells, q.key)
    grid_c, share = _completeness(
        inp.links[active_mask(inp.links, days[days["quarter"] == q.key])[:, 0]],
        inp.meta,
        inp.phases,
        offer_types(conn),
        municipality_id,
        None,
    )
    heat_need = indicator(conn, HEATMAP_NEED)
    order = indicator_values(conn, heat_need, q, "area", municipality_id, rules)
    need = order
    entry = _entry(conn, need_indicator)
    if entry.id != HEATMAP_NEED:
        need = indicator_values(conn, entry, q, "area", municipality_id, rules)
    cells = _heatmap_order(cells, order)
    return ChainView(
        summary=summary.reset_index(drop=True),
        weakest=weakest_link(summary),
        cells=cells,
        completeness=grid_c,
        completeness_share=share,
        need=_need_vs(need, cells, phase),
        trend=_trend(summaries, trend_qs),
        heat_need=heat_need,
    )

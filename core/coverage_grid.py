"""The coverage grid: offers, places and children per quarter × Sozialraum × life phase.

Computed from four reads (areas, life phases, offers with their phases, children) for
any number of quarters at once, so a trend over all quarters costs about as much as one
quarter. :mod:`core.coverage` builds its public functions on it.

* Offers and places are counted at the quarter's end (``active_from`` ≤ end ≤
  ``active_to``); an offer serving several phases has its places per phase where
  given, else its capacity divided evenly (:func:`core.offers.phase_places`).
* Children are the latest count on or before the quarter's end (``children_stand``).
* Coverage: places per 100 children, or offers per 1,000 children (per the phase's
  metric); none where there are no children.
* Target attainment and status are judged on the coverage *as shown*: the coverage
  rounded by DIN 1333 to its shown decimals (:data:`COVERAGE_DECIMALS`) is compared with
  the target. 59,97 places per 100 children are shown as "60,0"; against a target of 60
  that is "erreicht" and 100 %, never "60,0 · Ziel 60 · 100 %" beside "knapp". The
  attainment in percent (:func:`shown_percent`) stays inside its status band, so "100 %"
  is never shown for a phase below target, nor "80 %" for a Lücke.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, select

from core.areas import areas
from core.catalogue import life_phases
from core.models import Offer, OfferLifePhase, Population
from core.offers import phase_places
from core.present.numbers import din_round
from core.present.vocabulary import STATUS_CLOSE, STATUS_GAP, STATUS_REACHED
from core.privacy import PrivacyRules
from core.publication import REASON_WITHHELD, Protected
from core.published_cells import population_cells
from core.quarters import Quarter

METRIC_LABELS = {
    "places_per_100": "Plätze je 100 Kinder",
    "offers_per_1000": "Angebote je 1.000 Kinder",
}
CLOSE_SHARE = 0.8
#: coverage is shown with one decimal ("38,2 Plätze je 100 Kinder")
COVERAGE_DECIMALS = 1
#: float noise below this is no distance from a threshold (60,0 / 60 is exactly 1)
_TOLERANCE = 1e-9
EPOCH = dt.date(1970, 1, 1)


def status_of(ratio: float | None) -> str | None:
    """erreicht (≥ target), knapp (≥ 80 % of target) or Lücke; None when unknown.

    ``ratio`` is an attainment from :func:`attainment` (the shown coverage / target).
    """
    if ratio is None or pd.isna(ratio):
        return None
    if ratio >= 1 - _TOLERANCE:
        return STATUS_REACHED
    return STATUS_CLOSE if ratio >= CLOSE_SHARE - _TOLERANCE else STATUS_GAP


def attainment(coverage: pd.Series, target: pd.Series) -> pd.Series:
    """Target attainment judged on the figure as shown: the coverage rounded by DIN 1333
    to :data:`COVERAGE_DECIMALS`, divided by the target (NaN where no coverage)."""
    shown = [din_round(v, COVERAGE_DECIMALS) for v in coverage.to_numpy(dtype=float)]
    rounded = pd.Series(shown, index=coverage.index, dtype=float)
    return rounded / target.astype(float)


def shown_percent(ratio: float | None) -> int | None:
    """The attainment in whole percent as every output shows it: DIN 1333 rounded, but
    kept inside the band of its status (a phase below target shows at most 99 %, a
    Lücke at most 79 %), so the percent never contradicts the status beside it."""
    status = status_of(ratio)
    if status is None:
        return None
    assert ratio is not None
    percent = int(din_round(ratio * 100, 0) or 0)
    if status == STATUS_GAP:
        return min(percent, round(CLOSE_SHARE * 100) - 1)
    if status == STATUS_CLOSE:
        return min(max(percent, round(CLOSE_SHARE * 100)), 99)
    return max(percent, 100)


@dataclass(frozen=True)
class CoverageInputs:
    """What coverage is computed from, read once per call (internal)."""

    meta: pd.DataFrame
    phases: pd.DataFrame
    links: pd.DataFrame  # every offer × phase active at some point up to the last day
    kids: pd.DataFrame  # every population count up to the last day


def frame_of(rows: Sequence[Any], names: list[str]) -> pd.DataFrame:
    """Result rows as a frame, built column-wise (ten times faster than row-wise)."""
    cols = list(zip(*rows, strict=True)) or [()] * len(names)
    return pd.DataFrame({name: list(col) for name, col in zip(names, cols, strict=True)})


def read_inputs(conn: Connection, until: dt.date) -> CoverageInputs:
    """Areas, phases, offer links and children up to ``until`` in four queries."""
    stmt = (
        select(
            Offer.id,
            Offer.area_id,
            Offer.offer_type_id,
            Offer.capacity,
            Offer.active_from,
            Offer.active_to,
            OfferLifePhase.life_phase_id,
            OfferLifePhase.places,
        )
        .join(OfferLifePhase, OfferLifePhase.offer_id == Offer.id)
        .where(Offer.active_from <= until)
    )
    names = ["offer_id", "area_id", "offer_type_id", "capacity", "active_from", "active_to"]
    links = frame_of(conn.execute(stmt).all(), [*names, "life_phase_id", "phase_places"])
    # a phase's own places where given, else the capacity shared evenly
    links["places"] = phase_places(links)
    links["start"] = pd.to_datetime(links["active_from"])
    links["stop"] = pd.to_datetime(links["active_to"])
    kids_stmt = select(
        Population.area_id,
        Population.life_phase_id,
        Population.children,
        Population.period_end.label("children_stand"),
    ).where(Population.period_end <= until)
    kids = frame_of(
        conn.execute(kids_stmt).all(), ["area_id", "life_phase_id", "children", "children_stand"]
    )
    kids["ts"] = pd.to_datetime(kids["children_stand"])
    return CoverageInputs(areas(conn), life_phases(conn), links, kids)


def quarter_days(quarters: list[Quarter]) -> pd.DataFrame:
    """The quarters' keys and end days (the days offers and children are counted at)."""
    ends = pd.to_datetime([q.end for q in quarters])
    return pd.DataFrame({"quarter": [q.key for q in quarters], "day": ends})


def active_mask(links: pd.DataFrame, days: pd.DataFrame) -> np.ndarray:
    """Links × days: is the offer active at the day (quarter end)?"""
    day = days["day"].to_numpy("datetime64[D]")
    start = links["start"].to_numpy("datetime64[D]")[:, None]
    stop = links["stop"].to_numpy("datetime64[D]")[:, None]
    return (start <= day) & (np.isnat(stop) | (stop >= day))


def coverage_grid(
    inp: CoverageInputs, days: pd.DataFrame, municipality_id: str | None
) -> pd.DataFrame:
    """Unsuppressed quarter × Sozialraum × life phase: offers, places, children.

    Vectorised over the quarters: row ``d * n + i`` is quarter ``d``, cell ``i``.
    """
    sr = inp.meta[inp.meta["level"] == "area"]
    if municipality_id:
        sr = sr[sr["municipality_id"] == municipality_id]
    base = (
        sr[["id", "name", "municipality_id", "municipality_name"]]
        .rename(columns={"id": "area_id", "name": "area_name"})
        .merge(
            inp.phases[["id", "label", "position", "coverage_metric", "coverage_target"]].rename(
                columns={
                    "id": "life_phase_id",
                    "label": "phase",
                    "coverage_metric": "metric",
                    "coverage_target": "target",
                }
            ),
            how="cross",
        )
    )
    n, m = len(base), len(days)
    cell = pd.MultiIndex.from_frame(base[["area_id", "life_phase_id"]])
    keys = ["area_id", "life_phase_id"]
    # offers and places: each active (offer, phase) link once; (offer, phase) is unique
    li = cell.get_indexer(pd.MultiIndex.from_frame(inp.links[keys]))
    links = inp.links[li >= 0]
    rows, cols = np.nonzero(active_mask(links, days))
    flat = cols * n + li[li >= 0][rows]
    places = np.nan_to_num(links["places"].to_numpy(dtype=float))[rows]
    grid = days[["quarter"]].merge(base, how="cross")
    grid["offers"] = np.bincount(flat, minlength=n * m).astype(int)
    grid["places"] = np.bincount(flat, weights=places, minlength=n * m).astype(float)
    # children: per cell the latest count on or before the day
    ki = cell.get_indexer(pd.MultiIndex.from_frame(inp.kids[keys]))
    kids = inp.kids[ki >= 0]
    kts = kids["ts"].to_numpy("datetime64[D]").astype(np.int64)
    kcell = ki[ki >= 0]
    children = np.full(n * m, np.nan)
    stands = np.full(n * m, np.nan, dtype=object)
    ts = np.full(n * m, -1, dtype=np.int64)
    if len(kids):  # sorted keys cell·10⁷ + day: the last key ≤ (cell, quarter end) is it
        order = np.lexsort((kts, kcell))
        big = np.int64(10**7)
        wanted = np.tile(np.arange(n, dtype=np.int64), m)
        day = np.repeat(days["day"].to_numpy("datetime64[D]").astype(np.int64), n)
        pos = np.searchsorted(kcell[order] * big + kts[order], wanted * big + day, "right") - 1
        pick = order[np.clip(pos, 0, None)]
        found = (pos >= 0) & (kcell[pick] == wanted)
        children[found] = kids["children"].to_numpy(dtype=float)[pick[found]]
        stands[found] = kids["children_stand"].to_numpy(dtype=object)[pick[found]]
        ts[found] = kts[pick[found]]
    grid["children"], grid["children_stand"], grid["ts"] = children, stands, ts
    children = grid["children"]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_100 = grid["places"] / children * 100.0
        per_1000 = grid["offers"].astype(float) / children * 1000.0
    coverage = per_100.where(grid["metric"] == "places_per_100", per_1000)
    grid["coverage"] = coverage.where(children > 0)
    return grid


def total_area(inp: CoverageInputs, municipality_id: str | None) -> str | None:
    """The area whose totals a selection shows: the Kommune, else the Kreis."""
    if municipality_id:
        return municipality_id
    kreis = inp.meta.loc[inp.meta["level"] == "district", "id"]
    return str(kreis.iloc[0]) if len(kreis) else None


def _withhold(
    children: pd.Series, coverage: pd.Series, hidden: np.ndarray, rules: PrivacyRules
) -> pd.DataFrame:
    """Children as published and coverage shown only for a published, large enough count
    (coverage beside its offers or places would give the count back)."""
    kids = children.to_numpy(dtype=float)
    small = np.isnan(kids) | (kids < rules.min_denominator)
    return pd.DataFrame(
        {
            "children": np.where(hidden, np.nan, kids),
            "coverage": np.where(hidden | small, np.nan, coverage.to_numpy(dtype=float)),
            "suppressed": hidden | (small & ~np.isnan(kids)),
        },
        index=children.index,
    ).assign(
        suppression=pd.Series(
            [REASON_WITHHELD if h else None for h in hidden], index=children.index, dtype=object
        )
    )


def suppressed_cells(grid: pd.DataFrame, rules: PrivacyRules, guard: Protected) -> pd.DataFrame:
    """The grid's cells as published: children withheld where the publication withholds
    them (the same cells as the population table)."""
    keys = population_cells(
        grid["area_id"], grid["life_phase_id"], grid["children_stand"], grid["children"]
    )
    hidden = np.array([guard.hides(k) for k in keys], dtype=bool)
    cells = grid.copy()
    shown = _withhold(grid["children"], grid["coverage"], hidden, rules)
    for col in shown.columns:
        cells[col] = shown[col]
    cells["coverage"] = cells["coverage"].astype(float)
    cells["ratio"] = attainment(cells["coverage"], cells["target"])
    cells["status"] = statuses(cells["ratio"])
    below = cells["status"] != STATUS_REACHED
    no_offer = cells["offers"].to_numpy() == 0
    cells["gap"] = [
        True if empty else (None if s is None else bool(b))
        for s, b, empty in zip(cells["status"], below, no_offer, strict=True)
    ]
    cells["metric_label"] = cells["metric"].map(METRIC_LABELS)
    return cells[["quarter", *CELL_COLUMNS]].sort_values(
        ["quarter", "municipality_id", "area_id", "position"]
    )


CELL_COLUMNS = [
    "area_id",
    "area_name",
    "municipality_id",
    "municipality_name",
    "life_phase_id",
    "phase",
    "position",
    "metric",
    "metric_label",
    "offers",
    "places",
    "children",
    "children_stand",
    "coverage",
    "target",
    "ratio",
    "status",
    "gap",
    "suppressed",
    "suppression",
]


def phase_totals(
    grid: pd.DataFrame,
    cells: pd.DataFrame,
    phases: pd.DataFrame,
    days: pd.DataFrame,
    rules: PrivacyRules,
    guard: Protected,
    total_area: str | None,
) -> pd.DataFrame:
    """One row per quarter and life phase: sums over the Sozialräume of ``total_area``
    (the Kommune or the Kreis), its children withheld as its population cell is.

    Uses the grid's layout (quarter × Sozialraum × phase, see :func:`coverage_grid`);
    ``cells`` keep the grid's index, so their gaps are counted in the same layout.
    """
    m, p = len(days), len(phases)
    n_areas = len(grid) // (m * p) if m * p else 0

    def total(values: pd.Series, how: str = "sum") -> np.ndarray:
        cube = values.to_numpy(dtype=float).reshape(m, n_areas, p)
        if how == "max":
            return cube.max(axis=1, initial=-1).ravel()
        return np.nansum(cube, axis=1).ravel()

    children = total(grid["children"])
    offers, places = total(grid["offers"]), total(grid["places"])
    metric = np.tile(phases["coverage_metric"].to_numpy(dtype=object), m)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(
            metric == "places_per_100", places / children * 100, offers / children * 1000
        )
    df = pd.DataFrame(
        {
            "quarter": np.repeat(days["quarter"].to_numpy(dtype=object), p),
            "life_phase_id": np.tile(phases["id"].to_numpy(dtype=object), m),
            "phase": np.tile(phases["label"].to_numpy(dtype=object), m),
            "position": np.tile(phases["position"].to_numpy(), m),
            "metric": metric,
            "metric_label": [METRIC_LABELS[x] for x in metric],
            "offers": offers.astype(int),
            "places": places,
            "numerator": children,
            "denominator": children,
            "value": np.where(children > 0, value, np.nan),
            "target": np.tile(phases["coverage_target"].to_numpy(), m),
            "children_stand": _stands(total(grid["ts"], "max"), m, p),
            "gap_areas": total(cells["gap"].sort_index() == True).astype(int),  # noqa: E712
            "areas": n_areas,
        }
    )
    keys = population_cells(
        [total_area] * len(df), df["life_phase_id"], df["children_stand"], df["numerator"]
    )
    hidden = np.array([total_area is None or guard.hides(k) for k in keys], dtype=bool)
    shown = _withhold(df["numerator"], df["value"], hidden, rules)
    df = df.drop(columns=["numerator", "denominator", "value"])
    for col in shown.columns:
        df[col] = shown[col]
    df["coverage"] = df["coverage"].astype(float)
    df["ratio"] = attainment(df["coverage"], df["target"])
    df["status"] = statuses(df["ratio"])
    return df.sort_values(["quarter", "position"], kind="stable").reset_index(drop=True)


def _stands(newest: np.ndarray, m: int, p: int) -> list[dt.date | float | None]:
    """Newest reference date per quarter and phase (days since 1970, -1: none): NaN
    for a phase without counts, None when the quarter has no counts at all."""
    out: list[dt.date | float | None] = []
    for d in range(m):
        days = newest[d * p : (d + 1) * p]
        none = None if (days < 0).all() else np.nan
        out += [EPOCH + dt.timedelta(days=int(t)) if t >= 0 else none for t in days]
    return out


def statuses(ratio: pd.Series) -> np.ndarray:
    """Vectorised :func:`status_of`."""
    r = ratio.to_numpy(dtype=float)
    reached, close = r >= 1 - _TOLERANCE, r >= CLOSE_SHARE - _TOLERANCE
    out = np.where(reached, STATUS_REACHED, np.where(close, STATUS_CLOSE, STATUS_GAP))
    out = out.astype(object)
    out[np.isnan(r)] = None
    return out

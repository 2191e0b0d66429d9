"""Prevention-chain coverage: offers and places against children, per Sozialraum and
life phase, chain completeness, and need against coverage.

* Coverage of a phase: places per 100 children where the phase is measured in
  places (Krippe, Kita, Grundschule), else offers per 1,000 children; the metric and
  the target per phase come from the catalogue (``data/catalogue/life_phases.json``).
* Target attainment (``ratio``): coverage / target. A *gap* is a phase below target
  or without any offer.
* Children are counts of persons: privacy suppression applies to them and to every
  coverage computed from them (primary and secondary, within each Kommune).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from core.areas import areas
from core.catalogue import life_phases, offer_types
from core.format import format_number
from core.offers import offer_phase_links
from core.population import children_as_of
from core.privacy import PrivacyRules, suppress
from core.quarters import Quarter, parse_quarter

METRIC_LABELS = {
    "places_per_100": "Plätze je 100 Kinder",
    "offers_per_1000": "Angebote je 1.000 Kinder",
}
STATUS_REACHED, STATUS_CLOSE, STATUS_GAP = "erreicht", "knapp", "Lücke"
CLOSE_SHARE = 0.8
LOW_ATTAINMENT = 0.9


def _coverage(offers: float, places: float, children: float, metric: str) -> float | None:
    if children is None or pd.isna(children) or children <= 0:
        return None
    if metric == "places_per_100":
        return float(places) / float(children) * 100.0
    return float(offers) / float(children) * 1000.0


def status_of(ratio: float | None) -> str | None:
    """erreicht (≥ target), knapp (≥ 80 % of target) or Lücke; None when unknown."""
    if ratio is None or pd.isna(ratio):
        return None
    if ratio >= 1:
        return STATUS_REACHED
    return STATUS_CLOSE if ratio >= CLOSE_SHARE else STATUS_GAP


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
    day = parse_quarter(quarter).end
    meta = areas(conn)
    sr = meta[meta["level"] == "area"]
    if municipality_id:
        sr = sr[sr["municipality_id"] == municipality_id]
    phases = life_phases(conn)
    grid = (
        sr[["id", "name", "municipality_id", "municipality_name"]]
        .rename(columns={"id": "area_id", "name": "area_name"})
        .merge(
            phases[["id", "label", "position", "coverage_metric", "coverage_target"]].rename(
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
    links = offer_phase_links(conn, day)
    per_cell = (
        links.groupby(["area_id", "life_phase_id"])
        .agg(offers=("offer_id", "nunique"), places=("places", "sum"))
        .reset_index()
    )
    grid = grid.merge(per_cell, how="left", on=["area_id", "life_phase_id"])
    grid["offers"] = grid["offers"].fillna(0).astype(int)
    grid["places"] = grid["places"].fillna(0.0)
    kids = children_as_of(conn, day).rename(columns={"stand": "children_stand"})
    grid = grid.merge(kids, how="left", on=["area_id", "life_phase_id"])
    grid["coverage"] = [
        _coverage(o, p, c, m)
        for o, p, c, m in zip(
            grid["offers"], grid["places"], grid["children"], grid["metric"], strict=True
        )
    ]
    cells = grid.assign(
        numerator=grid["children"],
        denominator=grid["children"],
        value=grid["coverage"],
        group=grid["municipality_id"] + "|" + grid["life_phase_id"],
    )
    cells = suppress(cells, rules, kind="rate", group="group")
    cells["children"] = cells["numerator"]
    cells["coverage"] = cells["value"].astype(float)
    cells["ratio"] = cells["coverage"] / cells["target"]
    cells["status"] = [status_of(r) for r in cells["ratio"]]
    cells["gap"] = [
        True if o == 0 else (None if pd.isna(r) else bool(r < 1))
        for o, r in zip(cells["offers"], cells["ratio"], strict=True)
    ]
    cells["metric_label"] = cells["metric"].map(METRIC_LABELS)
    cols = [
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
    return (
        cells[cols].sort_values(["municipality_id", "area_id", "position"]).reset_index(drop=True)
    )


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
    day = parse_quarter(quarter).end
    meta = areas(conn)
    sr_ids = meta.loc[meta["level"] == "area"]
    if municipality_id:
        sr_ids = sr_ids[sr_ids["municipality_id"] == municipality_id]
    ids = set(sr_ids["id"])
    links = offer_phase_links(conn, day)
    links = links[links["area_id"].isin(ids)]
    kids = children_as_of(conn, day)
    kids = kids[kids["area_id"].isin(ids)]
    cells = coverage_cells(conn, quarter, municipality_id, rules)
    rows = []
    for ph in life_phases(conn).to_dict("records"):
        mine = links[links["life_phase_id"] == ph["id"]]
        offers = int(mine["offer_id"].nunique())
        places = float(mine["places"].sum())
        children = kids.loc[kids["life_phase_id"] == ph["id"], "children"].sum()
        stand = kids.loc[kids["life_phase_id"] == ph["id"], "stand"].max() if len(kids) else None
        phase_cells = cells[cells["life_phase_id"] == ph["id"]]
        rows.append(
            {
                "life_phase_id": ph["id"],
                "phase": ph["label"],
                "position": ph["position"],
                "metric": ph["coverage_metric"],
                "metric_label": METRIC_LABELS[ph["coverage_metric"]],
                "offers": offers,
                "places": places,
                "numerator": float(children),
                "denominator": float(children),
                "value": _coverage(offers, places, children, ph["coverage_metric"]),
                "target": ph["coverage_target"],
                "children_stand": stand,
                "gap_areas": int((phase_cells["gap"] == True).sum()),  # noqa: E712
                "areas": len(phase_cells),
            }
        )
    df = suppress(pd.DataFrame(rows), rules, kind="rate")
    df = df.rename(columns={"numerator": "children", "value": "coverage"}).drop(
        columns=["denominator"]
    )
    df["coverage"] = df["coverage"].astype(float)
    df["ratio"] = df["coverage"] / df["target"]
    df["status"] = [status_of(r) for r in df["ratio"]]
    return df


def weakest_link(summary: pd.DataFrame) -> str:
    """One German sentence naming the weakest phase of a chain summary."""
    known = summary.dropna(subset=["ratio"])
    if known.empty:
        return (
            "Für diese Auswahl lässt sich keine Versorgung berechnen (keine oder gesperrte Daten)."
        )
    row = known.sort_values(["ratio", "position"]).iloc[0]
    reached = format_number(row["ratio"] * 100, 0)
    text = (
        f"Das schwächste Glied der Kette ist „{row['phase']}“: "
        f"{format_number(row['coverage'], 1)} {row['metric_label']} bei einem Ziel von "
        f"{format_number(row['target'], 0)} ({reached} % des Ziels)"
    )
    if row["gap_areas"]:
        text += f"; in {row['gap_areas']} von {row['areas']} Sozialräumen liegt eine Lücke vor"
    if (known["ratio"] >= 1).all():
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
    meta = areas(conn)
    links = offer_phase_links(conn, day).merge(
        meta[["id", "municipality_id"]], left_on="area_id", right_on="id", how="left"
    )
    if municipality_id:
        links = links[links["municipality_id"] == municipality_id]
    if area_id:
        links = links[links["area_id"] == area_id]
    phases = life_phases(conn)
    types = offer_types(conn)
    grid = (
        phases[["id", "label", "position"]]
        .rename(columns={"id": "life_phase_id", "label": "phase", "position": "phase_position"})
        .merge(
            types[["id", "label", "position"]].rename(
                columns={"id": "offer_type_id", "label": "offer_type", "position": "type_position"}
            ),
            how="cross",
        )
    )
    counts = links.groupby(["life_phase_id", "offer_type_id"])["offer_id"].nunique()
    grid = grid.join(counts.rename("offers"), on=["life_phase_id", "offer_type_id"])
    grid["offers"] = grid["offers"].fillna(0).astype(int)
    grid["gap"] = grid["offers"] == 0
    share = float((~grid["gap"]).mean()) if len(grid) else 0.0
    return grid.sort_values(["phase_position", "type_position"]).reset_index(drop=True), share


def need_vs_coverage(
    conn: Connection,
    quarter: str | Quarter,
    municipality_id: str | None = None,
    need_indicator: str = "sgb2_u15",
    phase: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Each Sozialraum's need (an indicator) against its coverage, with a quadrant.

    Need is *high* above the Kreis value of the indicator. Coverage is the target
    attainment of ``phase``, or, for ``phase=None``, the chain's mean attainment with
    each phase capped at 100 %; it is *low* below 100 % (one phase) or below 90 %
    (whole chain). ``priority`` orders where to look first: need relative to the Kreis
    times the missing share of the target.
    """
    from core.indicators import indicator_values

    rules = rules or PrivacyRules.from_settings()
    need = indicator_values(conn, need_indicator, quarter, "area", municipality_id, rules)
    cells = coverage_cells(conn, quarter, municipality_id, rules)
    gaps = (
        cells[cells["gap"] == True]  # noqa: E712
        .groupby("area_id")["phase"]
        .agg(lambda s: ", ".join(s))
    )
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
    out["gaps"] = out["area_id"].map(gaps).fillna("")
    out["need_high"] = out["need"] > out["district_value"]
    out["coverage_low"] = out["coverage_ratio"] < threshold
    out["quadrant"] = [
        None if pd.isna(n) or pd.isna(c) else _quadrant(bool(h), bool(lo))
        for n, c, h, lo in zip(
            out["need"], out["coverage_ratio"], out["need_high"], out["coverage_low"], strict=True
        )
    ]
    rel_need = out["need"] / out["district_value"]
    out["priority"] = rel_need * (1 - out["coverage_ratio"].clip(upper=1.0))
    out.loc[out["quadrant"].isna(), "priority"] = np.nan
    return out.sort_values("priority", ascending=False, na_position="last").reset_index(drop=True)


QUADRANTS = {
    (True, True): "hoher Bedarf, niedrige Versorgung",
    (True, False): "hoher Bedarf, gute Versorgung",
    (False, True): "geringerer Bedarf, niedrige Versorgung",
    (False, False): "geringerer Bedarf, gute Versorgung",
}


def _quadrant(need_high: bool, coverage_low: bool) -> str:
    return QUADRANTS[(need_high, coverage_low)]


def coverage_trend(
    conn: Connection,
    quarters: list[Quarter],
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Coverage per life phase over the quarters for the Kreis or one Kommune."""
    frames = []
    for q in quarters:
        s = chain_summary(conn, q, municipality_id, rules)
        frames.append(s.assign(quarter=q.key, label=q.short_label))
    return pd.concat(frames, ignore_index=True)

"""The Sozialraum profile (Steckbrief): everything known about one area in one place."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection

from core.areas import area as area_row
from core.catalogue import indicator_entries, indicators, life_phases
from core.indicators import panel
from core.networks import networks, status_table
from core.population import children_as_of
from core.privacy import PrivacyRules, display_value
from core.publication import REASON_WITHHELD, protected
from core.published_cells import population_cells
from core.quarters import Quarter, parse_quarter


def population_by_phase(
    conn: Connection, area_id: str, quarter: str | Quarter, rules: PrivacyRules | None = None
) -> pd.DataFrame:
    """Children of one area per life phase as of the quarter, withheld as the protected
    publication withholds them (:mod:`core.publication`).

    Columns: life_phase_id, phase, age band text, children (NaN when hidden), display, stand.
    """
    rules = rules or PrivacyRules.from_settings()
    q = parse_quarter(quarter)
    kids = children_as_of(conn, q.end)
    kids = kids[kids["area_id"] == area_id]
    phases = life_phases(conn)
    df = phases[["id", "label", "age_from", "age_to", "position"]].merge(
        kids, how="left", left_on="id", right_on="life_phase_id"
    )
    guard = protected(conn, rules)
    keys = population_cells([area_id] * len(df), df["id"], df["stand"], df["children"])
    hidden = [guard.hides(k) for k in keys]
    cells = df.assign(
        value=df["children"].astype(float).where(~pd.Series(hidden, index=df.index)),
        suppression=[REASON_WITHHELD if h else None for h in hidden],
    )
    return pd.DataFrame(
        {
            "life_phase_id": df["id"],
            "phase": df["label"],
            "ages": [
                f"{a:g} bis unter {b:g} Jahre"
                for a, b in zip(df["age_from"], df["age_to"], strict=True)
            ],
            "children": cells["value"].astype(float),
            "display": [
                display_value(v, s, rules, 0, "", "count")
                for v, s in zip(cells["value"], cells["suppression"], strict=True)
            ],
            "stand": df["stand"],
        }
    )


def indicator_panels(
    conn: Connection,
    history: Sequence[Quarter],
    rules: PrivacyRules | None = None,
) -> dict[str, pd.DataFrame]:
    """Every indicator's suppressed values for all areas over the ``history`` quarters
    (``Selection.history``: up to and including the Berichtsquartal; see
    :func:`core.indicators.panel`); area-independent, so a UI can cache it once for
    all profiles."""
    rules = rules or PrivacyRules.from_settings()
    upto = sorted(set(history))
    return {ind.id: panel(conn, ind, upto, rules) for ind in indicator_entries(conn)}


def history_until(quarter: Quarter, quarters: Sequence[Quarter]) -> tuple[Quarter, ...]:
    """The quarters up to and including ``quarter`` (it included), ascending."""
    return tuple(sorted({x for x in quarters if x <= quarter} | {quarter}))


def profile_rows(
    catalogue: pd.DataFrame,
    panels: dict[str, pd.DataFrame],
    area: dict,
    quarter: Quarter,
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """Every indicator for one area as of the quarter, with Kommune and Kreis values and
    the series over the panel's quarters (for trend lines; hidden quarters are None).

    Columns: indicator_id, indicator, name, unit, decimals, polarity, topic, definition,
    source, value, display, stand, suppressed, municipality_value,
    municipality_suppressed, municipality_display, district_value, district_suppressed,
    district_display, series, series_labels.
    """
    rules = rules or PrivacyRules.from_settings()
    q = quarter
    area_id = area["id"]
    rows = []
    for ind in catalogue.to_dict("records"):
        full = panels[ind["id"]]
        now = full[full["quarter"] == q.key].set_index("area_id")
        mine = full[full["area_id"] == area_id].sort_values("quarter")

        def shown(aid: str | None, ind: dict = ind, now: pd.DataFrame = now) -> str:
            if not aid or aid not in now.index:
                return "–"
            r = now.loc[aid]
            return display_value(
                r["value"],
                r["suppression"],
                rules,
                int(ind["decimals"]),
                ind["unit"],
                ind["kind"],
            )

        def cell(aid: str | None, now: pd.DataFrame = now) -> tuple[float | None, bool]:
            if not aid or aid not in now.index:
                return None, False
            r = now.loc[aid]
            return (None if pd.isna(r["value"]) else float(r["value"])), bool(r["suppressed"])

        district_id = now.index[now["level"] == "district"]
        kreis = district_id[0] if len(district_id) else None
        muni_value, muni_hidden = cell(area.get("municipality_id"))
        kreis_value, kreis_hidden = cell(kreis)
        cur = now.loc[area_id] if area_id in now.index else None
        rows.append(
            {
                "indicator_id": ind["id"],
                "indicator": ind["short_name"],
                "name": ind["name"],
                "unit": ind["unit"],
                "decimals": int(ind["decimals"]),
                "polarity": ind["polarity"],
                "topic": ind["topic"],
                "definition": ind["definition"],
                "source": ind["source"],
                "value": None if cur is None else cur["value"],
                "display": shown(area_id),
                "stand": None if cur is None else cur["stand"],
                "suppressed": bool(cur is not None and cur["suppressed"]),
                "municipality_value": muni_value,
                "municipality_suppressed": muni_hidden,
                "municipality_display": shown(area.get("municipality_id")),
                "district_value": kreis_value,
                "district_suppressed": kreis_hidden,
                "district_display": shown(kreis),
                "series": [None if pd.isna(v) else float(v) for v in mine["value"]],
                "series_labels": mine["label"].tolist(),
            }
        )
    return pd.DataFrame(rows)


def indicator_profile(
    conn: Connection,
    area_id: str,
    quarter: str | Quarter,
    quarters: list[Quarter],
    rules: PrivacyRules | None = None,
) -> pd.DataFrame:
    """:func:`profile_rows` for one area, reading everything it needs; the series run
    over ``quarters`` up to ``quarter``."""
    q = parse_quarter(quarter)  # a Quarter; text still accepted for older callers
    panels = indicator_panels(conn, history_until(q, quarters), rules)
    return profile_rows(indicators(conn), panels, area_row(conn, area_id), q, rules)


def area_networks(conn: Connection, area_id: str, quarter: str | Quarter) -> pd.DataFrame:
    """Networks active in an area: those for the area itself, its Kommune and, when
    coordinated by the area's youth office or the Kreis's health conference, the Kreis;
    with their status in the quarter."""
    me = area_row(conn, area_id)
    nets = networks(conn)
    if nets.empty:
        return nets
    scopes = {area_id, me.get("municipality_id"), me.get("parent_id")}
    mine = nets[
        (nets["scope_area_id"] == area_id)
        | ((nets["youth_office_id"] == me.get("youth_office_id")) & (nets["scope_level"] != "area"))
        | ((nets["scope_level"] == "district") & (nets["kind_id"] == "gesundheitskonferenz"))
    ]
    mine = mine[mine["scope_area_id"].isin(scopes) | (mine["scope_level"] == "district")]
    status = status_table(conn, parse_quarter(quarter))
    return status[status["network_id"].isin(mine["network_id"])].reset_index(drop=True)

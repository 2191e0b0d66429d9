"""Demo population and indicator values: plausible levels, spatial need pattern, trends.

Every figure is drawn from one seeded generator, so the same seed gives the same data.
Values are stored for Sozialräume only; Kommune and Kreis values are aggregated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from core.demo.geography import MUNICIPALITIES, area_id
from core.quarters import Quarter, quarter_range

# share of the population in each life phase's age band (NRW-like age structure)
PHASE_SHARES = {
    "birth": 0.0098,
    "crib": 0.0295,
    "kita": 0.0300,
    "primary": 0.0385,
    "secondary": 0.0570,
    "transition": 0.0505,
}
POPULATION_YEARS = (2022, 2023, 2024, 2025)
FIRST_QUARTER = Quarter(2023, 1)
LAST_QUARTER = Quarter(2026, 3)
COUNTY_POPULATION = 458_722


@dataclass
class DemoSozialraum:
    """A generated Sozialraum: id, parent, need and population by year."""

    id: str
    municipality: str
    name: str
    need: float
    population: dict[int, int]
    trend: float


def sozialraeume(rng: np.random.Generator) -> list[DemoSozialraum]:
    """Population per Sozialraum and year, scaled to the county's real total."""
    total = sum(m.population for m in MUNICIPALITIES)
    scale = COUNTY_POPULATION / total
    out = []
    for m in MUNICIPALITIES:
        weights = np.array([a.weight for a in m.areas]) * rng.uniform(0.85, 1.15, len(m.areas))
        base = m.population * scale * weights / weights.sum()
        for i, (a, pop) in enumerate(zip(m.areas, base, strict=True), 1):
            growth = rng.normal(0.004, 0.004)
            population = {y: round(pop * (1 + growth) ** (y - 2023)) for y in POPULATION_YEARS}
            out.append(
                DemoSozialraum(
                    area_id(m.ags, i),
                    m.ags,
                    a.name,
                    a.need,
                    population,
                    trend=float(rng.normal(0.0, 0.15)),
                )
            )
    return out


def phase_children(s: DemoSozialraum, year: int) -> dict[str, int]:
    """Children per life phase; high-need areas are a little younger."""
    factor = 0.9 + 0.3 * s.need
    return {p: round(s.population[year] * share * factor) for p, share in PHASE_SHARES.items()}


def population_rows(areas: list[DemoSozialraum]) -> list[dict]:
    """Rows of the population table (31 December of each year)."""
    rows = []
    for s in areas:
        for y in POPULATION_YEARS:
            for phase, n in phase_children(s, y).items():
                rows.append(
                    {
                        "area_id": s.id,
                        "period_end": dt.date(y, 12, 31),
                        "life_phase_id": phase,
                        "children": n,
                    }
                )
    return rows


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append(nxt - dt.timedelta(days=1))
        y, m = nxt.year, nxt.month
    return out


def _children_at(s: DemoSozialraum, day: dt.date) -> dict[str, int]:
    year = max(y for y in POPULATION_YEARS if y <= max(day.year - 1, POPULATION_YEARS[0]))
    return phase_children(s, year)


def _denominators(s: DemoSozialraum, day: dt.date) -> dict[str, float]:
    c = _children_at(s, day)
    u15 = c["crib"] + c["kita"] + c["primary"] + c["secondary"] * 5 / 6
    u21 = c["crib"] + c["kita"] + c["primary"] + c["secondary"] + c["transition"]
    return {
        "u15": u15,
        "u3": c["crib"],
        "3_6": c["kita"],
        "primary": c["primary"] * 0.98,
        "u21": u21,
        "u18": u21 - c["transition"] * 3 / 5,
        "births_year": c["birth"],
        "transitions": c["primary"] / 4 * 0.97,
        "seu": c["kita"] / 3 * 0.95,
    }


def _years_since_2023(day: dt.date) -> float:
    return (day - dt.date(2023, 1, 1)).days / 365.25


def _draw(rng: np.random.Generator, den: float, rate: float) -> tuple[int, int]:
    den_i = round(den)
    p = float(np.clip(rate, 0.0, 1.0))
    return int(rng.binomial(den_i, p)) if den_i > 0 else 0, den_i


def indicator_rows(rng: np.random.Generator, areas: list[DemoSozialraum]) -> list[dict]:
    """Indicator values for every Sozialraum at each indicator's own rhythm."""
    rows: list[dict] = []
    months = _month_ends(dt.date(2023, 1, 31), dt.date(2026, 6, 30))
    provisional_from = dt.date(2026, 4, 1)
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)

    def add(
        ind: str,
        s: DemoSozialraum,
        day: dt.date,
        num: float,
        den: float | None,
        provisional: bool = False,
    ) -> None:
        rows.append(
            {
                "indicator_id": ind,
                "area_id": s.id,
                "period_end": day,
                "numerator": float(num),
                "denominator": None if den is None else float(den),
                "provisional": provisional,
            }
        )

    for s in areas:
        need = s.need
        for day in months:
            t = _years_since_2023(day)
            d = _denominators(s, day)
            drift = 0.004 * t * (need - 0.3) + 0.002 * s.trend * t
            prov = day >= provisional_from
            add("sgb2_u15", s, day, *_draw(rng, d["u15"], 0.04 + 0.27 * need + drift), prov)
            add("sgb2_u3", s, day, *_draw(rng, d["u3"], 0.05 + 0.30 * need + drift), prov)
            add("sgb2_3_6", s, day, *_draw(rng, d["3_6"], 0.045 + 0.29 * need + drift), prov)
            bg = max(d["u15"] * (0.04 + 0.27 * need) / 1.9, 0)
            add("single_parent_bg", s, day, *_draw(rng, bg, 0.36 + 0.15 * need + drift), prov)
        for y in (2023, 2024, 2025, 2026):
            day = dt.date(y, 3, 1)
            d = _denominators(s, day)
            t = _years_since_2023(day)
            add("u3_care", s, day, *_draw(rng, d["u3"], 0.27 + 0.17 * (1 - need) + 0.012 * t))
            add("ue3_care", s, day, *_draw(rng, d["3_6"], 0.86 + 0.09 * (1 - need) + 0.004 * t))
            day = dt.date(y, 7, 31)
            add(
                "seu_findings",
                s,
                day,
                *_draw(rng, _denominators(s, day)["seu"], 0.14 + 0.24 * need + 0.005 * t),
            )
        for y in (2022, 2023, 2024, 2025):
            day = dt.date(y, 10, 15)
            d = _denominators(s, day)
            t = _years_since_2023(day)
            add("ogs", s, day, *_draw(rng, d["primary"], 0.50 + 0.12 * (1 - need) + 0.03 * t))
            add("gym_transition", s, day, *_draw(rng, d["transitions"], 0.58 - 0.36 * need))
            day = dt.date(y, 12, 31)
            d = _denominators(s, dt.date(y + 1, 1, 1))
            add("hze", s, day, *_draw(rng, d["u21"], 0.012 + 0.04 * need + 0.001 * t))
            add("children_u18", s, day, round(d["u18"]), None)
            add("births", s, day, round(d["births_year"] * rng.uniform(0.94, 1.06)), None)
        for q in quarters:
            births = _denominators(s, q.end)["births_year"] / 4 * rng.uniform(0.85, 1.15)
            reach = 0.58 + 0.25 * (1 - need) + 0.02 * _years_since_2023(q.end)
            add("welcome_visits", s, q.end, *_draw(rng, births, reach))
    for r in rows:
        r["value"] = None
    return rows

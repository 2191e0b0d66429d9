"""The tables of the Sozialraum-Steckbrief as every output shows them: the page, its CSV
downloads and the PDF take them from here (:class:`~core.present.tables.Table`).

On screen and in the PDF a figure is German text (``27,6``); in the export it is a
number rounded by DIN 1333 to the indicator's decimals, with its unit in a column of
its own, never "27,6 %" as text. A withheld cell is the one sign in both faces, and
the export explains it in its ``Datenschutz`` column. Every row carries its own Stand
(the Stichtag of its value), the table the union of its rows'
(:mod:`core.present.stand`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from core.present.chain_tables import PHASE, STAND_CHILDREN, Columns, coverage_stand
from core.present.numbers import format_date
from core.present.stand import Stand
from core.present.tables import Table, numbers, texts, with_withheld_note
from core.present.vocabulary import NOT_REPORTED, STATUS_GAP, TRAFFIC_LIGHTS, WITHHELD_SIGN
from core.quarters import Quarter

POPULATION_SOURCE = "Melderegister"
STAND, UNIT, SOURCE_COLUMN = "Stand", "Einheit", "Quelle"


def _dates(values: Iterable[object]) -> list[object]:
    return [format_date(d) if pd.notna(d) else "" for d in values]  # type: ignore[arg-type]


def _per_row(
    values: Iterable[object], decimals: Iterable[int], hidden: Iterable[bool]
) -> tuple[list[object], list[object]]:
    """Shown text and exported numbers of a column whose rows have their own decimals."""
    rows = list(zip(values, decimals, hidden, strict=True))
    export = [numbers([v], d, [h])[0] for v, d, h in rows]
    shown = [texts([v], d, [h])[0] for v, d, h in rows]
    return shown, export


def population_table(population: pd.DataFrame, area_id: str, quarter: Quarter) -> Table:
    """Children of the Sozialraum per life phase (:func:`core.profile.population_by_phase`)."""
    hidden = [d == WITHHELD_SIGN for d in population["display"]]
    cols = Columns().text(PHASE, population["phase"]).text("Alter", population["ages"])
    cols.number("Anzahl", population["children"], 0, hidden)
    cols.text(STAND, _dates(population["stand"]))
    cols.text(SOURCE_COLUMN, [POPULATION_SOURCE] * len(population))
    return cols.table(Stand.of(population["stand"]), f"kinder_{area_id}_{quarter.key}.csv")


def indicator_table(profile: pd.DataFrame, area_id: str, quarter: Quarter) -> Table:
    """Every indicator of the Sozialraum with its Kommune and the Kreis beside it
    (:func:`core.profile.profile_rows`): value, unit, Stand and source per row. The
    columns are named "Kommune" and "Kreis", not by the (untrusted) area names."""
    df = profile.reset_index(drop=True)
    decimals = [int(d) for d in df["decimals"]]
    shown: dict[str, list[object]] = {"Indikator": list(df["indicator"])}
    export: dict[str, list[object]] = {"Indikator": list(df["indicator"])}
    value = _per_row(df["value"], decimals, [bool(h) for h in df["suppressed"]])
    shown["Wert"], export["Wert"] = value
    shown[UNIT] = export[UNIT] = list(df["unit"])
    shown[STAND] = export[STAND] = list(_dates(df["stand"]))
    for head, key in (("Kommune", "municipality"), ("Kreis", "district")):
        hidden = [bool(h) for h in df[f"{key}_suppressed"]]
        shown[head], export[head] = _per_row(df[f"{key}_value"], decimals, hidden)
    shown[SOURCE_COLUMN] = export[SOURCE_COLUMN] = list(df["source"])
    return Table(
        pd.DataFrame(shown),
        with_withheld_note(pd.DataFrame(export)),
        Stand.of(df["stand"]),
        f"steckbrief_{area_id}_{quarter.key}.csv",
    )


def area_status(status: object, gap: object) -> str | None:
    """The status of a life phase in a Sozialraum: the judged status, or "Lücke" for a
    phase without any offer whose coverage cannot be computed."""
    if isinstance(status, str):
        return status
    return STATUS_GAP if gap is True else None


def area_chain_table(cells: pd.DataFrame, area_id: str, quarter: Quarter) -> Table:
    """The prevention chain in the Sozialraum: its coverage cells
    (:func:`core.coverage.coverage_cells`), one row per life phase."""
    df = cells[cells["area_id"] == area_id].sort_values("position").reset_index(drop=True)
    df = df.assign(status=[area_status(s, g) for s, g in zip(df["status"], df["gap"], strict=True)])
    cols = Columns().text(PHASE, df["phase"]).coverage(df, children=False)
    cols.text(STAND_CHILDREN, _dates(df["children_stand"]))
    name = f"praeventionskette_{area_id}_{quarter.key}.csv"
    return cols.table(coverage_stand(df, [quarter]), name)


def offers_table(offers: pd.DataFrame, area_id: str, quarter: Quarter) -> Table:
    """The offers active in the Sozialraum at the quarter's end."""
    cols = Columns().text("Angebot", offers["name"]).text("Träger", offers["provider"])
    cols.text("Art", offers["offer_type"]).text("Lebensphasen", offers["phases"])
    cols.number("Plätze", offers["capacity"], 0)
    cols.shown["Plätze"] = ["" if v == "–" else v for v in cols.shown["Plätze"]]
    stand = Stand.of([quarter.end]) if len(offers) else Stand()
    return cols.table(stand, f"angebote_{area_id}_{quarter.key}.csv")


def networks_table(nets: pd.DataFrame, area_id: str, quarter: Quarter) -> Table:
    """The networks working in the Sozialraum with their status in the quarter."""
    lights = [
        TRAFFIC_LIGHTS[k].text if isinstance(k, str) and k in TRAFFIC_LIGHTS else "–"
        for k in nets.get("traffic_light", pd.Series([None] * len(nets)))
    ]
    cols = Columns().text("Netzwerk", nets["name"])
    cols.text("Stufe", nets["stage_label"].fillna(NOT_REPORTED)).text("Ampel", lights)
    stand = Stand.of([quarter.end]) if len(nets) else Stand()
    return cols.table(stand, f"netzwerke_{area_id}_{quarter.key}.csv")

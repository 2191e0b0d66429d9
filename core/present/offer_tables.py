"""The offer list as a table (screen and CSV): type, Sozialraum, provider, life phases
with places, target group, access features, network, funding end, active or closed."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core.present.chain_tables import Columns
from core.present.numbers import format_date
from core.present.stand import Stand
from core.present.tables import Table

YES_NO = {True: "ja", False: "nein"}
ACTIVE, CLOSED, NOT_YET = "aktiv", "beendet", "noch nicht begonnen"


def _yes_no(values: pd.Series) -> list[str]:
    return [YES_NO.get(v, "") if isinstance(v, bool) else "" for v in values]


def _dates(values: pd.Series) -> list[str]:
    return [format_date(v) if isinstance(v, dt.date) else "" for v in values]


def _state(row: pd.Series, day: dt.date) -> str:
    if row["active"]:
        return ACTIVE
    start = row["active_from"]
    return NOT_YET if isinstance(start, dt.date) and start > day else CLOSED


def offer_list_table(offers: pd.DataFrame, day: dt.date, scope: str) -> Table:
    """The offers of :func:`core.offers.offer_landscape` at ``day`` (a quarter's end)."""
    cols = Columns().text("Nr.", offers["offer_id"]).text("Angebot", offers["name"])
    cols.text("Art", offers["offer_type"]).text("Sozialraum", offers["area_name"])
    cols.text("Kommune", offers["municipality_name"]).text("Träger", offers["provider"])
    cols.text("Lebensphasen (Plätze)", offers["phases_with_places"])
    cols.number("Plätze insgesamt", offers["capacity"], 0)
    cols.shown["Plätze insgesamt"] = ["" if v == "–" else v for v in cols.shown["Plätze insgesamt"]]
    cols.text("Zielgruppe", offers["target_group"].fillna(""))
    cols.text("kostenfrei", _yes_no(offers["free_of_charge"]))
    cols.text("aufsuchend", _yes_no(offers["outreach"]))
    cols.text("Sprachen", offers["languages"].fillna(""))
    cols.text("Netzwerk", offers["network_name"].fillna(""))
    cols.text("Gefördert bis", _dates(offers["funded_until"]))
    cols.text("Aktiv ab", _dates(offers["active_from"]))
    cols.text("Aktiv bis", _dates(offers["active_to"]))
    cols.text("Status", [_state(r, day) for _, r in offers.iterrows()])
    stand = Stand.of([day]) if len(offers) else Stand()
    slug = "".join(c if c.isalnum() else "_" for c in scope.lower()).strip("_")
    return cols.table(stand, f"angebote_{slug}_{day.isoformat()}.csv")

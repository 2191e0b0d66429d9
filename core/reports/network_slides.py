"""The network slide of a committee report: network status (the Qualitätsbausteine
slide lives in :mod:`core.reports.quality_slides`).

Built from ``core.networks`` (status_table, stage_distribution, quality_progress) into
the slide dicts of :mod:`core.reports.content`. Stages, quality states, youth office
names and colours come from :mod:`core.present.vocabulary`, the list of networks and
its Stand from :mod:`core.present.network_tables`, exactly as on the Netzwerke page.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from core.catalogue import network_stages
from core.inventory import is_demo
from core.networks import stage_distribution, status_table, youth_office_of
from core.present.network_tables import CRITERIA, SECTORS, SOURCE, status_of
from core.present.tables import Table
from core.present.vocabulary import (
    NOT_REPORTED,
    NOT_REPORTED_COLOUR,
    short_office,
    stage_colour,
)
from core.quarters import Quarter

TREND_QUARTERS = 8


def _slide(key: str, **fields: Any) -> dict[str, Any]:
    from core.reports.spec import slide

    return slide(key, **fields)


def _table(name: str, df: pd.DataFrame, on_slide: bool = False) -> dict[str, Any]:
    from core.reports.spec import table

    return table(name, df, slide_columns=None if on_slide else [])


def _pair(name: str, pair: Table) -> dict[str, Any]:
    """A table of :mod:`core.present.network_tables` as the page shows it (text on
    slides and in the PDF, numbers in the Excel file), not on the slide itself."""
    from core.reports.spec import pair_table

    cells = pair.export.astype(object).where(pair.export.notna(), None)  # JSON: no pd.NA
    return pair_table(name, replace(pair, export=cells), slide_columns=[])


def _quarters(q: Quarter, count: int) -> list[Quarter]:
    out = [q]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out


def network_slide(conn: Connection, q: Quarter, municipality_id: str | None) -> dict[str, Any]:
    """Networks per youth office and stage in the quarter, and the stages over time."""
    status = status_table(conn, q, municipality_id=municipality_id)
    stages = network_stages(conn).set_index("id")["label"].to_dict()
    office = youth_office_of(conn, municipality_id) if municipality_id else None
    status = status.assign(office=status["youth_office"].map(short_office))
    offices = list(dict.fromkeys(status["office"]))
    counts = status.assign(stage=status["stage"].fillna(0).astype(int))
    cross = pd.crosstab(counts["office"], counts["stage"]).reindex(
        index=offices, columns=[1, 2, 3, 0], fill_value=0
    )
    red = counts[counts["traffic_light"] == "rot"].groupby("office").size()
    frame = pd.DataFrame(
        {
            "Jugendamt": offices,
            **{stages[s]: cross[s].tolist() for s in (1, 2, 3)},
            NOT_REPORTED: cross[0].tolist(),
            "Ampel rot": [int(red.get(o, 0)) for o in offices],
            "Netzwerke": cross.sum(axis=1).tolist(),
        }
    )
    quarters = _quarters(q, TREND_QUARTERS)
    dist = stage_distribution(conn, quarters, office)
    per_stage = dist.groupby(["quarter", "stage"])["networks"].sum() if len(dist) else pd.Series()
    trend = pd.DataFrame(
        {
            "Quartal": [x.short_label for x in quarters],
            **{stages[s]: [int(per_stage.get((x.key, s), 0)) for x in quarters] for s in (1, 2, 3)},
        }
    )
    full = status_of(status, q, is_demo(conn))
    # the handout's list keeps to what fits a page: the partners by sector and the met
    # criteria are on the page „Netzwerke“ and in its CSV
    listing = replace(
        full,
        shown=full.shown.drop(columns=[SECTORS, CRITERIA]),
        export=full.export.drop(columns=[SECTORS, CRITERIA]),
    )
    # the slide's Stand is the Berichtsquartal's: the trend names its own quarters
    stand = listing.stand
    total, top = len(status), int((counts["stage"] == 3).sum())
    missing = int((counts["stage"] == 0).sum())
    lead = f"{top} von {total} Netzwerken arbeiten als Produktionsnetzwerk (Stufe 3)."
    if missing:
        lead += f" {missing} haben für das {q.label} noch nicht gemeldet."
    series = [
        {"name": stages[s], "values": cross[s].tolist(), "colour": stage_colour(s)}
        for s in (1, 2, 3)
    ]
    series.append(
        {"name": NOT_REPORTED, "values": cross[0].tolist(), "colour": NOT_REPORTED_COLOUR}
    )
    return _slide(
        "networks",
        title=f"Netzwerkstatus {q.label}",
        lead=lead,
        charts=[
            {
                "kind": "stacked_bar",
                "title": "Netzwerke je Jugendamt nach Stufe",
                "categories": offices,
                "series": series,
                "unit": "",
                "decimals": 0,
                "horizontal": True,
            },
            {
                "kind": "line",
                "title": "Netzwerke je Stufe über die Quartale",
                "categories": trend["Quartal"].tolist(),
                "series": [
                    {
                        "name": stages[s],
                        "values": trend[stages[s]].tolist(),
                        "colour": stage_colour(s),
                    }
                    for s in (1, 2, 3)
                ],
                "unit": "",
                "decimals": 0,
            },
        ],
        tables=[
            _table("Netzwerke", frame),
            _table("Netzwerke Verlauf", trend),
            _pair("Netzwerke Liste", listing),
        ],
        reading_aid=(
            "So lesen Sie die Diagramme: Links die Netzwerke je Jugendamt nach "
            "Entwicklungsstufe im Berichtsquartal – Informationsnetzwerk (Partner informieren "
            "sich), Kooperationsnetzwerk, Produktionsnetzwerk (Partner erbringen gemeinsam "
            "Angebote); grau: keine Meldung. Rechts die Zahl der Netzwerke je Stufe in den "
            "letzten Quartalen."
        ),
        source=SOURCE,
        stand=stand,
    )

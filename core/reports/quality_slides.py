"""The Qualitätsbausteine slide of a committee report.

Per youth office (or, for one Kommune, per block of its youth office) the items
erreicht / begonnen / offen, what changed since the previous quarter (old → new) and,
for the items reached, the evidence. Built from :mod:`core.quality`; states, words and
colours from :mod:`core.present.vocabulary`, the tables from
:mod:`core.present.quality_tables`, exactly as on the page „Qualitätsbausteine“.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from core.inventory import is_demo
from core.networks import youth_office_of
from core.present.quality_tables import SOURCE, changes_of, evidence_of
from core.present.stand import Stand
from core.present.steering_tables import steering_summary
from core.present.tables import Table
from core.present.vocabulary import QUALITY_STATES, STAGE_CHANGE, short_office
from core.quality import quality_changes, quality_progress
from core.quarters import Quarter

#: changes named on the slide itself; the rest are in the table of the PDF/Excel file
MAX_CHANGE_BULLETS = 4


def _slide(key: str, **fields: Any) -> dict[str, Any]:
    from core.reports.spec import slide

    return slide(key, **fields)


def _table(name: str, df: pd.DataFrame, on_slide: bool = False) -> dict[str, Any]:
    from core.reports.spec import table

    return table(name, df, slide_columns=None if on_slide else [])


def _pair(name: str, pair: Table) -> dict[str, Any]:
    from core.reports.spec import pair_table

    cells = pair.export.astype(object).where(pair.export.notna(), None)  # JSON: no pd.NA
    return pair_table(name, replace(pair, export=cells), slide_columns=[])


def _change_bullets(changes: Table) -> list[str]:
    rows = changes.shown
    lines = [
        f"{o}, {p}: {c}"
        for o, p, c in zip(rows["Jugendamt"], rows["Punkt"], rows["Veränderung"], strict=True)
    ]
    if len(lines) > MAX_CHANGE_BULLETS:
        rest = len(lines) - MAX_CHANGE_BULLETS + 1
        lines = [*lines[: MAX_CHANGE_BULLETS - 1], f"… und {rest} weitere Veränderungen"]
    return lines


def quality_slide(conn: Connection, q: Quarter, municipality_id: str | None) -> dict[str, Any]:
    """Quality items per youth office (or per block for one office) by state, the
    changes since the previous quarter and the evidence of the items reached."""
    office = youth_office_of(conn, municipality_id) if municipality_id else None
    df = quality_progress(conn, q, office)
    if df.empty:
        return _slide(
            "quality",
            lead="Für dieses Quartal liegen keine Angaben zu den Qualitätsbausteinen vor.",
            source=SOURCE,
            stand=Stand.of([q.end]),
        )
    demo = is_demo(conn)
    df = df.assign(office=df["youth_office"].map(short_office))
    by = "office" if df["youth_office_id"].nunique() > 1 else "block_title"
    heading = "Jugendamt" if by == "office" else "Qualitätsbaustein"
    groups = list(dict.fromkeys(df[by]))
    cross = pd.crosstab(df[by], df["state"]).reindex(
        index=groups, columns=list(QUALITY_STATES), fill_value=0
    )
    moved = df[df["change"] == STAGE_CHANGE["up"]].groupby(by).size()
    frame = pd.DataFrame(
        {
            heading: groups,
            **{term.word: cross[s].tolist() for s, term in QUALITY_STATES.items()},
            "vorangekommen seit Vorquartal": [int(moved.get(g, 0)) for g in groups],
        }
    )
    changes = changes_of(quality_changes(df), q, demo)
    reached = df[df["state"] == "done"].reset_index(drop=True)
    evidence = evidence_of(reached, q, demo)
    done, begun, total = (
        int((df["state"] == "done").sum()),
        int((df["state"] == "in_progress").sum()),
        len(df),
    )
    steering = steering_summary(conn, list(dict.fromkeys(df["youth_office_id"])), q.end)
    lead = (
        f"{done} von {total} Punkten der Qualitätsbausteine sind erreicht, {begun} begonnen; "
        f"{len(changes.shown)} haben sich seit dem Vorquartal verändert."
    )
    return _slide(
        "quality",
        title=f"Qualitätsbausteine {q.label}",
        lead=lead,
        bullets=_change_bullets(changes),
        charts=[
            {
                "kind": "stacked_bar",
                "title": f"Punkte je {heading} nach Stand",
                "categories": groups,
                "series": [
                    {"name": term.word, "values": cross[s].tolist(), "colour": term.colour}
                    for s, term in QUALITY_STATES.items()
                ],
                "unit": "",
                "decimals": 0,
                "horizontal": True,
            }
        ],
        tables=[
            _table("Qualitätsbausteine", frame, on_slide=True),
            _pair("Qualität Veränderungen", changes),
            _pair("Qualität Nachweise", evidence),
            _table("Steuerung (Baustein 4)", steering),
        ],
        reading_aid=(
            f"So lesen Sie das Diagramm: Je {heading} die 13 Punkte der vier "
            "Qualitätsbausteine (Angebotsanalyse, Bedarfsklärung, Netzwerkmanagement, "
            "Koordination und Steuerung) nach Stand: erreicht (mit Nachweis), begonnen, "
            "offen. Darunter die Punkte, deren Stand sich seit dem Vorquartal geändert hat."
        ),
        source=f"Demodaten; {SOURCE}" if demo else SOURCE,
        stand=Stand.of([q.end]),
    )

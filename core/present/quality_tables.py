"""The tables of the Qualitätsbausteine as every output shows them: the page, its CSV
downloads and the Sitzungsvorlage take them from here.

The Stand of a report is the end of its quarter (the Berichtsquartal); a table over
several quarters has the range of their ends. Every state is said by symbol and word
(``"● erreicht ↑"``), never by colour alone. No cell counts persons.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.present.numbers import MISSING, format_date
from core.present.stand import Stand
from core.present.tables import Table
from core.present.vocabulary import QUALITY_STATES, short_office
from core.quarters import Quarter

SOURCE = "Berichte der Jugendämter zu den Qualitätsbausteinen"
QUARTER, STAND, SOURCE_COLUMN = "Quartal", "Stand", "Quelle"
BLOCK, ITEM, OFFICE = "Baustein", "Punkt", "Jugendamt"
#: what a cell says where a youth office has not reported the item
NOT_REPORTED = "nicht gemeldet"
STEERING_PREFIX = "Steuerung: "


def _source(demo: bool) -> str:
    from core.exporting import DEMO_NOTE  # core.exporting dispatches to present modules

    return f"{DEMO_NOTE}; {SOURCE}" if demo else SOURCE


def state_text(state: str | None, change: str = "") -> str:
    """``"● erreicht ↑"``: symbol, word and the forward arrow."""
    if not isinstance(state, str) or state not in QUALITY_STATES:
        return MISSING
    return f"{QUALITY_STATES[state].text} {change or ''}".strip()


def _date(value: object) -> str:
    return format_date(value) if value is not None and not pd.isna(value) else ""  # type: ignore[arg-type]


def evidence_text(row: pd.Series, steering: dict[int, str] | None = None) -> str:
    """The evidence of an item in one line: title, date, the steering record."""
    parts = []
    title = str(row.get("evidence_title") or "")
    if title:
        parts.append(title)
    record = row.get("steering_record_id")
    if record is not None and not pd.isna(record):
        parts.append(
            STEERING_PREFIX + (steering or {}).get(int(record), f"Eintrag Nr. {int(record)}")
        )
    when = _date(row.get("evidence_date"))
    if when:
        parts.append(f"vom {when}")
    return ", ".join(parts)


def matrix_of(progress: pd.DataFrame, quarter: Quarter, demo: bool = False) -> Table:
    """Items × youth offices in a quarter (from :func:`core.quality.quality_progress`):
    one row per item, one column per youth office (short name), ``"● erreicht ↑"``."""
    name = f"qualitaetsbausteine_{quarter.key}.csv"
    if progress.empty:
        empty = pd.DataFrame(columns=[BLOCK, ITEM])
        return Table(empty, empty.copy(), Stand(), name)
    df = progress.assign(
        office=progress["youth_office"].map(short_office),
        cell=[state_text(s, c) for s, c in zip(progress["state"], progress["change"], strict=True)],
    )
    offices = list(dict.fromkeys(df.sort_values("office")["office"]))
    wide = df.pivot_table(
        index=["block_id", "block_title", "position", "item_id", "item"],
        columns="office",
        values="cell",
        aggfunc="first",
    )
    wide = wide.reindex(columns=offices).fillna(NOT_REPORTED).reset_index()
    wide = wide.sort_values(["block_id", "position"])
    frame = pd.DataFrame(
        {
            BLOCK: wide["block_id"].astype(int).astype(str) + ". " + wide["block_title"],
            ITEM: wide["item_id"] + " " + wide["item"],
            **{o: wide[o].tolist() for o in offices},
        }
    ).reset_index(drop=True)
    frame[QUARTER] = quarter.label
    frame[STAND] = format_date(quarter.end)
    frame[SOURCE_COLUMN] = _source(demo)
    # the screen leaves out the block (the item's number says it) so the offices fit
    return Table(frame.drop(columns=[BLOCK]), frame, Stand.of([quarter.end]), name)


def evidence_of(
    progress: pd.DataFrame,
    quarter: Quarter,
    demo: bool = False,
    steering: dict[int, str] | None = None,
) -> Table:
    """One row per youth office and item with state, since when, evidence, link or file
    reference and note (from :func:`core.quality.quality_progress`)."""
    name = f"qualitaetsbausteine_nachweise_{quarter.key}.csv"
    columns = [OFFICE, ITEM, "Stand des Punkts", "seit", "Nachweis", "Link oder Ablage", "Notiz"]
    if progress.empty:
        empty = pd.DataFrame(columns=columns)
        return Table(empty, empty.copy(), Stand(), name)
    frame = pd.DataFrame(
        {
            OFFICE: progress["youth_office"].map(short_office),
            ITEM: progress["item_id"] + " " + progress["item"],
            # "Stand" is a date in every output: the item's state has its own heading
            "Stand des Punkts": [
                state_text(s, c) for s, c in zip(progress["state"], progress["change"], strict=True)
            ],
            "seit": [_date(d) for d in progress["state_date"]],
            "Nachweis": [evidence_text(r, steering) for _, r in progress.iterrows()],
            "Link oder Ablage": progress["evidence_ref"].fillna(""),
            "Notiz": progress["note"].fillna(""),
            QUARTER: quarter.label,
            STAND: format_date(quarter.end),
            SOURCE_COLUMN: _source(demo),
        }
    ).reset_index(drop=True)
    return Table(frame, frame.copy(), Stand.of([quarter.end]), name)


def changes_of(changes: pd.DataFrame, quarter: Quarter, demo: bool = False) -> Table:
    """The items whose state moved since the previous quarter, old → new (from
    :func:`core.quality.quality_changes`)."""
    name = f"qualitaetsbausteine_veraenderungen_{quarter.key}.csv"
    columns = [OFFICE, ITEM, "Vorquartal", "jetzt", "Veränderung"]
    if changes.empty:
        empty = pd.DataFrame(columns=columns)
        return Table(empty, empty.copy(), Stand(), name)
    frame = pd.DataFrame(
        {
            OFFICE: changes["youth_office"].map(short_office),
            ITEM: changes["item_id"] + " " + changes["item"],
            "Vorquartal": [state_text(s) for s in changes["previous_state"]],
            "jetzt": [state_text(s) for s in changes["state"]],
            "Veränderung": [
                f"{QUALITY_STATES[p].word} → {QUALITY_STATES[s].word}"
                for p, s in zip(changes["previous_state"], changes["state"], strict=True)
            ],
            QUARTER: quarter.label,
            STAND: format_date(quarter.end),
            SOURCE_COLUMN: _source(demo),
        }
    ).reset_index(drop=True)
    return Table(frame, frame.copy(), Stand.of([quarter.end]), name)


def history_of(history: pd.DataFrame, quarters: Sequence[Quarter], demo: bool = False) -> Table:
    """Items erreicht / begonnen / offen per youth office and quarter (from
    :func:`core.quality.quality_history`): one row per office and quarter."""
    name = "qualitaetsbausteine_verlauf.csv"
    words = {s: t.word for s, t in QUALITY_STATES.items()}
    columns = [OFFICE, QUARTER, *words.values()]
    if history.empty:
        empty = pd.DataFrame(columns=columns)
        return Table(empty, empty.copy(), Stand(), name)
    wide = history.pivot_table(
        index=["youth_office", "quarter"], columns="state", values="items", aggfunc="sum"
    ).reindex(columns=list(words), fill_value=0)
    wide = wide.fillna(0).astype(int).reset_index()
    by_key = {q.key: q for q in quarters}
    frame = pd.DataFrame(
        {
            OFFICE: wide["youth_office"].map(short_office),
            QUARTER: [by_key[k].label for k in wide["quarter"]],
            **{words[s]: wide[s].tolist() for s in words},
            STAND: [format_date(by_key[k].end) for k in wide["quarter"]],
            SOURCE_COLUMN: _source(demo),
        }
    )
    shown = frame.copy()
    for w in words.values():
        shown[w] = shown[w].astype(str)
    ends = [by_key[k].end for k in wide["quarter"]]
    return Table(shown, frame, Stand.of(ends), name)

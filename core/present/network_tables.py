"""The tables of the networks as every output shows them: the page, its CSV downloads,
``python -m core export networks`` and the network slides take them from here.

The **Stand of a network status row** is the end of the quarter it reports on (the
Berichtsquartal): a coordinator's report describes the network as of that quarter, and
a missing report is a fact of that quarter too. So the status table of a quarter has
that quarter's end as its Stand; a table over several quarters has the range of their
ends (:mod:`core.present.stand`). The register of which networks exist (the network
map) has no reference date and no Stand.

No cell of these tables counts persons, so none is ever withheld.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection

from core.network_entry import format_timestamp
from core.networks import status_table
from core.present.numbers import MISSING, format_date
from core.present.stand import Stand
from core.present.tables import Table, numbers, texts
from core.present.vocabulary import NOT_REPORTED, TRAFFIC_LIGHTS, short_office
from core.quarters import Quarter, parse_quarter

SOURCE = "Quartalsmeldungen der Netzwerkkoordination in den Jugendämtern"
QUARTER, STAND, SOURCE_COLUMN = "Quartal", "Stand", "Quelle"
PARTNERS, MEETINGS = "Partner", "Treffen im Quartal"
#: the columns that hold counts (numbers in the export, de-DE text on screen)
COUNTS = (PARTNERS, MEETINGS, "Netzwerke")
STATUS_HEAD = ("Netzwerk", "Art", "Gebiet", "Jugendamt", QUARTER, "Stufe", "Veränderung", "Ampel")
SECTORS, CRITERIA = "Partner nach Bereich", "Erfüllte Kriterien"
STATUS_TAIL = (SECTORS, CRITERIA, "Letzte Änderung", "Ziele", "Notiz", STAND, SOURCE_COLUMN)
#: where a network has no partner register yet (its count was typed or imported)
NO_REGISTER = "ohne Partnerverzeichnis"
#: the level at which a network kind is expected, as the network map says it
LEVEL_LABELS = {"kreis": "Kreis", "jugendamt": "Jugendamt", "sozialraum": "Sozialraum"}


def light_text(key: object) -> str:
    """A traffic light as symbol and word (``"● grün"``); ``–`` when none was reported."""
    term = TRAFFIC_LIGHTS.get(key) if isinstance(key, str) else None
    return term.text if term else MISSING


def _source(demo: bool) -> str:
    from core.exporting import DEMO_NOTE  # core.exporting dispatches to this module

    return f"{DEMO_NOTE}; {SOURCE}" if demo else SOURCE


def _pair(head: pd.DataFrame, counts: dict[str, Sequence[object]], tail: pd.DataFrame) -> tuple:
    """Shown and export frame: ``head`` text columns, then the ``counts`` (text on
    screen, DIN-rounded numbers in the export), then the ``tail`` text columns."""
    shown = head.reset_index(drop=True).copy()
    export = shown.copy()
    for name, values in counts.items():
        shown[name] = texts(values, 0)
        export[name] = pd.array(numbers(values, 0), dtype="Int64")
    tail = tail.reset_index(drop=True)
    return pd.concat([shown, tail], axis=1), pd.concat([export, tail], axis=1)


def status_of(status: pd.DataFrame, quarter: Quarter, demo: bool = False) -> Table:
    """The status table of a quarter from :func:`core.networks.status_table`: one row per
    network, a missing report as "nicht gemeldet"."""
    if status.empty:
        columns = [*STATUS_HEAD, PARTNERS, MEETINGS, *STATUS_TAIL]
        empty = pd.DataFrame(columns=columns)
        return Table(empty, empty.copy(), Stand(), f"netzwerkstatus_{quarter.key}.csv")
    reported = status["reported"].astype(bool).tolist()
    head = pd.DataFrame(
        {
            "Netzwerk": status["name"],
            "Art": status["kind"],
            "Gebiet": status["scope"],
            "Jugendamt": status["youth_office"].map(short_office),
            QUARTER: quarter.label,
            "Stufe": status["stage_label"].where(status["stage"].notna(), NOT_REPORTED),
            "Veränderung": [
                c if r else NOT_REPORTED for c, r in zip(status["change"], reported, strict=True)
            ],
            "Ampel": status["traffic_light"].map(light_text),
        }
    )
    tail = pd.DataFrame(
        {
            SECTORS: [
                _sectors(s, r) for s, r in zip(status["partner_sectors"], reported, strict=True)
            ],
            CRITERIA: [
                "; ".join(c) if r else ""
                for c, r in zip(status["criteria_labels"], reported, strict=True)
            ],
            "Letzte Änderung": [format_date(_date(d)) for d in status["updated_at"]],
            "Ziele": status["goals"].fillna(""),
            "Notiz": status["note"].fillna(""),
            STAND: format_date(quarter.end),
            SOURCE_COLUMN: _source(demo),
        },
        index=head.index,
    )
    counts = {PARTNERS: status["partners"].tolist(), MEETINGS: status["meetings"].tolist()}
    shown, export = _pair(head, counts, tail)
    return Table(shown, export, Stand.of([quarter.end]), f"netzwerkstatus_{quarter.key}.csv")


def network_status_table(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    youth_office_id: str | None = None,
    kind_id: str | None = None,
) -> Table:
    """The status table of the networks of a selection in a quarter (page, CSV, CLI,
    slides). Its Stand is the quarter's end (see the module docstring)."""
    from core.inventory import is_demo

    status = status_table(conn, quarter, youth_office_id, municipality_id, kind_id)
    return status_of(status, quarter, is_demo(conn))


def _sectors(counts: object, reported: bool) -> str:
    """``"Jugendhilfe 4, Schule 3"`` from the register; a note where there is none."""
    from core.partners import sector_text

    if not reported:
        return ""
    if not isinstance(counts, dict):
        return NO_REGISTER
    return sector_text(counts) or "keine aktiven Partner"


def _date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def distribution_of(dist: pd.DataFrame, quarter: Quarter) -> Table:
    """Networks per youth office and stage in a quarter (from ``stage_distribution``)."""
    head = pd.DataFrame(
        {
            "Jugendamt": dist["youth_office"].map(short_office),
            QUARTER: quarter.label,
            "Stufe": dist["stage_label"],
        }
    )
    tail = pd.DataFrame({STAND: format_date(quarter.end)}, index=head.index)
    shown, export = _pair(head, {"Netzwerke": dist["networks"].tolist()}, tail)
    stand = Stand.of([quarter.end]) if len(dist) else Stand()
    return Table(shown, export, stand, f"netzwerkstufen_{quarter.key}.csv")


def trend_of(trend: pd.DataFrame, quarters: Sequence[Quarter]) -> Table:
    """Networks per stage over ``quarters`` (from ``stage_trend``); each row has the
    Stand of its quarter, the table the range of them."""
    ends = {q.key: q.end for q in quarters}
    row_ends = [ends[k] for k in trend["quarter"]]
    head = pd.DataFrame(
        {QUARTER: [parse_quarter(k).label for k in trend["quarter"]], "Stufe": trend["stage_label"]}
    )
    tail = pd.DataFrame({STAND: [format_date(d) for d in row_ends]}, index=head.index)
    shown, export = _pair(head, {"Netzwerke": trend["networks"].tolist()}, tail)
    last = max(quarters).key if quarters else "leer"
    return Table(shown, export, Stand.of(row_ends), f"netzwerkstufen_verlauf_bis_{last}.csv")


def history_of(history: pd.DataFrame, name: str, network_id: int) -> Table:
    """One network's reports, newest first (from ``network_history``); each row has the
    Stand of its quarter."""
    history = history.iloc[::-1].reset_index(drop=True)
    quarters = [parse_quarter(k) for k in history["quarter"]]
    head = pd.DataFrame(
        {
            "Netzwerk": name,
            QUARTER: [q.label for q in quarters],
            "Stufe": history["stage_label"],
            "Ampel": history["traffic_light"].map(light_text),
        },
        index=history.index,
    )
    tail = pd.DataFrame(
        {
            "Ziele": history["goals"].fillna(""),
            "Notiz": history["note"].fillna(""),
            "Gemeldet von": history["updated_by"].fillna(""),
            "Letzte Änderung": [format_timestamp(t) for t in history["updated_at"]],
            STAND: [format_date(q.end) for q in quarters],
        },
        index=history.index,
    )
    counts = {PARTNERS: history["partners"].tolist(), MEETINGS: history["meetings"].tolist()}
    shown, export = _pair(head, counts, tail)
    ends = [q.end for q in quarters]
    return Table(shown, export, Stand.of(ends), f"netzwerk_{network_id}_verlauf.csv")


def presence_of(presence: pd.DataFrame) -> Table:
    """Network kind × youth office (from ``presence_matrix``): the level at which the
    kind is expected ("erwartet je": Kreis, Jugendamt, Sozialraum), then per office
    "✓", "✓ 2", "✓ Kreis", "in 3 von 12 Sozialräumen" or "fehlt". The register of
    networks has no reference date, so the table has no Stand."""
    frame = presence.rename(columns={"kind": "Netzwerkart", "expected_level": EXPECTED})
    if EXPECTED in frame.columns:
        frame[EXPECTED] = frame[EXPECTED].map(lambda v: LEVEL_LABELS.get(v, v))
    frame = frame.rename(columns=short_office)
    return Table(frame, frame.copy(), Stand(), "netzwerkkarte.csv")


EXPECTED = "erwartet je"

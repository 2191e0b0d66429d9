"""The tables of the steering records (Qualitätsbaustein 4) as every output shows them:
the page „Qualitätsbausteine“ (tab Steuerung), its CSV downloads and the Sitzungsvorlage.

One table per kind (:func:`leitbild_table`, :func:`group_table`, :func:`post_table`,
:func:`decision_table`) and one summary row per youth office (:func:`steering_summary`)
for the slide or PDF page. Steering records have no reference date of their own, so
the tables carry no Stand. No cell counts persons, so none is ever withheld.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, select

from core.models import YouthOffice
from core.present.numbers import MISSING, format_date, format_number
from core.present.stand import Stand
from core.present.tables import Table, numbers, texts
from core.present.vocabulary import SECTOR_LABELS, short_office
from core.quarters import Quarter
from core.steering import steering_records

OFFICE = "Jugendamt"
TITLE = "Titel"
COMMITTEE, DRUCKSACHE = "Gremium", "Drucksache"
ADOPTED = "Beschlossen am"
ENDED = "Beendet am"
NOTE = "Notiz"
MEMBERS, SECTORS = "Mitglieder", "Bereiche"
MEETINGS = "Sitzungen in den letzten vier Quartalen"
LAST_MEETING = "Letzte Sitzung"
FTE, FUNDING, FUNDED_UNTIL = "Stellenumfang (VZÄ)", "Förderung", "Gefördert bis"
SINCE = "Besetzt seit"
FUNDING_ENDS = "Hinweis"
SUMMARY_COLUMNS = (
    OFFICE,
    "Leitbild beschlossen am",
    "Steuerungsgruppe: Mitglieder",
    "Steuerungsgruppe: Bereiche",
    "Koordinationsstelle: VZÄ",
    "Koordinationsstelle: Förderung bis",
    "Letzter Beschluss",
)


def _date(value: object) -> str:
    if not isinstance(value, dt.date):
        return MISSING
    return format_date(value)


def _text(value: object) -> str:
    return str(value) if isinstance(value, str) and value.strip() else MISSING


def _office(name: object) -> str:
    return short_office(str(name))


def _active(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["ended_on"].isna()] if len(df) else df


def sector_counts(members: Sequence[dict]) -> str:
    """The sectors of a group's members with their counts, largest first:
    ``"Jugendhilfe 3, Gesundheit 2, Schule 1"``."""
    counts = Counter(SECTOR_LABELS.get(str(m.get("sector")), str(m.get("sector"))) for m in members)
    return ", ".join(f"{s} {n}" for s, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


def _empty(columns: Sequence[str], file_name: str) -> Table:
    frame = pd.DataFrame(columns=list(columns))
    return Table(frame, frame.copy(), Stand(), file_name)


def _plain(frame: pd.DataFrame, file_name: str) -> Table:
    return Table(
        frame.reset_index(drop=True), frame.reset_index(drop=True).copy(), Stand(), file_name
    )


def _records(conn: Connection, youth_office_id: str | None, kind: str) -> pd.DataFrame:
    return steering_records(conn, youth_office_id, kind)


def leitbild_table(conn: Connection, youth_office_id: str | None = None) -> Table:
    """Leitbild/Handlungskonzept per youth office: title, adopted on, committee, Drucksache."""
    cols = (OFFICE, TITLE, ADOPTED, COMMITTEE, DRUCKSACHE, ENDED, NOTE)
    df = _records(conn, youth_office_id, "leitbild")
    if df.empty:
        return _empty(cols, "leitbild.csv")
    frame = pd.DataFrame(
        {
            OFFICE: [_office(n) for n in df["youth_office"]],
            TITLE: df["title"].tolist(),
            ADOPTED: [_date(d) for d in df["dated"]],
            COMMITTEE: [_text(c) for c in df["committee"]],
            DRUCKSACHE: [_text(c) for c in df["drucksache"]],
            ENDED: [_date(d) for d in df["ended_on"]],
            NOTE: [_text(c) for c in df["note"]],
        }
    )
    return _plain(frame, "leitbild.csv")


def _recent(meetings: Sequence[str], quarter: Quarter) -> list[dt.date]:
    first = quarter.previous().previous().previous().start
    days = [dt.date.fromisoformat(str(m)) for m in meetings]
    return [d for d in days if first <= d <= quarter.end]


def group_table(conn: Connection, quarter: Quarter, youth_office_id: str | None = None) -> Table:
    """Steuerungsgruppen: members, sectors and the meetings in the four quarters up to
    the end of the Berichtsquartal ``quarter``."""
    cols = (OFFICE, TITLE, MEMBERS, SECTORS, MEETINGS, LAST_MEETING, ENDED, NOTE)
    df = _records(conn, youth_office_id, "steuerungsgruppe")
    if df.empty:
        return _empty(cols, "steuerungsgruppen.csv")
    recent = [_recent(m, quarter) for m in df["meetings"]]
    head = pd.DataFrame({OFFICE: [_office(n) for n in df["youth_office"]], TITLE: df["title"]})
    member_counts = [len(m) for m in df["members"]]
    meeting_counts = [len(r) for r in recent]
    tail = pd.DataFrame(
        {
            SECTORS: [sector_counts(m) or MISSING for m in df["members"]],
        }
    )
    after = pd.DataFrame(
        {
            LAST_MEETING: [_date(max(r)) if r else MISSING for r in recent],
            ENDED: [_date(d) for d in df["ended_on"]],
            NOTE: [_text(c) for c in df["note"]],
        }
    )
    shown = pd.concat(
        [
            head.reset_index(drop=True),
            pd.DataFrame({MEMBERS: texts(member_counts, 0)}),
            tail,
            pd.DataFrame({MEETINGS: texts(meeting_counts, 0)}),
            after,
        ],
        axis=1,
    )
    export = shown.copy()
    export[MEMBERS] = pd.array(numbers(member_counts, 0), dtype="Int64")
    export[MEETINGS] = pd.array(numbers(meeting_counts, 0), dtype="Int64")
    return Table(shown, export, Stand(), "steuerungsgruppen.csv")


def group_members_table(conn: Connection, youth_office_id: str | None = None) -> Table:
    """Every member of the active Steuerungsgruppen: department and sector."""
    cols = (OFFICE, "Steuerungsgruppe", "Amt / Einrichtung", "Bereich")
    df = _active(_records(conn, youth_office_id, "steuerungsgruppe"))
    rows = [
        (
            _office(r.youth_office),
            r.title,
            m.get("department", ""),
            SECTOR_LABELS.get(m.get("sector", ""), MISSING),
        )
        for r in df.itertuples(index=False)
        for m in r.members
    ]
    if not rows:
        return _empty(cols, "steuerungsgruppe_mitglieder.csv")
    return _plain(pd.DataFrame(rows, columns=list(cols)), "steuerungsgruppe_mitglieder.csv")


def post_table(conn: Connection, quarter: Quarter, youth_office_id: str | None = None) -> Table:
    """Koordinationsstellen: FTE, funding, funded until and a note when the funding ends
    within three quarters after the Berichtsquartal (or has ended)."""
    cols = (OFFICE, TITLE, FTE, FUNDING, SINCE, FUNDED_UNTIL, FUNDING_ENDS, ENDED, NOTE)
    df = _records(conn, youth_office_id, "koordinationsstelle")
    if df.empty:
        return _empty(cols, "koordinationsstellen.csv")
    limit = quarter.next().next().next().end
    hints = []
    for r in df.itertuples(index=False):
        until = r.funded_until
        if (r.ended_on is not None and not pd.isna(r.ended_on)) or until is None or pd.isna(until):
            hints.append("")
        elif until < quarter.end:
            hints.append("⚠ Förderung ausgelaufen")
        elif until <= limit:
            hints.append("⚠ Förderung endet bald")
        else:
            hints.append("")
    ftes = [None if pd.isna(f) else float(f) for f in df["fte"]]
    shown = pd.DataFrame(
        {
            OFFICE: [_office(n) for n in df["youth_office"]],
            TITLE: df["title"].tolist(),
            FTE: [format_number(f, 2) if f is not None else MISSING for f in ftes],
            FUNDING: [_text(c) for c in df["funding_source"]],
            SINCE: [_date(d) for d in df["dated"]],
            FUNDED_UNTIL: [_date(d) for d in df["funded_until"]],
            FUNDING_ENDS: hints,
            ENDED: [_date(d) for d in df["ended_on"]],
            NOTE: [_text(c) for c in df["note"]],
        }
    )
    export = shown.copy()
    export[FTE] = numbers(ftes, 2)
    return Table(shown, export, Stand(), "koordinationsstellen.csv")


def decision_table(conn: Connection, youth_office_id: str | None = None) -> Table:
    """Committee decisions: date, committee, Drucksache, title; newest first."""
    cols = (OFFICE, ADOPTED, COMMITTEE, DRUCKSACHE, TITLE, NOTE)
    df = _records(conn, youth_office_id, "beschluss")
    if df.empty:
        return _empty(cols, "beschluesse.csv")
    df = df.sort_values(["youth_office_id", "dated"], ascending=[True, False], kind="stable")
    frame = pd.DataFrame(
        {
            OFFICE: [_office(n) for n in df["youth_office"]],
            ADOPTED: [_date(d) for d in df["dated"]],
            COMMITTEE: [_text(c) for c in df["committee"]],
            DRUCKSACHE: [_text(c) for c in df["drucksache"]],
            TITLE: df["title"].tolist(),
            NOTE: [_text(c) for c in df["note"]],
        }
    )
    return _plain(frame, "beschluesse.csv")


def as_of(records: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The records as they stood on ``day``: none dated later, and a record ended after
    ``day`` still active then (so an older Berichtsquartal never shows later steps)."""
    if not len(records):
        return records

    def after(value: object) -> bool:
        return isinstance(value, dt.date) and value > day

    known = records[[not after(d) for d in records["dated"]]].copy()
    known["ended_on"] = [None if after(e) else e for e in known["ended_on"]]
    return known


def steering_summary(
    conn: Connection, youth_office_ids: Sequence[str], day: dt.date | None = None
) -> pd.DataFrame:
    """One row per youth office (in the order given) for the Sitzungsvorlage's slide or
    PDF page „Qualitätsbausteine“: German text cells in :data:`SUMMARY_COLUMNS`, as the
    records stood on ``day`` (default: today's records).

    * „Leitbild beschlossen am“: the adoption date of the newest active
      Leitbild/Handlungskonzept, ``–`` when none;
    * „Steuerungsgruppe: Mitglieder“ / „…: Bereiche“: number of members of the active
      group(s) and how many different sectors they come from;
    * „Koordinationsstelle: VZÄ“ / „…: Förderung bis“: the sum of the active posts'
      FTE (de-DE, two decimals) and the earliest funding end among them;
    * „Letzter Beschluss“: date, committee and Drucksache of the newest decision.
    """
    records = steering_records(conn)
    if day is not None:
        records = as_of(records, day)
    names = dict(conn.execute(select(YouthOffice.id, YouthOffice.name)).tuples().all())
    rows = []
    for office in youth_office_ids:
        df = records[records["youth_office_id"] == office] if len(records) else records
        name = names.get(office, office)
        active = _active(df)
        leitbild = active[active["kind"] == "leitbild"].dropna(subset=["dated"])
        groups = active[active["kind"] == "steuerungsgruppe"]
        posts = active[active["kind"] == "koordinationsstelle"]
        decisions = df[df["kind"] == "beschluss"].dropna(subset=["dated"])
        members = [m for ms in groups["members"] for m in ms]
        ftes = [float(f) for f in posts["fte"] if not pd.isna(f)]
        ends = [d for d in posts["funded_until"] if d is not None and not pd.isna(d)]
        last = decisions.sort_values("dated").iloc[-1] if len(decisions) else None
        rows.append(
            {
                SUMMARY_COLUMNS[0]: _office(name),
                SUMMARY_COLUMNS[1]: _date(max(leitbild["dated"])) if len(leitbild) else MISSING,
                SUMMARY_COLUMNS[2]: format_number(len(members), 0) if len(groups) else MISSING,
                SUMMARY_COLUMNS[3]: (
                    format_number(len({m.get("sector") for m in members}), 0)
                    if len(groups)
                    else MISSING
                ),
                SUMMARY_COLUMNS[4]: format_number(sum(ftes), 2) if ftes else MISSING,
                SUMMARY_COLUMNS[5]: _date(min(ends)) if ends else MISSING,
                SUMMARY_COLUMNS[6]: (
                    " · ".join(
                        x
                        for x in (
                            _date(last["dated"]),
                            _text(last["committee"]),
                            _text(last["drucksache"]),
                        )
                        if x != MISSING
                    )
                    if last is not None
                    else MISSING
                ),
            }
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

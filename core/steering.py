"""Steering records of each Jugendamt (Qualitätsbaustein 4 „Koordination und Steuerung“):
Leitbild/Handlungskonzept, Steuerungsgruppe, Koordinationsstelle and committee decisions.

Read for the page, the exports, the evidence of block 4 and the Sitzungsvorlage
(:func:`steering_records`); written by editors of the youth office and admins.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from core.models import STEERING_KINDS, SteeringRecord, YouthOffice

#: The German name of each kind of steering record, in the order pages show them.
KIND_LABELS = {
    "leitbild": "Leitbild/Handlungskonzept",
    "steuerungsgruppe": "Steuerungsgruppe",
    "koordinationsstelle": "Koordinationsstelle",
    "beschluss": "Beschluss",
}
KIND_ORDER = {kind: i for i, kind in enumerate(STEERING_KINDS)}

#: The columns of :func:`steering_records`.
RECORD_COLUMNS = [
    "id",
    "youth_office_id",
    "youth_office",
    "kind",
    "kind_label",
    "title",
    "dated",
    "committee",
    "drucksache",
    "members",
    "meetings",
    "fte",
    "funding_source",
    "funded_until",
    "ended_on",
    "note",
    "version",
    "updated_by",
    "updated_at",
]


def steering_records(
    conn: Connection, youth_office_id: str | None = None, kind: str | None = None
) -> pd.DataFrame:
    """The steering records, of one youth office and/or one kind when given.

    One row per record with :data:`RECORD_COLUMNS` (``members`` a list of
    ``{"department", "sector"}``, ``meetings`` a list of ISO dates, dates as
    ``datetime.date``), ordered by youth office, kind (as :data:`STEERING_KINDS`) and
    date. Closed records (``ended_on`` set) are included.
    """
    t = SteeringRecord
    stmt = select(
        t.id,
        t.youth_office_id,
        YouthOffice.name.label("youth_office"),
        t.kind,
        t.title,
        t.dated,
        t.committee,
        t.drucksache,
        t.members,
        t.meetings,
        t.fte,
        t.funding_source,
        t.funded_until,
        t.ended_on,
        t.note,
        t.version,
        t.updated_by,
        t.updated_at,
    ).join(YouthOffice, YouthOffice.id == t.youth_office_id)
    if youth_office_id:
        stmt = stmt.where(t.youth_office_id == youth_office_id)
    if kind:
        stmt = stmt.where(t.kind == kind)
    rows = [dict(r) for r in conn.execute(stmt).mappings().all()]
    if not rows:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    for r in rows:
        r["kind_label"] = KIND_LABELS.get(r["kind"], r["kind"])
        r["members"] = list(r["members"] or [])
        r["meetings"] = list(r["meetings"] or [])
    rows.sort(
        key=lambda r: (
            r["youth_office_id"],
            KIND_ORDER.get(r["kind"], len(KIND_ORDER)),
            r["dated"] is None,
            r["dated"] or r["funded_until"] or r["updated_at"].date(),
            r["id"],
        )
    )
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)

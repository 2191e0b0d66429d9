"""The history of imports: the list of batches, rolling a batch back, deleting demo data.

A rollback deletes the rows a batch inserted and restores the rows it changed from
the audit log (rows changed again by a later batch keep the later content). It is
refused while data of other imports still refer to rows it would delete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Table, delete, func, insert, select, update

from core.errors import ConflictError, NotFoundError
from core.imports.batch import KIND_LABELS
from core.inventory import set_demo
from core.models import (
    AppMeta,
    Area,
    AuditLog,
    ImportBatch,
    IndicatorValue,
    Network,
    NetworkPartner,
    NetworkStatus,
    Offer,
    OfferLifePhase,
    Population,
    QualityProgress,
    QualityReport,
    Snapshot,
    SteeringRecord,
    YouthOffice,
)


def batches(conn: Connection) -> pd.DataFrame:
    """Every import batch, newest first: id, kind, kind_label, file_name, rows,
    created_by, created_at, rolled_back_at."""
    stmt = select(
        ImportBatch.id,
        ImportBatch.kind,
        ImportBatch.file_name,
        ImportBatch.rows,
        ImportBatch.created_by,
        ImportBatch.created_at,
        ImportBatch.rolled_back_at,
    ).order_by(ImportBatch.id.desc())
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(
            columns=[
                "id",
                "kind",
                "kind_label",
                "file_name",
                "rows",
                "created_by",
                "created_at",
                "rolled_back_at",
            ]
        )
    df.insert(2, "kind_label", df["kind"].map(KIND_LABELS).fillna(df["kind"]))
    return df


#: Tables a batch writes, in the order their rows are deleted on rollback.
ROLLBACK_ORDER = (
    OfferLifePhase,
    Offer,
    NetworkStatus,
    QualityProgress,
    QualityReport,
    Network,
    Population,
    IndicatorValue,
    Area,
)
#: (referencing table, its column, referenced table) checked before a rollback deletes rows.
DEPENDENTS = (
    (IndicatorValue, "area_id", Area),
    (Population, "area_id", Area),
    (Offer, "area_id", Area),
    (Network, "scope_area_id", Area),
    (Area, "parent_id", Area),
    (NetworkStatus, "network_id", Network),
    (Offer, "network_id", Network),
)
DEPENDENT_LABELS = {
    "indicator_value": "Indikatorwerte",
    "population": "Bevölkerungszahlen",
    "offer": "Angebote",
    "network": "Netzwerke",
    "area": "untergeordnete Gebiete",
    "network_status": "Netzwerkstatus-Einträge",
}


def rollback(conn: Connection, batch_id: int, user: str) -> int:
    """Undo a batch in the caller's transaction; returns the number of rows reverted.

    Rows the batch inserted are deleted, rows it changed get their previous content
    back (rows changed again by a later batch keep the later content). Refused with a
    :class:`ConflictError` when other data still refer to rows it would delete.
    """
    batch = conn.execute(select(ImportBatch).where(ImportBatch.id == batch_id)).mappings().first()
    if batch is None:
        raise NotFoundError(
            f"Den Import Nr. {batch_id} gibt es nicht. Die Liste zeigt "
            "„python -m core import batches“."
        )
    if batch["rolled_back_at"] is not None:
        raise ConflictError(f"Der Import Nr. {batch_id} wurde bereits zurückgenommen.")
    reverted = 0
    prefix = f"{batch_id}:"
    audit = conn.execute(
        select(AuditLog.entity, AuditLog.entity_key, AuditLog.old).where(
            AuditLog.action == "import_replace", AuditLog.entity_key.startswith(prefix)
        )
    ).all()
    tables = {t.name: t for t in (cast(Table, m.__table__) for m in ROLLBACK_ORDER)}
    for entity, key, old in audit:
        t = tables[entity]
        raw_id = key.split(":", 1)[1]
        row_id = int(raw_id) if t.c.id.type.python_type is int else raw_id  # areas: text ids
        old = dict(old)
        links = old.pop("_links", None)
        places = old.pop("_places", None) or {}
        values = {c: _restore(t, c, v) for c, v in old.items() if c in t.c and c != "version"}
        if "version" in t.c:
            values["version"] = t.c.version + 1
        res = conn.execute(
            update(t).where(t.c.id == row_id, t.c.import_batch_id == batch_id).values(values)
        )
        reverted += res.rowcount
        if links is not None and res.rowcount:
            conn.execute(delete(OfferLifePhase).where(OfferLifePhase.offer_id == row_id))
            if links:
                conn.execute(
                    insert(OfferLifePhase),
                    [
                        {"offer_id": row_id, "life_phase_id": p, "places": places.get(p)}
                        for p in links
                    ],
                )
    _check_dependents(conn, batch_id)
    offers = select(Offer.id).where(Offer.import_batch_id == batch_id)
    conn.execute(delete(OfferLifePhase).where(OfferLifePhase.offer_id.in_(offers)))
    for model in ROLLBACK_ORDER[1:]:
        t = cast(Table, model.__table__)
        if model is Area:
            for level in ("area", "municipality", "district"):
                res = conn.execute(
                    delete(t).where(t.c.import_batch_id == batch_id, t.c.level == level)
                )
                reverted += res.rowcount
            continue
        reverted += conn.execute(delete(t).where(t.c.import_batch_id == batch_id)).rowcount
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(rolled_back_at=now))
    conn.execute(
        insert(AuditLog).values(
            user=user,
            action="import_rollback",
            entity="import_batch",
            entity_key=str(batch_id),
            old=None,
            new={"reverted": reverted},
        )
    )
    return reverted


def _restore(t: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    type_name = type(t.c[column].type).__name__
    if type_name == "Date":
        return dt.date.fromisoformat(str(value)[:10])
    if type_name == "DateTime":
        return dt.datetime.fromisoformat(str(value))
    return value


def _check_dependents(conn: Connection, batch_id: int) -> None:
    blockers = []
    for model, column, target in DEPENDENTS:
        t, tt = cast(Table, model.__table__), cast(Table, target.__table__)
        doomed = select(tt.c.id).where(tt.c.import_batch_id == batch_id)
        other = (t.c.import_batch_id.is_(None)) | (t.c.import_batch_id != batch_id)
        n = conn.execute(
            select(func.count()).select_from(t).where(t.c[column].in_(doomed), other)
        ).scalar_one()
        if n:
            blockers.append(f"{n} {DEPENDENT_LABELS[t.name]}")
    if blockers:
        raise ConflictError(
            f"Der Import Nr. {batch_id} kann nicht zurückgenommen werden: "
            f"{', '.join(blockers)} aus anderen Importen beziehen sich noch auf seine Daten. "
            "Zuerst die späteren Importe zurücknehmen (neueste zuerst)."
        )


def delete_demo(conn: Connection) -> None:
    """Delete all demo data in the caller's transaction and mark the database as real."""
    for model in (
        OfferLifePhase,
        Offer,
        NetworkPartner,
        NetworkStatus,
        QualityProgress,
        QualityReport,
        SteeringRecord,
        Network,
        Population,
        IndicatorValue,
        Snapshot,
    ):
        conn.execute(delete(model))
    for level in ("area", "municipality", "district"):
        conn.execute(delete(Area).where(Area.level == level))
    conn.execute(delete(Area))
    conn.execute(delete(YouthOffice))
    conn.execute(delete(AppMeta).where(AppMeta.key == "geometry_attribution"))
    set_demo(conn, False)

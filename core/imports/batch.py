"""Writing an import: upsert by natural key, one import batch per file, rollback.

An import is planned first (:class:`Plan`: rows per table, each classified new /
changed / unchanged against the database) and then written in one transaction with
bulk ``executemany`` statements. Rows the batch inserts or changes carry its
``import_batch_id``; the previous content of every changed row goes to the audit log,
so a rollback deletes what the batch inserted and restores what it changed.
Importing the same file again finds every row unchanged and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from core.errors import Problem
from core.models import (
    AppMeta,
    AuditLog,
    ImportBatch,
    OfferLifePhase,
)
from core.present.numbers import format_number

Progress = Callable[[float, str], None]
CHUNK = 5_000
NEW, CHANGED, UNCHANGED = "neu", "geändert", "unverändert"
KIND_LABELS = {
    "areas": "Gebiete",
    "indicators": "Indikatorwerte",
    "population": "Bevölkerung",
    "offers": "Angebote",
    "networks": "Netzwerkstatus",
    "quality": "Qualitätsbausteine",
}


@dataclass(frozen=True)
class Ref:
    """A reference to a row written earlier in the same plan (e.g. a new network)."""

    table: str
    key: tuple[Any, ...]


@dataclass
class TableWrite:
    """Rows for one table, upserted by ``key``; ``columns`` are compared and updated.

    ``links`` (offers only): per row the life phase ids, kept in offer_life_phase;
    ``places`` (offers, when the file has places per phase): per row phase -> places
    (without it, the places of phases an offer keeps stay as they were).
    ``referenced``: later writes of the plan refer to new rows by :class:`Ref`.
    Tables with ``version``/``updated_by`` get the version bumped and the user set.
    """

    table: Table
    key: tuple[str, ...]
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    lines: list[int | None] = field(default_factory=list)
    referenced: bool = False
    links: list[tuple[str, ...]] | None = None
    places: list[dict[str, int | None]] | None = None
    status: list[str] = field(default_factory=list)
    existing: dict[int, dict[str, Any]] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """How many rows have ``status`` (NEW, CHANGED or UNCHANGED)."""
        return sum(1 for s in self.status if s == status)


@dataclass
class Plan:
    """A validated import, ready to be shown as a preview and written."""

    kind: str
    file_name: str
    file_hash: str
    writes: list[TableWrite]
    warnings: list[Problem] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, str] = field(default_factory=dict)
    geometries: Any = None

    @property
    def main(self) -> TableWrite:
        """The write of the kind's own table (the last one)."""
        return self.writes[-1]

    def counts(self) -> dict[str, int]:
        """Rows new / changed / unchanged of the kind's own table."""
        return {s: self.main.count(s) for s in (NEW, CHANGED, UNCHANGED)}

    @property
    def changes(self) -> int:
        """Rows that would be written (new or changed, all tables)."""
        return sum(w.count(NEW) + w.count(CHANGED) for w in self.writes)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dt.datetime) and isinstance(b, dt.date) and not isinstance(b, dt.datetime):
        return a.date() == b
    return a == b


def _key_of(row: dict[str, Any], key: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(row[k].date() if isinstance(row[k], dt.datetime) else row[k] for k in key)


def classify(conn: Connection, write: TableWrite) -> None:
    """Mark every row new, changed or unchanged against the database (by its key)."""
    t = write.table
    names = dict.fromkeys(("id", *write.key, *write.columns))
    cols = [t.c[n] for n in names]
    extra = [t.c.import_batch_id] if "import_batch_id" in t.c else []
    existing = {}
    for r in conn.execute(select(*cols, *extra)).mappings():
        existing[_key_of(dict(r), write.key)] = dict(r)
    links: dict[int, tuple[str, ...]] = {}
    old_places: dict[int, dict[str, int | None]] = {}
    if write.links is not None:
        link_rows = select(
            OfferLifePhase.offer_id, OfferLifePhase.life_phase_id, OfferLifePhase.places
        )
        for oid, pid, n in conn.execute(link_rows):
            links.setdefault(oid, ())
            links[oid] = tuple(sorted((*links[oid], pid)))
            old_places.setdefault(oid, {})[pid] = n
    write.status, write.existing = [], {}
    for i, row in enumerate(write.rows):
        key = _key_of(row, write.key)
        old = None if any(isinstance(k, Ref) for k in key) else existing.get(key)
        if old is None:
            write.status.append(NEW)
            continue
        same = all(_same(row[c], old[c]) for c in write.columns if c in row)
        if write.links is not None:
            old["_links"] = links.get(old["id"], ())
            old["_places"] = old_places.get(old["id"], {})
            same = same and tuple(sorted(write.links[i])) == old["_links"]
            if write.places is not None:
                same = same and write.places[i] == {p: old["_places"].get(p) for p in old["_links"]}
        write.status.append(UNCHANGED if same else CHANGED)
        if not same:
            write.existing[i] = old


def _resolve(row: dict[str, Any], ids: dict[str, dict[tuple[Any, ...], int]]) -> dict[str, Any]:
    return {k: ids[v.table][v.key] if isinstance(v, Ref) else v for k, v in row.items()}


def _json_safe(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(row, default=str))


def write_plan(conn: Connection, plan: Plan, user: str, progress: Progress | None = None) -> int:
    """Write a classified plan in the caller's transaction; returns the batch id (0 when
    nothing was new or changed: then nothing at all is written)."""
    if plan.changes == 0:
        return 0
    batch_id = conn.execute(
        insert(ImportBatch)
        .values(
            kind=plan.kind,
            file_name=plan.file_name,
            file_hash=plan.file_hash,
            rows=plan.changes,
            created_by=user,
        )
        .returning(ImportBatch.id)
    ).scalar_one()
    ids: dict[str, dict[tuple[Any, ...], int]] = {}
    total, done = max(plan.changes, 1), 0
    audit: list[dict[str, Any]] = []
    for write in plan.writes:
        t = write.table
        name = t.name
        stamp = _stamp(t, user)
        if "import_batch_id" in t.c:
            stamp["import_batch_id"] = batch_id
        new_idx = [i for i, s in enumerate(write.status) if s == NEW]
        changed_idx = [i for i, s in enumerate(write.status) if s == CHANGED]
        if write.links is not None:
            for i in new_idx:
                row = _resolve(write.rows[i], ids) | stamp
                oid = conn.execute(insert(t).values(**row).returning(t.c.id)).scalar_one()
                links = _link_rows(write, i, oid, {})
                if links:
                    conn.execute(insert(OfferLifePhase), links)
        else:
            for start in range(0, len(new_idx), CHUNK):
                chunk = [
                    _resolve(write.rows[i], ids) | stamp for i in new_idx[start : start + CHUNK]
                ]
                conn.execute(insert(t), chunk)
                done += len(chunk)
                _report(progress, done, total)
        if changed_idx:
            cols = [c for c in write.columns if c in write.rows[changed_idx[0]]]
            stmt = (
                update(t)
                .where(t.c.id == bindparam("_id"))
                .values(
                    {
                        **{c: bindparam(f"_v_{c}") for c in cols},
                        **stamp,
                        **({"version": t.c.version + 1} if "version" in t.c else {}),
                    }
                )
            )
            for start in range(0, len(changed_idx), CHUNK):
                part = changed_idx[start : start + CHUNK]
                params = []
                for i in part:
                    row = _resolve(write.rows[i], ids)
                    params.append(
                        {"_id": write.existing[i]["id"]} | {f"_v_{c}": row[c] for c in cols}
                    )
                    keep = (*cols, "import_batch_id", "_links", "_places")
                    old = {c: write.existing[i][c] for c in keep if c in write.existing[i]}
                    audit.append(
                        {
                            "user": user,
                            "action": "import_replace",
                            "entity": name,
                            "entity_key": f"{batch_id}:{write.existing[i]['id']}",
                            "old": _json_safe(old),
                            "new": _json_safe({c: row[c] for c in cols}),
                        }
                    )
                conn.execute(stmt, params)
                done += len(part)
                _report(progress, done, total)
            if write.links is not None:
                for i in changed_idx:
                    oid = write.existing[i]["id"]
                    conn.execute(delete(OfferLifePhase).where(OfferLifePhase.offer_id == oid))
                    old_links = write.existing[i].get("_places", {})
                    conn.execute(insert(OfferLifePhase), _link_rows(write, i, oid, old_links))
        if new_idx and write.referenced:
            keycols = [t.c[k] for k in write.key]
            for r in conn.execute(select(t.c.id, *keycols).where(t.c.import_batch_id == batch_id)):
                ids.setdefault(name, {})[tuple(r[1:])] = r[0]
    if audit:
        conn.execute(insert(AuditLog), audit)
    counts = {w.table.name: {s: w.count(s) for s in (NEW, CHANGED, UNCHANGED)} for w in plan.writes}
    conn.execute(
        insert(AuditLog).values(
            user=user,
            action="import",
            entity="import_batch",
            entity_key=str(batch_id),
            old=None,
            new={"kind": plan.kind, "file": plan.file_name, "rows": counts},
        )
    )
    for key, value in plan.meta.items():
        conn.execute(delete(AppMeta).where(AppMeta.key == key))
        conn.execute(insert(AppMeta).values(key=key, value=value))
    if progress:
        progress(1.0, "fertig")
    return batch_id


def _link_rows(
    write: TableWrite, i: int, offer_id: int, kept: dict[str, int | None]
) -> list[dict[str, Any]]:
    """The offer_life_phase rows of row ``i``: its phases with the file's places, or the
    places kept from before when the file has none."""
    assert write.links is not None
    given = write.places[i] if write.places is not None else kept
    return [
        {"offer_id": offer_id, "life_phase_id": p, "places": given.get(p)} for p in write.links[i]
    ]


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress:
        rows = f"{format_number(done, 0)} von {format_number(total, 0)} Zeilen"
        progress(min(done / total, 1.0), rows)


def _stamp(t: Table, user: str) -> dict[str, Any]:
    if "updated_by" not in t.c:
        return {}
    return {"updated_by": user, "updated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}

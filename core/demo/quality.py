"""Demo Qualitätsbausteine: each youth office's report of the 13 items per quarter,
moving forward over the quarters, with evidence where an item is reached."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, insert

from core.catalogue import quality_items
from core.demo.figures import FIRST_QUARTER, LAST_QUARTER
from core.demo.geography import MUNICIPALITIES
from core.models import QualityProgress, QualityReport
from core.quarters import quarter_range


def quality_demo(conn: Connection, rng: np.random.Generator) -> None:
    """Write the demo reports and their items (after the steering records)."""
    rows = quality_rows(rng, quality_items(conn)["id"].tolist())
    reports = sorted({(r["youth_office_id"], r["quarter"]) for r in rows})
    conn.execute(
        insert(QualityReport),
        [
            {"youth_office_id": o, "quarter": q, "version": 1, "updated_by": "Demodaten"}
            for o, q in reports
        ],
    )
    conn.execute(insert(QualityProgress), rows)


def quality_rows(rng: np.random.Generator, item_ids: list[str]) -> list[dict]:
    """Each youth office's state of every quality item per quarter, moving forward."""
    quarters = quarter_range(FIRST_QUARTER, LAST_QUARTER)
    offices = sorted({m.youth_office for m in MUNICIPALITIES})
    rows = []
    for office in offices:
        for item in item_ids:
            block = int(item.split(".")[0])
            start = int(rng.integers(0, 3 + 4 * block))
            done = start + int(rng.integers(3, 14))
            for i, q in enumerate(quarters):
                state = "done" if i >= done else ("in_progress" if i >= start else "open")
                rows.append(
                    {"youth_office_id": office, "quarter": q.key, "item_id": item, "state": state}
                )
    return rows

"""What the database holds, for the Übersicht page: cached, turned into German errors,
and shown as "Inhalt der Datenbank" (the newest reference date and the rows per table)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.config import database_url
from core.db import schema_revision
from core.inventory import is_demo, is_empty, newest_reference_date, table_counts
from core.present.numbers import format_number
from core.present.stand import NEWEST_IN_DATABASE, Stand
from ui.db import engine_for
from ui.query import database_error
from ui.texts import german_sort_key, table_label

NEWEST_HELP = (
    "Das jüngste Stichtagsdatum aller Indikatorwerte in der Datenbank. Die Seiten zeigen "
    "die Werte zum Ende des gewählten Berichtsquartals; ihr Datenstand steht oben auf "
    "jeder Seite."
)
COL_TABLE = "Tabelle"
COL_ROWS = "Einträge"


@dataclass(frozen=True)
class Inventory:
    """A summary of the database: schema state, demo flag, newest reference date and
    row counts."""

    revision: str | None
    empty: bool = True
    demo: bool = False
    newest: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def migrated(self) -> bool:
        """True when the schema has been created (``init-db`` has run)."""
        return self.revision is not None


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _inventory(url: str) -> Inventory:
    engine = engine_for(url)
    revision = schema_revision(engine)
    if revision is None:
        return Inventory(revision=None)
    with engine.connect() as conn:
        return Inventory(
            revision=revision,
            empty=is_empty(conn),
            demo=is_demo(conn),
            newest=newest_reference_date(conn),
            counts=table_counts(conn),
        )


def load_inventory() -> Inventory:
    """The inventory of the configured database (cached for a minute).

    Raises :class:`core.errors.ConfigError` with a German message when the database
    cannot be reached or read (server down, schema out of date).
    """
    url = database_url()
    try:
        return _inventory(url)
    except SQLAlchemyError as exc:
        raise database_error(exc, url) from exc


def database_contents(inventory: Inventory) -> None:
    """The newest reference date in the database (not a Datenstand of any page) and
    the number of rows per table, under German table names."""
    st.metric(NEWEST_IN_DATABASE, Stand.of([inventory.newest]).text, help=NEWEST_HELP)
    rows = sorted(
        ((table_label(n), c) for n, c in inventory.counts.items()),
        key=lambda row: german_sort_key(row[0]),
    )
    counts = pd.DataFrame(
        {COL_TABLE: [r[0] for r in rows], COL_ROWS: [format_number(r[1], 0) for r in rows]}
    )
    st.dataframe(
        counts,
        hide_index=True,
        width="content",
        height="content",
        column_config={COL_ROWS: st.column_config.TextColumn(COL_ROWS, alignment="right")},
    )

"""What the database holds, for the Übersicht page: cached and turned into German errors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.config import database_url
from core.db import schema_revision
from core.inventory import is_demo, is_empty, newest_reference_date, table_counts
from ui.db import engine_for
from ui.query import database_error


@dataclass(frozen=True)
class Inventory:
    """A summary of the database: schema state, demo flag, Datenstand and row counts."""

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

"""The app's database engine, cached once per database URL for all sessions."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from core.config import database_url
from core.db import make_engine


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """The shared engine for ``url`` (one connection pool per URL and process)."""
    return make_engine(url)


def get_engine() -> Engine:
    """The engine for the configured database (``DATABASE_URL`` or the SQLite file).

    Cached per URL, so a changed ``DATABASE_URL`` (e.g. in tests) gets its own engine.
    """
    return engine_for(database_url())

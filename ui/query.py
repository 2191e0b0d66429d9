"""Cached calls of core query functions: the one place pages get their data from.

``query(core_function, *args)`` opens a connection on the configured database, calls
the function and caches the result by function and arguments (``st.cache_data``:
every caller gets its own copy, so cached results are never mutated). After a write
call :func:`after_write`, so every page shows the new data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.config import database_url
from core.errors import ConfigError
from core.publication import forget as forget_publication
from ui.db import engine_for
from ui.texts import DB_UNREADABLE

TTL_SECONDS = 300


@st.cache_data(ttl=TTL_SECONDS, max_entries=512, show_spinner=False)
def _call(url: str, target: str, args: tuple, kwargs: tuple) -> Any:
    module, name = target.rsplit(".", 1)
    func = getattr(importlib.import_module(module), name)
    with engine_for(url).connect() as conn:
        return func(conn, *args, **dict(kwargs))


def query(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(conn, *args, **kwargs)`` on the configured database, cached.

    Database failures become a :class:`ConfigError` with a German message.
    """
    url = database_url()
    target = f"{func.__module__}.{func.__qualname__}"
    try:
        return _call(url, target, args, tuple(sorted(kwargs.items())))
    except SQLAlchemyError as exc:
        raise database_error(exc, url) from exc


def database_error(exc: SQLAlchemyError, url: str) -> ConfigError:
    """A German error for a database that cannot be reached or read."""
    shown = engine_for(url).url.render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return ConfigError(DB_UNREADABLE.format(url=shown, reason=reason))


def after_write() -> None:
    """The one cache invalidation after a write (status entry, frozen session, import,
    rollback): forget every cached result the write may have changed, i.e. every
    ``st.cache_data`` entry (the queries above and the database inventory) and this
    process's protected publication."""
    st.cache_data.clear()
    forget_publication()

"""A demo database whose every name, goal, note and title is an attack, and a reader of
everything a page shows: for the tests that data is never evaluated anywhere."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from core.db import make_engine
from core.models import Area, Network, NetworkStatus, Offer, YouthOffice
from core.permissions import operator
from core.quarters import Quarter
from core.reports.snapshot import freeze_session

#: Evaluated by Jinja, ``{{ lipsum.__name__ }}`` gives this (a quote-free payload).
EVALUATED = "generate_lorem_ipsum"
EVIL_HOST = "evil.example"
#: Every kind of attack in one text: a spreadsheet formula (first, as spreadsheets look
#: at the start), Jinja expression, statement and comment, Markdown image and link, HTML,
#: a Streamlit colour directive and icon, LaTeX and emphasis.
ATTACK = (
    f'=HYPERLINK("http://{EVIL_HOST}/f";"x") {{{{ lipsum.__name__ }}}} {{% if true %}}JA'
    f"{{% endif %}} {{# c #}} ![bild](http://{EVIL_HOST}/i.png) [klick](http://{EVIL_HOST}/l)"
    f' <img src="http://{EVIL_HOST}/h.png"> <a href="http://{EVIL_HOST}/a">a</a> :red[rot]'
    " :material/home: $x^2$ **fett**"
)
#: What must never appear unescaped in a Markdown source.
MARKDOWN_ATTACKS = (
    f"](http://{EVIL_HOST}",
    f'<img src="http://{EVIL_HOST}',
    f'<a href="http://{EVIL_HOST}',
    ":red[",
    "**fett**",
)

#: Fields that Streamlit shows as plain text (never Markdown): select box options and
#: values, text inputs, code, and data (tables, charts, the map component's data).
PLAIN_ELEMENTS = frozenset(
    {"arrow_data_frame", "plotly_chart", "component_instance", "code", "text", "json"}
)
PLAIN_FIELDS = frozenset({"options", "default", "value", "raw_value", "raw_values", "placeholder"})


def as_shown(markdown: object) -> str:
    """A Markdown source as the reader sees it: backslash escapes and the invisible word
    joiners of :func:`core.escaping.markdown_text` removed."""
    return re.sub(r"\\(.)", r"\1", str(markdown)).replace("\u2060", "")


def evil(name: str) -> str:
    """The attack with the original name inside (names stay unique and recognisable)."""
    return ATTACK.replace("=HYPERLINK(", f"=HYPERLINK({name}", 1)


def evil_demo(demo_url: str, folder: Path) -> str:
    """A copy of the demo database with every text a user or an import can set replaced
    by :func:`evil`, and a frozen session with an evil title; returns its URL."""
    source = Path(demo_url.removeprefix("sqlite:///"))
    target = folder / "evil.sqlite"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # also what is still in the write-ahead log
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in (Area, YouthOffice, Network):
            for row_id, name in conn.execute(select(table.id, table.name)).all():
                conn.execute(update(table).where(table.id == row_id).values(name=evil(name)))
        offers = conn.execute(select(Offer.id, Offer.name, Offer.provider)).all()
        for row_id, name, provider in offers:
            conn.execute(
                update(Offer)
                .where(Offer.id == row_id)
                .values(name=evil(name), provider=evil(provider))
            )
        conn.execute(update(NetworkStatus).values(goals=ATTACK, note=ATTACK, updated_by=ATTACK))
    freeze_session(engine, operator(ATTACK), ATTACK, dt.date(2026, 12, 1), Quarter(2026, 3))
    engine.dispose()
    return url


def _strings(message: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, text) of every string field in a protobuf message, recursively."""
    for field, value in message.ListFields():
        name = f"{path}.{field.name}" if path else field.name
        items = value if field.is_repeated else [value]
        for item in items:
            if isinstance(item, str):
                yield name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, name)


def shown_texts(at: Any) -> Iterator[tuple[str, str, str]]:
    """(element type, field, text) of every text an AppTest run shows, with a flag of
    whether Streamlit renders it as Markdown."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        kind = getattr(node, "type", type(node).__name__)
        for field, text in _strings(proto):
            yield kind, field, text


def markdown_leaks(at: Any) -> list[tuple[str, str, str]]:
    """Texts rendered as Markdown that carry an attack unescaped."""
    leaks = []
    for kind, field, text in shown_texts(at):
        if kind in PLAIN_ELEMENTS or field.split(".")[-1] in PLAIN_FIELDS:
            continue
        if any(attack in text for attack in MARKDOWN_ATTACKS):
            leaks.append((kind, field, text[:160]))
    return leaks


def evaluated(at: Any) -> list[tuple[str, str]]:
    """Texts where a template was evaluated."""
    return [(kind, field) for kind, field, text in shown_texts(at) if EVALUATED in text]

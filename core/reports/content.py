"""What the slides of a committee report show, as plain JSON-able data.

``build_report`` collects every slide from the core query functions (privacy-suppressed
exactly as on screen) into a dict that the PPTX, PDF and Excel renderers and the
presentation mode read, and that a snapshot stores unchanged. Renderers never query
the database again, so a frozen report keeps its figures.

A report::

    {"format": 1, "meta": {...}, "slides": [slide, ...]}

A slide: ``key``, ``title``, ``lead`` (the one message), ``bullets``, ``figures``
(key-figure tiles), ``charts`` (bar/stacked_bar/line specs), ``image`` (base64 PNG),
``tables`` (``columns``, ``rows`` with numbers as numbers and withheld cells as the
one sign ``WITHHELD_SIGN``, ``decimals`` per column), ``reading_aid``, ``source`` and
``stand`` (German text).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from core.areas import area
from core.catalogue import IndicatorEntry, indicators
from core.catalogue import indicator as indicator_entry
from core.inventory import data_fingerprint, is_demo
from core.key_figures import KEY_INDICATORS
from core.present.numbers import format_date, local_time
from core.present.stand import LABEL, Stand
from core.present.vocabulary import WITHHELD_LEGEND
from core.privacy import PrivacyRules
from core.quarters import Quarter
from core.reports import SLIDE_KEYS, SLIDE_TITLES
from core.reports.indicator_slides import (
    DISTRICT_NAME,
    chain_slide,
    gaps_slide,
    key_figures_slide,
    map_slide,
)
from core.reports.network_slides import network_slide
from core.reports.quality_slides import quality_slide
from core.reports.spec import (
    footer_text,
    format_cell,
    iso_date,
    report_stand,
    slide,
    slide_stand,
    stand_dates,
    table,
)

__all__ = ["build_report", "footer_text", "format_cell", "select_slides", "with_session"]

FORMAT_VERSION = 1
DEFAULT_INDICATOR = "sgb2_u15"
REPORT_TITLE = "Präventionskette gegen Kinderarmut"
DEMO_NOTE = "Demodaten: erfundene Zahlen zum Ausprobieren, keine amtlichen Werte."
#: tables whose content is not data (fingerprint without the frozen reports themselves)
NOT_DATA = {"snapshot", "audit_log", "alembic_version"}


def _sources_slide(
    conn: Connection, meta: dict, indicator_ids: list[str], rules: PrivacyRules
) -> dict:
    cat = indicators(conn).set_index("id")
    used = [i for i in dict.fromkeys(indicator_ids) if i in cat.index]
    frame = pd.DataFrame(
        {
            "Indikator": [cat.loc[i, "name"] for i in used],
            "Definition": [cat.loc[i, "definition"] for i in used],
            "Quelle": [cat.loc[i, "source"] for i in used],
            "Stichtag": [cat.loc[i, "reference_note"] for i in used],
        }
    )
    bullets = [
        "Werte zum Ende des Berichtsquartals: je Indikator der neueste Wert, dessen Stichtag "
        "am oder vor dem Quartalsende liegt.",
        f"Datenschutz: {WITHHELD_LEGEND}. Nicht ausgewiesen werden Fallzahlen unter "
        f"{rules.min_count}, Quoten mit einer Bezugsgröße unter {rules.min_denominator} "
        "und Werte, aus denen sich diese zurückrechnen ließen; alle mit demselben Zeichen.",
        "Quoten größerer Gebiete sind aus Zählern und Nennern summiert, nie gemittelt.",
        f"Datengrundlage (Prüfsumme): {meta['data_hash'][:12]}",
    ]
    if meta["demo"]:
        bullets.insert(0, DEMO_NOTE)
    return slide(
        "sources",
        bullets=bullets,
        tables=[table("Quellen", frame, slide_columns=["Indikator", "Quelle", "Stichtag"])],
        reading_aid="Quellen, Definitionen und Datenschutzregeln der gezeigten Zahlen.",
        source="Indikatorenkatalog des Präventionsmonitors",
        stand=report_stand({"meta": meta}),
    )


def _title_slide(meta: dict) -> dict:
    stand = report_stand({"meta": meta})
    facts = [
        ("Gebiet", meta["scope"]),
        ("Berichtsquartal", meta["quarter_label"]),
        (LABEL, stand.text),
        ("Erstellt am", format_date(iso_date(meta["created_at"][:10]))),
    ]
    if meta.get("session_title"):
        facts.insert(0, ("Sitzung", meta["session_title"]))
        facts.insert(1, ("Sitzungsdatum", format_date(iso_date(meta["session_date"]))))
    if meta["demo"]:
        facts.append(("Hinweis", DEMO_NOTE))
    frame = pd.DataFrame(facts, columns=["Angabe", "Wert"])
    return slide(
        "title",
        title=meta.get("session_title") or REPORT_TITLE,
        lead=f"{meta['scope']} · {meta['quarter_label']}",
        bullets=[stand.label],
        tables=[table("Titel", frame, slide_columns=[])],
        reading_aid=(
            f"Bericht zur Präventionskette gegen Kinderarmut für {meta['scope']}, "
            f"{meta['quarter_label']}. Alle Zahlen mit Stand und Quelle; Datenschutz wie im "
            "Präventionsmonitor."
        ),
        source="Präventionsmonitor",
        stand=stand,
    )


#: slides whose Stand is the report's (they describe it), not a Stand of their own
DESCRIBING = ("title", "sources")


def _stamped(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its Stand = the union of the Stände of the slides it contains,
    written into its meta, the title slide and the sources slide."""
    stand = Stand()
    for s in report["slides"]:
        if s["key"] not in DESCRIBING:
            stand = stand | slide_stand(s)
    if stand.empty:
        return report
    meta = dict(
        report["meta"],
        stand_first=stand.first.isoformat() if stand.first else None,
        data_as_of=stand.last.isoformat() if stand.last else None,
    )
    slides = []
    for s in report["slides"]:
        if s["key"] == "title":
            s = _title_slide(meta)
        elif s["key"] == "sources":
            s = {**s, "stand": stand.text, "stand_dates": stand_dates(stand)}
        slides.append(s)
    return {**report, "meta": meta, "slides": slides}


def build_report(
    conn: Connection,
    q: Quarter,
    municipality_id: str | None = None,
    indicator: IndicatorEntry | None = None,
    slides: tuple[str, ...] | list[str] | None = None,
    rules: PrivacyRules | None = None,
) -> dict[str, Any]:
    """The report for the Kreis or one Kommune in a quarter, as JSON-able data.

    ``indicator`` is the map slide's (default: the SGB-II-Quote unter 15). ``slides``
    chooses and orders the slides (default: all, in ``SLIDE_KEYS`` order); unknown keys
    raise ``NotFoundError`` with the known ones.
    """
    from core.errors import NotFoundError

    rules = rules or PrivacyRules.from_settings()
    entry = indicator or indicator_entry(conn, DEFAULT_INDICATOR)
    indicator_id = entry.id
    keys = list(slides) if slides else list(SLIDE_KEYS)
    unknown = [k for k in keys if k not in SLIDE_TITLES]
    if unknown:
        raise NotFoundError(
            f"Unbekannte Folie(n): {', '.join(unknown)}. Möglich sind: {', '.join(SLIDE_KEYS)}."
        )
    scope = area(conn, municipality_id)["name"] if municipality_id else DISTRICT_NAME
    built: dict[str, dict] = {}
    makers = {
        "key_figures": lambda: key_figures_slide(conn, q, municipality_id, rules),
        "map": lambda: map_slide(conn, q, municipality_id, entry, rules),
        "chain": lambda: chain_slide(conn, q, municipality_id, rules),
        "gaps": lambda: gaps_slide(conn, q, municipality_id, rules),
        "networks": lambda: network_slide(conn, q, municipality_id),
        "quality": lambda: quality_slide(conn, q, municipality_id),
    }
    for key in keys:
        if key in makers:
            built[key] = makers[key]()
    # the report's Stand: the union of the Stände of its slides; a report of title and
    # sources only has the Stand of the key figures it would show
    stand = Stand()
    for s in list(built.values()) or [makers["key_figures"]()]:
        stand = stand | slide_stand(s)
    meta = {
        "title": REPORT_TITLE,
        "scope": scope,
        "municipality_id": municipality_id,
        "quarter": q.key,
        "quarter_label": q.label,
        "indicator_id": indicator_id,
        "stand_first": stand.first.isoformat() if stand.first else None,
        "data_as_of": stand.last.isoformat() if stand.last else None,
        "demo": is_demo(conn),
        # German wall-clock time of the making (the server may run in UTC)
        "created_at": local_time(dt.datetime.now(dt.UTC))
        .replace(tzinfo=None, microsecond=0)
        .isoformat(),
        "data_hash": report_fingerprint(conn),
        "privacy": {"min_count": rules.min_count, "min_denominator": rules.min_denominator},
        "session_title": None,
        "session_date": None,
    }
    if "title" in keys:
        built["title"] = _title_slide(meta)
    if "sources" in keys:
        built["sources"] = _sources_slide(conn, meta, [*KEY_INDICATORS, indicator_id], rules)
    return {
        "format": FORMAT_VERSION,
        "meta": meta,
        "slides": [built[k] for k in keys],
        "definitions": definitions(conn, rules),
    }


def definitions(conn: Connection, rules: PrivacyRules) -> list[dict[str, Any]]:
    """The catalogue behind the report (indicators, life-phase targets, privacy rules) as
    tables, so that a frozen report carries its definitions along."""
    from core.catalogue import life_phases
    from core.coverage import METRIC_LABELS

    cat = indicators(conn)
    kinds = {"rate": "Quote", "count": "Anzahl"}
    periods = {"monthly": "monatlich", "quarterly": "vierteljährlich", "annual": "jährlich"}
    polarity = {
        "higher_worse": "höher ist ungünstiger",
        "higher_better": "höher ist besser",
        "neutral": "neutral",
    }
    frame = pd.DataFrame(
        {
            "Indikator": cat["name"],
            "Kurzname": cat["short_name"],
            "Art": cat["kind"].map(kinds),
            "Einheit": cat["unit"],
            "Definition": cat["definition"],
            "Zähler": cat["numerator_label"],
            "Nenner": cat["denominator_label"].fillna(""),
            "Quelle": cat["source"],
            "Stichtag": cat["reference_note"],
            "Rhythmus": cat["periodicity"].map(periods),
            "Richtung": cat["polarity"].map(polarity),
        }
    )
    phases = life_phases(conn)
    targets = pd.DataFrame(
        {
            "Lebensphase": phases["label"],
            "Alter von": phases["age_from"],
            "Alter bis unter": phases["age_to"],
            "Maß": phases["coverage_metric"].map(METRIC_LABELS),
            "Zielwert": phases["coverage_target"],
        }
    )
    privacy = pd.DataFrame(
        [
            ("Kleinste gezeigte Fallzahl", rules.min_count),
            ("Kleinste Bezugsgröße einer Quote", rules.min_denominator),
        ],
        columns=["Regel", "Wert"],
    )
    return [
        table("Definitionen und Quellen", frame),
        table("Zielwerte der Kette", targets),
        table("Datenschutzregeln", privacy),
    ]


def report_fingerprint(conn: Connection) -> str:
    """SHA-256 of the data a report is built from (not of the frozen reports themselves)."""
    from core.models import Base

    return data_fingerprint(conn, [t for t in Base.metadata.tables if t not in NOT_DATA])


def with_session(report: dict[str, Any], title: str, session_date: dt.date) -> dict[str, Any]:
    """The report with the session's title and date in its meta and on the title slide."""
    meta = dict(report["meta"], session_title=title, session_date=session_date.isoformat())
    slides = [_title_slide(meta) if s["key"] == "title" else s for s in report["slides"]]
    return {**report, "meta": meta, "slides": slides}


def select_slides(report: dict[str, Any], keys: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The report with only the slides ``keys``, in that order.

    Raises ``NotFoundError`` naming the known slides for a key the report lacks.
    """
    from core.errors import NotFoundError

    by_key = {s["key"]: s for s in report["slides"]}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise NotFoundError(
            f"Unbekannte Folie(n): {', '.join(missing)}. Möglich sind: {', '.join(by_key)}."
        )
    return _stamped({**report, "slides": [by_key[k] for k in keys]})

"""The indicator and coverage slides of a committee report: key figures, the map, the
prevention chain and the gaps (high need, low coverage)."""

from __future__ import annotations

import base64
from typing import Any

import pandas as pd
from sqlalchemy import Connection

from core.areas import area
from core.catalogue import IndicatorEntry
from core.catalogue import indicator as indicator_entry
from core.coverage import chain_summary, need_vs_coverage, weakest_link
from core.indicators import indicator_values
from core.key_figures import key_figures
from core.present.chain_tables import chain_table, need_table, shown_percent
from core.present.changes import CHANGE_LEGEND
from core.present.indicator_tables import map_table
from core.present.map_style import DEFAULT_STYLE, METHOD_LABELS, shading_text
from core.present.numbers import MISSING, format_date, format_value
from core.present.vocabulary import (
    NO_DATA,
    QUADRANT_GAP,
    WITHHELD_COLUMN,
    WITHHELD_TEXT,
    status_term,
)
from core.privacy import PrivacyRules
from core.quarters import Quarter
from core.reports.maps import report_map
from core.reports.spec import pair_table, slide, table

DISTRICT_NAME = "Rhein-Kreis Neuss"
GAP_QUADRANT = QUADRANT_GAP
GAP_ROWS_ON_SLIDE = 8
#: Sozialräume named on the map slide: the most urgent of the ranking.
TOP_AREAS = 5
#: the chain table's columns on the slide (the Excel sheet has all of them)
CHAIN_ON_SLIDE = ["Lebensphase", "Zielerreichung %", "Status", "Sozialräume mit Lücke"]
NEED_INDICATOR = "sgb2_u15"


def key_figures_slide(conn: Connection, q: Any, muni: str | None, rules: PrivacyRules) -> dict:
    figures = key_figures(conn, q, muni, rules)
    rows = [
        {
            "label": f.label,
            "value": f.value,
            "delta": f.change,  # its symbol first, as on the Übersicht
            "delta_color": f.delta_color,
            "stand": format_date(f.stand),
            "help": f.help,
        }
        for f in figures
    ]
    stands = [f.stand for f in figures if f.stand]  # the Stand of every figure shown
    frame = (
        pd.DataFrame(rows)
        .drop(columns="delta_color")
        .rename(
            columns={
                "label": "Kennzahl",
                "value": "Wert",
                "delta": "Veränderung",
                "stand": "Stand",
                "help": "Erläuterung",
            }
        )
    )
    return slide(
        "key_figures",
        title=f"Kennzahlen {q.label}",
        figures=rows,
        tables=[table("Kennzahlen", frame, slide_columns=[])],
        reading_aid=(
            "So lesen Sie die Kennzahlen: Werte zum Ende des Berichtsquartals. Darunter die "
            f"Veränderung ({CHANGE_LEGEND}) – bei Monats- und Quartalsdaten gegenüber dem "
            "Vorquartal, bei Jahresdaten gegenüber dem vorherigen Stichtag – und der Stand "
            "jedes Werts."
        ),
        source="Bundesagentur für Arbeit, IT.NRW, Melderegister, Angebotsdatenbank, "
        "Meldungen der Netzwerkkoordination",
        _stand_dates=[s.isoformat() for s in stands],
    )


def map_slide(
    conn: Connection,
    q: Quarter,
    muni: str | None,
    indicator_id: str | IndicatorEntry,
    rules: PrivacyRules,
) -> dict:
    """The map slide: the screen map's classes and colours (one map style), the most
    urgent Sozialräume as bullets (the ranking's order) and the map page's table."""
    entry = (
        indicator_id
        if isinstance(indicator_id, IndicatorEntry)
        else indicator_entry(conn, indicator_id)
    )
    mv, picture = report_map(conn, entry, q, muni, rules)
    level = "municipality" if muni else "district"
    whole = indicator_values(conn, entry, q, level, muni, rules)
    scope_value = whole["display"].iloc[0] if len(whole) else MISSING
    values = mv.values
    shown = values[~values["suppressed"] & values["value"].notna()]
    worst = "niedrigsten" if entry.higher_is_better else "höchsten"
    hidden = int(values["suppressed"].sum())
    bullets = [f"{r.name}: {r.display}" for r in shown.head(TOP_AREAS).itertuples()]
    if hidden:
        bullets.append(f"{hidden} Sozialräume {WITHHELD_TEXT}")
    where = area(conn, muni)["name"] if muni else DISTRICT_NAME
    data = map_table(mv)
    stand = data.stand
    frame = data.export.drop(columns=[WITHHELD_COLUMN])  # the XLSX adds it, the PDF a legend
    value_column = next(c for c in frame.columns if c.startswith("Wert"))
    return slide(
        "map",
        title=f"Karte: {entry.short_name}",
        lead=f"{where}: {scope_value}. Die {worst} Werte in den Sozialräumen:",
        bullets=bullets,
        image={
            "png_base64": base64.b64encode(picture.png).decode("ascii"),
            "alt": f"Karte der Sozialräume: {entry.name}, {q.label}",
        },
        tables=[table("Karte", frame, {value_column: entry.decimals}, slide_columns=[])],
        reading_aid=(
            f"So lesen Sie die Karte: {shading_text(entry.polarity)} Die Farbstufen sind "
            f"die der Sozialraumkarte ({METHOD_LABELS[DEFAULT_STYLE.method]}, "
            f"{DEFAULT_STYLE.k} Klassen über alle Sozialräume des Kreises). "
            f"Schraffiert: {WITHHELD_TEXT}; hellgrau: {NO_DATA}. {entry.definition}"
        ),
        source=entry.source,
        stand=stand.text if not stand.empty else "",
        indicator_id=entry.id,
        _stand_dates=[d.isoformat() for d in (stand.first, stand.last) if d is not None],
    )


def chain_slide(conn: Connection, q: Quarter, muni: str | None, rules: PrivacyRules) -> dict:
    """The chain per life phase: the Präventionskette page's table (one builder) and its
    attainment as the page shows it (percent kept inside its status band)."""
    df = chain_summary(conn, q, muni, rules)
    pair = chain_table(df, q, muni)
    attainment = [
        None if h else shown_percent(r) for r, h in zip(df["ratio"], df["suppressed"], strict=True)
    ]
    return slide(
        "chain",
        title="Präventionskette: Zielerreichung je Lebensphase",
        lead=weakest_link(df),
        charts=[
            {
                "kind": "bar",
                "title": "Zielerreichung in % des Zielwerts",
                "categories": df["phase"].tolist(),
                "series": [{"name": "Zielerreichung", "values": attainment}],
                "unit": "%",
                "decimals": 0,
                "reference": 100,
                "horizontal": True,
                "point_colours": [status_term(x).colour for x in df["status"]],
            }
        ],
        tables=[pair_table("Präventionskette", pair, slide_columns=CHAIN_ON_SLIDE)],
        reading_aid=(
            "So lesen Sie das Diagramm: Jeder Balken zeigt, wie viel Prozent ihres Zielwerts "
            "eine Lebensphase erreicht; 100 % heißt Ziel erreicht. Gemessen wird in Plätzen "
            "je 100 Kinder (Krippe, Kita, Grundschule) oder in Angeboten je 1.000 Kinder."
        ),
        source="Angebote: Angebotsdatenbank; Kinder: Melderegister",
    )


def gaps_slide(conn: Connection, q: Quarter, muni: str | None, rules: PrivacyRules) -> dict:
    """Where need is high and coverage low: the Präventionskette page's need table (one
    builder), restricted to that quadrant."""
    df = need_vs_coverage(conn, q, muni, rules=rules)
    need = indicator_entry(conn, NEED_INDICATOR)
    kreis = df["district_value"].dropna()
    kreis_text = format_value(float(kreis.iloc[0]), need.unit, need.decimals) if len(kreis) else "–"
    top = df[df["quadrant"] == GAP_QUADRANT].reset_index(drop=True)
    pair = need_table(top, need, q, muni)
    count = len(top)
    lead = (
        f"{count} Sozialräume haben hohen Bedarf ({need.short_name} über dem Kreiswert von "
        f"{kreis_text}) und eine niedrige Versorgung."
        if count
        else "Kein Sozialraum hat zugleich hohen Bedarf und niedrige Versorgung."
    )
    on_slide = [c for c in pair.export.columns if c not in ("Quadrant", "Stand Bedarf")]
    return slide(
        "gaps",
        lead=lead,
        tables=[
            pair_table(
                "Lücken",
                pair,
                slide_rows=GAP_ROWS_ON_SLIDE,
                slide_columns=[c for c in on_slide if c != WITHHELD_COLUMN],
            )
        ],
        reading_aid=(
            "So lesen Sie die Tabelle: Sie nennt die Sozialräume, deren SGB-II-Quote unter 15 "
            "über dem Kreiswert liegt und deren Präventionskette im Mittel unter 90 % "
            "der Zielwerte erreicht. Oben steht, wo beides am stärksten zusammenkommt. "
            f"Sozialräume ohne ausgewiesenen Wert ({WITHHELD_TEXT}) sind nicht "
            "eingeordnet."
        ),
        source="SGB II: Statistik der Bundesagentur für Arbeit; Angebote: Angebotsdatenbank",
    )

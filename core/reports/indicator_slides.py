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
from core.present.indicator_tables import map_table
from core.present.map_style import DEFAULT_STYLE, METHOD_LABELS, shading_text
from core.present.numbers import MISSING, din_round, format_date, format_value
from core.present.vocabulary import (
    NO_DATA,
    NO_STATUS,
    QUADRANT_GAP,
    STATUSES,
    WITHHELD_COLUMN,
    WITHHELD_TEXT,
)
from core.privacy import PrivacyRules, withheld_values
from core.quarters import Quarter
from core.reports.maps import report_map
from core.reports.spec import masked, slide, table

DISTRICT_NAME = "Rhein-Kreis Neuss"
GAP_QUADRANT = QUADRANT_GAP
GAP_ROWS_ON_SLIDE = 8
#: Sozialräume named on the map slide: the most urgent of the ranking.
TOP_AREAS = 5
STATUS_COLOURS = {status: term.colour for status, term in STATUSES.items()}
MISSING_COLOUR = NO_STATUS.colour


def key_figures_slide(conn: Connection, q: Any, muni: str | None, rules: PrivacyRules) -> dict:
    figures = key_figures(conn, q, muni, rules)
    rows = [
        {
            "label": f.label,
            "value": f.value,
            "delta": f.delta or "",
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
            "Veränderung – bei Monats- und Quartalsdaten gegenüber dem Vorquartal, bei "
            "Jahresdaten gegenüber dem vorherigen Stichtag – und der Stand jedes Werts."
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


def chain_slide(conn: Connection, q: Any, muni: str | None, rules: PrivacyRules) -> dict:
    df = chain_summary(conn, q, muni, rules)
    attainment = [None if pd.isna(r) else din_round(float(r) * 100, 0) for r in df["ratio"]]
    hidden = df["suppressed"]
    frame = pd.DataFrame(
        {
            "Lebensphase": df["phase"],
            "Angebote": df["offers"],
            "Plätze": [din_round(v, 0) for v in df["places"]],
            "Kinder": withheld_values(df["children"], hidden),
            "Versorgung": masked(df["coverage"], hidden, 1),
            "Maß": df["metric_label"],
            "Ziel": df["target"],
            "Zielerreichung %": withheld_values(attainment, hidden),
            "Status": withheld_values(df["status"].fillna(""), hidden),
            "Sozialräume mit Lücke": [
                f"{g} von {a}" for g, a in zip(df["gap_areas"], df["areas"], strict=True)
            ],
        }
    )
    stand = df["children_stand"].dropna().max() if df["children_stand"].notna().any() else None
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
                "point_colours": [STATUS_COLOURS.get(x, MISSING_COLOUR) for x in df["status"]],
            }
        ],
        tables=[
            table(
                "Präventionskette",
                frame,
                {"Versorgung": 1, "Plätze": 0, "Kinder": 0, "Ziel": 0},
                slide_columns=[
                    "Lebensphase",
                    "Zielerreichung %",
                    "Status",
                    "Sozialräume mit Lücke",
                ],
            )
        ],
        reading_aid=(
            "So lesen Sie das Diagramm: Jeder Balken zeigt, wie viel Prozent ihres Zielwerts "
            "eine Lebensphase erreicht; 100 % heißt Ziel erreicht. Gemessen wird in Plätzen "
            "je 100 Kinder (Krippe, Kita, Grundschule) oder in Angeboten je 1.000 Kinder."
        ),
        source="Angebote: Angebotsdatenbank; Kinder: Melderegister",
        stand=f"Angebote {format_date(q.end)}; Kinder {format_date(stand)}",
    )


def gaps_slide(conn: Connection, q: Any, muni: str | None, rules: PrivacyRules) -> dict:
    df = need_vs_coverage(conn, q, muni, rules=rules)
    kreis = df["district_value"].dropna()
    kreis_text = format_value(float(kreis.iloc[0]), "%", 1) if len(kreis) else "–"
    top = df[df["quadrant"] == GAP_QUADRANT]
    frame = pd.DataFrame(
        {
            "Sozialraum": top["name"],
            "Kommune": top["municipality_name"],
            "SGB-II-Quote u15 %": [din_round(float(v), 1) for v in top["need"]],
            "Zielerreichung Kette %": [din_round(float(v) * 100, 0) for v in top["coverage_ratio"]],
            "Lücken in": top["gaps"],
            "Stand SGB II": [format_date(d) for d in top["need_stand"]],
        }
    )
    count = len(top)
    lead = (
        f"{count} Sozialräume haben hohen Bedarf (SGB-II-Quote u15 über dem Kreiswert von "
        f"{kreis_text}) und eine niedrige Versorgung."
        if count
        else "Kein Sozialraum hat zugleich hohen Bedarf und niedrige Versorgung."
    )
    stands = top["need_stand"].dropna()
    return slide(
        "gaps",
        lead=lead,
        tables=[
            table(
                "Lücken",
                frame,
                {"SGB-II-Quote u15 %": 1, "Zielerreichung Kette %": 0},
                slide_rows=GAP_ROWS_ON_SLIDE,
                slide_columns=[
                    "Sozialraum",
                    "Kommune",
                    "SGB-II-Quote u15 %",
                    "Zielerreichung Kette %",
                    "Lücken in",
                ],
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
        stand=format_date(stands.max()) if len(stands) else "",
    )

"""Shared plotly style: German number format, calm colours, readable type.

Plotly is bundled with Streamlit's frontend, so charts load nothing from the internet.
Colours come from the one vocabulary (:mod:`core.present.vocabulary`).
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from core.present.vocabulary import (  # noqa: F401 (re-exported for the chart modules)
    DISTRICT_COLOUR,
    PALETTE,
    SELECTION_COLOUR,
    TEXT_COLOUR,
)


def german(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Apply the house style: ``1.234,5`` separators, white background, compact margins."""
    fig.update_layout(
        separators=",.",
        template="plotly_white",
        font={"family": "Source Sans Pro, sans-serif", "size": 14, "color": TEXT_COLOUR},
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 14},
    )
    if height:
        fig.update_layout(height=height)
    return fig


#: Plotly's own texts (tool bar tooltips, hints) in German; registered with the chart
#: config, so no locale file has to be fetched.
GERMAN_PLOTLY_TEXTS = {
    "Autoscale": "Automatisch skalieren",
    "Box Select": "Rechteckauswahl",
    "Click to enter Colorscale title": "Klicken, um den Farbskalentitel einzugeben",
    "Click to enter Component A title": "Klicken, um den Titel der Komponente A einzugeben",
    "Click to enter Plot title": "Klicken, um den Diagrammtitel einzugeben",
    "Click to enter X axis title": "Klicken, um den Titel der X-Achse einzugeben",
    "Click to enter Y axis title": "Klicken, um den Titel der Y-Achse einzugeben",
    "Compare data on hover": "Werte beim Überfahren vergleichen",
    "Double-click on legend to isolate one trace": (
        "Doppelklick auf die Legende zeigt nur diese Reihe"
    ),
    "Double-click to zoom back out": "Doppelklick zum Herauszoomen",
    "Download plot": "Diagramm herunterladen",
    "Download plot as a png": "Diagramm als PNG herunterladen",
    "Download plot as a PNG": "Diagramm als PNG herunterladen",
    "Download plot as an SVG": "Diagramm als SVG herunterladen",
    "Lasso Select": "Lassoauswahl",
    "Orbital rotation": "Orbitalrotation",
    "Pan": "Verschieben",
    "Produced with Plotly.js": "Erstellt mit Plotly.js",
    "Reset": "Zurücksetzen",
    "Reset axes": "Achsen zurücksetzen",
    "Reset view": "Ansicht zurücksetzen",
    "Reset views": "Ansichten zurücksetzen",
    "Show closest data on hover": "Nächsten Wert beim Überfahren zeigen",
    "Snapshot succeeded": "Bild erstellt",
    "Sorry, there was a problem downloading your snapshot!": (
        "Das Bild konnte leider nicht heruntergeladen werden."
    ),
    "Taking snapshot - this may take a few seconds": "Bild wird erstellt …",
    "Toggle Spike Lines": "Hilfslinien ein/aus",
    "Toggle show closest data on hover": "Nächsten Wert beim Überfahren ein/aus",
    "Turntable rotation": "Drehtellerrotation",
    "Zoom": "Zoomen",
    "Zoom in": "Vergrößern",
    "Zoom out": "Verkleinern",
    "close:": "Schluss:",
    "high:": "Hoch:",
    "incoming flow count:": "Eingehende Flüsse:",
    "kde:": "Dichte:",
    "lat:": "Breite:",
    "lon:": "Länge:",
    "low:": "Tief:",
    "lower fence:": "Untere Grenze:",
    "max:": "Max.:",
    "mean ± σ:": "Mittelwert ± σ:",
    "mean:": "Mittelwert:",
    "median:": "Median:",
    "min:": "Min.:",
    "new text": "Neuer Text",
    "open:": "Eröffnung:",
    "outgoing flow count:": "Ausgehende Flüsse:",
    "q1:": "Q1:",
    "q3:": "Q3:",
    "source:": "Quelle:",
    "target:": "Ziel:",
    "trace": "Reihe",
    "upper fence:": "Obere Grenze:",
}
#: date and number format for Plotly's axes and hover texts
GERMAN_PLOTLY_FORMAT = {
    "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
    "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
    "months": [
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ],
    "shortMonths": [
        "Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
    ],
    "date": "%d.%m.%Y",
    "decimal": ",",
    "thousands": ".",
}  # fmt: skip
#: tool bar buttons a committee member never needs (selection tools, spikes, lasso)
REMOVED_BUTTONS = [
    "select2d", "lasso2d", "toggleSpikelines", "hoverClosestCartesian",
    "hoverCompareCartesian", "autoScale2d",
]  # fmt: skip


def chart_config(slide: bool = False) -> dict[str, object]:
    """Plotly's config for every chart: German texts and formats, no Plotly logo, only
    the tool bar buttons that help; on a slide no tool bar at all."""
    return {
        "locale": "de",
        "locales": {"de": {"dictionary": GERMAN_PLOTLY_TEXTS, "format": GERMAN_PLOTLY_FORMAT}},
        "displaylogo": False,
        "displayModeBar": False if slide else "hover",
        "modeBarButtonsToRemove": REMOVED_BUTTONS,
        "toImageButtonOptions": {"format": "png", "scale": 2},
    }


def show(
    fig: go.Figure,
    *,
    key: str | None = None,
    slide: bool = False,
    container: Any = None,
) -> None:
    """Draw a figure the one way every page does: full width, German config; on a slide
    without tool bar. ``container`` is a column or placeholder to draw into (default: the
    page)."""
    target = container if container is not None else st
    target.plotly_chart(fig, width="stretch", key=key, config=chart_config(slide))

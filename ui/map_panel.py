"""The controls and side panels of the Sozialraumkarte page: level and classes, offer
filters, legend, selected area and reading aid. The map itself is :mod:`ui.map_widget`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.catalogue import life_phases, offer_types
from core.escaping import markdown_text
from core.map_data import MapView
from core.present.map_style import (
    DEFAULT_CLASSES,
    DEFAULT_STYLE,
    MANUAL,
    MAX_CLASSES,
    METHOD_LABELS,
    MIN_CLASSES,
    MapStyle,
    parse_breaks,
    shading_text,
)
from core.present.vocabulary import LEVEL_LABELS, WITHHELD_TEXT
from core.selection import PARAM_AREA, Selection
from ui.map_legend import legend_html, offer_legend_html, selected_swatch_html
from ui.query import query

LABEL_LEVEL = "Kartenebene"
LEVELS = {"area": "Sozialräume", "municipality": "Kommunen"}
HELP_LEVEL = "Sozialräume zeigen Unterschiede innerhalb der Kommunen; Kommunen den Überblick."
LABEL_CLASSES = "Klassen"
HELP_CLASSES = "Wie die Werte in Farbklassen eingeteilt werden."
LABEL_METHOD = "Klasseneinteilung"
HELP_METHOD = (
    "Quantile: gleich viele Gebiete je Farbe. Gleiche Intervalle: gleich breite "
    "Wertebereiche. Natürliche Brüche: Grenzen dort, wo die Werte Lücken haben. "
    "Eigene Grenzen: selbst festlegen, z. B. politische Zielwerte. Klassen, in die kein "
    "gezeigtes Gebiet fällt, werden mit der Nachbarklasse zusammengelegt."
)
LABEL_K = "Zahl der Klassen (höchstens)"
LABEL_MANUAL = "Eigene Grenzen"
HELP_MANUAL = "Zwei bis sechs aufsteigende Zahlen, mit Semikolon getrennt, z. B. „10; 15,5; 20“."
DEFAULT_MANUAL = "10; 15; 20; 25"
LABEL_FIXED = "Feste Grenzen (alle Quartale)"
HELP_FIXED = (
    "Die Klassengrenzen werden aus den Werten aller Quartale berechnet, so bleiben die "
    "Farben von Quartal zu Quartal vergleichbar."
)
LABEL_OFFERS = "Angebote"
HELP_OFFERS_BUTTON = "Angebote auf der Karte nach Lebensphase und Angebotsart filtern."
LABEL_PHASES = "Lebensphasen"
LABEL_TYPES = "Angebotsarten"
HELP_OFFERS = (
    "Filtert die Angebote auf der Karte. Die Ebene „Angebote“ schalten Sie über das "
    "Ebenen-Symbol oben rechts in der Karte ein und aus."
)
LEGEND_HEADING = "Legende"
LEGEND_COUNT_NOTE = "in Klammern: Zahl der Gebiete"
OFFER_LEGEND_HEADING = "Angebote (Ebene in der Karte einschalten)"
DISTRICT_VALUE = "Kreis gesamt: **{value}**"
SELECTED_HEADING = "Ausgewähltes Gebiet"
SELECTED_NONE = "Klicken Sie auf ein Gebiet in der Karte, um es auszuwählen."
PROFILE_LINK = "Steckbrief öffnen"
READ_MAP = "So lesen Sie die Karte"
READ_MAP_TEXT = (
    "Jede Fläche ist ein {level_one}. Die Farbe zeigt, in welcher Klasse sein Wert liegt. "
    "{direction} Grau schraffierte Flächen: " + WITHHELD_TEXT + "; "
    "hellgraue haben keine Daten. Fahren Sie mit der Maus über "
    "ein Gebiet, um Wert, Stand und die Vergleichswerte von Kommune und Kreis zu sehen; "
    "ein Klick wählt es aus (farbig umrandet). "
    "Dicke Linien sind Gemeindegrenzen, die dickste die Kreisgrenze. Namen: beim ganzen "
    "Kreis die Kommunen, näher herangezoomt oder mit gewählter Kommune die Sozialräume."
)
DEFINITION = "Definition: {text}"
KEY_SELECTED = "map_selected"
PROFILE_PAGE = "pages/area_profile.py"


def map_controls() -> tuple[str, MapStyle, tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """The map's controls in one row: the level, and the classes and the offer filters
    behind two buttons. Returns level, style, chosen phases and types, and the types'
    labels; a bad manual threshold raises a ConfigError (shown by the page's error
    boundary)."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    level = row.radio(
        LABEL_LEVEL,
        list(LEVELS),
        format_func=LEVELS.__getitem__,
        horizontal=True,
        key="map_level",
        help=HELP_LEVEL,
        label_visibility="collapsed",
    )
    with row.popover(LABEL_CLASSES, icon=":material/tune:", help=HELP_CLASSES):
        style = class_settings()
    with row.popover(LABEL_OFFERS, icon=":material/pin_drop:", help=HELP_OFFERS_BUTTON):
        phases, types, labels = offer_filters()
    return str(level), style, phases, types, labels


def class_settings() -> MapStyle:
    """Method, number of classes or thresholds, and fixed breaks."""
    method = st.radio(
        LABEL_METHOD,
        list(METHOD_LABELS),
        index=list(METHOD_LABELS).index(DEFAULT_STYLE.method),
        format_func=METHOD_LABELS.__getitem__,
        key="map_method",
        help=HELP_METHOD,
    )
    manual: tuple[float, ...] = ()
    k = DEFAULT_CLASSES
    if method == MANUAL:
        text = st.text_input(LABEL_MANUAL, DEFAULT_MANUAL, key="map_manual", help=HELP_MANUAL)
        manual = parse_breaks(text)
    else:
        k = st.slider(LABEL_K, MIN_CLASSES, MAX_CLASSES, DEFAULT_STYLE.k, key="map_k")
    fixed = st.checkbox(LABEL_FIXED, key="map_fixed", help=HELP_FIXED)
    return MapStyle(str(method), int(k), manual, bool(fixed))


def offer_filters() -> tuple[tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """The offer filters: chosen life phases and offer types, and the types' labels."""
    chosen: list[tuple[str, ...]] = []
    labels: dict[str, str] = {}
    filters = (
        (life_phases, LABEL_PHASES, "map_phases", "alle Lebensphasen"),
        (offer_types, LABEL_TYPES, "map_types", "alle Angebotsarten"),
    )
    for source, label, key, placeholder in filters:
        frame = query(source)
        labels = dict(zip(frame["id"], frame["label"], strict=True))
        picked = st.multiselect(
            label,
            list(labels),
            format_func=labels.__getitem__,
            key=key,
            help=HELP_OFFERS,
            placeholder=placeholder,
        )
        chosen.append(tuple(picked))
    return chosen[0], chosen[1], labels


def selected_area(view: MapView, clicked: str | None) -> pd.Series | None:
    """The row of the area clicked last (kept over reruns), if it is on this map."""
    if clicked:
        st.session_state[KEY_SELECTED] = clicked
    selected = st.session_state.get(KEY_SELECTED)
    rows = view.values[view.values["area_id"] == selected] if selected else view.values.iloc[0:0]
    return None if rows.empty else rows.iloc[0]


def side_panel(
    view: MapView, sel: Selection, row: pd.Series | None, type_labels: dict[str, str]
) -> None:
    """What the map shows (indicator, quarter, scope), the legend, the Kreis value, the
    selected area (with the outline it has on the map) and its profile link, the
    classes' note, the attribution and the offer symbols."""
    st.markdown(
        f"**{markdown_text(view.indicator.name)}**  \n"
        f"{view.quarter.label} · {markdown_text(sel.scope_label)}"
    )
    st.markdown(
        f"**{LEGEND_HEADING}** · {markdown_text(view.indicator.unit)} · {LEGEND_COUNT_NOTE}"
    )
    st.markdown(legend_html(view.legend, "{n}"), unsafe_allow_html=True)
    st.markdown(DISTRICT_VALUE.format(value=markdown_text(view.district_display)))
    st.markdown(
        f'<p style="margin:0">{selected_swatch_html()} <b>{SELECTED_HEADING}</b></p>',
        unsafe_allow_html=True,
    )
    if row is None:
        st.caption(SELECTED_NONE)
    else:
        where = f" ({row['municipality_name']})" if view.level == "area" else ""
        name, display = markdown_text(row["name"]), markdown_text(row["display"])
        st.markdown(f"**{name}**{markdown_text(where)}: {display}")
        if view.level == "area":  # a profile exists for Sozialräume
            st.page_link(
                PROFILE_PAGE,
                label=PROFILE_LINK,
                icon=":material/arrow_forward:",
                query_params=sel.params(**{PARAM_AREA: str(row["area_id"])}),
            )
    st.caption(markdown_text(view.caption))
    st.caption(markdown_text(view.attribution))
    st.markdown(f"**{OFFER_LEGEND_HEADING}**")
    st.markdown(offer_legend_html(type_labels), unsafe_allow_html=True)


def reading_aid(view: MapView) -> None:
    """How to read the map, with the indicator's definition."""
    with st.expander(READ_MAP, icon=":material/help:"):
        st.write(
            READ_MAP_TEXT.format(
                level_one=LEVEL_LABELS[view.level],
                direction=shading_text(view.indicator.polarity),
            )
        )
        if view.indicator.definition:
            st.caption(DEFINITION.format(text=markdown_text(view.indicator.definition)))

"""Sozialraumkarte: the selected indicator as a map of Sozialräume or Kommunen, with
offers, a ranking and the data table."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.catalogue import life_phases, offer_types
from core.errors import PraevError
from core.escaping import html_text, markdown_lines, markdown_text
from core.exporting import to_csv_bytes
from core.map_data import MapView, map_table, map_view, offer_points
from core.present.map_style import (
    DEFAULT_CLASSES,
    MANUAL,
    MAX_CLASSES,
    METHOD_LABELS,
    MIN_CLASSES,
    parse_breaks,
)
from core.present.tables import shows_withheld
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN, WITHHELD_TEXT
from core.quarters import parse_quarter
from ui.badges import data_status
from ui.filters import current
from ui.map_widget import legend_html, offer_legend_html, render_map
from ui.query import query

TITLE = "Sozialraumkarte"
INTRO = (
    "Wo wachsen Kinder in Armut auf, wo fehlen Angebote? Die Karte zeigt den gewählten "
    "Indikator je Sozialraum oder Kommune zum Ende des Berichtsquartals."
)
LABEL_LEVEL = "Kartenebene"
LEVELS = {"area": "Sozialräume", "municipality": "Kommunen"}
HELP_LEVEL = "Sozialräume zeigen Unterschiede innerhalb der Kommunen; Kommunen den Überblick."
LABEL_METHOD = "Klasseneinteilung"
HELP_METHOD = (
    "Quantile: gleich viele Gebiete je Farbe. Gleiche Intervalle: gleich breite "
    "Wertebereiche. Natürliche Brüche: Grenzen dort, wo die Werte Lücken haben. "
    "Eigene Grenzen: selbst festlegen, z. B. politische Zielwerte."
)
LABEL_K = "Zahl der Klassen"
LABEL_MANUAL = "Eigene Grenzen"
HELP_MANUAL = "Zwei bis sechs aufsteigende Zahlen, mit Semikolon getrennt, z. B. „10; 15,5; 20“."
DEFAULT_MANUAL = "10; 15; 20; 25"
LABEL_FIXED = "Grenzen über alle Quartale fest"
HELP_FIXED = (
    "Die Klassengrenzen werden aus den Werten aller Quartale berechnet, so bleiben die "
    "Farben von Quartal zu Quartal vergleichbar."
)
LABEL_PHASES = "Angebote: Lebensphasen"
LABEL_TYPES = "Angebote: Angebotsarten"
HELP_OFFERS = (
    "Filtert die Angebote auf der Karte. Die Ebene „Angebote“ schalten Sie oben rechts "
    "in der Karte ein und aus."
)
LEGEND_HEADING = "Legende"
LEGEND_COUNT_NOTE = "in Klammern: Zahl der Gebiete"
OFFER_LEGEND_HEADING = "Angebote (Ebene in der Karte einschalten)"
AREAS_COUNT = "{n}"
DISTRICT_VALUE = "Kreis gesamt: **{value}**"
SELECTED_HEADING = "Ausgewähltes Gebiet"
SELECTED_NONE = "Klicken Sie auf ein Gebiet in der Karte, um es auszuwählen."
PROFILE_LINK = "Steckbrief von {name} öffnen"
READ_MAP = "So lesen Sie die Karte"
READ_MAP_TEXT = (
    "Jede Fläche ist ein {level_one}. Die Farbe zeigt, in welcher Klasse sein Wert liegt; "
    "{direction} Grau schraffierte Flächen: " + WITHHELD_TEXT + "; "
    "hellgraue haben keine Daten. Fahren Sie mit der Maus über "
    "ein Gebiet, um Wert, Stand und die Vergleichswerte von Kommune und Kreis zu sehen. "
    "Dicke Linien sind Gemeindegrenzen, die dickste die Kreisgrenze."
)
DIRECTION = {
    "higher_worse": "je dunkler, desto höher der Wert und desto größer der Handlungsbedarf.",
    "higher_better": "je dunkler, desto niedriger der Wert und desto größer der "
    "Handlungsbedarf (hier ist ein hoher Wert gut).",
    "neutral": "je dunkler, desto höher der Wert (ohne Wertung).",
}
RANK_HEADING = "Rangfolge"
READ_RANK = (
    "So lesen Sie das Diagramm: Jeder Balken ist ein Gebiet, oben steht das Gebiet mit "
    "dem größten Handlungsbedarf. Die senkrechte Linie ist der Wert des ganzen Kreises. "
    f"Gebiete ohne ausgewiesenen Wert stehen unten ohne Balken; „{WITHHELD_SIGN}“: "
    f"{WITHHELD_TEXT}."
)
TABLE_HEADING = "Daten"
DOWNLOAD = "Tabelle als CSV (Excel) herunterladen"
KREIS_LINE = "Kreis: {value}"
SUPPRESSED_TEXT = WITHHELD_SIGN
NO_DATA_TEXT = "keine Daten"
AXIS_VALUE = "Wert ({unit})"

st.title(TITLE)
st.write(INTRO)
sel = current()
indicator_id = sel.indicator.id

c_level, c_method, c_k, c_fixed = st.columns([1.1, 1.6, 1.3, 1.5])
level = c_level.radio(
    LABEL_LEVEL,
    list(LEVELS),
    format_func=LEVELS.__getitem__,
    horizontal=True,
    key="map_level",
    help=HELP_LEVEL,
)
method = c_method.selectbox(
    LABEL_METHOD,
    list(METHOD_LABELS),
    format_func=METHOD_LABELS.__getitem__,
    key="map_method",
    help=HELP_METHOD,
)
manual: tuple[float, ...] = ()
k = DEFAULT_CLASSES
try:
    if method == MANUAL:
        text = c_k.text_input(LABEL_MANUAL, DEFAULT_MANUAL, key="map_manual", help=HELP_MANUAL)
        manual = parse_breaks(text)
    else:
        k = c_k.slider(LABEL_K, MIN_CLASSES, MAX_CLASSES, DEFAULT_CLASSES, key="map_k")
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()
fixed = c_fixed.checkbox(LABEL_FIXED, key="map_fixed", help=HELP_FIXED)

try:
    phases_df = query(life_phases)
    types_df = query(offer_types)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()
phase_labels = dict(zip(phases_df["id"], phases_df["label"], strict=True))
type_labels = dict(zip(types_df["id"], types_df["label"], strict=True))
c_phase, c_type = st.columns(2)
phases = c_phase.multiselect(
    LABEL_PHASES,
    list(phase_labels),
    format_func=phase_labels.__getitem__,
    key="map_phases",
    help=HELP_OFFERS,
    placeholder="alle Lebensphasen",
)
types = c_type.multiselect(
    LABEL_TYPES,
    list(type_labels),
    format_func=type_labels.__getitem__,
    key="map_types",
    help=HELP_OFFERS,
    placeholder="alle Angebotsarten",
)

try:
    view: MapView = query(
        map_view,
        indicator_id,
        sel.quarter.key,
        level,
        sel.municipality_id,
        method,
        k,
        manual,
        fixed,
    )
    offers = query(offer_points, sel.quarter.key, sel.municipality_id, tuple(phases), tuple(types))
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

ind = view.indicator
st.subheader(
    f"{markdown_text(ind['name'])} · {parse_quarter(view.quarter).label} · "
    f"{markdown_text(sel.scope_label)}"
)
data_status(view.stands, ind["source"])

map_col, side_col = st.columns([3, 1.15])
with map_col:
    clicked = render_map(view, offers, show_offers=bool(phases or types))
if clicked:
    st.session_state["map_selected"] = clicked
selected = st.session_state.get("map_selected")
rows = view.values[view.values["area_id"] == selected] if selected else view.values.iloc[0:0]

with side_col:
    st.markdown(f"**{LEGEND_HEADING}** · {markdown_text(ind['unit'])} · {LEGEND_COUNT_NOTE}")
    st.markdown(legend_html(view.legend, AREAS_COUNT), unsafe_allow_html=True)
    st.caption(markdown_text(view.caption))
    st.markdown(DISTRICT_VALUE.format(value=view.district_display))
    st.caption(markdown_text(view.attribution))
    st.markdown(f"**{SELECTED_HEADING}**")
    if rows.empty:
        st.caption(SELECTED_NONE)
    else:
        row = rows.iloc[0]
        where = f" ({row['municipality_name']})" if view.level == "area" else ""
        name, display = markdown_text(row["name"]), markdown_text(row["display"])
        st.markdown(f"**{name}**{markdown_text(where)}: {display}")
        url = sel.link("steckbrief", gebiet=row["area_id"])
        st.markdown(f"[{PROFILE_LINK.format(name=name)}]({url})")
    st.markdown(f"**{OFFER_LEGEND_HEADING}**")
    st.markdown(offer_legend_html(type_labels), unsafe_allow_html=True)

with st.expander(READ_MAP, icon=":material/help:"):
    st.write(
        READ_MAP_TEXT.format(
            level_one="Sozialraum" if view.level == "area" else "Kommune",
            direction=DIRECTION.get(ind["polarity"], DIRECTION["neutral"]),
        )
    )
    if ind.get("definition"):
        st.caption(f"Definition: {markdown_text(ind['definition'])}")

rank_col, table_col = st.columns([1.1, 1])
with rank_col:
    st.markdown(f"**{RANK_HEADING}**")
    st.caption(READ_RANK)
    vals = view.values
    labels = [  # plotly reads its labels as HTML
        html_text(f"{n} ({m})" if view.level == "area" else n)
        for n, m in zip(vals["name"], vals["municipality_name"], strict=True)
    ]
    shown = vals["value"].notna()
    fig = go.Figure(
        go.Bar(
            x=vals["value"].where(shown),
            y=labels,
            orientation="h",
            marker_color=list(vals["color"]),
            marker_line_color="#5b6770",
            marker_line_width=0.5,
            customdata=list(vals["display"]),
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    hidden = ~shown
    if hidden.any():
        fig.add_trace(
            go.Scatter(
                x=[0] * int(hidden.sum()),
                y=[lab for lab, h in zip(labels, hidden, strict=True) if h],
                mode="text",
                text=[
                    SUPPRESSED_TEXT if sup else NO_DATA_TEXT
                    for sup in vals.loc[hidden, "suppressed"]
                ],
                textposition="middle right",
                hoverinfo="skip",
            )
        )
    if view.district_value is not None:
        fig.add_vline(
            x=view.district_value,
            line_color="#1A1F24",
            line_dash="dash",
            annotation_text=KREIS_LINE.format(value=view.district_display),
            annotation_position="top",
        )
    fig.update_layout(
        separators=",.",
        height=max(260, 22 * len(vals) + 80),
        margin={"l": 10, "r": 30, "t": 30, "b": 40},
        yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
        xaxis={"title": AXIS_VALUE.format(unit=ind["unit"]), "rangemode": "tozero"},
        showlegend=False,
        plot_bgcolor="#ffffff",
    )
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})

with table_col:
    st.markdown(f"**{TABLE_HEADING}**")
    table = map_table(view)
    st.dataframe(table, hide_index=True, width="stretch")
    if shows_withheld(table):
        st.caption(WITHHELD_LEGEND)
    st.download_button(
        DOWNLOAD,
        to_csv_bytes(map_table(view, export=True)),
        file_name=f"karte_{ind['id']}_{view.quarter}_{view.level}.csv",
        mime="text/csv",
        icon=":material/download:",
    )

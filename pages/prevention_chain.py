"""Präventionskette: coverage by life phase for the Kreis or one Kommune, where the chain
has gaps (Sozialräume, offer types), need against coverage, and the trend."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.catalogue import life_phases
from core.coverage import LOW_ATTAINMENT, QUADRANTS, chain_view, need_indicators
from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.exporting import to_csv_bytes
from core.present.numbers import format_date, format_number
from core.present.tables import shows_withheld
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN, WITHHELD_TEXT
from ui.badges import data_status
from ui.chain_charts import (
    chain_figure,
    completeness_figure,
    heatmap_figure,
    need_scatter,
    trend_figure,
)
from ui.chain_tables import (
    cells_table,
    chain_table,
    completeness_table,
    missing_types,
    need_table,
    trend_table,
)
from ui.filters import current
from ui.query import query

TITLE = "Präventionskette"
INTRO = (
    "Erreicht die Präventionskette die Kinder in jeder Lebensphase – von der Geburt bis "
    "zum Übergang in den Beruf? Je Lebensphase die Versorgung mit Angeboten und Plätzen "
    "im Vergleich zum Ziel, die Lücken je Sozialraum und Angebotsart, und wo hoher Bedarf "
    "auf niedrige Versorgung trifft."
)
SOURCE = "Angebotsdatenbank der Jugendämter; Kinderzahlen: Melderegister"
STAND = "Angebote aktiv am {offers} · Kinderzahlen Stand {children} · Quelle: {source}"
CHAIN_TITLE = "Die Kette auf einen Blick: {scope}, {quarter}"
CHAIN_AID = (
    "So lesen Sie die Kette: ein Glied je Lebensphase, von links nach rechts dem Lebenslauf "
    "folgend. Die große Zahl ist die Versorgung – Plätze je 100 Kinder (Krippe, Kita, "
    "Grundschule) oder Angebote je 1.000 Kinder –, darunter Ziel und Zielerreichung. "
    "✔ erreicht: mindestens das Ziel; ◐ knapp: mindestens 80 % des Ziels; ✖ Lücke: "
    "darunter. Das schwächste Glied ist dick umrandet."
)
HEAT_TITLE = "Wo die Kette Lücken hat: Sozialräume × Lebensphasen"
HEAT_AID = (
    "So lesen Sie die Karte: eine Zeile je Sozialraum, oben der mit der höchsten "
    "SGB-II-Quote unter 15 (Wert hinter dem Namen). Die Farbe zeigt die Zielerreichung: "
    "orange unter dem Ziel, weiß am Ziel, lila darüber (ab 200 % gleich dunkel). "
    f"Grau mit „{WITHHELD_SIGN}“: {WITHHELD_TEXT}."
)
COMPLETE_TITLE = "Vollständigkeit: Angebotsarten je Lebensphase"
COMPLETE_METRIC = "Vollständigkeit der Kette"
COMPLETE_HELP = (
    "Anteil der 36 Felder (6 Lebensphasen × 6 Angebotsarten), in denen es mindestens ein "
    "aktives Angebot gibt. 100 % heißt: in jeder Lebensphase gibt es jede Angebotsart."
)
COMPLETE_AID = (
    "So lesen Sie die Matrix: je Zeile eine Lebensphase, je Spalte eine Angebotsart des "
    "ISS-Modells (Begleitung, Begegnung, Bildung, Beratung, Betreuung, Information). "
    "Die Zahl nennt die aktiven Angebote; „Lücke“ (rötlich) heißt: kein einziges Angebot."
)
MISSING_HEAD = "Es fehlen Angebote dieser Arten:"
NOTHING_MISSING = "In jeder Lebensphase gibt es Angebote aller sechs Arten."
NEED_TITLE = "Bedarf und Versorgung"
LABEL_NEED = "Bedarf (waagerechte Achse)"
HELP_NEED = "Eine Quote, bei der ein höherer Wert mehr Bedarf bedeutet."
LABEL_PHASE = "Versorgung (senkrechte Achse)"
WHOLE_CHAIN = "ganze Kette (Mittel der Lebensphasen)"
HELP_PHASE = (
    "Eine Lebensphase: ihre Zielerreichung; niedrig heißt unter 100 %. Die ganze Kette: "
    "das Mittel der Zielerreichung aller Phasen (jede höchstens 100 %); niedrig heißt "
    "unter 90 %."
)
NEED_AID = (
    "So lesen Sie das Diagramm: ein Punkt je Sozialraum. Rechts der gestrichelten "
    "senkrechten Linie liegt der Bedarf über dem Kreiswert, unter der waagerechten Linie "
    "ist die Versorgung niedrig. Unten rechts – hoher Bedarf, niedrige Versorgung – sollte "
    "der Ausschuss zuerst hinsehen. Farbe und Form der Punkte nennen den Quadranten."
)
PRIORITY_TITLE = "Zuerst hinsehen: hoher Bedarf, niedrige Versorgung"
PRIORITY_AID = (
    "Geordnet nach Dringlichkeit: Bedarf im Verhältnis zum Kreiswert mal fehlender Anteil "
    "am Ziel. „Lücken“ nennt die Lebensphasen unter Ziel oder ohne Angebot."
)
NO_PRIORITY = "Kein Sozialraum dieser Auswahl hat zugleich hohen Bedarf und niedrige Versorgung."
HIDDEN_POINTS = (
    "{n} Sozialräume ohne ausgewiesenen Wert (" + WITHHELD_TEXT + " oder ohne Daten) "
    "fehlen im Diagramm."
)
TREND_TITLE = "Entwicklung der Versorgung über die Quartale"
TREND_AID = (
    "So lesen Sie das Diagramm: eine Linie je Lebensphase, die Zielerreichung je Quartal "
    "bis zum Berichtsquartal. Über der gestrichelten Linie (100 %) ist das Ziel erreicht. "
    f"Eine Lücke in der Linie heißt: Wert {WITHHELD_TEXT}."
)
TABLE_EXPANDER = "Daten als Tabelle"
DOWNLOAD = "CSV herunterladen"
NO_AREAS = "Für diese Auswahl sind keine Sozialräume erfasst."
RIGHT_ALIGNED = ("Versorgung", "Ziel", "Zielerreichung %", "Angebote", "Plätze", "Kinder")
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}

sel = current()
quarter = sel.quarter
st.title(TITLE)
st.caption(INTRO)

try:
    phases = query(life_phases)
    needs = query(need_indicators)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

status_box, chain_box, heat_box, complete_box, need_box, trend_box = (
    st.container() for _ in range(6)
)

with need_box:  # the scatter's choices are inputs of the page's one data call
    st.subheader(NEED_TITLE)
    need_names = dict(zip(needs["id"], needs["name"], strict=True))
    phase_names = {"": WHOLE_CHAIN} | dict(zip(phases["id"], phases["label"], strict=True))
    col_need, col_phase = st.columns(2)
    need_id = col_need.selectbox(
        LABEL_NEED,
        list(need_names),
        index=list(need_names).index("sgb2_u15") if "sgb2_u15" in need_names else 0,
        format_func=need_names.__getitem__,
        key="chain_need",
        help=HELP_NEED,
    )
    phase_id = col_phase.selectbox(
        LABEL_PHASE, list(phase_names), format_func=phase_names.__getitem__, key="chain_phase"
    )

try:
    view = query(
        chain_view,
        quarter.key,
        sel.municipality_id,
        tuple(q.key for q in sel.quarters if q <= quarter),
        need_indicator=need_id,
        phase=phase_id or None,
    )
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

summary, cells = view.summary, view.cells
children_stand = summary["children_stand"].dropna()
stand = STAND.format(
    offers=format_date(quarter.end),
    children=format_date(children_stand.max()) if len(children_stand) else "–",
    source=SOURCE,
)


def data_table(tables: tuple[pd.DataFrame, pd.DataFrame], file_name: str) -> None:
    """The data behind a chart, folded away, with its CSV download (numbers as numbers)."""
    shown, export = tables
    with st.expander(TABLE_EXPANDER):
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                c: st.column_config.TextColumn(c, alignment="right")
                for c in RIGHT_ALIGNED
                if c in shown.columns
            },
        )
        if shows_withheld(shown):
            st.caption(WITHHELD_LEGEND)
        st.download_button(
            DOWNLOAD,
            to_csv_bytes(export),
            file_name=f"{file_name}_{quarter.key}_{sel.municipality_id or 'kreis'}.csv",
            mime="text/csv",
            key=f"csv_{file_name}",
            icon=":material/download:",
            on_click="ignore",
        )


with status_box:
    data_status([*children_stand, quarter.end], SOURCE)

with chain_box:
    st.subheader(CHAIN_TITLE.format(scope=markdown_text(sel.scope_label), quarter=quarter.label))
    st.plotly_chart(chain_figure(summary), config=CONFIG, key="chain_links")
    st.info(markdown_text(view.weakest), icon=":material/link_off:")
    st.caption(CHAIN_AID)
    if summary["suppressed"].any():
        st.caption(WITHHELD_LEGEND)
    st.caption(stand)
    data_table(chain_table(summary), "praeventionskette")

with heat_box:
    st.subheader(HEAT_TITLE)
    if cells.empty:
        st.info(NO_AREAS, icon=":material/info:")
    else:
        figure = heatmap_figure(cells, with_municipality=sel.municipality_id is None)
        st.plotly_chart(figure, config=CONFIG, key="chain_heatmap")
        st.caption(HEAT_AID)
        st.caption(stand)
        data_table(cells_table(cells), "versorgung_sozialraeume")

with complete_box:
    st.subheader(COMPLETE_TITLE)
    col_metric, col_missing = st.columns([1, 3])
    share = format_number(view.completeness_share * 100, 0)
    col_metric.metric(COMPLETE_METRIC, f"{share} %", help=COMPLETE_HELP)
    lines = missing_types(view.completeness)
    col_missing.markdown(
        "\n".join([MISSING_HEAD, *(f"- {markdown_text(line)}" for line in lines)])
        if lines
        else NOTHING_MISSING
    )
    st.plotly_chart(completeness_figure(view.completeness), config=CONFIG, key="chain_complete")
    st.caption(COMPLETE_AID)
    st.caption(stand)
    data_table(completeness_table(view.completeness), "vollstaendigkeit")

with need_box:
    need = view.need
    entry = needs.set_index("id").loc[need_id]
    label = str(entry["short_name"])
    if need.empty:
        st.info(NO_AREAS, icon=":material/info:")
    else:
        threshold = 1.0 if phase_id else LOW_ATTAINMENT
        figure = need_scatter(need, label, str(entry["unit"]), phase_names[phase_id], threshold)
        st.plotly_chart(figure, config=CONFIG, key="chain_need_scatter")
    st.caption(NEED_AID)
    need_stand = need["need_stand"].dropna()
    need_date = format_date(need_stand.max()) if len(need_stand) else "–"
    st.caption(
        f"{markdown_text(label)}: Stand {need_date} · Quelle: {markdown_text(entry['source'])} "
        f"· {stand}"
    )
    hidden = int(need["quadrant"].isna().sum())
    if hidden:
        st.caption(HIDDEN_POINTS.format(n=hidden))
    st.markdown(f"**{PRIORITY_TITLE}**")
    first = need[need["quadrant"] == QUADRANTS[(True, True)]]
    if first.empty:
        st.success(NO_PRIORITY, icon=":material/check_circle:")
    else:
        st.caption(PRIORITY_AID)
        shown, _ = need_table(first, label)
        st.dataframe(
            shown.drop(columns="Quadrant"),
            hide_index=True,
            column_config={"Lücken": st.column_config.TextColumn("Lücken", width="large")},
        )
    data_table(need_table(need, label), "bedarf_versorgung")

with trend_box:
    st.subheader(TREND_TITLE)
    st.plotly_chart(trend_figure(view.trend), config=CONFIG, key="chain_trend")
    st.caption(TREND_AID)
    st.caption(stand)
    data_table(trend_table(view.trend), "versorgung_verlauf")

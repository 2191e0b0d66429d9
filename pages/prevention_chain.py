"""Präventionskette: coverage by life phase for the Kreis or one Kommune, where the chain
has gaps (Sozialräume, offer types), need against coverage, and the trend up to the
Berichtsquartal."""

from __future__ import annotations

import streamlit as st

from core.catalogue import life_phases
from core.coverage import LOW_ATTAINMENT, chain_view, need_entries
from core.escaping import markdown_text
from core.inventory import is_demo
from core.present import chain_tables as tables
from core.present.vocabulary import WITHHELD_SIGN, WITHHELD_TEXT
from core.selection import Selection
from ui import chain_charts as charts
from ui import chain_panels as panels
from ui.badges import data_status
from ui.charts import show
from ui.page import page
from ui.query import query

TITLE = "Präventionskette"
INTRO = (
    "Erreicht die Präventionskette die Kinder in jeder Lebensphase – von der Geburt bis "
    "zum Übergang in den Beruf? Je Lebensphase die Versorgung mit Angeboten und Plätzen "
    "im Vergleich zum Ziel, die Lücken je Sozialraum und Angebotsart, und wo hoher Bedarf "
    "auf niedrige Versorgung trifft."
)
CHAIN_TITLE = "Die Kette auf einen Blick: {scope}, {quarter}"
CHAIN_AID = (
    "So lesen Sie die Kette: ein Glied je Lebensphase, von links nach rechts dem Lebenslauf "
    "folgend. Die große Zahl ist die Versorgung – Plätze je 100 Kinder (Krippe, Kita, "
    "Grundschule) oder Angebote je 1.000 Kinder –, darunter Ziel und Zielerreichung. "
    "✔ erreicht: mindestens das Ziel; ◐ knapp: mindestens 80 % des Ziels; ✖ Lücke: "
    "darunter – beurteilt an der gezeigten, gerundeten Zahl. Das schwächste Glied ist "
    "dick umrandet."
)
HEAT_TITLE = "Wo die Kette Lücken hat: Sozialräume × Lebensphasen"
HEAT_AID = (
    "So lesen Sie die Matrix: eine Zeile je Sozialraum, oben der mit der höchsten "
    "SGB-II-Quote unter 15 (Wert hinter dem Namen). Die Farbe zeigt die Zielerreichung: "
    "orange unter dem Ziel, weiß am Ziel, lila darüber (ab 200 % gleich dunkel). "
    f"Grau mit „{WITHHELD_SIGN}“: {WITHHELD_TEXT}."
)
NEED_TITLE = "Bedarf und Versorgung"
NEED_AID = (
    "So lesen Sie das Diagramm: ein Punkt je Sozialraum. Rechts der gestrichelten "
    "senkrechten Linie liegt der Bedarf über dem Kreiswert, unter der waagerechten Linie "
    "ist die Versorgung niedrig. Unten rechts – hoher Bedarf, niedrige Versorgung – sollte "
    "der Ausschuss zuerst hinsehen. Farbe und Form der Punkte nennen den Quadranten."
)
HIDDEN_POINTS = f"{{n}} Sozialräume ohne ausgewiesenen Wert ({WITHHELD_TEXT} oder ohne Daten) fehlen im Diagramm."  # noqa: E501
TREND_TITLE = "Entwicklung der Versorgung über die Quartale"
TREND_AID = (
    "So lesen Sie das Diagramm: eine Linie je Lebensphase, die Zielerreichung je Quartal "
    "bis zum Berichtsquartal. Über der gestrichelten Linie (100 %) ist das Ziel erreicht. "
    f"Eine Lücke in der Linie heißt: Wert {WITHHELD_TEXT}."
)
NO_AREAS = "Für diese Auswahl sind keine Sozialräume erfasst."


def render(sel: Selection) -> None:
    """The chain, its gaps, need against coverage and the trend for the selection."""
    q, muni = sel.quarter, sel.municipality_id
    st.title(TITLE)
    st.caption(INTRO)
    status_box, chain_box, heat_box, complete_box = (st.container() for _ in range(4))
    need_box, trend_box = st.container(), st.container()
    with need_box:  # the scatter's choices are inputs of the page's one data call
        st.subheader(NEED_TITLE)
        need, phase_id, phase_label = panels.need_choice(query(need_entries), query(life_phases))
    view = query(chain_view, q, muni, sel.history, need, phase_id or None)
    chain = tables.chain_table(view.summary, q, muni)
    cells = tables.cells_table(view.cells, q, muni, view.heat_need, query(is_demo))
    complete = tables.completeness_table(view.completeness, q, muni)
    need_table = tables.need_table(view.need, need, q, muni)
    source = f"Quelle: {tables.SOURCE}"

    with status_box:
        data_status(chain.stand | cells.stand | complete.stand | need_table.stand)
    with chain_box:
        st.subheader(CHAIN_TITLE.format(scope=markdown_text(sel.scope_label), quarter=q.label))
        show(charts.chain_figure(view.summary), key="chain_links")
        st.info(markdown_text(view.weakest), icon=":material/link_off:")
        st.caption(CHAIN_AID)
        st.caption(f"{chain.stand.label} · {source}")
        panels.data_table(chain, "praeventionskette")
    with heat_box:
        st.subheader(HEAT_TITLE)
        if view.cells.empty:
            st.info(NO_AREAS, icon=":material/info:")
        else:
            figure = charts.heatmap_figure(view.cells, with_municipality=muni is None)
            show(figure, key="chain_heatmap")
            st.caption(HEAT_AID)
            st.caption(f"{cells.stand.label} · {source}")
            panels.data_table(cells, "versorgung_sozialraeume")
    with complete_box:
        panels.completeness_block(view.completeness, view.completeness_share)
        st.caption(f"{complete.stand.label} · {source}")
        panels.data_table(complete, "vollstaendigkeit")
    with need_box:
        if view.need.empty:
            st.info(NO_AREAS, icon=":material/info:")
        else:
            low = 1.0 if phase_id else LOW_ATTAINMENT
            figure = charts.need_scatter(view.need, need.short_name, need.unit, phase_label, low)
            show(figure, key="chain_need_scatter")
        st.caption(NEED_AID)
        sources = f"{markdown_text(need.source)}; {tables.SOURCE}"
        st.caption(f"{need_table.stand.label} · Quelle: {sources}")
        hidden = int(view.need["quadrant"].isna().sum())
        if hidden:
            st.caption(HIDDEN_POINTS.format(n=hidden))
        panels.priority_list(need_table)
        panels.data_table(need_table, "bedarf_versorgung")
    with trend_box:
        st.subheader(TREND_TITLE)
        trend = tables.trend_table(view.trend, sel.history, muni)
        show(charts.trend_figure(view.trend), key="chain_trend")
        st.caption(TREND_AID)
        st.caption(f"{trend.stand.label} · {source}")
        panels.data_table(trend, "versorgung_verlauf")


page(render)

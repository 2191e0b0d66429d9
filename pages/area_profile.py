"""Sozialraum-Steckbrief: one area on one page, for reading, printing and handing out.

The area comes from the Selection (URL parameter ``gebiet``); every figure is as of the
Berichtsquartal and every trend ends with it (``sel.history``)."""

from __future__ import annotations

import streamlit as st

from core.areas import areas, geometries
from core.catalogue import indicators
from core.coverage import coverage_cells
from core.escaping import markdown_text
from core.offers import active_offers
from core.present import profile_tables as tables
from core.present.vocabulary import WITHHELD_SIGN, WITHHELD_TEXT
from core.profile import area_networks, indicator_panels, population_by_phase, profile_rows
from core.reports.profile_pdf import profile_content, profile_pdf_bytes, profile_xlsx_bytes
from core.selection import Selection
from ui.badges import data_status
from ui.charts import show
from ui.page import page
from ui.profile_charts import area_picker, location_map, trend_figure
from ui.query import query
from ui.tables import table_with_csv

TITLE = "Sozialraum-Steckbrief"
POPULATION = "Kinder und Jugendliche nach Lebensphase"
POPULATION_AID = (
    "Einwohnerinnen und Einwohner im Alter der Lebensphase. Die Phasen überschneiden "
    f"sich (rund um die Geburt ist Teil der Krippe). „{WITHHELD_SIGN}“: {WITHHELD_TEXT}."
)
INDICATORS = "Indikatoren"
INDICATORS_AID = (
    "So lesen Sie die Tabelle: Wert des Sozialraums zum Ende des Berichtsquartals mit "
    "seinem Stichtag, daneben Kommune und Kreis zum Vergleich."
)
TRENDS = "Entwicklung der Indikatoren bis zum {quarter}"
TRENDS_AID = (
    "Je Indikator der Wert des Sozialraums zum Ende jedes Quartals bis zum "
    "Berichtsquartal; nicht ausgewiesene oder fehlende Quartale sind Lücken in der Linie."
)
CHAIN = "Präventionskette im Sozialraum"
CHAIN_AID = (
    "Plätze je 100 Kinder (Krippe, Kita, Grundschule) oder Angebote je 1.000 Kinder "
    "(übrige Phasen) gegenüber dem Zielwert. ✔ erreicht: mindestens das Ziel; ◐ knapp: "
    "mindestens 80 % des Ziels; ✖ Lücke: darunter oder kein Angebot."
)
OFFERS = "Angebote im Sozialraum"
NO_OFFERS = "Im Berichtsquartal ist hier kein Angebot aktiv."
NETWORKS = "Netzwerke, die hier wirken"
NO_NETWORKS = "Für diesen Sozialraum ist kein Netzwerk erfasst."
PDF, XLSX = "Steckbrief als PDF", "Steckbrief als Excel"
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stSelectbox"] { display: none !important; }
  .block-container { padding-top: 0 !important; max-width: 100% !important; }
}
</style>
"""


def render(sel: Selection) -> None:
    """The Steckbrief of the selected (or picked) Sozialraum."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)
    st.title(TITLE)
    all_areas = query(areas)
    area_id = area_picker(sel, all_areas)
    if area_id is None:
        return
    q = sel.quarter
    me = all_areas.set_index("id").loc[area_id]
    panels = query(indicator_panels, sel.history)
    area = {"id": area_id, **me.to_dict()}
    profile = profile_rows(query(indicators), panels, area, q)
    cells = query(coverage_cells, q, me["municipality_id"])
    population = tables.population_table(query(population_by_phase, area_id, q), area_id, q)
    figures = tables.indicator_table(profile, area_id, q)
    chain = tables.area_chain_table(cells, area_id, q)
    offers = tables.offers_table(query(active_offers, q, area_id=area_id), area_id, q)
    nets = tables.networks_table(query(area_networks, area_id, q), area_id, q)

    office = me["youth_office_name"] if isinstance(me["youth_office_name"], str) else "–"
    st.header(markdown_text(me["name"]))
    st.download_button(
        PDF,
        data=lambda: profile_pdf_bytes(query(profile_content, area_id, q)),
        file_name=f"steckbrief_{area_id}_{q.key}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
    )
    sheets = {"indicators": figures, "population": population, "chain": chain}
    st.download_button(
        XLSX,
        data=lambda: profile_xlsx_bytes(sheets),
        file_name=f"steckbrief_{area_id}_{q.key}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:",
    )
    st.caption(
        f"Sozialraum in {markdown_text(me['municipality_name'])} · "
        f"zuständig: {markdown_text(office)} · {q.label}"
    )
    data_status(population.stand | figures.stand | chain.stand | offers.stand)

    left, right = st.columns([2, 3])
    with left:
        shapes = query(geometries, "area")
        figure = location_map(shapes, area_id, me["municipality_id"])
        show(figure)
    with right:
        st.markdown(f"#### {POPULATION}")
        st.caption(POPULATION_AID)
        table_with_csv(population, key="profile_population")

    st.markdown(f"#### {INDICATORS}")
    st.caption(INDICATORS_AID)
    table_with_csv(figures, key="profile_indicators", label="Indikatoren als CSV")
    with st.expander(TRENDS.format(quarter=q.label)):
        st.caption(TRENDS_AID)
        show(trend_figure(profile))

    st.markdown(f"#### {CHAIN}")
    st.caption(CHAIN_AID)
    table_with_csv(chain, key="profile_chain")

    for column, (head, none, table) in zip(
        st.columns(2), ((OFFERS, NO_OFFERS, offers), (NETWORKS, NO_NETWORKS, nets)), strict=True
    ):
        with column:
            st.markdown(f"#### {head}")
            if table.shown.empty:
                st.caption(none)
            else:
                table_with_csv(table, key=table.file_name, show_stand=False)


page(render)

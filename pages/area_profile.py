"""Sozialraum-Steckbrief: one area on one page, for reading, printing and handing out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.areas import areas, geometries
from core.catalogue import indicators
from core.coverage import coverage_cells
from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.exporting import to_csv_bytes
from core.offers import active_offers
from core.present.numbers import format_date, format_number
from core.present.tables import shows_withheld, with_withheld_note
from core.present.vocabulary import WITHHELD_LEGEND, WITHHELD_SIGN, WITHHELD_TEXT
from core.privacy import withheld
from core.profile import area_networks, indicator_panels, population_by_phase, profile_rows
from core.reports.profile_pdf import chain_status, profile_content, profile_pdf_bytes
from ui.badges import data_status
from ui.filters import current
from ui.profile_charts import location_map
from ui.query import query

TITLE = "Sozialraum-Steckbrief"
PARAM_AREA = "gebiet"
KEY_AREA = "profile_area"
LABEL_AREA = "Sozialraum"
HELP_AREA = "Alle Sozialräume der gewählten Kommune; ohne Kommune alle des Kreises."
NOTE_BAD_AREA = "Den Sozialraum „{value}“ gibt es nicht. Gezeigt wird {fallback}."
NO_AREAS = "Für diese Auswahl sind keine Sozialräume geladen."
POPULATION = "Kinder und Jugendliche nach Lebensphase"
POPULATION_AID = (
    "Einwohnerinnen und Einwohner im Alter der Lebensphase. Die Phasen überschneiden "
    f"sich (rund um die Geburt ist Teil der Krippe). „{WITHHELD_SIGN}“: {WITHHELD_TEXT}."
)
INDICATORS = "Indikatoren"
INDICATORS_AID = (
    "So lesen Sie die Tabelle: Wert des Sozialraums zum Ende des Berichtsquartals mit "
    "seinem Stichtag, daneben Kommune und Kreis zum Vergleich. Die Linie zeigt die "
    "Entwicklung über die Quartale; nicht ausgewiesene oder fehlende Quartale werden "
    "übersprungen."
)
CHAIN = "Präventionskette im Sozialraum"
CHAIN_AID = (
    "Plätze je 100 Kinder (Krippe, Kita, Grundschule) oder Angebote je 1.000 Kinder "
    "(übrige Phasen) gegenüber dem Zielwert. „Lücke“: unter 80 % des Ziels oder kein Angebot."
)
OFFERS = "Angebote im Sozialraum"
NO_OFFERS = "Im Berichtsquartal ist hier kein Angebot aktiv."
NETWORKS = "Netzwerke, die hier wirken"
NO_NETWORKS = "Für diesen Sozialraum ist kein Netzwerk erfasst."
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stSelectbox"] { display: none !important; }
  .block-container { padding-top: 0 !important; max-width: 100% !important; }
}
</style>
"""

st.markdown(PRINT_CSS, unsafe_allow_html=True)
st.title(TITLE)
sel = current()

try:
    all_areas = query(areas)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

sozialraeume = all_areas[all_areas["level"] == "area"]
choices = sozialraeume
if sel.municipality_id:
    choices = choices[choices["municipality_id"] == sel.municipality_id]
wanted = st.query_params.get(PARAM_AREA)
if wanted and wanted not in set(sozialraeume["id"]):
    fallback = choices["name"].iloc[0] if len(choices) else "nichts"
    note = NOTE_BAD_AREA.format(value=markdown_text(wanted), fallback=markdown_text(fallback))
    st.warning(note, icon=":material/link_off:")
    wanted = None
if wanted and wanted not in set(choices["id"]):
    choices = pd.concat([choices, sozialraeume[sozialraeume["id"] == wanted]])
if choices.empty:
    st.info(NO_AREAS, icon=":material/info:")
    st.stop()
labels = {
    r.id: f"{r.name} ({r.municipality_name})"
    for r in choices.sort_values(["municipality_name", "name"]).itertuples()
}
if wanted and st.session_state.get("_profile_from_url") != wanted:
    st.session_state[KEY_AREA] = wanted
    st.session_state["_profile_from_url"] = wanted
if st.session_state.get(KEY_AREA) not in labels:
    st.session_state[KEY_AREA] = next(iter(labels))
area_id = st.selectbox(
    LABEL_AREA, list(labels), key=KEY_AREA, format_func=labels.__getitem__, help=HELP_AREA
)
st.query_params[PARAM_AREA] = area_id
st.session_state["_profile_from_url"] = area_id  # the URL now says what is shown
me = sozialraeume.set_index("id").loc[area_id]
q = sel.quarter

try:
    shapes = query(geometries, "area")
    population = query(population_by_phase, area_id, q.key)
    panels = query(indicator_panels, q.key, sel.quarters)
    catalogue = query(indicators)
    cells = query(coverage_cells, q.key, me["municipality_id"])
    offers = query(active_offers, q.key, area_id=area_id)
    nets = query(area_networks, area_id, q.key)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

profile = profile_rows(catalogue, panels, {"id": area_id, **me.to_dict()}, q.key)

office = me["youth_office_name"] if isinstance(me["youth_office_name"], str) else "–"
st.header(markdown_text(me["name"]))
st.download_button(
    "Steckbrief als PDF",
    data=lambda: profile_pdf_bytes(query(profile_content, area_id, q.key)),
    file_name=f"steckbrief_{area_id}_{q.key}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
)
st.caption(
    f"Sozialraum in {markdown_text(me['municipality_name'])} · "
    f"zuständig: {markdown_text(office)} · {q.label}"
)
data_status(list(profile["stand"]))

left, right = st.columns([2, 3])
with left:
    st.plotly_chart(
        location_map(shapes, area_id, me["municipality_id"]),
        width="stretch",
        config={"displayModeBar": False},
    )
with right:
    st.markdown(f"#### {POPULATION}")
    st.caption(POPULATION_AID)
    stand = population["stand"].dropna()
    st.dataframe(
        pd.DataFrame(
            {
                "Lebensphase": population["phase"],
                "Alter": population["ages"],
                "Anzahl": population["display"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={"Anzahl": st.column_config.TextColumn(alignment="right")},
    )
    if len(stand):
        st.caption(f"Stand: {format_date(stand.max())} · Quelle: Melderegister")

st.markdown(f"#### {INDICATORS}")
st.caption(INDICATORS_AID)
table = pd.DataFrame(
    {
        "Indikator": profile["indicator"],
        "Wert": profile["display"],
        "Stand": [format_date(d) if pd.notna(d) else "–" for d in profile["stand"]],
        f"{me['municipality_name']}": profile["municipality_display"],
        "Rhein-Kreis Neuss": profile["district_display"],
        "Entwicklung": [[v for v in s if v is not None] for s in profile["series"]],
        "Quelle": profile["source"],
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    height="content",
    column_config={
        "Entwicklung": st.column_config.LineChartColumn("Entwicklung", width="small"),
        "Wert": st.column_config.TextColumn(alignment="right"),
        "Quelle": st.column_config.TextColumn(width="medium"),
    },
)
if shows_withheld(table.drop(columns="Entwicklung")):
    st.caption(WITHHELD_LEGEND)
st.download_button(
    "Indikatoren als CSV",
    to_csv_bytes(with_withheld_note(table.drop(columns="Entwicklung"))),
    f"steckbrief_{area_id}.csv",
    "text/csv",
)

st.markdown(f"#### {CHAIN}")
st.caption(CHAIN_AID)
mine = cells[cells["area_id"] == area_id]
chain = pd.DataFrame(
    {
        "Lebensphase": mine["phase"],
        "Angebote": mine["offers"],
        "Plätze": [format_number(p, 0) if p else "–" for p in mine["places"]],
        "Versorgung": [
            withheld(f"{format_number(c, 1)} {m}", s)
            for c, s, m in zip(
                mine["coverage"], mine["suppressed"], mine["metric_label"], strict=True
            )
        ],
        "Ziel": [format_number(t, 0) for t in mine["target"]],
        "Status": [
            withheld(chain_status(s, g), h)
            for s, g, h in zip(mine["status"], mine["gap"], mine["suppressed"], strict=True)
        ],
    }
)
st.dataframe(chain, hide_index=True, width="stretch")
if shows_withheld(chain):
    st.caption(WITHHELD_LEGEND)

left, right = st.columns(2)
with left:
    st.markdown(f"#### {OFFERS}")
    if offers.empty:
        st.caption(NO_OFFERS)
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Angebot": offers["name"],
                    "Träger": offers["provider"],
                    "Art": offers["offer_type"],
                    "Lebensphasen": offers["phases"],
                    "Plätze": [
                        format_number(c, 0) if pd.notna(c) else "" for c in offers["capacity"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
with right:
    st.markdown(f"#### {NETWORKS}")
    if nets.empty:
        st.caption(NO_NETWORKS)
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Netzwerk": nets["name"],
                    "Stufe": nets["stage_label"].fillna("nicht gemeldet"),
                    "Ampel": nets["traffic_light_label"].fillna("–"),
                }
            ),
            hide_index=True,
            width="stretch",
        )

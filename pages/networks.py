"""Netzwerke: the networks' status in the Berichtsquartal, their stages over time, the
quality blocks per youth office, one network's history, the gaps, and the entry form."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.catalogue import network_kinds, network_stages
from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.exporting import to_csv_bytes
from core.network_entry import format_timestamp
from core.networks import (
    MISSING_NETWORK,
    TRAFFIC_LIGHT_SYMBOLS,
    network_history,
    presence_matrix,
    quality_matrix,
    stage_distribution,
    stage_trend,
    status_table,
    youth_office_of,
    youth_offices,
)
from core.present.numbers import format_date
from ui.badges import data_status
from ui.filters import current
from ui.network_charts import history_chart, short_office, stage_bars, stage_trend_chart
from ui.network_form import render_entry_form
from ui.query import query

TITLE = "Netzwerke"
INTRO = (
    "Wie weit sind die Netzwerke gegen Kinderarmut? Je Netzwerk die Meldung der "
    "Koordination für das Berichtsquartal, die Entwicklung über die Quartale und der "
    "Stand der Qualitätsbausteine je Jugendamt."
)
SOURCE = "Quartalsmeldungen der Netzwerkkoordination"
LABEL_OFFICE = "Jugendamt"
ALL_OFFICES = "alle Jugendämter"
HELP_OFFICE = (
    "Das Jugendamt, das die Netzwerke koordiniert. Ist links eine Kommune gewählt, "
    "ist ihr Jugendamt vorausgewählt."
)
NOTE_OFFICE = "{muni} wird vom {office} betreut; vorausgewählt sind dessen Netzwerke."
LABEL_KIND = "Netzwerkart"
ALL_KINDS = "alle Netzwerkarten"
TABS = [
    "Status im Quartal",
    "Entwicklungsstufen",
    "Qualitätsbausteine",
    "Verlauf eines Netzwerks",
    "Netzwerkkarte",
    "Status melden",
]
NO_NETWORKS = "Für diese Auswahl ist kein Netzwerk erfasst."
REPORTED = "{reported} von {total} Netzwerken haben für das {quarter} gemeldet."
NOT_REPORTED = "nicht gemeldet"
STATUS_AID = (
    "So lesen Sie die Tabelle: eine Zeile je Netzwerk mit der Meldung für das "
    "Berichtsquartal. „Veränderung“ vergleicht die Stufe mit dem Vorquartal: ↑ eine Stufe "
    "weiter, ↓ zurückgefallen, = gleich, „neu“ ohne Meldung im Vorquartal. Die Ampel ist "
    "die Selbsteinschätzung der Koordination (🟢 läuft, 🟡 Schwierigkeiten, 🔴 gefährdet)."
)
STAGES_TITLE = "Entwicklungsstufen"
STAGES_HELP_HEAD = "Ein Netzwerk wächst in drei Stufen:"
DIST_TITLE = "Stufen je Jugendamt im {quarter}"
DIST_AID = (
    "So lesen Sie das Diagramm: ein Balken je Jugendamt; seine Höhe ist die Zahl der "
    "Netzwerke, die gemeldet haben, die Farben ihre Stufe – je dunkler, desto enger "
    "arbeiten die Partner zusammen."
)
TREND_TITLE = "Entwicklung über die Quartale"
TREND_AID = (
    "So lesen Sie das Diagramm: ein Balken je Quartal bis zum Berichtsquartal; wächst "
    "der dunkle Anteil, arbeiten mehr Netzwerke als Kooperations- oder "
    "Produktionsnetzwerk. Ein niedrigerer Balken heißt: weniger Netzwerke haben gemeldet."
)
QUALITY_TITLE = "Qualitätsbausteine je Jugendamt im {quarter}"
QUALITY_HELP = (
    "Die vier Qualitätsbausteine des Programms „Teilhabe ermöglichen – Kommunale "
    "Netzwerke gegen Kinderarmut“, die ein Jugendamt Punkt für Punkt bearbeitet."
)
QUALITY_AID = (
    "So lesen Sie die Matrix: je Zeile ein Punkt eines Qualitätsbausteins, je Spalte ein "
    "Jugendamt. ✅ erledigt, 🔶 in Arbeit, ⬜ offen; ↑ heißt: seit dem Vorquartal "
    "vorangekommen. Die Netzwerkart-Auswahl gilt hier nicht, die Bausteine gelten je Jugendamt."
)
NO_QUALITY = "Für dieses Quartal ist kein Stand der Qualitätsbausteine gemeldet."
HISTORY_TITLE = "Verlauf eines Netzwerks"
LABEL_NETWORK = "Netzwerk"
HISTORY_AID = (
    "So lesen Sie das Diagramm: oben die Stufe je Quartal, der Punkt in der Farbe der "
    "Ampel; unten die Zahl der Partner. Fehlt ein Quartal, hat das Netzwerk nicht gemeldet. "
    "Die Notizen stehen in der Tabelle."
)
NO_HISTORY = "Für dieses Netzwerk liegt noch keine Meldung vor."
MATRIX_TITLE = "Netzwerkkarte: welche Netzwerke es je Jugendamt gibt"
MATRIX_AID = (
    "So lesen Sie die Matrix: je Zeile eine Netzwerkart, je Spalte ein Jugendamt. ✓ das "
    "Netzwerk besteht (✓ 2: zwei Netzwerke dieser Art, z. B. Sozialraumkonferenzen), "
    "„fehlt“: für diese Art ist kein Netzwerk erfasst. Die Auswahl oben gilt hier nicht."
)
TABLE_EXPANDER = "Daten als Tabelle"
DOWNLOAD = "CSV herunterladen"
STAND = "Stand: {date} · Quelle: {source}"
HELP_CHANGE = "Stufe gegenüber dem Vorquartal: ↑ weiter, ↓ zurück, = gleich, „neu“ ohne Vorquartal."
HELP_MEETINGS = "Treffen des Netzwerks oder seiner Arbeitsgruppen im Berichtsquartal."
HELP_OFFICE_COLUMN = "Das Jugendamt, das das Netzwerk koordiniert."
QUALITY_KEYS = ("block_id", "block_title", "item_id", "item")
MISSING_STYLE = "background-color: #FDECEA; color: #B71C1C"

sel = current()
st.title(TITLE)
st.caption(INTRO)

try:
    offices = query(youth_offices)
    kinds = query(network_kinds)
    stages_df = query(network_stages)
    muni_office = query(youth_office_of, sel.municipality_id) if sel.municipality_id else None
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

stages = dict(zip(stages_df["id"], stages_df["label"], strict=True))
stages_help = "\n".join(
    [STAGES_HELP_HEAD, ""]
    + [
        f"{r.id}. **{markdown_text(r.label)}**: {markdown_text(r.meaning)}"
        for r in stages_df.itertuples()
    ]
)
office_names = dict(zip(offices["id"], offices["name"], strict=True))
kind_names = dict(zip(kinds["id"], kinds["label"], strict=True))

col_office, col_kind = st.columns(2)
office_options = ["", *office_names]
office_id = col_office.selectbox(
    LABEL_OFFICE,
    office_options,
    index=office_options.index(muni_office) if muni_office in office_names else 0,
    format_func=lambda o: office_names.get(o, ALL_OFFICES),
    key=f"net_office_{sel.municipality_id or 'kreis'}",
    help=HELP_OFFICE,
)
kind_id = col_kind.selectbox(
    LABEL_KIND,
    ["", *kind_names],
    format_func=lambda k: kind_names.get(k, ALL_KINDS),
    key="net_kind",
)
if muni_office and office_id == muni_office:
    muni, office = sel.municipality_name, office_names[muni_office]
    st.caption(NOTE_OFFICE.format(muni=markdown_text(muni), office=markdown_text(office)))

quarter = sel.quarter
stand = STAND.format(date=format_date(quarter.end), source=SOURCE)
past = tuple(q for q in sel.quarters if q <= quarter)
try:
    table = query(status_table, quarter.key, youth_office_id=office_id or None, kind_id=kind_id)
    dist = query(stage_distribution, (quarter,), office_id or None, kind_id or None)
    trend = query(stage_trend, past, office_id or None, kind_id or None)
    quality = query(quality_matrix, quarter.key, office_id or None)
    presence = query(presence_matrix)
except PraevError as exc:
    st.error(markdown_lines(str(exc)), icon=":material/error:")
    st.stop()

data_status([quarter.end], SOURCE)


def table_with_download(df: pd.DataFrame, file_name: str, key: str) -> None:
    """The data behind a chart, folded away, with its CSV download."""
    with st.expander(TABLE_EXPANDER):
        st.dataframe(df, hide_index=True)
        st.download_button(
            DOWNLOAD,
            to_csv_bytes(df),
            file_name=file_name,
            mime="text/csv",
            key=key,
            icon=":material/download:",
            on_click="ignore",
        )


def stage_text(stage: float | None) -> str:
    return stages.get(int(stage), "") if pd.notna(stage) else NOT_REPORTED


tab_status, tab_stages, tab_quality, tab_history, tab_matrix, tab_entry = st.tabs(TABS)

with tab_status:
    if table.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
    else:
        st.markdown(
            REPORTED.format(
                reported=int(table["reported"].sum()), total=len(table), quarter=quarter.label
            )
        )
        shown = pd.DataFrame(
            {
                "Netzwerk": table["name"],
                "Stufe": [stage_text(s) for s in table["stage"]],
                "Veränderung": [
                    c if r else NOT_REPORTED
                    for c, r in zip(table["change"], table["reported"], strict=True)
                ],
                "Ampel": table["traffic_light"].map(TRAFFIC_LIGHT_SYMBOLS).fillna("–"),
                "Partner": table["partners"].astype("Int64"),
                "Treffen": table["meetings"].astype("Int64"),
                "Art": table["kind"],
                "Gebiet": table["scope"],
                "Jugendamt": table["youth_office"].map(short_office),
                "Letzte Änderung": [
                    format_date(d) if pd.notna(d) else "–" for d in table["updated_at"]
                ],
            }
        )
        st.caption(STATUS_AID)
        st.dataframe(
            shown,
            hide_index=True,
            placeholder="–",
            column_config={
                "Stufe": st.column_config.TextColumn("Stufe", help=stages_help),
                "Veränderung": st.column_config.TextColumn("Veränderung", help=HELP_CHANGE),
                "Ampel": st.column_config.TextColumn("Ampel", width="small"),
                "Partner": st.column_config.NumberColumn("Partner", format="%d", width="small"),
                "Treffen": st.column_config.NumberColumn(
                    "Treffen", format="%d", help=HELP_MEETINGS, width="small"
                ),
                "Jugendamt": st.column_config.TextColumn("Jugendamt", help=HELP_OFFICE_COLUMN),
            },
        )
        export = shown.assign(
            Quartal=quarter.label,
            Ziele=table["goals"].fillna(""),
            Notiz=table["note"].fillna(""),
            Quelle=SOURCE,
        )
        st.download_button(
            DOWNLOAD,
            to_csv_bytes(export),
            file_name=f"netzwerkstatus_{quarter.key}.csv",
            mime="text/csv",
            key="dl_status",
            icon=":material/download:",
            on_click="ignore",
        )
        st.caption(stand)

with tab_stages:
    st.subheader(DIST_TITLE.format(quarter=quarter.label), help=stages_help)
    st.caption(DIST_AID)
    if dist.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
    else:
        st.plotly_chart(stage_bars(dist, stages), key="chart_dist")
        table_with_download(
            pd.DataFrame(
                {
                    "Jugendamt": dist["youth_office"],
                    "Quartal": quarter.label,
                    "Stufe": dist["stage_label"],
                    "Netzwerke": dist["networks"],
                }
            ),
            f"netzwerkstufen_{quarter.key}.csv",
            "dl_dist",
        )
    st.subheader(TREND_TITLE, help=stages_help)
    st.caption(TREND_AID)
    st.plotly_chart(stage_trend_chart(trend, stages), key="chart_trend")
    table_with_download(
        pd.DataFrame(
            {
                "Quartal": trend["label"],
                "Stufe": trend["stage_label"],
                "Netzwerke": trend["networks"],
            }
        ),
        f"netzwerkstufen_verlauf_bis_{quarter.key}.csv",
        "dl_trend",
    )
    st.caption(stand)

with tab_quality:
    st.subheader(QUALITY_TITLE.format(quarter=quarter.label), help=QUALITY_HELP)
    st.caption(QUALITY_AID)
    if quality.empty:
        st.info(NO_QUALITY, icon=":material/info:")
    else:
        offices_shown = [c for c in quality.columns if c not in QUALITY_KEYS]
        matrix = quality.assign(Punkt=quality["item_id"] + " " + quality["item"]).rename(
            columns={name: short_office(name) for name in offices_shown}
        )
        columns = ["Punkt", *(short_office(n) for n in offices_shown)]
        for block_id in quality["block_id"].unique():
            part = matrix[matrix["block_id"] == block_id]
            st.markdown(f"**{block_id}. {markdown_text(part['block_title'].iloc[0])}**")
            st.dataframe(part[columns], hide_index=True, key=f"quality_{block_id}")
        export = matrix.rename(columns={"block_title": "Qualitätsbaustein"})
        st.download_button(
            DOWNLOAD,
            to_csv_bytes(
                export[["Qualitätsbaustein", *columns]].assign(Quartal=quarter.label, Quelle=SOURCE)
            ),
            file_name=f"qualitaetsbausteine_{quarter.key}.csv",
            mime="text/csv",
            key="dl_quality",
            icon=":material/download:",
            on_click="ignore",
        )
    st.caption(stand)

with tab_history:
    st.subheader(HISTORY_TITLE, help=stages_help)
    if table.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
    else:
        names = dict(zip(table["network_id"].astype(int), table["name"], strict=True))
        network_id = st.selectbox(
            LABEL_NETWORK, list(names), format_func=names.__getitem__, key="net_history"
        )
        try:
            history = query(network_history, network_id)
        except PraevError as exc:
            st.error(markdown_lines(str(exc)), icon=":material/error:")
            history = pd.DataFrame()
        if history.empty:
            st.info(NO_HISTORY, icon=":material/info:")
        else:
            st.caption(HISTORY_AID)
            st.plotly_chart(history_chart(history, stages), key="chart_history")
            hist_table = pd.DataFrame(
                {
                    "Quartal": history["quarter"].str.replace(
                        r"(\d{4})-Q(\d)", r"\2. Quartal \1", regex=True
                    ),
                    "Stufe": history["stage_label"],
                    "Partner": history["partners"],
                    "Treffen": history["meetings"],
                    "Ampel": history["traffic_light"].map(TRAFFIC_LIGHT_SYMBOLS).fillna("–"),
                    "Ziele": history["goals"],
                    "Notiz": history["note"],
                    "Gemeldet von": history["updated_by"],
                    "Letzte Änderung": [format_timestamp(t) for t in history["updated_at"]],
                }
            ).iloc[::-1]
            st.dataframe(hist_table, hide_index=True)
            st.download_button(
                DOWNLOAD,
                to_csv_bytes(hist_table.assign(Netzwerk=names[network_id], Quelle=SOURCE)),
                file_name=f"netzwerk_{network_id}_verlauf.csv",
                mime="text/csv",
                key="dl_history",
                icon=":material/download:",
                on_click="ignore",
            )

with tab_matrix:
    st.subheader(MATRIX_TITLE)
    st.caption(MATRIX_AID)
    grid = presence.rename(columns={"kind": "Netzwerkart"}).rename(columns=short_office)
    st.dataframe(
        grid.style.map(lambda v: MISSING_STYLE if v == MISSING_NETWORK else ""),
        hide_index=True,
    )
    st.download_button(
        DOWNLOAD,
        to_csv_bytes(grid),
        file_name="netzwerkkarte.csv",
        mime="text/csv",
        key="dl_matrix",
        icon=":material/download:",
        on_click="ignore",
    )

with tab_entry:
    render_entry_form(sel, table, stages_df)

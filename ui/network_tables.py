"""The sections of the Netzwerke page: the office and kind filters, and each tab with its
chart, its reading aid and its table (built in :mod:`core.present.network_tables`, shown
with :func:`ui.tables.table_with_csv`, so the download is what the page shows)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.escaping import markdown_text
from core.networks import network_history
from core.present.network_tables import history_of
from core.present.tables import Table
from core.present.vocabulary import NO_REPORT, STAGE_CHANGE, TRAFFIC_LIGHT_HELP
from core.selection import Selection
from ui.charts import show
from ui.network_charts import history_chart, stage_bars, stage_trend_chart
from ui.query import query
from ui.tables import table_with_csv

LABEL_OFFICE = "Jugendamt"
ALL_OFFICES = "alle Jugendämter"
HELP_OFFICE = (
    "Das Jugendamt, das die Netzwerke koordiniert. Ist links eine Kommune gewählt, "
    "ist ihr Jugendamt vorausgewählt."
)
NOTE_OFFICE = "{muni} wird vom {office} betreut; vorausgewählt sind dessen Netzwerke."
LABEL_KIND = "Netzwerkart"
ALL_KINDS = "alle Netzwerkarten"
NO_NETWORKS = "Für diese Auswahl ist kein Netzwerk erfasst."
REPORTED = "{reported} von {total} Netzwerken haben für das {quarter} gemeldet."
STATUS_AID = (
    "So lesen Sie die Tabelle: eine Zeile je Netzwerk mit der Meldung für das "
    "Berichtsquartal. „Veränderung“ vergleicht die Stufe mit dem Vorquartal: "
    f"{STAGE_CHANGE['up']} eine Stufe weiter, {STAGE_CHANGE['down']} zurückgefallen, "
    f"{STAGE_CHANGE['same']} gleich, „neu“ ohne Meldung im Vorquartal. Die Ampel ist die "
    f"Selbsteinschätzung der Koordination ({TRAFFIC_LIGHT_HELP}). "
    "„Treffen im Quartal“ zählt die Treffen des Netzwerks und seiner Arbeitsgruppen. "
    "„Partner“ zählt die Partner am Quartalsende aus dem Partnerverzeichnis, daneben nach "
    "Bereich („ohne Partnerverzeichnis“: die Zahl stammt aus einer Meldung oder einem "
    "Import); „Erfüllte Kriterien“ sind die angekreuzten Kriterien der Stufe."
)
STAGES_HELP_HEAD = "Ein Netzwerk wächst in drei Stufen:"
DIST_TITLE = "Stufen je Jugendamt im {quarter}"
DIST_AID = (
    "So lesen Sie das Diagramm: ein Balken je Jugendamt; seine Höhe ist die Zahl der "
    "Netzwerke, die gemeldet haben, die Farben ihre Stufe – je dunkler, desto enger "
    "arbeiten die Partner zusammen."
)
TREND_TITLE = "Entwicklung über die Quartale"
TREND_AID = (
    "So lesen Sie das Diagramm: ein Balken je Quartal bis zum Berichtsquartal, vom ersten "
    "Quartal mit einer Meldung an; wächst der dunkle Anteil, arbeiten mehr Netzwerke als "
    "Kooperations- oder Produktionsnetzwerk. Ein niedrigerer Balken heißt: weniger "
    f"Netzwerke haben gemeldet; „{NO_REPORT}“: für dieses Quartal hat keines gemeldet."
)
HISTORY_TITLE = "Verlauf eines Netzwerks"
LABEL_NETWORK = "Netzwerk"
HISTORY_AID = (
    "So lesen Sie das Diagramm: oben die Stufe je Quartal bis zum Berichtsquartal, der "
    f"Punkt in Form und Farbe der Ampel ({TRAFFIC_LIGHT_HELP}); unten die Zahl der "
    "Partner. Fehlt ein Quartal, hat das Netzwerk nicht gemeldet. Die Notizen stehen in "
    "der Tabelle."
)
NO_HISTORY = "Für dieses Netzwerk liegt bis zum Berichtsquartal keine Meldung vor."
MATRIX_TITLE = "Netzwerkkarte: welche Netzwerke es je Jugendamt gibt"
MATRIX_AID = (
    "So lesen Sie die Matrix: je Zeile eine Netzwerkart, je Spalte ein Jugendamt. "
    "„erwartet je“ sagt, wo ein Netzwerk dieser Art erwartet wird: eines je Jugendamt, "
    "eines für den ganzen Kreis (z. B. die Kommunale Gesundheitskonferenz nach dem ÖGDG "
    "NRW) oder eines je Sozialraum. ✓ das Jugendamt hat ein eigenes Netzwerk (✓ 2: zwei), "
    "„✓ Kreis“: das Netzwerk des Kreises gilt auch für dieses Jugendamt, „3 von 12“: in 3 "
    "der 12 Sozialräume des Jugendamts gibt es eines. „fehlt“ steht nur, wo ein "
    "Netzwerk erwartet wird und keines erfasst ist. Die Auswahl oben gilt hier nicht."
)
TABLE_EXPANDER = "Daten als Tabelle"


def stages_help(stages_df: pd.DataFrame) -> str:
    """The three stages with their meaning, as the help of a heading."""
    lines = [
        f"{r.id}. **{markdown_text(r.label)}**: {markdown_text(r.meaning)}"
        for r in stages_df.itertuples()
    ]
    return "\n".join([STAGES_HELP_HEAD, "", *lines])


def choose_scope(
    sel: Selection, offices: pd.DataFrame, kinds: pd.DataFrame, muni_office: str | None
) -> tuple[str | None, str | None]:
    """The youth office and network kind select boxes (None: all); a selected Kommune
    preselects its youth office."""
    office_names = dict(zip(offices["id"], offices["name"], strict=True))
    kind_names = dict(zip(kinds["id"], kinds["label"], strict=True))
    col_office, col_kind = st.columns(2)
    options = ["", *office_names]
    office_id = col_office.selectbox(
        LABEL_OFFICE,
        options,
        index=options.index(muni_office) if muni_office in office_names else 0,
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
        muni, office = markdown_text(sel.municipality_name), office_names[muni_office]
        st.caption(NOTE_OFFICE.format(muni=muni, office=markdown_text(office)))
    return office_id or None, kind_id or None


def status_section(table: Table, status: pd.DataFrame, sel: Selection) -> None:
    """The status of every network in the Berichtsquartal."""
    if status.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
        return
    reported = int(status["reported"].sum())
    st.markdown(REPORTED.format(reported=reported, total=len(status), quarter=sel.quarter.label))
    st.caption(STATUS_AID)
    table_with_csv(table, key="net_status", pin_first=True)


def stages_section(
    tables: tuple[Table, Table],
    frames: tuple[pd.DataFrame, pd.DataFrame],
    stages: dict[int, str],
    sel: Selection,
    help_text: str,
) -> None:
    """The stages per youth office in the quarter and their development up to it:
    ``tables`` and ``frames`` are (distribution, trend)."""
    (dist, trend), (dist_frame, trend_frame) = tables, frames
    st.subheader(DIST_TITLE.format(quarter=sel.quarter.label), help=help_text)
    st.caption(DIST_AID)
    if dist_frame.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
    else:
        show(stage_bars(dist_frame, stages), key="chart_dist")
        with st.expander(TABLE_EXPANDER):
            table_with_csv(dist, key="net_dist")
    st.subheader(TREND_TITLE, help=help_text)
    st.caption(TREND_AID)
    show(stage_trend_chart(trend_frame, stages), key="chart_trend")
    with st.expander(TABLE_EXPANDER):
        table_with_csv(trend, key="net_trend")


def history_section(
    status: pd.DataFrame, stages: dict[int, str], sel: Selection, help_text: str
) -> None:
    """One network's reports up to the Berichtsquartal: chart and table."""
    st.subheader(HISTORY_TITLE, help=help_text)
    if status.empty:
        st.info(NO_NETWORKS, icon=":material/info:")
        return
    names = dict(zip(status["network_id"].astype(int), status["name"], strict=True))
    network_id = st.selectbox(
        LABEL_NETWORK, list(names), format_func=names.__getitem__, key="net_history"
    )
    history = query(network_history, network_id, sel.history)
    if history.empty:
        st.info(NO_HISTORY, icon=":material/info:")
        return
    st.caption(HISTORY_AID)
    show(history_chart(history, stages), key="chart_history")
    table_with_csv(history_of(history, names[network_id], network_id), key="net_history_table")


def matrix_section(table: Table) -> None:
    """Which networks exist per youth office and kind."""
    st.subheader(MATRIX_TITLE)
    st.caption(MATRIX_AID)
    table_with_csv(table, key="net_matrix", pin_first=True)

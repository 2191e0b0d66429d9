"""The widgets of the Präventionskette page around its charts: data tables, the choice of
need and phase, completeness and the priority list. The figures are
:mod:`ui.chain_charts`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.catalogue import IndicatorEntry
from core.escaping import markdown_text
from core.present.chain_tables import (
    missing_types,
)
from core.present.numbers import format_percent
from core.present.tables import Table
from core.present.vocabulary import (
    QUADRANT_GAP,
)
from ui.chain_charts import completeness_figure
from ui.charts import show
from ui.tables import table_with_csv

TABLE_EXPANDER = "Daten als Tabelle"
LABEL_NEED = "Bedarf (waagerechte Achse)"
HELP_NEED = "Eine Quote, bei der ein höherer Wert mehr Bedarf bedeutet."
LABEL_PHASE = "Versorgung (senkrechte Achse)"
WHOLE_CHAIN = "ganze Kette (Mittel der Lebensphasen)"
HELP_PHASE = (
    "Eine Lebensphase: ihre Zielerreichung; niedrig heißt unter 100 %. Die ganze Kette: "
    "das Mittel der Zielerreichung aller Phasen (jede höchstens 100 %); niedrig heißt "
    "unter 90 %."
)
DEFAULT_NEED = "sgb2_u15"


def data_table(table: Table, key: str) -> None:
    """The data behind a chart, folded away, with its legend, Stand and CSV download."""
    with st.expander(TABLE_EXPANDER):
        table_with_csv(table, key=key)


def need_choice(
    needs: tuple[IndicatorEntry, ...], phases: pd.DataFrame
) -> tuple[IndicatorEntry, str, str]:
    """The scatter's two select boxes: the need indicator and the life phase (``""``:
    the whole chain); returns the indicator, the phase id and its label."""
    by_id = {e.id: e for e in needs}
    phase_names = {"": WHOLE_CHAIN} | dict(zip(phases["id"], phases["label"], strict=True))
    col_need, col_phase = st.columns(2)
    need_id = col_need.selectbox(
        LABEL_NEED,
        list(by_id),
        index=list(by_id).index(DEFAULT_NEED) if DEFAULT_NEED in by_id else 0,
        format_func=lambda i: by_id[i].name,
        key="chain_need",
        help=HELP_NEED,
    )
    phase_id = col_phase.selectbox(
        LABEL_PHASE,
        list(phase_names),
        format_func=phase_names.__getitem__,
        key="chain_phase",
        help=HELP_PHASE,
    )
    return by_id[need_id], phase_id, phase_names[phase_id]


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
PRIORITY_TITLE = "Zuerst hinsehen: hoher Bedarf, niedrige Versorgung"
PRIORITY_AID = (
    "Geordnet nach Dringlichkeit: Bedarf im Verhältnis zum Kreiswert mal fehlender Anteil "
    "am Ziel. „Lücken“ nennt die Lebensphasen unter Ziel oder ohne Angebot."
)
NO_PRIORITY = "Kein Sozialraum dieser Auswahl hat zugleich hohen Bedarf und niedrige Versorgung."


def completeness_block(grid: pd.DataFrame, share: float) -> None:
    """The completeness section: its share, the missing offer types and the matrix."""
    st.subheader(COMPLETE_TITLE)
    col_metric, col_missing = st.columns([1, 3])
    col_metric.metric(COMPLETE_METRIC, format_percent(share), help=COMPLETE_HELP)
    lines = missing_types(grid)
    missing = [MISSING_HEAD, *(f"- {markdown_text(line)}" for line in lines)]
    col_missing.markdown("\n".join(missing) if lines else NOTHING_MISSING)
    show(completeness_figure(grid), key="chain_complete")
    st.caption(COMPLETE_AID)


def priority_list(need: Table) -> None:
    """The Sozialräume with high need and low coverage, most urgent first."""
    st.markdown(f"**{PRIORITY_TITLE}**")
    first = need.shown[need.shown["Quadrant"] == QUADRANT_GAP]
    if first.empty:
        st.success(NO_PRIORITY, icon=":material/check_circle:")
        return
    st.caption(PRIORITY_AID)
    st.dataframe(
        first.drop(columns="Quadrant"),
        hide_index=True,
        column_config={"Lücken": st.column_config.TextColumn("Lücken", width="large")},
    )

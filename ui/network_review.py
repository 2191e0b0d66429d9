"""Reviewing changes of a network's quarterly status: the conflict comparison (the
user's input beside the version saved meanwhile) and the change log from the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.audit_view import status_changes
from core.escaping import markdown_lines
from core.network_entry import FIELD_LABELS, VALUE_FIELDS, differences
from core.present.numbers import MISSING
from core.present.vocabulary import TRAFFIC_LIGHTS
from ui.query import query

NO_CRITERIA = "keines"
CONFLICT_MINE = "Ihre Eingabe"
CONFLICT_THEIRS = "Gespeicherte Fassung {version} ({by})"
CONFLICT_FIELD = "Angabe"
CONFLICT_DIFF = "unterschiedlich"
TAKE_THEIRS = "Gespeicherte Fassung übernehmen"
TAKE_THEIRS_HELP = "Ihre Eingabe wird verworfen, das Formular zeigt die gespeicherte Fassung."
OVERWRITE = "Mit meiner Eingabe überschreiben"
OVERWRITE_HELP = "Ihre Eingabe wird gespeichert und ersetzt die andere Fassung."
LOG_TITLE = "Änderungsprotokoll dieser Meldung"
LOG_EMPTY = "Noch keine Änderung über das Formular."


def shown_value(
    name: str, value: Any, stages: dict[int, str], criteria: dict[str, str] | None = None
) -> str:
    """A form value as the user reads it: stage label, ampel symbol, criteria labels."""
    if name == "stage":
        return stages.get(value, MISSING) if value is not None else MISSING
    if name == "traffic_light":
        term = TRAFFIC_LIGHTS.get(value) if isinstance(value, str) else None
        return term.text if term else MISSING
    if name == "criteria":
        names = criteria or {}
        return "; ".join(names.get(c, str(c)) for c in value) if value else NO_CRITERIA
    return MISSING if value is None or value == "" else str(value)


def conflict_view(
    conflict: dict[str, Any],
    stages: dict[int, str],
    on_take_theirs: Callable[[], None],
    on_overwrite: Callable[[], None],
    criteria: dict[str, str] | None = None,
) -> None:
    """The saved and the typed version side by side, and the two ways out."""
    mine, theirs = conflict["mine"], conflict["theirs"]
    st.warning(markdown_lines(conflict["text"]), icon=":material/sync_problem:")
    changed = set(differences(mine, theirs))
    theirs_label = CONFLICT_THEIRS.format(version=theirs["version"], by=theirs["updated_by"])
    st.dataframe(
        pd.DataFrame(
            {
                CONFLICT_FIELD: [FIELD_LABELS[f] for f in VALUE_FIELDS],
                CONFLICT_MINE: [
                    shown_value(f, mine.get(f), stages, criteria) for f in VALUE_FIELDS
                ],
                theirs_label: [
                    shown_value(f, theirs.get(f), stages, criteria) for f in VALUE_FIELDS
                ],
                CONFLICT_DIFF: ["≠" if f in changed else "" for f in VALUE_FIELDS],
            }
        ),
        hide_index=True,
    )
    left, right = st.columns(2)
    left.button(TAKE_THEIRS, on_click=on_take_theirs, help=TAKE_THEIRS_HELP, key="nf_theirs")
    right.button(
        OVERWRITE, on_click=on_overwrite, help=OVERWRITE_HELP, type="primary", key="nf_overwrite"
    )


def change_log(network_id: int, quarter: str) -> None:
    """The audit entries of one network and quarter, newest first, folded away: when
    (local time), who, and what changed in words."""
    with st.expander(LOG_TITLE):
        log = query(status_changes, network_id, quarter)
        if log.empty:
            st.caption(LOG_EMPTY)
            return
        st.dataframe(log, hide_index=True, width="stretch")

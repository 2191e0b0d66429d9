"""Fields of the status form beyond plain inputs: the stage with the criteria checklist
(the stage the criteria support, shown live, and a warning when the chosen stage
disagrees), and the partner register.

The partner register in the status form: an editable table (add, edit, mark left,
delete a line entered by mistake) whose rows live in ``st.session_state``, so a rerun,
an error or a conflict loses nothing; the count at the quarter's end is shown live.

The table the editor starts from is kept per form load (``S_BASE``); the editor's own
state holds only the user's edits, which :func:`edited_rows` applies to that start,
also inside a button callback (before the widget is drawn again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from core.escaping import markdown_text
from core.network_entry import FIELD_LABELS, stage_disagreement, suggested_stage
from core.partners import (
    COLUMN_LABELS,
    SECTOR_LABELS,
    PartnerRow,
    active_count,
    by_sector,
    sector_text,
)
from core.present.numbers import format_date, format_number

HELP_STAGE = "Die Stufe, auf der das Netzwerk in diesem Quartal arbeitet."
HELP_CRITERIA = (
    "Was auf das Netzwerk zutrifft. Jedes Kriterium gilt ab einer Stufe; die Stufe, die "
    "die Kriterien stützen, steht darunter. Die gewählte Stufe bleibt Ihre Einschätzung."
)
SUGGESTED = "Aus den Kriterien: **{stage}**"
MIN_STAGE = "ab {stage}"
S_BASE, S_EDITOR_RUN = "_nf_register_base", "_nf_register_run"
ID = "Nr."
ORG, SECTOR, JOINED, LEFT = (
    COLUMN_LABELS[k] for k in ("organisation", "sector", "joined_on", "left_on")
)
SECTOR_BY_LABEL = {label: key for key, label in SECTOR_LABELS.items()}
TITLE = "Partnerverzeichnis"
HELP = (
    "Die Organisationen, die im Netzwerk mitarbeiten. Neue Partner in der leeren letzten "
    "Zeile eintragen; wer nicht mehr dabei ist, bekommt ein Datum bei „Ausgeschieden am“ "
    "(so bleibt der Verlauf erhalten). Nur versehentlich angelegte Zeilen löschen."
)
COUNT = "**Partner am {day}: {count}** (aus dem Verzeichnis gezählt{sectors})"
NO_REGISTER = (
    "**Partner laut letzter Meldung: {count}.** Für dieses Netzwerk gibt es noch kein "
    "Partnerverzeichnis (die Zahl stammt aus einem Import oder einer früheren Meldung). "
    "Tragen Sie die Partner unten ein – dann zählt das Formular sie selbst."
)


def _frame(rows: list[PartnerRow]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ID: pd.array([r.id for r in rows], dtype="Int64"),
            ORG: pd.Series([r.organisation for r in rows], dtype="string"),
            SECTOR: pd.Series([SECTOR_LABELS.get(r.sector or "") for r in rows], dtype="string"),
            JOINED: pd.to_datetime(pd.Series([r.joined_on for r in rows], dtype="object")).astype(
                "datetime64[ns]"
            ),
            LEFT: pd.to_datetime(pd.Series([r.left_on for r in rows], dtype="object")).astype(
                "datetime64[ns]"
            ),
        }
    )


def put_register(rows: list[PartnerRow] | tuple[PartnerRow, ...]) -> None:
    """Start the editor from ``rows`` (a fresh editor: earlier edits are dropped)."""
    st.session_state[S_BASE] = list(rows)
    st.session_state[S_EDITOR_RUN] = st.session_state.get(S_EDITOR_RUN, 0) + 1


def _editor_key() -> str:
    return f"nf_partners_{st.session_state.get(S_EDITOR_RUN, 0)}"


def _day(value: Any) -> dt.date | None:
    if value is None or value == "" or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return pd.Timestamp(str(value)).date()
    except ValueError:
        return None


def _row(values: dict[str, Any], rid: int | None) -> PartnerRow:
    org = values.get(ORG)
    label = values.get(SECTOR)
    return PartnerRow(
        organisation="" if org is None or (not isinstance(org, str) and pd.isna(org)) else str(org),
        sector=SECTOR_BY_LABEL.get(str(label)) if label else None,
        joined_on=_day(values.get(JOINED)),
        left_on=_day(values.get(LEFT)),
        id=rid,
    )


def edited_rows() -> list[PartnerRow]:
    """The register as the user has edited it so far (start plus the editor's edits)."""
    base: list[PartnerRow] = st.session_state.get(S_BASE, [])
    delta = st.session_state.get(_editor_key()) or {}
    deleted = set(delta.get("deleted_rows", []))
    edits = delta.get("edited_rows", {})
    out: list[PartnerRow] = []
    start = _frame(base).to_dict("records")
    for i, (row, values) in enumerate(zip(base, start, strict=True)):
        if i in deleted:
            continue
        changed = edits.get(i) or edits.get(str(i)) or {}
        out.append(_row({**values, **changed}, row.id) if changed else row)
    out.extend(_row(dict(added), None) for added in delta.get("added_rows", []))
    return out


def derived_count(rows: list[PartnerRow], day: dt.date) -> int | None:
    """The count at ``day`` from the edited register; None when it is empty."""
    if not any(not r.is_blank() for r in rows):
        return None
    return active_count(rows, day)


def partner_editor(day: dt.date, typed_count: int | None, disabled: bool) -> None:
    """The register's table and the count it gives at ``day`` (the quarter's end)."""
    st.markdown(f"**{TITLE}**", help=HELP)
    rows = edited_rows()
    count = derived_count(rows, day)
    if count is None:
        st.info(
            NO_REGISTER.format(count=format_number(typed_count or 0, 0)), icon=":material/info:"
        )
    else:
        sectors = sector_text(by_sector(rows, day))
        st.markdown(
            COUNT.format(
                day=format_date(day),
                count=format_number(count, 0),
                sectors=f": {markdown_text(sectors)}" if sectors else "",
            )
        )
    st.data_editor(
        _frame(st.session_state.get(S_BASE, [])),
        key=_editor_key(),
        num_rows="dynamic",
        placeholder="",
        hide_index=True,
        width="stretch",
        disabled=disabled,
        column_order=[ORG, SECTOR, JOINED, LEFT],
        column_config={
            ID: None,
            ORG: st.column_config.TextColumn(ORG, required=True, max_chars=300, width="large"),
            SECTOR: st.column_config.SelectboxColumn(
                SECTOR, options=list(SECTOR_LABELS.values()), required=True
            ),
            JOINED: st.column_config.DateColumn(JOINED, format="DD.MM.YYYY"),
            LEFT: st.column_config.DateColumn(LEFT, format="DD.MM.YYYY"),
        },
    )


def stage_and_criteria(
    stages: dict[int, str],
    meanings: dict[int, str],
    criteria: pd.DataFrame,
    stage_key: str,
    criterion_key: Callable[[str], str],
) -> None:
    """The stage, the criteria checklist, the stage the criteria support and, when the
    two disagree, a warning (saving stays allowed; see core.network_validation)."""
    left, right = st.columns(2)
    left.radio(
        FIELD_LABELS["stage"],
        list(stages),
        format_func=lambda s: markdown_text(stages[s]),
        captions=[markdown_text(meanings[s]) for s in stages],
        key=stage_key,
        help=HELP_STAGE,
    )
    min_stages = dict(
        zip(criteria["id"].astype(str), criteria["min_stage"].astype(int), strict=True)
    )
    right.markdown(f"**{FIELD_LABELS['criteria']}**", help=HELP_CRITERIA)
    for c in criteria.itertuples():
        right.checkbox(
            markdown_text(str(c.label)),
            key=criterion_key(str(c.id)),
            help=f"{c.description} ({MIN_STAGE.format(stage=stages.get(int(c.min_stage), ''))})",
        )
    met = [c for c in min_stages if st.session_state.get(criterion_key(c))]
    right.markdown(SUGGESTED.format(stage=markdown_text(stages[suggested_stage(met, min_stages)])))
    warning = stage_disagreement(st.session_state.get(stage_key), met, min_stages, stages)
    if warning:
        st.warning(markdown_text(warning), icon=":material/rule:")

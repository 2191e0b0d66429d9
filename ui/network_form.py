"""The quarterly status form of the Netzwerke page: prefill, save, conflicts, no lost input.

Only editors (for their own youth office) and admins see the form; the permission is
checked again right before saving (:mod:`core.permissions`), and the signed-in user's
name goes into the record and the audit log. Every value the
user typed lives in ``st.session_state``: the form's widgets, plus a draft per network
and quarter that survives reruns, errors and page switches until it is saved. Saving
runs in the submit button's callback, i.e. before the page is drawn again, so the
tables above already show the new status. The version the form loaded is remembered;
when someone else saved meanwhile, both versions are shown side by side and the user
decides: take over the saved one, or overwrite it with their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.catalogue import network_criteria
from core.config import database_url
from core.errors import ConflictError, DataError, PraevError
from core.escaping import markdown_lines, markdown_text
from core.network_entry import (
    FIELD_LABELS,
    MAX_TEXT,
    VALUE_FIELDS,
    Prefill,
    RegisterEdit,
    StatusEntry,
    format_timestamp,
    prefill,
    reportable_networks,
    save_status,
)
from core.networks import TRAFFIC_LIGHT_SYMBOLS, youth_offices
from core.networks import networks as all_networks
from core.permissions import may_edit_network, office_names, report_refusal
from core.present.vocabulary import TRAFFIC_LIGHT_HELP
from core.quarters import parse_quarter, quarter_of
from core.selection import Selection
from core.users import User
from ui.auth import current_user
from ui.db import get_engine
from ui.form_messages import form_errors
from ui.network_form_fields import (
    derived_count,
    edited_rows,
    partner_editor,
    put_register,
    stage_and_criteria,
)
from ui.network_review import change_log, conflict_view
from ui.query import after_write, database_error, query

EDITING_OFF = (
    "Melden dürfen die Netzwerk-Koordinationen der Jugendämter und die Administration. "
    "Bitte melden Sie sich dafür an (Seitenleiste unten)."
)
NOT_YOUR_NETWORK = (
    "Dieses Netzwerk gehört zum {office}. Sie können die Meldung ansehen, aber nicht "
    "speichern; Sie melden für: {own}."
)
NO_OWN_NETWORKS = (
    "Für Ihr Jugendamt ist noch kein Netzwerk erfasst. Neue Netzwerke legt die "
    "Administration an (Import „Netzwerkstatus“)."
)
OUTSIDE_SCOPE = (
    "Für die Auswahl oben gibt es kein Netzwerk, das Sie melden dürfen. Zur Wahl stehen "
    "deshalb alle Netzwerke, für die Sie melden: {offices}."
)
SIGNED_AS = "Gespeichert wird unter Ihrem Benutzernamen „{name}“."
INTRO = (
    "Hier meldet die Koordination den Stand ihres Netzwerks für ein Quartal. Das Formular "
    "ist mit der letzten Meldung vorbelegt; bitte prüfen, ändern und speichern."
)
LABEL_NETWORK = "Netzwerk"
LABEL_QUARTER = "Quartal"
FORM_TITLE = "Meldung für {network}, {quarter}"
SOURCE_CURRENT = (
    "Vorbelegt mit der gespeicherten Meldung für dieses Quartal (Fassung {version}, "
    "{by}, {when}). Speichern ändert sie."
)
SOURCE_PREVIOUS = (
    "Für dieses Quartal gibt es noch keine Meldung. Vorbelegt mit der Meldung aus dem "
    "{quarter}; die Notiz ist leer, weil sie nur für ein Quartal gilt."
)
SOURCE_EMPTY = "Das ist die erste Meldung dieses Netzwerks."
DRAFT_RESTORED = "Ihre noch nicht gespeicherte Eingabe ist wiederhergestellt."
HELP_MEETINGS = "Sitzungen des Netzwerks oder seiner Arbeitsgruppen in diesem Quartal."
HELP_LIGHT = TRAFFIC_LIGHT_HELP
HELP_NOTE = "Was im Quartal wichtig war. Pflicht, wenn die Stufe um mehr als eins springt."
SUBMIT = "Speichern"
SAVED = "Gespeichert: {network}, {quarter} (Fassung {version}, {by})."
TOOK_THEIRS = "Die gespeicherte Fassung steht jetzt im Formular."
P = "nf_"
KEY_NETWORK = P + "network"
FIELD_KEYS = {f: P + f for f in VALUE_FIELDS if f not in ("criteria", "partners")}
S_CRITERIA, S_PARTNERS = "_nf_criteria", "_nf_partners"
S_LOADED, S_VERSION, S_PREFILL = "_nf_loaded", "_nf_version", "_nf_prefill"
S_DRAFTS, S_RESTORED, S_LOADED_REGISTER = "_nf_drafts", "_nf_restored", "_nf_loaded_register"
S_PROBLEMS, S_CONFLICT, S_FLASH, S_ERROR = "_nf_problems", "_nf_conflict", "_nf_flash", "_nf_error"

Pair = tuple[int, str]


def _state() -> Any:
    return st.session_state


def _fresh_prefill(pair: Pair) -> Prefill:
    """Read the record straight from the database (never cached: the version must be current)."""
    try:
        with get_engine().connect() as conn:
            return prefill(conn, *pair)
    except SQLAlchemyError as exc:
        raise database_error(exc, database_url()) from exc


def _criterion_key(criterion_id: str) -> str:
    return f"{P}crit_{criterion_id}"


def _put_values(values: dict[str, Any]) -> None:
    for name, key in FIELD_KEYS.items():
        _state()[key] = values.get(name)
    met = set(values.get("criteria") or [])
    for cid in _state().get(S_CRITERIA, []):
        _state()[_criterion_key(cid)] = cid in met
    _state()[S_PARTNERS] = values.get("partners")


def _form_values(quarter: str) -> dict[str, Any]:
    """The values in the form; the partner count derived from the register where it
    has rows, else the count carried from the last report."""
    values = {name: _state().get(key) for name, key in FIELD_KEYS.items()}
    values["criteria"] = [
        c for c in _state().get(S_CRITERIA, []) if _state().get(_criterion_key(c))
    ]
    counted = derived_count(edited_rows(), parse_quarter(quarter).end)
    values["partners"] = counted if counted is not None else _state().get(S_PARTNERS)
    return values


def _load(pair: Pair) -> None:
    """Fill the form for a network and quarter: an unsaved draft first, else the database."""
    drafts = _state().setdefault(S_DRAFTS, {})
    pf = _fresh_prefill(pair)
    _state()[S_PREFILL] = pf
    _state()[S_RESTORED] = pair in drafts
    if pair in drafts:
        _put_values(drafts[pair]["values"])
        _state()[S_VERSION] = drafts[pair]["version"]
        put_register(drafts[pair]["register"])
        _state()[S_LOADED_REGISTER] = drafts[pair]["loaded"]
    else:
        _put_values(pf.values)
        _state()[S_VERSION] = pf.version
        put_register(pf.register)
        _state()[S_LOADED_REGISTER] = list(pf.register)
    _state()[S_LOADED] = pair
    for key in (S_PROBLEMS, S_ERROR):
        _state().pop(key, None)


def _save(pair: Pair, values: dict[str, Any], version: int | None, edit: RegisterEdit) -> None:
    """Save and record the outcome in session_state (runs inside a button callback)."""
    user = current_user()
    _state().setdefault(S_DRAFTS, {})[pair] = {
        "values": values,
        "version": version,
        "register": list(edit.edited),
        "loaded": list(edit.loaded),
    }
    for key in (S_PROBLEMS, S_ERROR, S_FLASH):
        _state().pop(key, None)
    entry = StatusEntry(
        network_id=pair[0],
        quarter=pair[1],
        stage=values["stage"],
        partners=values["partners"],
        meetings=values["meetings"],
        traffic_light=values["traffic_light"],
        criteria=tuple(values["criteria"]),
        goals=values["goals"] or "",
        note=values["note"] or "",
    )
    try:  # the permission is checked in the save path, not only in the UI
        saved = save_status(get_engine(), user, entry, version, edit=edit)
    except DataError as exc:
        _state()[S_PROBLEMS] = exc.problems
        return
    except ConflictError as exc:
        after_write()  # someone saved meanwhile: the cached tables are out of date
        _state()[S_CONFLICT] = {
            "pair": pair,
            "mine": values,
            "edit": edit,
            "theirs": exc.current,
            "text": str(exc),
        }
        return
    except SQLAlchemyError as exc:
        _state()[S_ERROR] = str(database_error(exc, database_url()))
        return
    except PraevError as exc:
        _state()[S_ERROR] = str(exc)
        return
    _state()[S_DRAFTS].pop(pair, None)
    _state().pop(S_CONFLICT, None)
    after_write()
    _load(pair)  # the saved status and the register with its new rows' numbers
    _state()[S_FLASH] = saved


def _on_submit() -> None:
    pair = _state()[S_LOADED]
    loaded, edited = _state().get(S_LOADED_REGISTER, []), edited_rows()
    edit = RegisterEdit(tuple(loaded), tuple(edited))
    _save(pair, _form_values(pair[1]), _state().get(S_VERSION), edit)


def _on_overwrite() -> None:
    conflict = _state()[S_CONFLICT]
    _put_values(conflict["mine"])
    put_register(list(conflict["edit"].edited))
    _save(conflict["pair"], conflict["mine"], conflict["theirs"]["version"], conflict["edit"])


def _on_take_theirs() -> None:
    conflict = _state().pop(S_CONFLICT)
    _state()[S_DRAFTS].pop(conflict["pair"], None)
    _load(conflict["pair"])  # their status and the register as it is now
    _state()[S_FLASH] = TOOK_THEIRS


def _quarter_options(sel: Selection) -> list[str]:
    """Quarters with data plus the current calendar quarter, newest first."""
    quarters = set(sel.quarters) | {quarter_of(dt.date.today())}
    return [q.key for q in sorted(quarters, reverse=True)]


def _source_note(pf: Prefill, restored: bool) -> str:
    if restored:
        return DRAFT_RESTORED
    if pf.source == "current" and pf.record:
        rec = pf.record
        return SOURCE_CURRENT.format(
            version=rec["version"],
            by=markdown_text(rec["updated_by"]),
            when=format_timestamp(rec["updated_at"]),
        )
    if pf.source == "previous" and pf.source_quarter:
        return SOURCE_PREVIOUS.format(quarter=parse_quarter(pf.source_quarter).label)
    return SOURCE_EMPTY


def _messages(names: dict[int, str]) -> None:
    flash = _state().pop(S_FLASH, None)
    if isinstance(flash, dict):
        st.success(
            SAVED.format(
                network=markdown_text(names.get(flash["network_id"], flash["network_id"])),
                quarter=parse_quarter(flash["quarter"]).label,
                version=flash["version"],
                by=markdown_text(flash["updated_by"]),
            ),
            icon=":material/check_circle:",
        )
    elif flash:
        st.info(markdown_lines(flash), icon=":material/info:")
    form_errors(_state().get(S_ERROR), _state().get(S_PROBLEMS))


def _choices(user: User | None, in_scope: pd.DataFrame) -> pd.DataFrame | None:
    """The networks the user may report, narrowed to the page's scope when that leaves
    any; None (after a note) when there is none at all."""
    mine = reportable_networks(query(all_networks), user)
    if mine.empty:
        st.info(NO_OWN_NETWORKS, icon=":material/info:")
        return None
    scoped = mine[mine["network_id"].isin(in_scope.get("network_id", []))]
    if scoped.empty:
        offices = office_names(dict.fromkeys(mine["youth_office_id"]), _office_names())
        st.caption(OUTSIDE_SCOPE.format(offices=markdown_text(offices)))
        return mine
    return scoped


def _office_names() -> dict[str, str]:
    offices = query(youth_offices)
    return dict(zip(offices["id"], offices["name"], strict=True))


def render_entry_form(sel: Selection, networks: pd.DataFrame, stages_df: pd.DataFrame) -> None:
    """The entry section: why there is no form, or network/quarter choice and the form.

    The choice lists only the networks the user may report (their own first); the save
    checks the permission again (:func:`core.network_entry.save_status`)."""
    user = current_user()
    if user is None:
        st.info(EDITING_OFF, icon=":material/lock:")
        return
    refusal = report_refusal(user)
    if refusal:
        st.info(markdown_text(refusal), icon=":material/lock:")
        return
    st.caption(INTRO)
    choices = _choices(user, networks)
    if choices is None:
        return
    names = dict(zip(choices["network_id"].astype(int), choices["name"], strict=True))
    labels = dict(zip(choices["network_id"].astype(int), choices["label"], strict=True))
    offices = dict(zip(choices["network_id"].astype(int), choices["youth_office_id"], strict=True))
    stages = dict(zip(stages_df["id"].astype(int), stages_df["label"], strict=True))
    meanings = dict(zip(stages_df["id"].astype(int), stages_df["meaning"], strict=True))
    try:
        criteria = query(network_criteria)
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        return
    _state()[S_CRITERIA] = [str(c) for c in criteria["id"]]
    left, right = st.columns([3, 1])
    network_id = left.selectbox(
        LABEL_NETWORK, list(labels), format_func=labels.__getitem__, key=KEY_NETWORK
    )
    options = _quarter_options(sel)
    quarter = right.selectbox(
        LABEL_QUARTER,
        options,
        index=options.index(sel.quarter.key),
        format_func=lambda k: parse_quarter(k).label,
        key=f"nf_quarter_{sel.quarter.key}",
    )
    pair: Pair = (int(network_id), quarter)
    widgets_gone = any(key not in _state() for key in FIELD_KEYS.values())
    try:
        if _state().get(S_LOADED) != pair or widgets_gone:
            _load(pair)
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        return
    pf: Prefill = _state()[S_PREFILL]
    restored = _state().get(S_RESTORED, False) and pair in _state().get(S_DRAFTS, {})
    office = str(offices.get(pair[0], ""))
    allowed = may_edit_network(user, office)
    if not allowed:  # the list holds only the user's networks: a safety net, never a way
        own = office_names(user.youth_offices, _office_names())
        mine = office_names([office], _office_names())
        note = NOT_YOUR_NETWORK.format(office=markdown_text(mine), own=markdown_text(own))
        st.warning(note, icon=":material/lock:")

    with st.container(border=True):
        st.markdown(
            "**"
            + FORM_TITLE.format(
                network=markdown_text(names[pair[0]]), quarter=parse_quarter(quarter).label
            )
            + "**"
        )
        st.caption(_source_note(pf, restored))
        stage_and_criteria(stages, meanings, criteria, FIELD_KEYS["stage"], _criterion_key)
        partner_editor(parse_quarter(quarter).end, _state().get(S_PARTNERS), not allowed)
        c2, c3 = st.columns(2)
        c2.number_input(
            FIELD_LABELS["meetings"], step=1, key=FIELD_KEYS["meetings"], help=HELP_MEETINGS
        )
        c3.radio(
            FIELD_LABELS["traffic_light"],
            list(TRAFFIC_LIGHT_SYMBOLS),
            format_func=TRAFFIC_LIGHT_SYMBOLS.__getitem__,
            horizontal=True,
            key=FIELD_KEYS["traffic_light"],
            help=HELP_LIGHT,
        )
        st.text_area(FIELD_LABELS["goals"], max_chars=MAX_TEXT, key=FIELD_KEYS["goals"], height=80)
        st.text_area(
            FIELD_LABELS["note"],
            max_chars=MAX_TEXT,
            key=FIELD_KEYS["note"],
            height=80,
            help=HELP_NOTE,
        )
        st.caption(SIGNED_AS.format(name=markdown_text(user.name if user else "")))
        st.button(
            SUBMIT,
            type="primary",
            on_click=_on_submit,
            icon=":material/save:",
            disabled=not allowed,
            key="nf_submit",
        )
    _messages(names)
    conflict = _state().get(S_CONFLICT)
    if conflict and conflict["pair"] == pair:
        criterion_labels = dict(zip(criteria["id"].astype(str), criteria["label"], strict=True))
        conflict_view(conflict, stages, _on_take_theirs, _on_overwrite, criterion_labels)
    change_log(*pair)

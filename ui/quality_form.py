"""The report form of the page „Qualitätsbausteine“: a Jugendamt's 13 items for a quarter.

It follows the network form (:mod:`ui.network_form`): the values live in
``st.session_state`` (a draft per youth office and quarter survives reruns and errors
until it is saved), saving runs in the button's callback and goes through
:func:`core.quality_entry.save_report`, which checks the permission again; when someone
else saved meanwhile both versions are shown and the user decides (keep mine / take
theirs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.catalogue import quality_items
from core.config import database_url
from core.errors import ConflictError, DataError, PraevError
from core.escaping import markdown_lines, markdown_text
from core.networks import youth_office_of, youth_offices
from core.permissions import may_edit_network, office_names
from core.present.numbers import format_date, format_datetime
from core.present.quality_tables import (
    state_text,
)
from core.present.vocabulary import QUALITY_STATES, short_office
from core.quality_entry import (
    FIELD_LABELS,
    MAX_NOTE,
    MAX_REF,
    MAX_TITLE,
    STEERING_BLOCK,
    ItemEntry,
    Prefill,
    ReportEntry,
    differences,
    prefill,
    save_report,
    steering_choices,
)
from core.quarters import parse_quarter, quarter_of
from core.selection import Selection
from ui.auth import current_user
from ui.db import get_engine
from ui.form_messages import form_errors
from ui.query import after_write, database_error, query

EDITING_OFF = (
    "Berichten dürfen die Koordinationen der Jugendämter und die Administration. Bitte "
    "melden Sie sich dafür an (Seitenleiste unten)."
)
NO_OFFICE = (
    "Sie dürfen für kein Jugendamt berichten. Bitte die Administration, Ihnen die Rolle "
    "„Netzwerk-Koordination“ für Ihr Jugendamt zu geben."
)
INTRO = (
    "Hier berichtet ein Jugendamt den Stand seiner 13 Punkte für ein Quartal. Das Formular "
    "ist mit dem letzten Bericht vorbelegt; bitte prüfen, ändern und speichern. Für "
    "„erreicht“ sind ein Datum und ein Nachweis nötig."
)
LABEL_OFFICE, LABEL_QUARTER = "Jugendamt", "Quartal"
FORM_TITLE = "Bericht {office}, {quarter}"
SOURCE_CURRENT = "Vorbelegt mit dem gespeicherten Bericht (Fassung {version}, {by}, {when})."
SOURCE_PREVIOUS = (
    "Für dieses Quartal gibt es noch keinen Bericht. Vorbelegt mit dem Bericht aus dem "
    "{quarter}; die Notizen sind leer, weil sie nur für ein Quartal gelten."
)
SOURCE_EMPTY = "Das ist der erste Bericht dieses Jugendamts: alle Punkte stehen auf „offen“."
DRAFT_RESTORED = "Ihre noch nicht gespeicherte Eingabe ist wiederhergestellt."
NO_RECORD = "(kein Steuerungsnachweis)"
SUBMIT = "Bericht speichern"
SAVED = "Gespeichert: Bericht {office}, {quarter} (Fassung {version}, {by})."
TOOK_THEIRS = "Die gespeicherte Fassung steht jetzt im Formular."
CONFLICT_MINE, CONFLICT_THEIRS = "Ihre Fassung", "Gespeicherte Fassung"
CONFLICT_DIFF = "Unterschiede bei den Punkten: {items}"
KEEP_MINE, TAKE_THEIRS = "Meine Fassung speichern", "Fassung übernehmen"
SIGNED_AS = "Gespeichert wird unter Ihrem Benutzernamen „{name}“."
STATE_IDS = list(QUALITY_STATES)[::-1]  # offen, begonnen, erreicht
P = "qf_"
S_LOADED, S_VERSION, S_PREFILL = "_qf_loaded", "_qf_version", "_qf_prefill"
S_DRAFTS, S_RESTORED = "_qf_drafts", "_qf_restored"
S_PROBLEMS, S_CONFLICT, S_FLASH, S_ERROR = "_qf_problems", "_qf_conflict", "_qf_flash", "_qf_error"

Pair = tuple[str, str]


def office_scope(sel: Selection) -> str | None:
    """The youth office of the selection's Kommune (None: the whole Kreis)."""
    return query(youth_office_of, sel.municipality_id) if sel.municipality_id else None


# --- the report form ---------------------------------------------------------------


def _state() -> Any:
    return st.session_state


def _key(item: str, name: str) -> str:
    return f"{P}{item}_{name}"


def _put(items: dict[str, dict[str, Any]]) -> None:
    for item, values in items.items():
        for name in ("state", "state_date", "evidence_title", "evidence_date", "evidence_ref"):
            value = values.get(name)
            _state()[_key(item, name)] = value if value is not None or "date" in name else ""
        _state()[_key(item, "steering_record_id")] = values.get("steering_record_id")
        _state()[_key(item, "note")] = values.get("note") or ""


def _form_items(ids: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for item in ids:
        out[item] = {
            "state": _state().get(_key(item, "state")),
            "state_date": _state().get(_key(item, "state_date")),
            "evidence_title": _state().get(_key(item, "evidence_title")) or "",
            "evidence_date": _state().get(_key(item, "evidence_date")),
            "evidence_ref": _state().get(_key(item, "evidence_ref")) or "",
            "steering_record_id": _state().get(_key(item, "steering_record_id")),
            "note": _state().get(_key(item, "note")) or "",
        }
    return out


def _load(pair: Pair) -> None:
    drafts = _state().setdefault(S_DRAFTS, {})
    try:
        with get_engine().connect() as conn:
            pf = prefill(conn, *pair)
    except SQLAlchemyError as exc:
        raise database_error(exc, database_url()) from exc
    _state()[S_PREFILL] = pf
    _state()[S_RESTORED] = pair in drafts
    if pair in drafts:
        _put(drafts[pair]["items"])
        _state()[S_VERSION] = drafts[pair]["version"]
    else:
        _put(pf.items)
        _state()[S_VERSION] = pf.version
    _state()[S_LOADED] = pair
    for key in (S_PROBLEMS, S_ERROR):
        _state().pop(key, None)


def _save(pair: Pair, items: dict[str, dict[str, Any]], version: int | None) -> None:
    _state().setdefault(S_DRAFTS, {})[pair] = {"items": items, "version": version}
    for key in (S_PROBLEMS, S_ERROR, S_FLASH):
        _state().pop(key, None)
    entry = ReportEntry(pair[0], pair[1], tuple(ItemEntry(i, **v) for i, v in items.items()))
    try:  # the permission is checked in the save path, not only here
        saved = save_report(get_engine(), current_user(), entry, version)
    except DataError as exc:
        _state()[S_PROBLEMS] = exc.problems
        return
    except ConflictError as exc:
        after_write()
        _state()[S_CONFLICT] = {
            "pair": pair,
            "mine": items,
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
    _state()[S_VERSION] = saved["version"]
    _put(saved["items"])
    _state()[S_PREFILL] = Prefill(saved["items"], saved["version"], "current", pair[1], saved)
    _state()[S_FLASH] = saved
    after_write()


def _on_submit(ids: list[str]) -> None:
    _save(_state()[S_LOADED], _form_items(ids), _state().get(S_VERSION))


def _on_keep_mine() -> None:
    conflict = _state()[S_CONFLICT]
    _put(conflict["mine"])
    _save(conflict["pair"], conflict["mine"], (conflict["theirs"] or {}).get("version"))


def _on_take_theirs() -> None:
    conflict = _state().pop(S_CONFLICT)
    theirs = conflict["theirs"]
    _put(theirs["items"])
    _state()[S_VERSION] = theirs["version"]
    _state()[S_DRAFTS].pop(conflict["pair"], None)
    _state()[S_PREFILL] = Prefill(
        theirs["items"], theirs["version"], "current", conflict["pair"][1], theirs
    )
    _state()[S_FLASH] = TOOK_THEIRS


def _quarter_options(sel: Selection) -> list[str]:
    quarters = set(sel.quarters) | {quarter_of(dt.date.today())}
    return [q.key for q in sorted(quarters, reverse=True)]


def _source_note(pf: Prefill, restored: bool) -> str:
    if restored:
        return DRAFT_RESTORED
    if pf.source == "current" and pf.record:
        return SOURCE_CURRENT.format(
            version=pf.record["version"],
            by=markdown_text(pf.record["updated_by"]),
            when=format_datetime(pf.record["updated_at"]),
        )
    if pf.source == "previous" and pf.source_quarter:
        return SOURCE_PREVIOUS.format(quarter=parse_quarter(pf.source_quarter).label)
    return SOURCE_EMPTY


def _messages(names: dict[str, str]) -> None:
    flash = _state().pop(S_FLASH, None)
    if isinstance(flash, dict):
        st.success(
            SAVED.format(
                office=markdown_text(short_office(names.get(flash["youth_office_id"], ""))),
                quarter=parse_quarter(flash["quarter"]).label,
                version=flash["version"],
                by=markdown_text(flash["updated_by"]),
            ),
            icon=":material/check_circle:",
        )
    elif flash:
        st.info(markdown_lines(flash), icon=":material/info:")
    form_errors(_state().get(S_ERROR), _state().get(S_PROBLEMS))


def _summary(items: dict[str, dict[str, Any]], ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Punkt": ids,
            "Stand": [state_text((items.get(i) or {}).get("state")) for i in ids],
            "Datum": [format_date((items.get(i) or {}).get("state_date")) for i in ids],
            "Nachweis": [(items.get(i) or {}).get("evidence_title") or "" for i in ids],
        }
    )


def _conflict_view(conflict: dict[str, Any], ids: list[str]) -> None:
    st.warning(markdown_lines(conflict["text"]), icon=":material/sync_problem:")
    theirs = (conflict["theirs"] or {}).get("items", {})
    diff = differences(conflict["mine"], theirs)
    if diff:
        st.caption(CONFLICT_DIFF.format(items=", ".join(diff)))
    left, right = st.columns(2)
    left.markdown(f"**{CONFLICT_MINE}**")
    left.dataframe(_summary(conflict["mine"], ids), hide_index=True)
    right.markdown(f"**{CONFLICT_THEIRS}**")
    right.dataframe(_summary(theirs, ids), hide_index=True)
    a, b = st.columns(2)
    a.button(KEEP_MINE, on_click=_on_keep_mine, type="primary", key="qf_keep_mine")
    b.button(TAKE_THEIRS, on_click=_on_take_theirs, key="qf_take_theirs")


def _item_rows(items: pd.DataFrame, records: dict[int, str]) -> None:
    for block_id, block in items.groupby("block_id", sort=True):
        st.markdown(f"**{int(block_id)}. {markdown_text(block['block_title'].iloc[0])}**")
        for r in block.itertuples():
            item = str(r.id)
            with st.container(border=True, key=f"qf_box_{item.replace('.', '_')}"):
                st.markdown(f"{markdown_text(item)} {markdown_text(r.label)}")
                c1, c2, c3 = st.columns([2, 1, 1])
                c1.radio(
                    FIELD_LABELS["state"],
                    STATE_IDS,
                    format_func=lambda s: QUALITY_STATES[s].text,
                    horizontal=True,
                    key=_key(item, "state"),
                )
                c2.date_input(
                    FIELD_LABELS["state_date"], key=_key(item, "state_date"), format="DD.MM.YYYY"
                )
                c3.date_input(
                    FIELD_LABELS["evidence_date"],
                    key=_key(item, "evidence_date"),
                    format="DD.MM.YYYY",
                )
                d1, d2 = st.columns(2)
                d1.text_input(
                    FIELD_LABELS["evidence_title"],
                    max_chars=MAX_TITLE,
                    key=_key(item, "evidence_title"),
                    placeholder="z. B. Handlungskonzept Präventionskette, Beschluss JHA",
                )
                d2.text_input(
                    FIELD_LABELS["evidence_ref"],
                    max_chars=MAX_REF,
                    key=_key(item, "evidence_ref"),
                    placeholder="https://… oder Ablage JA 51/2025/013",
                )
                if int(block_id) == STEERING_BLOCK:
                    chosen = _state().get(_key(item, "steering_record_id"))
                    extra = [chosen] if chosen is not None and chosen not in records else []
                    st.selectbox(
                        FIELD_LABELS["steering_record_id"],
                        [None, *records, *extra],
                        format_func=lambda k: NO_RECORD if k is None else records.get(k, str(k)),
                        key=_key(item, "steering_record_id"),
                    )
                st.text_input(FIELD_LABELS["note"], max_chars=MAX_NOTE, key=_key(item, "note"))


def report_form(sel: Selection) -> None:
    """The report form for a youth office the user may edit, and a quarter."""
    user = current_user()
    if user is None:
        st.info(EDITING_OFF, icon=":material/lock:")
        return
    offices = query(youth_offices)
    names = dict(zip(offices["id"].astype(str), offices["name"], strict=True))
    mine = [o for o in names if may_edit_network(user, o)]
    if not mine:
        st.info(NO_OFFICE, icon=":material/lock:")
        return
    st.caption(INTRO)
    scope = office_scope(sel)
    own = [o for o in mine if o in user.youth_offices]
    first = scope if scope in mine else (own[0] if own else mine[0])
    left, right = st.columns([3, 1])
    office = left.selectbox(
        LABEL_OFFICE,
        mine,
        index=mine.index(first),
        format_func=lambda o: names[o],
        key=f"qf_office_{scope or ''}",
    )
    options = _quarter_options(sel)
    quarter = right.selectbox(
        LABEL_QUARTER,
        options,
        index=options.index(sel.quarter.key),
        format_func=lambda k: parse_quarter(k).label,
        key=f"qf_quarter_{sel.quarter.key}",
    )
    items = query(quality_items)
    ids = [str(i) for i in items["id"]]
    pair: Pair = (str(office), str(quarter))
    gone = any(_key(i, "state") not in _state() for i in ids)
    if _state().get(S_LOADED) != pair or gone:
        _load(pair)
    pf: Prefill = _state()[S_PREFILL]
    restored = _state().get(S_RESTORED, False) and pair in _state().get(S_DRAFTS, {})
    records = query(steering_choices, pair[0])
    with st.form("qf_form", enter_to_submit=False):
        st.markdown(
            "**"
            + FORM_TITLE.format(
                office=markdown_text(names[pair[0]]), quarter=parse_quarter(quarter).label
            )
            + "**"
        )
        st.caption(_source_note(pf, restored))
        _item_rows(items, records)
        st.caption(SIGNED_AS.format(name=markdown_text(user.name)))
        st.form_submit_button(
            SUBMIT, type="primary", on_click=_on_submit, args=(ids,), icon=":material/save:"
        )
    _messages(names)
    conflict = _state().get(S_CONFLICT)
    if conflict and conflict["pair"] == pair:
        _conflict_view(conflict, ids)
    if len(mine) < len(names):
        st.caption("Sie berichten für: " + markdown_text(office_names(mine, names)) + ".")

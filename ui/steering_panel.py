"""Steering records of the Qualitätsbausteine page (Qualitätsbaustein 4): the tables of
the tab „Steuerung“ and the form of the tab „Steuerung pflegen“.

The form follows the network status form (:mod:`ui.network_form`): only editors of a
youth office and admins see it, the permission is checked again in core when saving,
every typed value stays in ``st.session_state`` (a draft per record survives errors and
switching records) and a concurrent save shows both versions so the user decides.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from core.config import database_url
from core.errors import ConflictError, DataError, PraevError
from core.escaping import markdown_lines, markdown_text
from core.models import STEERING_KINDS
from core.networks import youth_office_of, youth_offices
from core.present.numbers import MISSING, format_date, format_datetime, format_number
from core.present.steering_tables import (
    decision_table,
    group_members_table,
    group_table,
    leitbild_table,
    post_table,
)
from core.present.vocabulary import SECTOR_LABELS
from core.selection import Selection
from core.steering import (
    DATE_LABELS,
    EARLIEST,
    EMPTY_VALUES,
    FIELD_LABELS,
    KIND_FIELDS,
    KIND_LABELS,
    MAX_COMMITTEE,
    MAX_DRUCKSACHE,
    MAX_FUNDING,
    MAX_NOTE,
    MAX_TITLE,
    VALUE_FIELDS,
    YEARS_AHEAD,
    SteeringEntry,
    close_record,
    differences,
    editable_offices,
    funding_warnings,
    record,
    save_record,
    steering_records,
)
from core.users import User
from ui.auth import current_user
from ui.db import get_engine
from ui.form_messages import form_errors
from ui.network_form import EDITING_OFF
from ui.query import after_write, database_error, query
from ui.tables import table_with_csv

# --- Tab „Steuerung“ -------------------------------------------------------------------

SECTION_INTRO = (
    "Koordination und Steuerung der Präventionskette (Qualitätsbaustein 4): Leitbild bzw. "
    "Handlungskonzept, ämterübergreifende Steuerungsgruppe, Koordinationsstelle und "
    "Beschlüsse der Gremien. Gepflegt werden sie im Reiter „Steuerung pflegen“."
)
H_LEITBILD = "Leitbild/Handlungskonzept"
H_GROUP = "Steuerungsgruppe"
H_MEMBERS = "Mitglieder nach Amt und Bereich"
H_POST = "Koordinationsstelle"
H_DECISIONS = "Beschlüsse"
NONE_LEITBILD = "Noch kein Leitbild oder Handlungskonzept erfasst."
NONE_GROUP = "Noch keine Steuerungsgruppe erfasst."
NONE_POST = "Noch keine Koordinationsstelle erfasst."
NONE_DECISIONS = "Noch kein Beschluss erfasst."
SCOPE = "Gezeigt: {office}."
SCOPE_ALL = "Gezeigt: alle Jugendämter. Eine Kommune oben wählen, um ein Jugendamt zu sehen."


def _scope_office(sel: Selection) -> str | None:
    return query(youth_office_of, sel.municipality_id) if sel.municipality_id else None


def _office_names() -> dict[str, str]:
    offices = query(youth_offices)
    return dict(zip(offices["id"], offices["name"], strict=True))


def _block(title: str, table: Any, empty: str, key: str) -> None:
    st.subheader(title)
    if table.shown.empty:
        st.caption(empty)
        return
    table_with_csv(table, key=key, show_stand=False)


def steering_section(sel: Selection) -> None:
    """The steering records of the youth office of the chosen Kommune (else of every
    youth office) as tables with CSV downloads, with the funding warnings on top."""
    try:
        office = _scope_office(sel)
        warnings = query(funding_warnings, sel.quarter, office)
        leitbild = query(leitbild_table, office)
        groups = query(group_table, sel.quarter, office)
        members = query(group_members_table, office)
        posts = query(post_table, sel.quarter, office)
        decisions = query(decision_table, office)
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        return
    st.caption(SECTION_INTRO)
    name = _office_names().get(office or "", "")
    st.caption(SCOPE.format(office=markdown_text(name)) if office else SCOPE_ALL)
    for text in warnings:
        st.warning(markdown_text(text), icon=":material/event_busy:")
    _block(H_LEITBILD, leitbild, NONE_LEITBILD, "st_leitbild")
    _block(H_GROUP, groups, NONE_GROUP, "st_groups")
    if not members.shown.empty:
        with st.expander(H_MEMBERS):
            table_with_csv(members, key="st_members", show_stand=False)
    _block(H_POST, posts, NONE_POST, "st_posts")
    _block(H_DECISIONS, decisions, NONE_DECISIONS, "st_decisions")


# --- Tab „Steuerung pflegen“ -----------------------------------------------------------

FORM_INTRO = (
    "Hier pflegt die Koordination die Steuerung ihres Jugendamts: einen Eintrag wählen "
    "und ändern, oder einen neuen Eintrag anlegen. Gespeichert wird erst mit „Speichern“."
)
NO_ROLE = (
    "Ihre Rolle erlaubt das Lesen, aber keine Änderung. Pflegen dürfen die "
    "Koordinationen der Jugendämter und die Administration."
)
NO_OFFICE = "Ihnen ist noch kein Jugendamt zugeordnet. Bitte die Administration fragen."
LABEL_OFFICE = "Jugendamt"
LABEL_RECORD = "Eintrag"
NEW = "Neuer Eintrag: {kind}"
ENDED_MARK = " (beendet am {date})"
SUBMIT = "Speichern"
SAVED = "Gespeichert: {kind} „{title}“ (Fassung {version}, {by})."
CLOSED = "Beendet: {kind} „{title}“ am {date}."
TOOK_THEIRS = "Die gespeicherte Fassung steht jetzt im Formular."
DRAFT_RESTORED = "Ihre noch nicht gespeicherte Eingabe ist wiederhergestellt."
SOURCE_SAVED = "Gespeicherte Fassung {version} ({by}, {when})."
SOURCE_NEW = "Neuer Eintrag für {office}."
SIGNED_AS = "Gespeichert wird unter Ihrem Benutzernamen „{name}“."
COL_DEPARTMENT, COL_SECTOR, COL_MEETING = "Amt / Einrichtung", "Bereich", "Datum der Sitzung"
HELP_MEMBERS = "Eine Zeile je Amt oder Einrichtung, mit dem Bereich, aus dem es kommt."
HELP_MEETINGS = "Eine Zeile je Sitzung, die stattgefunden hat."
HELP_FTE = "Vollzeitäquivalente, z. B. 0,5 für eine halbe Stelle."
HELP_DRUCKSACHE = "Die Nummer der Vorlage im Ratsinformationssystem, z. B. JHA/0123/2026."
CLOSE_TITLE = "Eintrag beenden"
CLOSE_HELP = (
    "Eine Steuerungsgruppe löst sich auf, eine Stelle endet, ein Konzept wird abgelöst: "
    "Der Eintrag bleibt mit seinem Enddatum erhalten."
)
CLOSE_DATE = "Beendet am"
CLOSE_BUTTON = "Beenden"
ALREADY_ENDED = "Dieser Eintrag ist seit {date} beendet."
CONFLICT_FIELD, CONFLICT_MINE, CONFLICT_DIFF = "Angabe", "Ihre Eingabe", "unterschiedlich"
CONFLICT_THEIRS = "Gespeicherte Fassung {version} ({by})"
TAKE_THEIRS = "Gespeicherte Fassung übernehmen"
TAKE_THEIRS_HELP = "Ihre Eingabe wird verworfen, das Formular zeigt die gespeicherte Fassung."
OVERWRITE = "Mit meiner Eingabe überschreiben"
OVERWRITE_HELP = "Ihre Eingabe wird gespeichert und ersetzt die andere Fassung."

P = "sf_"
KEY_OFFICE, KEY_RECORD = P + "office", P + "record"
SIMPLE_FIELDS = (
    "title",
    "dated",
    "committee",
    "drucksache",
    "fte",
    "funding_source",
    "funded_until",
    "note",
)
FIELD_KEYS = {f: P + f for f in SIMPLE_FIELDS}
S_LOADED, S_VERSION, S_RECORD, S_GEN = "_sf_loaded", "_sf_version", "_sf_record", "_sf_gen"
S_MEMBERS, S_MEETINGS, S_DRAFTS, S_RESTORED = (
    "_sf_members",
    "_sf_meetings",
    "_sf_drafts",
    "_sf_restored",
)
S_PROBLEMS, S_CONFLICT, S_FLASH, S_ERROR = "_sf_problems", "_sf_conflict", "_sf_flash", "_sf_error"
S_PENDING = "_sf_pending"

#: (youth office, choice) where choice is ``"id:<n>"`` or ``"new:<kind>"``
Pair = tuple[str, str]


def _state() -> Any:
    return st.session_state


def _kind_of(choice: str, rec: dict[str, Any] | None) -> str:
    return rec["kind"] if rec else choice.split(":", 1)[1]


def _members_frame(members: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            COL_DEPARTMENT: [str(m.get("department", "")) for m in members],
            COL_SECTOR: [SECTOR_LABELS.get(str(m.get("sector")), None) for m in members],
        },
        columns=[COL_DEPARTMENT, COL_SECTOR],
    ).astype({COL_DEPARTMENT: "object", COL_SECTOR: "object"})


def _meetings_frame(meetings: list[Any]) -> pd.DataFrame:
    days = []
    for m in meetings:
        try:
            days.append(m if isinstance(m, dt.date) else dt.date.fromisoformat(str(m)))
        except ValueError:
            continue
    return pd.DataFrame({COL_MEETING: pd.Series(days, dtype="object")})


def _put_values(values: dict[str, Any]) -> None:
    """Fill the form's widgets (before they are drawn) and reset the two tables."""
    for name, key in FIELD_KEYS.items():
        value = values.get(name, EMPTY_VALUES[name])
        _state()[key] = (
            "" if value is None and name not in ("dated", "fte", "funded_until") else value
        )
    _state()[S_MEMBERS] = _members_frame(list(values.get("members") or []))
    _state()[S_MEETINGS] = _meetings_frame(list(values.get("meetings") or []))
    _state()[S_GEN] = _state().get(S_GEN, 0) + 1


def _fresh(record_id: int) -> dict[str, Any] | None:
    try:
        with get_engine().connect() as conn:
            return record(conn, record_id)
    except SQLAlchemyError as exc:
        raise database_error(exc, database_url()) from exc


def _load(pair: Pair) -> None:
    """Fill the form for a record: an unsaved draft first, else the database."""
    drafts = _state().setdefault(S_DRAFTS, {})
    choice = pair[1]
    rec = _fresh(int(choice[3:])) if choice.startswith("id:") else None
    _state()[S_RECORD] = rec
    _state()[S_RESTORED] = pair in drafts
    if pair in drafts:
        _put_values(drafts[pair]["values"])
        _state()[S_VERSION] = drafts[pair]["version"]
    else:
        _put_values(rec or dict(EMPTY_VALUES))
        _state()[S_VERSION] = rec["version"] if rec else None
    _state()[S_LOADED] = pair
    for key in (S_PROBLEMS, S_ERROR):
        _state().pop(key, None)


def _edited_members(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for dep, sector in zip(frame[COL_DEPARTMENT], frame[COL_SECTOR], strict=True):
        out.append(
            {
                "department": "" if dep is None or pd.isna(dep) else str(dep),
                "sector": "" if sector is None or pd.isna(sector) else str(sector),
            }
        )
    return out


def _edited_meetings(frame: pd.DataFrame) -> list[Any]:
    return [d for d in frame[COL_MEETING] if d is not None and not pd.isna(d)]


def _save(pair: Pair, kind: str, values: dict[str, Any], version: int | None) -> None:
    """Save and record the outcome in session_state."""
    _state().setdefault(S_DRAFTS, {})[pair] = {"values": values, "version": version}
    for key in (S_PROBLEMS, S_ERROR, S_FLASH):
        _state().pop(key, None)
    entry = SteeringEntry(
        youth_office_id=pair[0],
        kind=kind,
        title=values.get("title") or "",
        dated=values.get("dated"),
        committee=values.get("committee") or "",
        drucksache=values.get("drucksache") or "",
        members=tuple(values.get("members") or ()),
        meetings=tuple(values.get("meetings") or ()),
        fte=values.get("fte"),
        funding_source=values.get("funding_source") or "",
        funded_until=values.get("funded_until"),
        ended_on=values.get("ended_on"),
        note=values.get("note") or "",
    )
    record_id = int(pair[1][3:]) if pair[1].startswith("id:") else None
    try:
        saved = save_record(get_engine(), current_user(), entry, record_id, version)
    except DataError as exc:
        _state()[S_PROBLEMS] = exc.problems
        return
    except ConflictError as exc:
        after_write()
        _state()[S_CONFLICT] = {"pair": pair, "kind": kind, "mine": values, "theirs": exc.current}
        _state()[S_CONFLICT]["text"] = str(exc)
        return
    except SQLAlchemyError as exc:
        _state()[S_ERROR] = str(database_error(exc, database_url()))
        return
    except PraevError as exc:
        _state()[S_ERROR] = str(exc)
        return
    _state()[S_DRAFTS].pop(pair, None)
    _state().pop(S_CONFLICT, None)
    _state()[S_FLASH] = SAVED.format(
        kind=KIND_LABELS[saved["kind"]],
        title=saved["title"],
        version=saved["version"],
        by=saved["updated_by"],
    )
    _state()[S_PENDING] = f"id:{saved['id']}"
    _state()[S_LOADED] = None  # reload from the database
    after_write()


def _on_overwrite() -> None:
    conflict = _state().pop(S_CONFLICT)
    _save(conflict["pair"], conflict["kind"], conflict["mine"], conflict["theirs"]["version"])
    if S_CONFLICT in _state() or S_PROBLEMS in _state() or S_ERROR in _state():
        _put_values(conflict["mine"])


def _on_take_theirs() -> None:
    conflict = _state().pop(S_CONFLICT)
    theirs = conflict["theirs"]
    _put_values(theirs)
    _state()[S_VERSION] = theirs["version"]
    _state()[S_RECORD] = theirs
    _state()[S_DRAFTS].pop(conflict["pair"], None)
    _state()[S_FLASH] = TOOK_THEIRS


def _on_close(pair: Pair, date_key: str) -> None:
    rec = _state().get(S_RECORD)
    if not rec:
        return
    for key in (S_PROBLEMS, S_ERROR, S_FLASH):
        _state().pop(key, None)
    ended = _state().get(date_key)
    try:
        saved = close_record(
            get_engine(), current_user(), rec["id"], _state().get(S_VERSION), ended
        )
    except DataError as exc:
        _state()[S_PROBLEMS] = exc.problems
        return
    except (PraevError, SQLAlchemyError) as exc:
        after_write()
        _state()[S_ERROR] = str(exc)
        return
    _state()[S_DRAFTS].pop(pair, None)
    _state()[S_FLASH] = CLOSED.format(
        kind=KIND_LABELS[saved["kind"]], title=saved["title"], date=format_date(saved["ended_on"])
    )
    _state()[S_LOADED] = None
    after_write()


def _sector(key: object) -> str:
    return SECTOR_LABELS.get(str(key), str(key or MISSING))


def _shown(name: str, value: Any) -> str:
    if name == "members":
        return (
            "; ".join(
                f"{m.get('department', '')} ({_sector(m.get('sector'))})" for m in value or []
            )
            or MISSING
        )
    if name == "meetings":
        days = _meetings_frame(list(value or []))[COL_MEETING]
        return ", ".join(format_date(d) for d in days) or MISSING
    if isinstance(value, dt.date):
        return format_date(value)
    if name == "fte" and value is not None and not pd.isna(value):
        return format_number(float(value), 2)
    return MISSING if value is None or value == "" else str(value)


def _conflict_view(conflict: dict[str, Any]) -> None:
    mine, theirs = conflict["mine"], conflict["theirs"]
    st.warning(markdown_lines(conflict["text"]), icon=":material/sync_problem:")
    fields = [f for f in VALUE_FIELDS if f in KIND_FIELDS[conflict["kind"]] or f == "ended_on"]
    changed = set(differences(mine, theirs))
    label = CONFLICT_THEIRS.format(version=theirs["version"], by=theirs["updated_by"])
    st.dataframe(
        pd.DataFrame(
            {
                CONFLICT_FIELD: [_label(f, conflict["kind"]) for f in fields],
                CONFLICT_MINE: [_shown(f, mine.get(f)) for f in fields],
                label: [_shown(f, theirs.get(f)) for f in fields],
                CONFLICT_DIFF: ["≠" if f in changed else "" for f in fields],
            }
        ),
        hide_index=True,
    )
    left, right = st.columns(2)
    left.button(TAKE_THEIRS, on_click=_on_take_theirs, help=TAKE_THEIRS_HELP, key="sf_theirs")
    right.button(
        OVERWRITE, on_click=_on_overwrite, help=OVERWRITE_HELP, type="primary", key="sf_overwrite"
    )


def _label(name: str, kind: str) -> str:
    return DATE_LABELS[kind] if name == "dated" else FIELD_LABELS[name]


def _messages() -> None:
    flash = _state().pop(S_FLASH, None)
    if flash:
        st.success(markdown_text(flash), icon=":material/check_circle:")
    form_errors(_state().get(S_ERROR), _state().get(S_PROBLEMS))


def _choices(office: str) -> dict[str, str]:
    records = query(steering_records, office)
    out: dict[str, str] = {}
    for r in records.itertuples(index=False):
        ended = (
            ENDED_MARK.format(date=format_date(r.ended_on))
            if isinstance(r.ended_on, dt.date)
            else ""
        )
        dated = f", {format_date(r.dated)}" if isinstance(r.dated, dt.date) else ""
        out[f"id:{r.id}"] = f"{r.kind_label}: {r.title}{dated}{ended}"
    for kind in STEERING_KINDS:
        out[f"new:{kind}"] = NEW.format(kind=KIND_LABELS[kind])
    return out


def _refusal(user: User | None) -> str | None:
    if user is None:
        return EDITING_OFF
    if user.role not in ("editor", "admin"):
        return NO_ROLE
    return None


def steering_form(sel: Selection) -> None:
    """The form: the user's youth office, a record (or a new one of a kind), the kind's
    fields, save with conflict handling, and closing a record."""
    user = current_user()
    refusal = _refusal(user)
    if refusal:
        st.info(refusal, icon=":material/lock:")
        return
    try:
        offices = query(editable_offices, user)
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        return
    if not offices:
        st.info(NO_OFFICE, icon=":material/lock:")
        return
    st.caption(FORM_INTRO)
    ids = list(offices)
    scoped = _scope_office(sel)
    if KEY_OFFICE not in _state() or _state()[KEY_OFFICE] not in ids:
        _state()[KEY_OFFICE] = scoped if scoped in ids else ids[0]
    left, right = st.columns([2, 5])
    office = left.selectbox(LABEL_OFFICE, ids, format_func=offices.__getitem__, key=KEY_OFFICE)
    choices = _choices(office)
    pending = _state().pop(S_PENDING, None)
    if pending in choices:
        _state()[KEY_RECORD] = pending
    if _state().get(KEY_RECORD) not in choices:
        _state()[KEY_RECORD] = next(iter(choices))
    choice = right.selectbox(
        LABEL_RECORD, list(choices), format_func=choices.__getitem__, key=KEY_RECORD
    )
    pair: Pair = (office, choice)
    try:
        if _state().get(S_LOADED) != pair or any(k not in _state() for k in FIELD_KEYS.values()):
            _load(pair)
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        return
    rec = _state().get(S_RECORD)
    kind = _kind_of(choice, rec)
    _form(pair, kind, rec, offices[office], user)
    _messages()
    conflict = _state().get(S_CONFLICT)
    if conflict and conflict["pair"] == pair:
        _conflict_view(conflict)
    if rec:
        _close_box(pair, rec)


def _source(rec: dict[str, Any] | None, office_name: str, pair: Pair) -> str:
    if _state().get(S_RESTORED) and pair in _state().get(S_DRAFTS, {}):
        return DRAFT_RESTORED
    if rec:
        return SOURCE_SAVED.format(
            version=rec["version"],
            by=markdown_text(rec["updated_by"]),
            when=format_datetime(rec["updated_at"]),
        )
    return SOURCE_NEW.format(office=markdown_text(office_name))


def _form(
    pair: Pair, kind: str, rec: dict[str, Any] | None, office_name: str, user: User | None
) -> None:
    fields = KIND_FIELDS[kind]
    today = dt.date.today()
    latest = dt.date(today.year + YEARS_AHEAD, 12, 31)
    gen = _state().get(S_GEN, 0)
    with st.form("sf_form", enter_to_submit=False):
        st.markdown(f"**{KIND_LABELS[kind]}**")
        st.caption(_source(rec, office_name, pair))
        st.text_input(FIELD_LABELS["title"], max_chars=MAX_TITLE, key=FIELD_KEYS["title"])
        st.date_input(
            DATE_LABELS[kind],
            min_value=EARLIEST,
            max_value=today,
            format="DD.MM.YYYY",
            key=FIELD_KEYS["dated"],
        )
        if "committee" in fields:
            c1, c2 = st.columns([2, 1])
            c1.text_input(
                FIELD_LABELS["committee"], max_chars=MAX_COMMITTEE, key=FIELD_KEYS["committee"]
            )
            c2.text_input(
                FIELD_LABELS["drucksache"],
                max_chars=MAX_DRUCKSACHE,
                key=FIELD_KEYS["drucksache"],
                help=HELP_DRUCKSACHE,
            )
        members = meetings = None
        if "members" in fields:
            st.markdown(f"**{FIELD_LABELS['members']}**")
            members = st.data_editor(
                _state()[S_MEMBERS],
                num_rows="dynamic",
                hide_index=True,
                width="stretch",
                key=f"sf_members_{gen}",
                column_config={
                    COL_DEPARTMENT: st.column_config.TextColumn(
                        COL_DEPARTMENT, max_chars=200, width="large"
                    ),
                    COL_SECTOR: st.column_config.SelectboxColumn(
                        COL_SECTOR, options=list(SECTOR_LABELS.values()), width="medium"
                    ),
                },
            )
            st.caption(HELP_MEMBERS)
            st.markdown(f"**{FIELD_LABELS['meetings']}**")
            meetings = st.data_editor(
                _state()[S_MEETINGS],
                num_rows="dynamic",
                hide_index=True,
                key=f"sf_meetings_{gen}",
                column_config={
                    COL_MEETING: st.column_config.DateColumn(
                        COL_MEETING, format="DD.MM.YYYY", min_value=EARLIEST, max_value=today
                    )
                },
            )
            st.caption(HELP_MEETINGS)
        if "fte" in fields:
            c1, c2, c3 = st.columns([1, 2, 1])
            c1.number_input(
                FIELD_LABELS["fte"], step=0.1, format="%.2f", key=FIELD_KEYS["fte"], help=HELP_FTE
            )
            c2.text_input(
                FIELD_LABELS["funding_source"],
                max_chars=MAX_FUNDING,
                key=FIELD_KEYS["funding_source"],
            )
            c3.date_input(
                FIELD_LABELS["funded_until"],
                min_value=EARLIEST,
                max_value=latest,
                format="DD.MM.YYYY",
                key=FIELD_KEYS["funded_until"],
            )
        st.text_area(FIELD_LABELS["note"], max_chars=MAX_NOTE, key=FIELD_KEYS["note"], height=80)
        st.caption(SIGNED_AS.format(name=markdown_text(user.name if user else "")))
        submitted = st.form_submit_button(SUBMIT, type="primary", icon=":material/save:")
    if submitted:
        values = {name: _state().get(key) for name, key in FIELD_KEYS.items()}
        values["members"] = _edited_members(members) if members is not None else []
        values["meetings"] = _edited_meetings(meetings) if meetings is not None else []
        values["ended_on"] = rec["ended_on"] if rec else None
        if members is not None:  # the edited tables become the base of fresh editors
            _state()[S_MEMBERS] = members
            _state()[S_MEETINGS] = meetings
            _state()[S_GEN] = gen + 1
        _save(pair, kind, values, _state().get(S_VERSION))
        st.rerun()


def _close_box(pair: Pair, rec: dict[str, Any]) -> None:
    with st.expander(CLOSE_TITLE):
        if rec.get("ended_on"):
            st.caption(ALREADY_ENDED.format(date=format_date(rec["ended_on"])))
            return
        st.caption(CLOSE_HELP)
        date_key = f"sf_close_{rec['id']}"
        st.date_input(CLOSE_DATE, value=dt.date.today(), format="DD.MM.YYYY", key=date_key)
        st.button(CLOSE_BUTTON, on_click=_on_close, args=(pair, date_key), key="sf_close")

"""The Angebote page's sections: the offer list (filters, table, CSV) and the form to add,
correct and close an offer.

The form keeps every typed value in ``st.session_state`` (its widgets, and a draft per
offer that survives reruns and errors until it is saved). Possible duplicates (same
provider, type and Sozialraum) are shown while typing, before saving; a new offer with
duplicates is saved only after "Trotzdem speichern" is ticked. Saving runs in the
button's callback through :func:`core.offer_entry.save_offer`, which checks the
permission again, validates and writes under the optimistic lock; when someone saved
meanwhile, both versions are shown and the user keeps theirs or takes the saved one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from core.catalogue import life_phases, offer_types
from core.errors import ConflictError, DataError, PraevError
from core.escaping import markdown_lines, markdown_text
from core.networks import youth_offices
from core.offer_entry import (
    FIELD_LABELS,
    VALUE_FIELDS,
    OfferEntry,
    close_offer,
    differences,
    entry_of,
    offer_record,
    office_choices,
    possible_duplicates,
    save_offer,
    short_phase,
    split_languages,
)
from core.offers import offer_landscape
from core.permissions import may_edit_network
from core.present.numbers import format_date, format_number
from core.present.offer_tables import offer_list_table
from core.selection import Selection
from ui.auth import current_user
from ui.db import get_engine
from ui.form_messages import form_errors
from ui.query import after_write, query
from ui.tables import table_with_csv

ALL = "alle"
STATES = {"alle": None, "nur aktive": True, "nur beendete": False}
NEW = "Neues Angebot"
NO_NETWORK = "kein Netzwerk"
FLAGS = {"unbekannt": None, "ja": True, "nein": False}
NO_RIGHT = (
    "Angebote erfassen und ändern dürfen die Koordinationen der Jugendämter (für ihr "
    "Jugendamt) und die Administration."
)
NO_AREAS = "Zu diesem Jugendamt sind noch keine Sozialräume angelegt."
DUPLICATES = (
    "Mögliche Doppelung: Derselbe Träger hat in diesem Sozialraum schon Angebote dieser Art:"
)
CONFIRM = "Trotzdem speichern (es ist ein eigenes Angebot)"
SAVED = "Gespeichert: {name} (Nr. {id}, Fassung {version}, {by})."
CLOSED = "Beendet: {name} zum {day} (Fassung {version})."
TOOK_THEIRS = "Die gespeicherte Fassung steht jetzt im Formular."
KEEP_MINE = "Meine Fassung speichern"
TAKE_THEIRS = "Fassung übernehmen"
P = "of_"
KEYS = {f: P + f for f in ("name", "provider", "offer_type", "area_id", "phases", "capacity")}
KEYS |= {f: P + f for f in ("active_from", "active_to", "funded_until", "network_id")}
KEYS |= {f: P + f for f in ("target_group", "free_of_charge", "outreach", "languages")}


def _s() -> Any:
    return st.session_state


def _fmt_date(day: Any) -> str:
    return format_date(day) if isinstance(day, dt.date) else ""


# --- the list -------------------------------------------------------------------------


def offer_list(sel: Selection) -> None:
    """The offers of the selection's Kommune (or the Kreis), filtered, with CSV."""
    types = query(offer_types)
    phases = query(life_phases)
    c1, c2, c3 = st.columns(3)
    type_label = c1.selectbox("Angebotsart", [ALL, *types["label"]], key=P + "f_type")
    phase_label = c2.selectbox("Lebensphase", [ALL, *phases["label"]], key=P + "f_phase")
    state = c3.selectbox("Status", list(STATES), key=P + "f_state")
    type_id = dict(zip(types["label"], types["id"], strict=True)).get(type_label)
    phase_id = dict(zip(phases["label"], phases["id"], strict=True)).get(phase_label)
    day = sel.quarter.end
    offers = query(offer_landscape, day, sel.municipality_id, type_id, phase_id, STATES[state])
    st.caption(
        f"{sel.scope_label}: {format_number(len(offers), 0)} Angebote, aktiv oder beendet am "
        f"{_fmt_date(day)} (Ende des Berichtsquartals)."
    )
    table_with_csv(offer_list_table(offers, day, sel.scope_label), key=P + "csv")


# --- the form: loading and saving ------------------------------------------------------


def _values_of(entry: OfferEntry) -> dict[str, Any]:
    values = {f: getattr(entry, f) for f in KEYS if f not in ("offer_type", "languages")}
    values["offer_type"] = entry.offer_type
    values["phases"] = list(entry.phases)
    values["languages"] = ", ".join(entry.languages)
    values["places"] = dict(entry.places)
    return values


def _put(values: dict[str, Any]) -> None:
    for f, key in KEYS.items():
        _s()[key] = values.get(f)
    for pid, n in (values.get("places") or {}).items():
        _s()[P + "places_" + pid] = n
    for key in ("free_of_charge", "outreach"):
        _s()[KEYS[key]] = next(k for k, v in FLAGS.items() if v is values.get(key))


def _typed() -> dict[str, Any]:
    values = {f: _s().get(key) for f, key in KEYS.items()}
    values["phases"] = list(values["phases"] or [])
    values["places"] = {p: _s().get(P + "places_" + p) for p in values["phases"]}
    for key in ("free_of_charge", "outreach"):
        values[key] = FLAGS.get(values[key] or "unbekannt")
    return values


def _entry(values: dict[str, Any]) -> OfferEntry:
    return OfferEntry(
        name=values["name"] or "",
        provider=values["provider"] or "",
        offer_type=values["offer_type"],
        area_id=values["area_id"],
        phases=tuple(values["phases"]),
        places={p: n for p, n in values["places"].items() if n is not None},
        capacity=values["capacity"],
        active_from=values["active_from"],
        active_to=values["active_to"],
        funded_until=values["funded_until"],
        network_id=values["network_id"],
        target_group=values["target_group"] or "",
        free_of_charge=values["free_of_charge"],
        outreach=values["outreach"],
        languages=split_languages(values["languages"]),
    )


def _load(offer_id: int | None, area_id: str | None) -> None:
    """Fill the form with a draft, else the saved offer, else an empty new offer."""
    drafts = _s().setdefault(P + "drafts", {})
    if offer_id in drafts:
        _put(drafts[offer_id]["values"])
        _s()[P + "version"] = drafts[offer_id]["version"]
    elif offer_id is not None:
        with get_engine().connect() as conn:
            record = offer_record(conn, offer_id)
        if record is None:
            return
        _put(_values_of(entry_of(record)))
        _s()[P + "version"] = record["version"]
    else:
        empty = OfferEntry("", "", None, area_id, (), active_from=dt.date.today())
        _put(_values_of(empty))
        _s()[P + "version"] = None
    _s()[P + "loaded"] = offer_id
    for key in ("problems", "error", "conflict"):
        _s().pop(P + key, None)


def _save(offer_id: int | None, values: dict[str, Any], version: int | None) -> None:
    """Save (inside a button callback) and note the outcome in session_state."""
    _s().setdefault(P + "drafts", {})[offer_id] = {"values": values, "version": version}
    for key in ("problems", "error", "flash"):
        _s().pop(P + key, None)
    try:
        saved = save_offer(get_engine(), current_user(), _entry(values), offer_id, version)
    except DataError as exc:
        _s()[P + "problems"] = exc.problems
        return
    except ConflictError as exc:
        after_write()
        _s()[P + "conflict"] = {"id": offer_id, "mine": values, "theirs": exc.current}
        _s()[P + "conflict_text"] = str(exc)
        return
    except PraevError as exc:
        _s()[P + "error"] = str(exc)
        return
    _s()[P + "drafts"].pop(offer_id, None)
    after_write()
    _s()[P + "pick"] = saved["id"]
    _load(saved["id"], None)
    _s()[P + "flash"] = SAVED.format(
        name=saved["name"], id=saved["id"], version=saved["version"], by=saved["updated_by"]
    )


def _on_save() -> None:
    _save(_s().get(P + "loaded"), _typed(), _s().get(P + "version"))


def _on_keep_mine() -> None:
    conflict = _s()[P + "conflict"]
    _put(conflict["mine"])
    _save(conflict["id"], conflict["mine"], conflict["theirs"]["version"])


def _on_take_theirs() -> None:
    conflict = _s().pop(P + "conflict")
    _s().get(P + "drafts", {}).pop(conflict["id"], None)
    _load(conflict["id"], None)
    _s()[P + "flash"] = TOOK_THEIRS


def _on_close() -> None:
    offer_id, day = _s().get(P + "loaded"), _s().get(P + "close_day")
    for key in ("problems", "error", "flash"):
        _s().pop(P + key, None)
    if offer_id is None or day is None:
        _s()[P + "error"] = "Bitte das Datum wählen, zu dem das Angebot endet."
        return
    try:
        saved = close_offer(get_engine(), current_user(), offer_id, _s().get(P + "version"), day)
    except DataError as exc:
        _s()[P + "problems"] = exc.problems
        return
    except ConflictError as exc:
        after_write()
        _s()[P + "conflict"] = {"id": offer_id, "mine": _typed(), "theirs": exc.current}
        _s()[P + "conflict_text"] = str(exc)
        return
    except PraevError as exc:
        _s()[P + "error"] = str(exc)
        return
    after_write()
    _load(offer_id, None)
    _s()[P + "flash"] = CLOSED.format(
        name=saved["name"], day=_fmt_date(saved["active_to"]), version=saved["version"]
    )


# --- the form: drawing ---------------------------------------------------------------


def _messages() -> None:
    flash = _s().pop(P + "flash", None)
    if flash:
        st.success(markdown_text(flash), icon=":material/check_circle:")
    form_errors(_s().get(P + "error"), _s().get(P + "problems"))


def _shown(field: str, value: Any, names: dict[str, dict[Any, str]]) -> str:
    if field == "places":
        return ", ".join(
            f"{names['phases'].get(p, p)} {'' if n is None else n}".strip()
            for p, n in (value or {}).items()
        )
    if field in names and value is not None:
        return names[field].get(value, str(value))
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return _fmt_date(value)
    return "" if value is None else str(value)


def _conflict_view(names: dict[str, dict[Any, str]]) -> None:
    conflict = _s()[P + "conflict"]
    mine = dict(conflict["mine"])
    mine["offer_type_id"] = mine.get("offer_type")
    mine["languages"] = ", ".join(split_languages(mine.get("languages")))
    mine["places"] = {p: mine["places"].get(p) for p in mine.get("phases", [])}
    theirs = conflict["theirs"]
    changed = set(differences(mine, theirs))
    st.warning(markdown_lines(_s()[P + "conflict_text"]), icon=":material/sync_problem:")
    labels = {**FIELD_LABELS, "offer_type_id": "Angebotsart", "area_id": "Sozialraum"}
    labels["network_id"] = "Netzwerk"
    st.dataframe(
        pd.DataFrame(
            {
                "Angabe": [labels.get(f, f) for f in VALUE_FIELDS],
                "Ihre Eingabe": [_shown(f, mine.get(f), names) for f in VALUE_FIELDS],
                f"Gespeicherte Fassung {theirs['version']} ({theirs['updated_by']})": [
                    _shown(f, theirs.get(f), names) for f in VALUE_FIELDS
                ],
                "unterschiedlich": ["≠" if f in changed else "" for f in VALUE_FIELDS],
            }
        ),
        hide_index=True,
    )
    left, right = st.columns(2)
    left.button(TAKE_THEIRS, on_click=_on_take_theirs, key=P + "theirs")
    right.button(KEEP_MINE, on_click=_on_keep_mine, type="primary", key=P + "mine")


def _fields(choices: dict[str, list[tuple[Any, str]]], names: dict[str, dict[Any, str]]) -> None:
    area_names = dict(choices["areas"])
    if _s().get(KEYS["area_id"]) not in area_names:
        _s()[KEYS["area_id"]] = None
    net_names = dict(choices["networks"])
    if _s().get(KEYS["network_id"]) not in net_names:
        _s()[KEYS["network_id"]] = None
    left, right = st.columns(2)
    left.text_input(FIELD_LABELS["name"], key=KEYS["name"], max_chars=300)
    right.text_input(FIELD_LABELS["provider"], key=KEYS["provider"], max_chars=300)
    left.selectbox(
        FIELD_LABELS["offer_type"],
        list(names["offer_type_id"]),
        format_func=lambda t: names["offer_type_id"][t],
        key=KEYS["offer_type"],
        placeholder="Angebotsart wählen",
    )
    right.selectbox(
        FIELD_LABELS["area"],
        list(area_names),
        format_func=lambda a: area_names[a],
        key=KEYS["area_id"],
        placeholder="Sozialraum wählen",
    )
    st.multiselect(
        FIELD_LABELS["phases"],
        list(names["phases"]),
        format_func=lambda p: names["phases"][p],
        key=KEYS["phases"],
        placeholder="eine oder mehrere wählen",
    )
    chosen = _s().get(KEYS["phases"]) or []
    if chosen:
        st.caption(
            "Plätze je Lebensphase (z. B. U3 und Ü3 einer Kita); leer: die Plätze insgesamt "
            "werden gleichmäßig geteilt."
        )
        cols = st.columns(len(chosen) + 1)
        for col, pid in zip(cols, chosen, strict=False):
            _s().setdefault(P + "places_" + pid, None)
            col.number_input(
                f"Plätze {names['phases'][pid]}", min_value=0, step=1, key=P + "places_" + pid
            )
        cols[-1].number_input(FIELD_LABELS["capacity"], min_value=0, step=1, key=KEYS["capacity"])
    d1, d2, d3 = st.columns(3)
    for col, f in zip((d1, d2, d3), ("active_from", "active_to", "funded_until"), strict=True):
        col.date_input(FIELD_LABELS[f], key=KEYS[f], format="DD.MM.YYYY")
    st.selectbox(
        FIELD_LABELS["network"],
        [None, *net_names],
        format_func=lambda n: NO_NETWORK if n is None else net_names[n],
        key=KEYS["network_id"],
    )
    st.text_input(FIELD_LABELS["target_group"], key=KEYS["target_group"], max_chars=500)
    a1, a2, a3 = st.columns(3)
    a1.radio(
        FIELD_LABELS["free_of_charge"], list(FLAGS), key=KEYS["free_of_charge"], horizontal=True
    )
    a2.radio(FIELD_LABELS["outreach"], list(FLAGS), key=KEYS["outreach"], horizontal=True)
    a3.text_input(
        FIELD_LABELS["languages"], key=KEYS["languages"], placeholder="z. B. Deutsch, Türkisch"
    )


def offer_form(sel: Selection) -> None:
    """Add, correct or close an offer of the user's Jugendamt."""
    user = current_user()
    offices = query(youth_offices)
    own = offices[[may_edit_network(user, str(o)) for o in offices["id"]]]
    if own.empty:
        st.info(NO_RIGHT, icon=":material/info:")
        return
    office_names = dict(zip(own["id"], own["name"], strict=True))
    office = st.selectbox(
        "Jugendamt", list(office_names), format_func=lambda o: office_names[o], key=P + "office"
    )
    choices = query(office_choices, office)
    if not choices["areas"]:
        st.info(NO_AREAS, icon=":material/info:")
        return
    offer_names = dict(choices["offers"])
    if _s().get(P + "pick") not in (None, *offer_names):
        _s()[P + "pick"] = None
    pick = st.selectbox(
        "Angebot (zum Suchen tippen)",
        [None, *offer_names],
        format_func=lambda o: NEW if o is None else f"{offer_names[o]} (Nr. {o})",
        key=P + "pick",
    )
    if _s().get(P + "loaded", "none") != pick or _s().get(P + "loaded_office") != office:
        _load(pick, None)
        _s()[P + "loaded_office"] = office
    types, phases = query(offer_types), query(life_phases)
    names: dict[str, dict[Any, str]] = {
        "offer_type_id": dict(zip(types["id"], types["label"], strict=True)),
        "phases": {
            p: short_phase(lbl) for p, lbl in zip(phases["id"], phases["label"], strict=True)
        },
        "area_id": dict(choices["areas"]),
        "network_id": dict(choices["networks"]),
    }
    _messages()
    if _s().get(P + "conflict"):
        _conflict_view(names)
    _fields(choices, names)
    typed = _typed()
    with get_engine().connect() as conn:
        dups = possible_duplicates(
            conn, typed["provider"] or "", typed["offer_type"], typed["area_id"], pick
        )
    confirmed = True
    if dups:
        lines = [
            f"- {markdown_text(d['name'])} (Nr. {d['id']}, {markdown_text(d['provider'])}"
            + (f", beendet {_fmt_date(d['active_to'])}" if d["active_to"] else "")
            + ")"
            for d in dups
        ]
        st.warning("\n".join([DUPLICATES, *lines]), icon=":material/content_copy:")
        confirmed = pick is not None or st.checkbox(CONFIRM, key=P + "confirm")
    st.button(
        "Angebot speichern",
        type="primary",
        on_click=_on_save,
        disabled=not confirmed,
        key=P + "save",
    )
    if pick is not None:
        with st.expander("Angebot beenden"):
            _s().setdefault(P + "close_day", None)
            st.date_input("Angebot beenden zum …", key=P + "close_day", format="DD.MM.YYYY")
            st.button("Angebot beenden", on_click=_on_close, key=P + "close")

"""The shared sidebar filters (Berichtsquartal, Kommune, Indikator) and their URL.

The URL (``?quartal=2026-Q3&kommune=05162024&indikator=sgb2_u15&gebiet=…``) is parsed
once per session by :func:`core.selection.parse_selection`; afterwards the widgets hold
the choice and write it back to the URL, so a link opens exactly that view. Each
filter has one session key (its widget's key). The result is one typed
:class:`~core.selection.Selection` per run, which pages receive from ``app.py``.
"""

from __future__ import annotations

import streamlit as st

from core.present.vocabulary import WHOLE_DISTRICT
from core.selection import (
    PARAM_AREA,
    PARAM_INDICATOR,
    PARAM_MUNICIPALITY,
    PARAM_QUARTER,
    Choices,
    Selection,
    load_choices,
    parse_selection,
    resolve_area,
)
from ui.query import query

KEY_QUARTER, KEY_MUNICIPALITY, KEY_INDICATOR = "f_quarter", "f_kommune", "f_indicator"
KEY_NOTES = "_f_notes"
KEY_AREA_NOTE = "_f_area_note"
KEY_FROM_URL = "_f_from_url"
KEY_SELECTION = "_selection"
WHOLE = ""

LABEL_QUARTER = "Berichtsquartal"
HELP_QUARTER = (
    "Alle Werte werden zum Ende dieses Quartals gezeigt: je Indikator der neueste Wert, "
    "dessen Stichtag am oder vor dem Quartalsende liegt. Zeitreihen enden mit diesem "
    "Quartal. Der Stand steht an jedem Wert."
)
LABEL_MUNICIPALITY = "Kommune"
HELP_MUNICIPALITY = "Der ganze Kreis oder eine Kommune; in Klammern das zuständige Jugendamt."
LABEL_INDICATOR = "Indikator"
HELP_INDICATOR = (
    "Die Kennzahl, die Karte und Diagramme zeigen, hier mit ihrem Kurznamen; der volle "
    "Name steht auf der Seite. Die Definition steht unter ⓘ."
)


def _from_url(choices: Choices) -> None:
    """Take the selection from the URL once per session; keep its notes. The Sozialraum
    (``gebiet``) is checked on every run instead (:func:`_area`): links inside the app
    change it without a new session."""
    params = {k: v for k, v in st.query_params.to_dict().items() if k != PARAM_AREA}
    parsed = parse_selection(params, choices)
    st.session_state[KEY_QUARTER] = parsed.quarter
    st.session_state[KEY_MUNICIPALITY] = parsed.municipality_id or WHOLE
    st.session_state[KEY_INDICATOR] = parsed.indicator.id
    st.session_state[KEY_NOTES] = list(parsed.notes)
    st.session_state[KEY_FROM_URL] = True


def shared_filters(indicator_box: bool = False) -> Selection | None:
    """Render the shared filters in the sidebar; None when there are no data.

    ``indicator_box`` shows the indicator select box (pages whose content depends on
    one indicator); the chosen indicator is part of the Selection either way.
    """
    choices: Choices = query(load_choices)
    if not choices.quarters:
        return None
    if not st.session_state.get(KEY_FROM_URL):
        _from_url(choices)
    if st.session_state.get(KEY_QUARTER) not in choices.quarters:
        st.session_state[KEY_QUARTER] = choices.quarters[-1]
    labels = {WHOLE: WHOLE_DISTRICT, **choices.municipality_labels}
    if st.session_state.get(KEY_MUNICIPALITY) not in labels:
        st.session_state[KEY_MUNICIPALITY] = WHOLE
    # short names: the full name does not fit the sidebar on a projector (1280×720)
    names = {e.id: e.short_name for e in choices.indicators}
    if st.session_state.get(KEY_INDICATOR) not in names:
        st.session_state[KEY_INDICATOR] = choices.default_indicator.id
    # keep the indicator when its box is not rendered on this page
    st.session_state[KEY_INDICATOR] = st.session_state[KEY_INDICATOR]
    area_id = _area(choices, st.session_state[KEY_MUNICIPALITY] or None)
    with st.sidebar:
        for note in st.session_state.get(KEY_NOTES, []):
            st.warning(note, icon=":material/link_off:")
        area_note = st.session_state.get(KEY_AREA_NOTE)
        if area_note and area_note[0] == area_id:  # only while that Sozialraum is shown
            st.warning(area_note[1], icon=":material/link_off:")
        st.selectbox(
            LABEL_QUARTER,
            list(reversed(choices.quarters)),
            key=KEY_QUARTER,
            format_func=lambda q: q.label,
            help=HELP_QUARTER,
        )
        st.selectbox(
            LABEL_MUNICIPALITY,
            list(labels),
            key=KEY_MUNICIPALITY,
            format_func=labels.__getitem__,
            help=HELP_MUNICIPALITY,
        )
        if indicator_box:
            st.selectbox(
                LABEL_INDICATOR,
                list(names),
                key=KEY_INDICATOR,
                format_func=names.__getitem__,
                help=HELP_INDICATOR,
            )
    muni = st.session_state[KEY_MUNICIPALITY] or None
    selection = Selection(
        quarter=st.session_state[KEY_QUARTER],
        quarters=choices.quarters,
        indicator=choices.indicator(st.session_state[KEY_INDICATOR]) or choices.default_indicator,
        municipality_id=muni,
        municipality_name=choices.municipalities.get(muni, choices.district_name)
        if muni
        else choices.district_name,
        area_id=area_id,
    )
    _to_url(selection)
    return selection


def _area(choices: Choices, municipality_id: str | None) -> str | None:
    """The Sozialraum of the URL (``gebiet``); an unknown one is replaced in the URL by
    the one shown instead, with a note that names it (:func:`core.selection.resolve_area`)."""
    raw = st.query_params.get(PARAM_AREA) or None
    area_id, note = resolve_area(raw, choices, municipality_id)
    if note:
        st.session_state[KEY_AREA_NOTE] = (area_id, note)
        set_area(area_id)
    return area_id


def _to_url(selection: Selection) -> None:
    """Write the selection into the URL (only what differs, to avoid reruns)."""
    wanted = selection.params()
    for key in (PARAM_QUARTER, PARAM_MUNICIPALITY, PARAM_INDICATOR):
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def current() -> Selection:
    """The selection made in ``app.py`` for this run."""
    return st.session_state[KEY_SELECTION]


def set_area(area_id: str | None) -> None:
    """Put the shown Sozialraum into the URL (``gebiet``) and the Selection."""
    if area_id:
        st.query_params[PARAM_AREA] = area_id
    elif PARAM_AREA in st.query_params:
        del st.query_params[PARAM_AREA]
    sel = st.session_state.get(KEY_SELECTION)
    if sel is not None:
        st.session_state[KEY_SELECTION] = sel.with_(area_id=area_id)

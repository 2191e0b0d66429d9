"""The shared sidebar filters (Berichtsquartal, Kommune, Indikator) and their URL.

The selection lives in the URL (``?quartal=2026-Q3&kommune=05162024&indikator=sgb2_u15``)
so a link opens exactly that view, and in the session so it holds on every page. An
invalid URL value falls back to the default with a visible note, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.areas import municipalities
from core.catalogue import indicators
from core.errors import NotFoundError
from core.escaping import markdown_text
from core.inventory import quarters_with_data
from core.quarters import Quarter, parse_quarter
from ui.query import query

PARAM_QUARTER, PARAM_MUNICIPALITY, PARAM_INDICATOR = "quartal", "kommune", "indikator"
KEY_QUARTER, KEY_MUNICIPALITY, KEY_INDICATOR = "f_quarter", "f_kommune", "f_indicator"
KEY_STORED_INDICATOR = "_f_indicator"
KEY_NOTES = "_f_notes"
KEY_FROM_URL = "_f_from_url"
WHOLE_DISTRICT = ""
DEFAULT_INDICATOR = "sgb2_u15"

LABEL_QUARTER = "Berichtsquartal"
HELP_QUARTER = (
    "Alle Werte werden zum Ende dieses Quartals gezeigt: je Indikator der neueste Wert, "
    "dessen Stichtag am oder vor dem Quartalsende liegt. Der Stand steht an jedem Wert."
)
LABEL_MUNICIPALITY = "Kommune"
HELP_MUNICIPALITY = "Der ganze Kreis oder eine Kommune; in Klammern das zuständige Jugendamt."
LABEL_INDICATOR = "Indikator"
HELP_INDICATOR = "Die Kennzahl, die Karte und Diagramme zeigen. Die Definition steht unter ⓘ."
NOTE_BAD_PARAM = "Der Link enthielt {what} „{value}“, das es nicht gibt. Gezeigt wird {fallback}."


@dataclass(frozen=True)
class Selection:
    """What the user selected in the shared filters."""

    quarter: Quarter
    municipality_id: str | None
    municipality_name: str
    quarters: tuple[Quarter, ...]

    @property
    def scope_label(self) -> str:
        """``"Neuss"`` or ``"Rhein-Kreis Neuss"`` for headings."""
        return self.municipality_name


def _options() -> tuple[list[Quarter], dict[str, str], dict[str, str]]:
    quarters = query(quarters_with_data)
    munis = query(municipalities)
    labels = {WHOLE_DISTRICT: "ganzer Kreis"}
    for r in munis.itertuples():
        office = r.youth_office_name if isinstance(r.youth_office_name, str) else ""
        short = office.replace("Jugendamt der Stadt ", "Jugendamt ")
        labels[r.id] = f"{r.name} ({short})" if short else r.name
    names = {r.id: r.name for r in munis.itertuples()}
    return quarters, labels, names


def _read_url(quarters: list[Quarter], munis: dict[str, str]) -> None:
    """Take the selection from the URL once per session; note invalid values."""
    notes: list[str] = []
    params = st.query_params
    newest = quarters[-1]
    if PARAM_QUARTER in params:
        raw = params[PARAM_QUARTER]
        try:
            q = parse_quarter(raw)
            if q not in quarters:
                raise NotFoundError(raw)
            st.session_state[KEY_QUARTER] = q
        except NotFoundError:
            notes.append(
                NOTE_BAD_PARAM.format(
                    what="das Quartal", value=markdown_text(raw), fallback=f"das {newest.label}"
                )
            )
    if PARAM_MUNICIPALITY in params:
        raw = params[PARAM_MUNICIPALITY]
        if raw in munis:
            st.session_state[KEY_MUNICIPALITY] = raw
        else:
            notes.append(
                NOTE_BAD_PARAM.format(
                    what="die Kommune", value=markdown_text(raw), fallback="der ganze Kreis"
                )
            )
    if PARAM_INDICATOR in params:
        raw = params[PARAM_INDICATOR]
        known = set(query(indicators)["id"])
        if raw in known:
            st.session_state[KEY_STORED_INDICATOR] = raw
        else:
            notes.append(
                NOTE_BAD_PARAM.format(
                    what="den Indikator",
                    value=markdown_text(raw),
                    fallback="die SGB-II-Quote unter 15",
                )
            )
    st.session_state[KEY_NOTES] = notes
    st.session_state[KEY_FROM_URL] = True


def shared_filters() -> Selection | None:
    """Render Berichtsquartal and Kommune in the sidebar; None when there are no data."""
    quarters, labels, names = _options()
    if not quarters:
        return None
    if not st.session_state.get(KEY_FROM_URL):
        _read_url(quarters, labels)
    if st.session_state.get(KEY_QUARTER) not in quarters:
        st.session_state[KEY_QUARTER] = quarters[-1]
    if st.session_state.get(KEY_MUNICIPALITY) not in labels:
        st.session_state[KEY_MUNICIPALITY] = WHOLE_DISTRICT
    with st.sidebar:
        for note in st.session_state.get(KEY_NOTES, []):
            st.warning(note, icon=":material/link_off:")
        quarter = st.selectbox(
            LABEL_QUARTER,
            list(reversed(quarters)),
            key=KEY_QUARTER,
            format_func=lambda q: q.label,
            help=HELP_QUARTER,
        )
        muni = st.selectbox(
            LABEL_MUNICIPALITY,
            list(labels),
            key=KEY_MUNICIPALITY,
            format_func=labels.__getitem__,
            help=HELP_MUNICIPALITY,
        )
    st.query_params[PARAM_QUARTER] = quarter.key
    if muni:
        st.query_params[PARAM_MUNICIPALITY] = muni
    elif PARAM_MUNICIPALITY in st.query_params:
        del st.query_params[PARAM_MUNICIPALITY]
    if st.session_state.get(KEY_STORED_INDICATOR):
        st.query_params[PARAM_INDICATOR] = st.session_state[KEY_STORED_INDICATOR]
    return Selection(
        quarter=quarter,
        municipality_id=muni or None,
        municipality_name=names.get(muni, "Rhein-Kreis Neuss"),
        quarters=tuple(quarters),
    )


def indicator_filter(only_kind: str | None = None) -> str:
    """Render the indicator select box in the sidebar (pages that need one)."""
    catalogue = query(indicators)
    if only_kind:
        catalogue = catalogue[catalogue["kind"] == only_kind]
    names = dict(zip(catalogue["id"], catalogue["name"], strict=True))
    stored = st.session_state.get(KEY_STORED_INDICATOR) or DEFAULT_INDICATOR
    if stored not in names:
        stored = DEFAULT_INDICATOR if DEFAULT_INDICATOR in names else next(iter(names))
    st.session_state[KEY_INDICATOR] = stored

    def remember() -> None:
        st.session_state[KEY_STORED_INDICATOR] = st.session_state[KEY_INDICATOR]

    with st.sidebar:
        chosen = st.selectbox(
            LABEL_INDICATOR,
            list(names),
            key=KEY_INDICATOR,
            format_func=names.__getitem__,
            help=HELP_INDICATOR,
            on_change=remember,
        )
    st.session_state[KEY_STORED_INDICATOR] = chosen
    st.query_params[PARAM_INDICATOR] = chosen
    return chosen


def current() -> Selection:
    """The selection made in ``app.py`` for this run (pages call this)."""
    return st.session_state["_selection"]


def link(page: str, **params: str) -> str:
    """A relative link to a page with the current selection plus ``params``."""
    sel = st.session_state.get("_selection")
    merged: dict[str, str] = {}
    if sel is not None:
        merged[PARAM_QUARTER] = sel.quarter.key
        if sel.municipality_id:
            merged[PARAM_MUNICIPALITY] = sel.municipality_id
    merged.update(params)
    from urllib.parse import urlencode

    return f"/{page}?{urlencode(merged)}"

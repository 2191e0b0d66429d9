"""Ausschuss-Sitzung: choose and order slides, present them, hand out PPTX/PDF/Excel, and
freeze the Datenstand for a session ("Sitzung vorbereiten")."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.errors import PraevError
from core.escaping import markdown_lines, markdown_text
from core.permissions import may_create_snapshot
from core.present.numbers import format_date
from core.reports import SLIDE_KEYS, SLIDE_TITLES
from core.reports.content import build_report, report_fingerprint, select_slides
from core.reports.pdf import to_pdf_bytes
from core.reports.pptx import to_pptx_bytes
from core.reports.snapshot import freeze_session, load_snapshot, snapshots
from core.reports.spec import iso_date
from core.reports.xlsx import to_report_xlsx_bytes
from core.users import User
from ui import presentation
from ui.auth import current_user
from ui.badges import data_status
from ui.db import get_engine
from ui.filters import current
from ui.query import after_write, query

TITLE = "Ausschuss-Sitzung"
INTRO = (
    "Folien für die Sitzung des Jugendhilfeausschusses (oder eines anderen Ausschusses): "
    "auswählen, ordnen, im Präsentationsmodus zeigen und als PowerPoint, PDF-Sitzungsvorlage "
    "oder Excel-Tabellen mitgeben. „Sitzung vorbereiten“ friert den Datenstand ein, damit in "
    "der Sitzung dieselben Zahlen stehen wie in der Vorlage."
)
SOURCE_LABEL = "Inhalt"
SOURCE_LIVE = "Aktuelle Daten (Auswahl in der Seitenleiste)"
SOURCE_FROZEN = "Eingefrorene Sitzung"
SOURCE_HELP = (
    "Eine eingefrorene Sitzung zeigt genau die Zahlen vom Zeitpunkt des Einfrierens, auch "
    "wenn seitdem neue Daten geladen wurden."
)
PICK_SNAPSHOT = "Sitzung"
NO_SNAPSHOTS = "Es gibt noch keine eingefrorene Sitzung. Unten „Sitzung vorbereiten“ öffnen."
FROZEN_INFO = (
    "**{title}** · Sitzung am {date} · {scope}, {quarter} · Datenstand {as_of} · "
    "Prüfsumme `{hash}` · eingefroren von {by}"
)
DATA_CHANGED = (
    "Seit dem Einfrieren wurden Daten geändert. Gezeigt wird unverändert der eingefrorene "
    "Stand; die aktuellen Zahlen zeigt „Aktuelle Daten“."
)
SLIDES_LABEL = "Folien und Reihenfolge"
SLIDES_HELP = "Die Reihenfolge der Auswahl ist die Reihenfolge der Folien. Entfernen mit ×."
NO_SLIDES = "Bitte mindestens eine Folie auswählen."
PRESENT = "Präsentationsmodus"
PRESENT_HELP = "Volle Breite, große Schrift, ohne Seitenleiste. Blättern mit ← und →."
END_PRESENTING = "Präsentation beenden"
DOWNLOADS = "Zum Mitnehmen"
PPTX_LABEL, PDF_LABEL, XLSX_LABEL = "PowerPoint (PPTX)", "Sitzungsvorlage (PDF)", "Tabellen (Excel)"
PREPARE = "Sitzung vorbereiten (Datenstand einfrieren)"
PREPARE_INTRO = (
    "Speichert alle Folien mit den heutigen Zahlen für die gewählte Auswahl "
    "({scope}, {quarter}, Karte: {indicator}). Die Sitzung lässt sich später unverändert "
    "öffnen und ausgeben; der Vorgang wird protokolliert."
)
FIELD_TITLE, FIELD_DATE = "Titel der Sitzung", "Sitzungsdatum"
TITLE_PLACEHOLDER = "z. B. Jugendhilfeausschuss, 12. Sitzung"
FREEZE = "Einfrieren"
FROZEN_OK = "Die Sitzung „{title}“ ist eingefroren (Nr. {id})."
SIGNED_AS = "Protokolliert unter Ihrem Benutzernamen „{name}“."
KEY_SOURCE, KEY_SNAPSHOT, KEY_SLIDES = "session_source", "session_snapshot", "session_slides"
KEY_NEW_SNAPSHOT, KEY_FLASH = "_session_new_snapshot", "_session_flash"
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

sel = current()
presenting = bool(st.session_state.get(presentation.KEY_PRESENTING))
indicator = sel.indicator.id
if presenting:
    presentation.hide_chrome()
if KEY_NEW_SNAPSHOT in st.session_state:  # open what was just frozen
    st.session_state[KEY_SNAPSHOT] = st.session_state.pop(KEY_NEW_SNAPSHOT)
    st.session_state[KEY_SOURCE] = SOURCE_FROZEN


def _stop_presenting() -> None:
    st.session_state[presentation.KEY_PRESENTING] = False


def _frozen_info(meta: dict) -> None:
    """Title, session date, Datenstand and hash of a frozen session; a note if data changed."""
    st.info(
        FROZEN_INFO.format(
            title=markdown_text(meta["session_title"]),
            date=format_date(iso_date(meta["session_date"])),
            scope=markdown_text(meta["scope"]),
            quarter=meta["quarter_label"],
            as_of=format_date(iso_date(meta["data_as_of"])),
            hash=markdown_text(meta["data_hash"][:12]),
            by=markdown_text(meta.get("created_by", "")),
        ),
        icon=":material/lock:",
    )
    if query(report_fingerprint) != meta["data_hash"]:
        st.warning(DATA_CHANGED, icon=":material/history:")


# The controls stay rendered in presentation mode (hidden by CSS), so their values hold.
controls = st.container(key=presentation.CONTROLS_KEY)
report = None
with controls:
    st.title(TITLE)
    st.write(INTRO)
    if KEY_FLASH in st.session_state:
        st.success(st.session_state.pop(KEY_FLASH), icon=":material/lock:")
    try:
        source = st.radio(
            SOURCE_LABEL,
            [SOURCE_LIVE, SOURCE_FROZEN],
            key=KEY_SOURCE,
            horizontal=True,
            help=SOURCE_HELP,
        )
        if source == SOURCE_FROZEN:
            listed = query(snapshots)
            if listed.empty:
                st.info(NO_SNAPSHOTS, icon=":material/info:")
            else:
                labels = {
                    int(r.id): f"{r.title} · {format_date(r.session_date)} · {r.scope}, {r.quarter}"
                    for r in listed.itertuples()
                }
                if st.session_state.get(KEY_SNAPSHOT) not in labels:
                    st.session_state[KEY_SNAPSHOT] = next(iter(labels))
                chosen = st.selectbox(
                    PICK_SNAPSHOT, list(labels), key=KEY_SNAPSHOT, format_func=labels.get
                )
                report = query(load_snapshot, int(chosen))
                _frozen_info(report["meta"])
        else:
            report = query(build_report, sel.quarter.key, sel.municipality_id, indicator)
            data_status([iso_date(report["meta"]["data_as_of"])])
    except PraevError as exc:
        st.error(markdown_lines(str(exc)), icon=":material/error:")
        st.stop()
    st.session_state.setdefault(KEY_SLIDES, list(SLIDE_KEYS))
    chosen_slides = st.multiselect(
        SLIDES_LABEL,
        list(SLIDE_KEYS),
        key=KEY_SLIDES,
        format_func=SLIDE_TITLES.get,
        help=SLIDES_HELP,
    )
    st.toggle(PRESENT, key=presentation.KEY_PRESENTING, help=PRESENT_HELP)

if report is not None:
    if not chosen_slides:
        st.info(NO_SLIDES, icon=":material/info:")
    else:
        shown = select_slides(report, chosen_slides)
        total = len(shown["slides"])
        if presenting:
            st.button(
                END_PRESENTING,
                icon=":material/close_fullscreen:",
                on_click=_stop_presenting,
                type="tertiary",
            )
        index = presentation.navigation(total)
        spec = shown["slides"][index]
        with st.container(border=not presenting):
            presentation.render_slide(shown, spec, f"slide_{spec['key']}", presenting)
        with st.container(key=presentation.EXTRAS_KEY):
            st.caption(presentation.KEYS_HINT)
            presentation.slide_data(spec, key=f"data_{spec['key']}")
            st.markdown(f"#### {DOWNLOADS}")
            meta = shown["meta"]
            base = f"praeventionsmonitor_{meta['quarter']}_{meta['municipality_id'] or 'kreis'}"
            cols = st.columns(3)
            makers = {
                "pptx": (PPTX_LABEL, to_pptx_bytes, ":material/slideshow:"),
                "pdf": (PDF_LABEL, to_pdf_bytes, ":material/picture_as_pdf:"),
                "xlsx": (XLSX_LABEL, to_report_xlsx_bytes, ":material/table_view:"),
            }
            for col, (fmt, (label, make, icon)) in zip(cols, makers.items(), strict=True):
                col.download_button(
                    label,
                    data=lambda make=make: make(shown),
                    file_name=f"{base}.{fmt}",
                    mime=MIME[fmt],
                    icon=icon,
                    on_click="ignore",
                    key=f"download_{fmt}",
                    width="stretch",
                )


def prepare_form(user: User) -> None:
    """Freeze the Datenstand for a session (editors and admins; checked again on save)."""
    name = sel.indicator.short_name
    st.write(
        PREPARE_INTRO.format(
            scope=markdown_text(scope), quarter=sel.quarter.label, indicator=markdown_text(name)
        )
    )
    with st.form("session_prepare"):
        title = st.text_input(FIELD_TITLE, placeholder=TITLE_PLACEHOLDER, max_chars=300)
        session_date = st.date_input(FIELD_DATE, value=dt.date.today(), format="DD.MM.YYYY")
        st.caption(SIGNED_AS.format(name=markdown_text(user.name)))
        if not st.form_submit_button(FREEZE, icon=":material/lock:", type="primary"):
            return
        new_id = freeze_session(
            get_engine(),
            current_user(),
            title,
            session_date,
            sel.quarter.key,
            sel.municipality_id,
            indicator,
        )
    after_write()
    st.session_state[KEY_NEW_SNAPSHOT] = new_id
    st.session_state[KEY_FLASH] = FROZEN_OK.format(title=markdown_text(title.strip()), id=new_id)
    st.rerun()


user = current_user()
with st.container(key=presentation.PREPARE_KEY):
    scope = sel.municipality_name
    if user is not None and may_create_snapshot(user):
        with st.expander(PREPARE, icon=":material/lock:"):
            prepare_form(user)

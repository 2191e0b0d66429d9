"""The widgets of the page „Daten verwalten“: templates, upload, options, the checked
file's problems or preview, the import button, and the list of imports with rollback.

Every check and write is done by :mod:`core.imports`: a check returns the file's
problems as data (:func:`core.imports.check`), an import or rollback takes the signed-in
user, checks the permission and writes its audit entry itself; afterwards
:func:`ui.query.after_write` forgets every cached result.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from core.imports import ImportFile, ImportOptions, Plan, check, preview, rollback_batch, run_import
from core.imports import batches as import_batches
from core.imports.geofiles import fields as area_fields
from core.imports.geofiles import layers as area_layers
from core.imports.options import file_hash
from core.imports.report import area_preview_figure, problems_frame
from core.imports.tables import sheet_names
from core.imports.templates import templates
from core.present.numbers import format_datetime, format_number
from core.present.tables import Table
from core.present.vocabulary import LEVEL_PLURALS
from ui.auth import current_user
from ui.charts import show
from ui.db import get_engine
from ui.query import after_write, query
from ui.tables import table_with_csv

DEMO_NOTE = (
    "Die Datenbank enthält **Demodaten**. Echte Daten werden nicht mit Demodaten gemischt: "
    "Eigene Daten lassen sich erst hochladen, wenn Sie „Demodaten vorher löschen“ "
    "ankreuzen. Gelöscht wird erst beim Import, in derselben Transaktion – geht der Import "
    "schief, bleibt alles, wie es war."
)
DEMO_CHECK = "Demodaten vorher löschen"
DEMO_CHECK_HELP = (
    "Beim Import werden zuerst alle Demodaten gelöscht (Gebiete, Werte, Angebote, "
    "Netzwerke und ihre Meldungen); dann wird die Datei geladen."
)
DEMO_LOCKED = (
    "Hochladen ist gesperrt, solange die Demodaten bleiben sollen: Bitte oben „{check}“ "
    "ankreuzen, dann die Datei hochladen. Vorlagen lassen sich schon jetzt herunterladen."
)
LABEL_KIND = "Was möchten Sie laden?"
KIND_OPTIONS = {
    "areas": "Gebiete",
    "indicators": "Indikatorwerte",
    "population": "Bevölkerung",
    "offers": "Angebote",
    "networks": "Netzwerkstatus",
    "quality": "Qualitätsbausteine",
}
TEMPLATES_HEADING = "Vorlage"
TEMPLATE_COLUMNS = "Spalten der Vorlage „{title}“"
COL_NAME, COL_REQUIRED, COL_DESCRIPTION = "Spalte", "Pflicht", "Inhalt"
YES, NO = "ja", "nein"
DOWNLOAD_TEMPLATE = "Vorlage {file} herunterladen"
UPLOAD = "Datei hochladen"
UPLOAD_HELP = {
    "areas": "GeoJSON, GeoPackage oder Shapefile (als ZIP oder .shp mit .shx, .dbf, .prj).",
    "other": "CSV (Semikolon oder Komma; UTF-8 oder Windows-1252) oder Excel (.xlsx).",
}
AREA_TYPES = ["geojson", "json", "gpkg", "zip", "shp", "shx", "dbf", "prj", "cpg"]
TABLE_TYPES = ["csv", "txt", "xlsx"]
OPTIONS_HEADING = "Optionen"
AUTO = "(automatisch erkennen)"
LEVEL_CHOICES = {"": AUTO, **{k: LEVEL_PLURALS[k] for k in ("municipality", "area", "district")}}
LABEL_LEVEL = "Ebene"
LABEL_PREFIX = "Nur Gebiete mit Kennung beginnend mit"
HELP_PREFIX = "z. B. 05162, um den Rhein-Kreis Neuss aus einer NRW- oder Bundesdatei zu nehmen"
LABEL_CRS = "Koordinatensystem (nur wenn die Datei keins angibt)"
HELP_CRS = "z. B. EPSG:25832 (ETRS89/UTM 32N, üblich im kommunalen GIS)"
LABEL_LAYER = "Ebene (Layer) der GeoPackage-Datei"
LABEL_ID, LABEL_NAME, LABEL_PARENT = "Feld Kennung", "Feld Name", "Feld übergeordnete Kommune"
LABEL_DISTRICT = "Name des Kreises (falls er angelegt wird)"
LABEL_BOUNDARY = "Grenzänderung bestätigen"
HELP_BOUNDARY = (
    "Nur wenn sich Sozialraumgrenzen geändert haben: Sozialräume dürfen dann einer anderen "
    "Kommune zugeordnet werden. Ohne Bestätigung wird ein solcher Wechsel abgelehnt."
)
LABEL_VALID_FROM = "gültig ab"
LABEL_SHEET = "Tabellenblatt"
LABEL_INDICATOR = "Indikator (wenn die Datei keine Spalte „Indikator“ hat)"
LABEL_YEAR_DAY = "Stichtag für Jahresspalten (TT.MM.)"
CHECKING = "Datei wird geprüft …"
ERRORS_HEAD = (
    "Die Datei wurde **nicht** übernommen: {n} Problem(e). Bitte beheben und neu hochladen."
)
WARNINGS_HEAD = "{n} Warnung(en): Die Daten können übernommen werden, bitte aber prüfen."
ACCEPT = "Ich habe die Warnungen gelesen und akzeptiere sie"
PROBLEMS_DOWNLOAD = "Problemliste als CSV"
OK_HEAD = "Die Datei ist fehlerfrei."
PREVIEW_HEADING = "Vorschau"
METRIC_NEW, METRIC_CHANGED, METRIC_SAME = "neu", "geändert", "unverändert"
PREVIEW_NOTE = "Gezeigt werden bis zu 500 Zeilen, neue und geänderte zuerst."
MAP_READING = (
    "So lesen Sie die Vorschau: Jede Fläche ist ein Gebiet aus der Datei, grün = neu, "
    "orange = geändert, grau = unverändert. Mit der Maus sehen Sie Name und Kennung."
)
PREVIEW_DOWNLOAD = "Vorschau als CSV"
NOTHING_TO_DO = "Alle Zeilen sind schon genau so in der Datenbank – es gibt nichts zu importieren."
IMPORT_BUTTON = "Jetzt importieren"
PROGRESS = "Import läuft …"
IMPORTED = "Importiert als Import Nr. {batch}: {new} neu, {changed} geändert, {same} unverändert."
BATCHES_HEADING = "Bisherige Importe"
NO_BATCHES = "Noch keine Importe."
BATCH_COLUMNS = {
    "id": "Nr.",
    "kind_label": "Art",
    "file_name": "Datei",
    "rows": "Zeilen",
    "created_by": "von",
    "created_at": "am",
    "rolled_back_at": "zurückgenommen am",
}
LABEL_ROLLBACK = "Import zurücknehmen"
CONFIRM_ROLLBACK = "Ja, diesen Import zurücknehmen"
ROLLBACK_BUTTON = "Zurücknehmen"
ROLLED_BACK = "Import Nr. {batch} zurückgenommen ({n} Zeilen)."
KEY_PLAN = "_imp_plan"
KEY_DONE = "_imp_done"
KEY_UPLOADS = "_imp_uploads"
KEY_REPLACE_DEMO = "imp_replace_demo"


def show_templates(kind: str) -> None:
    for t in templates(kind):
        cols = st.columns([2, 3])
        cols[0].download_button(
            DOWNLOAD_TEMPLATE.format(file=t.file_name),
            t.data(),
            file_name=t.file_name,
            key=f"tpl_{t.file_name}",
            icon=":material/download:",
        )
        with cols[1].expander(TEMPLATE_COLUMNS.format(title=t.title)):
            st.dataframe(
                {
                    COL_NAME: [c.name for c in t.columns],
                    COL_REQUIRED: [YES if c.required else NO for c in t.columns],
                    COL_DESCRIPTION: [c.description for c in t.columns],
                },
                hide_index=True,
            )
            if t.note:
                st.caption(t.note)


def area_options(files: list[ImportFile]) -> ImportOptions:
    found_layers = area_layers(files)
    layer = None
    if len(found_layers) > 1:
        layer = st.selectbox(LABEL_LAYER, found_layers)
    found_fields = [AUTO, *area_fields(files, layer)]
    c1, c2, c3 = st.columns(3)
    level = c1.selectbox(LABEL_LEVEL, list(LEVEL_CHOICES), format_func=LEVEL_CHOICES.get)
    prefix = c2.text_input(LABEL_PREFIX, help=HELP_PREFIX)
    crs = c3.text_input(LABEL_CRS, help=HELP_CRS)
    c1, c2, c3, c4 = st.columns(4)
    id_field = c1.selectbox(LABEL_ID, found_fields)
    name_field = c2.selectbox(LABEL_NAME, found_fields)
    parent_field = c3.selectbox(LABEL_PARENT, found_fields)
    district = c4.text_input(LABEL_DISTRICT)
    c1, c2 = st.columns([1, 3])
    boundary = c1.checkbox(LABEL_BOUNDARY, help=HELP_BOUNDARY)
    valid_from = (
        c2.date_input(LABEL_VALID_FROM, value=None, format="DD.MM.YYYY") if boundary else None
    )
    return ImportOptions(
        layer=layer,
        level=level or None,
        ags_prefix=prefix.strip() or None,
        crs=crs.strip() or None,
        id_field=None if id_field == AUTO else id_field,
        name_field=None if name_field == AUTO else name_field,
        parent_field=None if parent_field == AUTO else parent_field,
        district_name=district.strip() or None,
        boundary_change=boundary,
        valid_from=valid_from,
    )


def table_options(kind: str, files: list[ImportFile]) -> ImportOptions:
    sheets = sheet_names(files[0])
    sheet = st.selectbox(LABEL_SHEET, sheets) if len(sheets) > 1 else None
    if kind != "indicators":
        return ImportOptions(sheet=sheet)
    from core.catalogue import indicators

    catalogue = query(indicators)
    names = dict(zip(catalogue["id"], catalogue["short_name"], strict=True))
    c1, c2 = st.columns([3, 1])
    indicator = c1.selectbox(
        LABEL_INDICATOR, ["", *names], format_func=lambda i: names.get(i, AUTO)
    )
    year_day = c2.text_input(LABEL_YEAR_DAY, value="31.12.")
    return ImportOptions(sheet=sheet, indicator=indicator or None, year_day=year_day)


def show_problems(problems: list, name: str) -> None:
    frame = problems_frame(problems)
    pair = Table(shown=frame, export=frame, file_name=f"probleme_{name}.csv")
    table_with_csv(pair, key=f"problems_{name}", label=PROBLEMS_DOWNLOAD)


def show_preview(plan: Plan) -> None:
    st.subheader(PREVIEW_HEADING)
    counts = plan.counts()
    c1, c2, c3 = st.columns(3)
    c1.metric(METRIC_NEW, format_number(counts["neu"], 0))
    c2.metric(METRIC_CHANGED, format_number(counts["geändert"], 0))
    c3.metric(METRIC_SAME, format_number(counts["unverändert"], 0))
    if plan.geometries is not None and len(plan.geometries):
        st.caption(MAP_READING)
        show(area_preview_figure(plan.geometries))
    st.caption(PREVIEW_NOTE)
    pair = Table(shown=plan.preview, export=plan.preview, file_name="vorschau.csv")
    table_with_csv(pair, key="preview", label=PREVIEW_DOWNLOAD)


def import_section(demo: bool) -> None:
    replace_demo = False
    if demo:
        st.warning(DEMO_NOTE, icon=":material/science:")
        replace_demo = st.checkbox(DEMO_CHECK, help=DEMO_CHECK_HELP, key=KEY_REPLACE_DEMO)
    locked = demo and not replace_demo
    kind = st.segmented_control(
        LABEL_KIND, list(KIND_OPTIONS), format_func=KIND_OPTIONS.get, default="indicators"
    )
    if kind is None:
        return
    st.markdown(f"**{TEMPLATES_HEADING}**")
    show_templates(kind)
    is_areas = kind == "areas"
    uploads = st.file_uploader(
        UPLOAD,
        type=AREA_TYPES if is_areas else TABLE_TYPES,
        accept_multiple_files=is_areas,
        help=UPLOAD_HELP["areas" if is_areas else "other"],
        key=f"upload_{kind}_{st.session_state.get(KEY_UPLOADS, 0)}",
        disabled=locked,
    )
    if locked:  # never silent: say before (and after) an upload why nothing happens
        st.info(DEMO_LOCKED.format(check=DEMO_CHECK), icon=":material/lock:")
        return
    if not uploads:
        return
    uploads = uploads if isinstance(uploads, list) else [uploads]
    files = [ImportFile(u.name, u.getvalue()) for u in uploads]
    with st.expander(OPTIONS_HEADING, expanded=is_areas):
        options = area_options(files) if is_areas else table_options(kind, files)
    key = (kind, file_hash(files), options, replace_demo)
    cached = st.session_state.get(KEY_PLAN)
    if cached is None or cached[0] != key:
        with st.spinner(CHECKING):
            checked = check(partial(preview, get_engine(), kind, files, options, replace_demo))
        st.session_state[KEY_PLAN] = (key, checked)
    checked = st.session_state[KEY_PLAN][1]
    name = files[0].name
    if checked.plan is None:
        st.error(ERRORS_HEAD.format(n=len(checked.problems)), icon=":material/error:")
        show_problems(checked.problems, name)
        return
    plan = checked.plan
    accepted = True
    if plan.warnings:
        st.warning(WARNINGS_HEAD.format(n=len(plan.warnings)), icon=":material/warning:")
        show_problems(plan.warnings, f"warnungen_{name}")
        accepted = st.checkbox(ACCEPT)
    else:
        st.success(OK_HEAD, icon=":material/check_circle:")
    show_preview(plan)
    if plan.changes == 0:
        st.info(NOTHING_TO_DO, icon=":material/info:")
        return
    if st.button(IMPORT_BUTTON, type="primary", disabled=not accepted, icon=":material/upload:"):
        bar = st.progress(0.0, text=PROGRESS)
        done = run_import(
            get_engine(),
            kind,
            files,
            options,
            accept_warnings=accepted,
            replace_demo=replace_demo,
            user=current_user(),
            progress=lambda share, text: bar.progress(share, text=f"{PROGRESS} {text}"),
        )
        counts = done.counts
        st.session_state[KEY_DONE] = IMPORTED.format(
            batch=done.batch_id,
            new=format_number(counts["neu"], 0),
            changed=format_number(counts["geändert"], 0),
            same=format_number(counts["unverändert"], 0),
        )
        st.session_state.pop(KEY_PLAN, None)
        st.session_state[KEY_UPLOADS] = st.session_state.get(KEY_UPLOADS, 0) + 1
        after_write()
        st.rerun()


def batch_section(editing: bool) -> None:
    st.subheader(BATCHES_HEADING)
    df = query(import_batches)
    if df.empty:
        st.caption(NO_BATCHES)
        return
    shown = df[list(BATCH_COLUMNS)].rename(columns=BATCH_COLUMNS)
    shown[BATCH_COLUMNS["rows"]] = df["rows"].map(lambda n: format_number(n, 0))
    for col in ("created_at", "rolled_back_at"):
        shown[BATCH_COLUMNS[col]] = df[col].map(
            lambda t: format_datetime(t) if t is not None and t == t else ""
        )
    st.dataframe(shown, hide_index=True, width="stretch")
    open_batches = df[df["rolled_back_at"].isna()]
    if not editing or open_batches.empty:
        return
    labels = {
        int(r.id): f"Nr. {r.id} – {r.kind_label} – {r.file_name}" for r in open_batches.itertuples()
    }
    c1, c2 = st.columns([3, 2])
    batch = c1.selectbox(LABEL_ROLLBACK, list(labels), format_func=labels.get)
    confirm = c2.checkbox(CONFIRM_ROLLBACK)
    if st.button(ROLLBACK_BUTTON, disabled=not confirm, icon=":material/undo:"):
        n = rollback_batch(get_engine(), int(batch), current_user())
        st.session_state[KEY_DONE] = ROLLED_BACK.format(batch=batch, n=format_number(n, 0))
        st.session_state.pop(KEY_PLAN, None)
        after_write()
        st.rerun()

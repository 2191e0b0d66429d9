"""The Netzwerke page as a user sees it (AppTest): the view on the demo data (tables,
charts, time series ending at the Berichtsquartal, downloads equal to the CLI export),
and the entry form on a writable copy, with its German validation messages and
conflicts."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import ui.tables
from core.cli import main
from core.db import make_engine
from core.network_entry import StatusEntry, prefill, save_status
from core.permissions import operator
from core.quarters import parse_quarter, quarter_of
from tests.app_support import PAGES, open_app, shown_text
from tests.auth_support import log_in, use_local_login, users_file

PAGE = PAGES["netzwerke"]
FIRST_NETWORK = "Netzwerk Frühe Hilfen Dormagen"  # first in the list; not reported in Q3/2026
COUNTS = ("Partner", "Treffen im Quartal")


def _open(
    monkeypatch: pytest.MonkeyPatch, url: str, editing: bool = False, **params: str
) -> AppTest:
    """The page for an anonymous visitor of a public deployment, or (``editing``) for
    the administrator "anton" signed in with the local login."""
    # beside a SQLite file; for PostgreSQL in a temporary folder of its own
    folder = (
        Path(url.removeprefix("sqlite:///")).parent
        if url.startswith("sqlite:///")
        else Path(tempfile.gettempdir()) / "praev_formular_benutzer"
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "users.yaml" if editing else folder / "keine_benutzer.yaml"
    if editing and not path.exists():
        users_file(folder)
    use_local_login(monkeypatch, path, public=True)
    at = open_app(monkeypatch, url, page="netzwerke", params=params)
    if editing:
        log_in(at, "anton", where="sidebar")
        _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _frame(at: AppTest, first_column: str, *more: str) -> pd.DataFrame:
    """The first table on the page with these leading columns."""
    wanted = [first_column, *more]
    return next(
        d.value
        for d in at.dataframe
        if list(getattr(d.value, "columns", []))[: len(wanted)] == wanted
    )


def _status(at: AppTest) -> pd.DataFrame:
    return _frame(at, "Netzwerk", "Art").set_index("Netzwerk")


def _texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data), sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


# --- the view --------------------------------------------------------------------------


def test_status_table_shows_stage_traffic_light_change_and_gaps(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    assert at.title[0].value == "Netzwerke"
    assert [t.label for t in at.tabs][:2] == ["Status im Quartal", "Entwicklungsstufen"]
    table = _status(at)
    assert len(table) == 52
    assert set(table["Ampel"]) <= {"● grün", "▲ gelb", "■ rot", "–"}
    assert set(table["Veränderung"]) <= {"↑", "↓", "→", "neu", "nicht gemeldet"}
    missing = table[table["Stufe"] == "nicht gemeldet"]
    assert len(missing) == 4
    assert (missing["Veränderung"] == "nicht gemeldet").all()
    reported = table[table["Stufe"] != "nicht gemeldet"]
    assert reported["Letzte Änderung"].str.fullmatch(r"\d\d\.\d\d\.\d{4}").all()
    assert "48 von 52 Netzwerken haben für das 3. Quartal 2026 gemeldet." in _texts(at.markdown)
    assert "Datenstand: 30.09.2026" in _texts(at.caption)
    assert "Demodaten" in _texts(at.markdown)


@pytest.mark.parametrize(
    ("municipality", "kind", "offices", "kinds"),
    [
        ("05162012", "", {"Kreisjugendamt"}, None),  # Jüchen: the Kreisjugendamt's networks
        ("05162024", "", {"Neuss"}, None),
        ("", "fruehe_hilfen", None, {"Frühe Hilfen"}),
        ("05162004", "sozialraumkonferenz", {"Dormagen"}, {"Sozialraumkonferenz"}),
    ],
)
def test_filters_narrow_the_table(monkeypatch, demo_url, municipality, kind, offices, kinds):
    at = _open(monkeypatch, demo_url)
    at.selectbox(key="f_kommune").set_value(municipality).run()
    at.selectbox(key="net_kind").set_value(kind).run()
    _ok(at)
    table = _status(at)
    assert len(table) > 0
    if offices:
        assert set(table["Jugendamt"]) == offices
    if kinds:
        assert set(table["Art"]) == kinds


def test_charts_have_reading_aids_tables_and_downloads(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    captions = _texts(at.caption)
    for aid in ("So lesen Sie die Tabelle", "So lesen Sie das Diagramm", "So lesen Sie die Matrix"):
        assert aid in captions
    headers = [h.value for h in at.subheader]
    assert "Stufen je Jugendamt im 3. Quartal 2026" in headers
    assert "Entwicklung über die Quartale" in headers
    labels = [e.label for e in at.expander]
    assert labels.count("Daten als Tabelle") == 2
    # status, distribution, development, history, network map
    assert len(at.get("download_button")) == 5
    assert len(at.get("plotly_chart")) == 3  # distribution, development, history


def test_network_map_says_where_each_kind_is_expected(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    assert "Qualitätsbausteine" not in [t.label for t in at.tabs]  # a page of its own now
    links = at.get("page_link")
    assert [(link.proto.label, link.proto.page) for link in links][-1][0] == (
        "Stand der Qualitätsbausteine je Jugendamt"
    )
    assert links[-1].proto.page.endswith("quality.py") or "qualitaet" in links[-1].proto.page
    matrix = _frame(at, "Netzwerkart", "erwartet je").set_index("Netzwerkart")
    assert matrix.loc["Familienbildung", "Meerbusch"] == "fehlt"
    assert matrix.loc["Frühe Hilfen", "Neuss"] == "✓"
    # the Gesundheitskonferenz is the Kreis's: it counts for the five city Jugendämter
    health = matrix.loc["Kommunale Gesundheitskonferenz"]
    assert health["erwartet je"] == "Kreis"
    assert set(health.drop("erwartet je")) == {"✓ Kreis", "✓"}
    talks = matrix.loc["Sozialraumkonferenz"]
    assert talks["erwartet je"] == "Sozialraum"
    assert talks["Neuss"] == "4 von 28"
    assert "fehlt" not in set(talks)
    assert "„fehlt“ steht nur, wo ein Netzwerk erwartet wird" in _texts(at.caption)


def test_history_lists_all_quarters_with_notes(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    history = _frame(at, "Netzwerk", "Quartal")
    # newest first; the first network has not reported for the 3. Quartal 2026
    assert history["Quartal"].iloc[0] == "2. Quartal 2026"
    assert history["Quartal"].iloc[-1] == "1. Quartal 2023"
    assert len(history) >= 14
    assert history["Notiz"].str.len().sum() > 0


def _chart_quarters(at: AppTest) -> set[str]:
    """Every x value of the page's charts that is a quarter (``Q2/2025``)."""
    import json

    found: set[str] = set()
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            found |= {x for x in trace.get("x") or [] if str(x).startswith("Q")}
    return found


def test_an_older_quarter_ends_every_series_there(monkeypatch, demo_url) -> None:
    """Choosing the 2. Quartal 2025 shows no later quarter: not in the development of
    the stages, not in a network's history (charts and tables), not in any Stand."""
    at = _open(monkeypatch, demo_url, quartal="2025-Q2")
    chosen = parse_quarter("2025-Q2")
    shown = _chart_quarters(at)
    assert "Q2/2025" in shown
    assert all(parse_quarter(f"{x[3:]}-Q{x[1]}") <= chosen for x in shown), sorted(shown)
    trend = _frame(at, "Quartal", "Stufe", "Netzwerke")
    history = _frame(at, "Netzwerk", "Quartal")
    for table in (trend, history):
        labels = set(table["Quartal"])
        assert "2. Quartal 2025" in labels
        assert not labels & {"3. Quartal 2025", "4. Quartal 2025", "1. Quartal 2026"}
    assert history["Quartal"].iloc[0] == "2. Quartal 2025"
    text = shown_text(at)
    assert "30.06.2025" in text
    assert not any(later in text for later in ("30.09.2025", "31.12.2025", "2026"))


@pytest.mark.parametrize("quarter", ["2026-Q3", "2025-Q4"])
def test_page_table_download_and_cli_export_are_the_same(
    monkeypatch, demo_url, tmp_path, quarter
) -> None:
    """The status table on the page, its CSV download and ``python -m core export
    networks`` have the same rows, columns and figures."""
    written: list[bytes] = []
    real = ui.tables.to_csv_bytes

    def spy(frame: pd.DataFrame) -> bytes:
        written.append(real(frame))
        return written[-1]

    monkeypatch.setattr(ui.tables, "to_csv_bytes", spy)
    at = _open(monkeypatch, demo_url, quartal=quarter)
    page = _frame(at, "Netzwerk", "Art")
    download = next(_csv(b) for b in written if _csv(b).columns[:2].tolist() == ["Netzwerk", "Art"])
    out = tmp_path / "netzwerke.csv"
    assert (
        main(
            ["--database-url", demo_url, "export", "networks", "--quarter", quarter, "-o", str(out)]
        )
        == 0
    )
    cli = _csv(out.read_bytes())

    assert download.equals(cli)
    assert list(page.columns) == list(cli.columns)
    assert len(page) == len(cli) == 52
    label = parse_quarter(quarter).label
    assert (cli["Quartal"] == label).all()
    assert (cli["Stand"] == parse_quarter(quarter).end.strftime("%d.%m.%Y")).all()
    for column in page.columns:
        shown = page[column].astype(str)
        if column in COUNTS:  # "1.234" on screen, 1234 in the file; "–" is an empty cell
            shown = shown.str.replace(".", "", regex=False).replace("–", "")
        assert shown.tolist() == cli[column].tolist(), column
    assert f"Datenstand: {cli['Stand'].iloc[0]}" in _texts(at.caption)


def test_anonymous_visitors_see_no_form_and_are_told_to_log_in(monkeypatch, demo_url) -> None:
    at = _open(monkeypatch, demo_url)
    assert "Bitte melden Sie sich dafür an" in _texts(at.info)
    assert not [b for b in at.button if b.label == "Speichern"]
    assert not at.text_area


# --- the entry form --------------------------------------------------------------------


def _network_id(url: str, name: str = FIRST_NETWORK) -> int:
    with make_engine(url).connect() as conn:
        return int(conn.exec_driver_sql(f"select id from network where name='{name}'").scalar())


def test_form_is_prefilled_from_the_previous_quarter(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, editing=True)
    with make_engine(writable_url).connect() as conn:
        pf = prefill(conn, _network_id(writable_url), "2026-Q3")
    assert pf.source == "previous"
    assert at.radio(key="nf_stage").value == pf.values["stage"]
    assert at.text_area(key="nf_note").value == ""
    for criterion in ("austausch", "vereinbarung", "gemeinsame_angebote"):
        ticked = at.checkbox(key=f"nf_crit_{criterion}").value
        assert ticked == (criterion in pf.values["criteria"])
    assert "Vorbelegt mit der Meldung aus dem 2. Quartal 2026" in _texts(at.caption)
    # the count is the register's at the quarter's end, with the sectors
    count = f"**Partner am 30.09.2026: {pf.values['partners']}** (aus dem Verzeichnis gezählt: "
    assert count in _texts(at.markdown)
    assert not [n for n in at.get("number_input") if n.key == "nf_partners"]  # no longer typed


def test_without_a_register_the_imported_count_is_shown_and_kept(monkeypatch, writable_url):
    nid = _network_id(writable_url)
    engine = make_engine(writable_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"delete from network_partner where network_id = {nid}")
        carried = prefill(conn, nid, "2026-Q3").values["partners"]
    engine.dispose()
    at = _open(monkeypatch, writable_url, editing=True)
    info = _texts(at.info)
    assert f"Partner laut letzter Meldung: {carried}." in info
    assert "noch kein Partnerverzeichnis" in info
    at.radio(key="nf_traffic_light").set_value("gelb")
    _button(at, "Speichern").click().run()
    _ok(at)
    assert _status(at).loc[FIRST_NETWORK, "Partner"] == str(carried)
    assert _status(at).loc[FIRST_NETWORK, "Partner nach Bereich"] == "ohne Partnerverzeichnis"


def test_criteria_suggest_the_stage_live_and_a_disagreement_warns(monkeypatch, writable_url):
    at = _open(monkeypatch, writable_url, editing=True)
    for key in [c.key for c in at.checkbox if c.key and c.key.startswith("nf_crit_")]:
        at.checkbox(key=key).uncheck()
    at.radio(key="nf_stage").set_value(1).run()
    assert "Aus den Kriterien: **Informationsnetzwerk**" in _texts(at.markdown)
    assert not [w for w in at.warning if "Gewählt ist" in str(w.value)]

    at.checkbox(key="nf_crit_vereinbarung").check().run()
    assert "Aus den Kriterien: **Kooperationsnetzwerk**" in _texts(at.markdown)
    warning = _texts(at.warning).replace("\\", "")  # as read: without Markdown escapes
    assert (
        "Gewählt ist „Informationsnetzwerk“, ein angekreuztes Kriterium gilt aber erst ab "
        "„Kooperationsnetzwerk“" in warning
    )

    at.radio(key="nf_stage").set_value(3).run()
    assert "die angekreuzten Kriterien stützen aber nur „Kooperationsnetzwerk“" in _texts(
        at.warning
    ).replace("\\", "")
    # a warning, not an error: saving is allowed and the criteria show in the table
    at.radio(key="nf_traffic_light").set_value("gruen")
    at.text_area(key="nf_note").input("Gemeinsames Angebot im Aufbau")
    _button(at, "Speichern").click().run()
    _ok(at)
    assert not at.error
    row = _status(at).loc[FIRST_NETWORK]
    assert row["Stufe"] == "Produktionsnetzwerk"
    assert "Schriftliche Kooperationsvereinbarung" in row["Erfüllte Kriterien"]


@pytest.mark.parametrize(
    ("meetings", "messages"),
    [
        (-1, ["**Treffen im Quartal:** Die Zahl der Treffen darf nicht negativ sein"]),
        (120, ["**Treffen im Quartal:** Mehr als 90 Treffen sind unplausibel"]),
    ],
)
def test_validation_errors_are_german_and_keep_the_input(
    monkeypatch, writable_url, meetings, messages
) -> None:
    at = _open(monkeypatch, writable_url, editing=True)
    at.number_input(key="nf_meetings").set_value(meetings)
    at.text_area(key="nf_note").input("Mein Text, der nicht verloren gehen darf")
    _button(at, "Speichern").click().run()
    _ok(at)
    errors = _texts(at.error)
    assert "Nicht gespeichert, bitte korrigieren:" in errors
    for message in messages:
        assert message in errors
    assert at.number_input(key="nf_meetings").value == meetings
    assert at.text_area(key="nf_note").value == "Mein Text, der nicht verloren gehen darf"
    assert _status(at).loc[FIRST_NETWORK, "Stufe"] == "nicht gemeldet"  # nothing saved


def test_successful_save_shows_success_and_updates_the_table(monkeypatch, form_url) -> None:
    at = _open(monkeypatch, form_url, editing=True)
    assert _status(at).loc[FIRST_NETWORK, "Stufe"] == "nicht gemeldet"
    with make_engine(form_url).connect() as conn:
        derived = prefill(conn, _network_id(form_url), "2026-Q3").values["partners"]
    at.number_input(key="nf_meetings").set_value(4)
    at.radio(key="nf_traffic_light").set_value("rot")
    assert "unter Ihrem Benutzernamen „anton“" in _texts(at.caption)
    _button(at, "Speichern").click().run()
    _ok(at)
    assert not at.error
    success = _texts(at.success)
    assert f"Gespeichert: {FIRST_NETWORK}, 3. Quartal 2026 (Fassung 1" in success
    row = _status(at).loc[FIRST_NETWORK]
    assert row["Partner"] == str(derived)  # counted from the register, as shown: de-DE text
    assert row["Treffen im Quartal"] == "4"
    assert row["Ampel"] == "■ rot"
    assert row["Stufe"] != "nicht gemeldet"
    log = next(e for e in at.expander if e.label == "Änderungsprotokoll dieser Meldung")
    assert log.dataframe[0].value["Von"].tolist() == ["anton"]

    # saving again from the same form is no conflict: it remembered the new version
    at.number_input(key="nf_meetings").set_value(5)
    _button(at, "Speichern").click().run()
    assert "(Fassung 2, anton)" in _texts(at.success)


def _someone_else_saves(url: str, meetings: int) -> None:
    engine = make_engine(url)
    nid = _network_id(url)
    with engine.connect() as conn:
        pf = prefill(conn, nid, "2026-Q3")
    values = dict(pf.values, meetings=meetings, traffic_light=pf.values["traffic_light"] or "gelb")
    values["criteria"] = tuple(values["criteria"])
    save_status(engine, operator("Ben Kollege"), StatusEntry(nid, "2026-Q3", **values), pf.version)
    engine.dispose()


@pytest.mark.parametrize(
    ("decision", "meetings_after", "form_after"),
    [
        ("Mit meiner Eingabe überschreiben", 11, 11),
        ("Gespeicherte Fassung übernehmen", 77, 77),
    ],
)
def test_conflict_shows_both_versions_and_lets_the_user_decide(
    monkeypatch, form_url, decision, meetings_after, form_after
) -> None:
    at = _open(monkeypatch, form_url, editing=True)  # loads "no record yet"
    _someone_else_saves(form_url, meetings=77)
    at.number_input(key="nf_meetings").set_value(11)
    _button(at, "Speichern").click().run()
    _ok(at)
    assert "inzwischen von Ben Kollege gespeichert" in _texts(at.warning)
    compare = next(
        d.value for d in at.dataframe if "Ihre Eingabe" in getattr(d.value, "columns", [])
    ).set_index("Angabe")
    assert compare.loc["Treffen im Quartal", "Ihre Eingabe"] == "11"
    assert compare.loc["Treffen im Quartal", "Gespeicherte Fassung 1 (Ben Kollege)"] == "77"
    assert compare.loc["Treffen im Quartal", "unterschiedlich"] == "≠"
    assert compare.loc["Partner", "unterschiedlich"] == ""  # the same register for both
    assert at.number_input(key="nf_meetings").value == 11  # the input is still in the form

    _button(at, decision).click().run()
    _ok(at)
    assert at.number_input(key="nf_meetings").value == form_after
    assert _status(at).loc[FIRST_NETWORK, "Treffen im Quartal"] == str(meetings_after)
    assert not [w for w in at.warning if "inzwischen" in str(w.value)]


def test_the_current_quarter_can_be_reported(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, editing=True)
    now = quarter_of(__import__("datetime").date.today())
    options = at.selectbox(key="nf_quarter_2026-Q3").options
    assert options[0] == now.label
    assert at.selectbox(key="nf_quarter_2026-Q3").value == "2026-Q3"


def test_unsaved_input_survives_switching_network_and_page(monkeypatch, writable_url) -> None:
    at = _open(monkeypatch, writable_url, editing=True)
    at.number_input(key="nf_meetings").set_value(-7)
    at.text_area(key="nf_note").input("Entwurf: Fachtag geplant")
    _button(at, "Speichern").click().run()
    assert "nicht negativ" in _texts(at.error)

    first, second = at.selectbox(key="nf_network").options[:2]
    at.selectbox(key="nf_network").select(second).run()
    assert at.text_area(key="nf_note").value == ""  # the other network's own values
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    _ok(at)
    at.selectbox(key="nf_network").select(first).run()
    _ok(at)
    assert at.number_input(key="nf_meetings").value == -7
    assert at.text_area(key="nf_note").value == "Entwurf: Fachtag geplant"
    assert "Ihre noch nicht gespeicherte Eingabe ist wiederhergestellt." in _texts(at.caption)

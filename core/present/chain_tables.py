"""The tables of the Präventionskette as every output shows them: the page, its CSV
downloads, ``python -m core export coverage``, the Steckbrief and the slides take them
from here (:class:`~core.present.tables.Table`: German text on screen, the same rows
and figures as numbers in the export).

* Coverage has one decimal, targets, offers, places and children none; the attainment
  is the whole percent of :func:`core.coverage_grid.shown_percent`, judged on the
  coverage as shown, so figure, percent and status never contradict each other.
* A status is written with its symbol and word from the vocabulary (``✔ erreicht``),
  never by colour alone; a withheld cell is the one sign in both faces, and the export
  explains it in its ``Datenschutz`` column.
* The **Stand of a coverage figure** is the union of its two reference dates: the
  quarter's end (offers are counted on that day) and the Stichtag of the children
  count; a table has the union of its rows' (:mod:`core.present.stand`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import Connection

from core.catalogue import IndicatorEntry, indicator
from core.coverage import HEATMAP_NEED, heatmap_cells
from core.coverage_grid import shown_percent
from core.inventory import is_demo
from core.present.numbers import MISSING, format_date, format_number
from core.present.stand import Stand
from core.present.tables import Table, numbers, texts, with_withheld_note
from core.present.vocabulary import NO_QUADRANT, STATUSES, WITHHELD_SIGN, status_term
from core.privacy import PrivacyRules
from core.quarters import Quarter

SOURCE = "Angebote: Angebotsdatenbank; Kinder: Melderegister"
COVERAGE, METRIC, TARGET, PERCENT = "Versorgung", "Maß", "Ziel", "Zielerreichung %"
STATUS, OFFERS, PLACES, CHILDREN = "Status", "Angebote", "Plätze", "Kinder"
STAND_CHILDREN, PHASE, GAP, YES, NO = "Stand Kinder", "Lebensphase", "Lücke", "ja", "nein"


# --- single cells ----------------------------------------------------------------------


def percent_text(ratio: float | None) -> str:
    """The attainment as shown: ``"79 %"``; ``"–"`` when unknown."""
    percent = shown_percent(ratio)
    return MISSING if percent is None else f"{format_number(percent, 0)} %"


def status_text(status: str | None, suppressed: bool = False) -> str:
    """``"✔ erreicht"``, ``"◐ knapp"``, ``"✖ Lücke"``, the one sign or ``"–"``."""
    if suppressed:
        return WITHHELD_SIGN
    return status_term(status).text if status in STATUSES else MISSING


def coverage_text(coverage: float | None, suppressed: bool, metric_label: str = "") -> str:
    """Coverage as shown: ``"38,9 Plätze je 100 Kinder"`` or the one sign."""
    if suppressed:
        return WITHHELD_SIGN
    return f"{format_number(coverage, 1)} {metric_label}".strip()


def children_text(children: float | None, suppressed: bool) -> str:
    """Children as shown: the count, or the one sign when withheld."""
    return WITHHELD_SIGN if suppressed else format_number(children, 0)


def missing_types(grid: pd.DataFrame) -> list[str]:
    """One German line per phase with missing offer types, in chain order."""
    lines = []
    ordered = grid.sort_values(["phase_position", "type_position"])
    for phase, part in ordered.groupby("phase", sort=False):
        missing = part.loc[part["gap"], "offer_type"].tolist()
        if missing:
            lines.append(f"**{phase}:** {', '.join(missing)}")
    return lines


def _dates(values: Iterable[object]) -> list[str]:
    return [format_date(d) if pd.notna(d) else "" for d in values]  # type: ignore[arg-type]


def coverage_stand(frame: pd.DataFrame, quarters: Iterable[Quarter]) -> Stand:
    """The Stand of coverage rows: their children's Stichtage and the quarters' ends."""
    return Stand.of([*frame.get("children_stand", []), *(q.end for q in quarters)])


def file_name(stem: str, quarter: Quarter, municipality_id: str | None) -> str:
    """``"versorgung_sozialraeume_2026-Q3_kreis.csv"``."""
    return f"{stem}_{quarter.key}_{municipality_id or 'kreis'}.csv"


def source_text(demo: bool) -> str:
    """The source column: the data sources, marked as demo data where they are."""
    from core.exporting import DEMO_NOTE  # core.exporting dispatches to this module

    return f"{DEMO_NOTE}; {SOURCE}" if demo else SOURCE


class Columns:
    """A table built column by column in its two faces (shown text, exported numbers)."""

    def __init__(self) -> None:
        self.shown: dict[str, list[object]] = {}
        self.export: dict[str, list[object]] = {}

    def text(self, name: str, values: Iterable[object]) -> Columns:
        """The same text in both faces."""
        self.shown[name] = self.export[name] = list(values)
        return self

    def number(
        self,
        name: str,
        values: Iterable[object],
        decimals: int,
        hidden: Sequence[bool] | None = None,
    ) -> Columns:
        """DIN-rounded numbers: de-DE text on screen, numbers in the export."""
        vals = list(values)
        self.shown[name] = texts(vals, decimals, hidden)
        self.export[name] = numbers(vals, decimals, hidden)
        return self

    def percent(self, name: str, ratios: Iterable[object], hidden: Sequence[bool]) -> Columns:
        """Attainment in whole percent as judged (:func:`shown_percent`)."""
        whole = [shown_percent(r) for r in ratios]  # type: ignore[arg-type]
        self.number(name, whole, 0, hidden)
        self.shown[name] = [
            v if v in (WITHHELD_SIGN, MISSING) else f"{v} %" for v in self.shown[name]
        ]
        return self

    def coverage(self, df: pd.DataFrame, children: bool = True) -> Columns:
        """Versorgung, Maß, Ziel, Zielerreichung %, Status, Angebote, Plätze (, Kinder)."""
        hidden = [bool(h) for h in df["suppressed"]]
        self.number(COVERAGE, df["coverage"], 1, hidden).text(METRIC, df["metric_label"])
        self.number(TARGET, df["target"], 0).percent(PERCENT, df["ratio"], hidden)
        self.text(STATUS, [status_text(s, h) for s, h in zip(df["status"], hidden, strict=True)])
        self.number(OFFERS, df["offers"], 0).number(PLACES, df["places"], 0)
        if children:
            self.number(CHILDREN, df["children"], 0, hidden)
        return self

    def table(self, stand: Stand, name: str) -> Table:
        """The Table; the export explains withheld cells in its ``Datenschutz`` column."""
        shown, export = pd.DataFrame(self.shown), pd.DataFrame(self.export)
        return Table(shown, with_withheld_note(export), stand, name)


# --- the tables ------------------------------------------------------------------------


def chain_table(summary: pd.DataFrame, quarter: Quarter, municipality_id: str | None) -> Table:
    """The chain for the Kreis or a Kommune: one row per life phase
    (:func:`core.coverage.chain_summary`)."""
    df = summary.reset_index(drop=True)
    cols = Columns().text(PHASE, df["phase"]).coverage(df)
    cols.number("Sozialräume mit Lücke", df["gap_areas"], 0).number("Sozialräume", df["areas"], 0)
    cols.text(STAND_CHILDREN, _dates(df["children_stand"]))
    name = file_name("praeventionskette", quarter, municipality_id)
    return cols.table(coverage_stand(df, [quarter]), name)


def cells_table(
    cells: pd.DataFrame,
    quarter: Quarter,
    municipality_id: str | None,
    need: IndicatorEntry,
    demo: bool = False,
) -> Table:
    """Coverage per Sozialraum and life phase in heatmap order (highest need first), with
    the Sozialraum's need: the page's table and ``python -m core export coverage``."""
    df = cells.reset_index(drop=True)
    cols = Columns().text("Kommune", df["municipality_name"]).text("Sozialraum", df["area_name"])
    cols.text("Kennung", df["area_id"]).text(PHASE, df["phase"]).coverage(df)
    cols.text(GAP, [YES if g is True else (NO if g is False else "") for g in df["gap"]])
    cols.text(STAND_CHILDREN, _dates(df["children_stand"]))
    head = f"{need.short_name} ({need.unit})" if need.unit else need.short_name
    cols.number(head, df["need"], need.decimals, [bool(h) for h in df["need_suppressed"]])
    cols.text(f"Stand {need.short_name}", _dates(df["need_stand"]))
    cols.text("Quelle", [source_text(demo)] * len(df))
    stand = coverage_stand(df, [quarter]) | Stand.of(df["need_stand"])
    return cols.table(stand, file_name("versorgung_sozialraeume", quarter, municipality_id))


def coverage_table(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> Table:
    """:func:`cells_table` read from the database: exactly the page's table, for the CLI."""
    cells = heatmap_cells(conn, quarter, municipality_id, rules)
    need = indicator(conn, HEATMAP_NEED)
    return cells_table(cells, quarter, municipality_id, need, is_demo(conn))


def completeness_table(grid: pd.DataFrame, quarter: Quarter, municipality_id: str | None) -> Table:
    """Life phase × offer type with the number of active offers and the gap flag."""
    cols = Columns().text(PHASE, grid["phase"]).text("Angebotsart", grid["offer_type"])
    cols.number(OFFERS, grid["offers"], 0).text(GAP, [YES if g else NO for g in grid["gap"]])
    name = file_name("vollstaendigkeit", quarter, municipality_id)
    return cols.table(Stand.of([quarter.end]), name)


def need_table(
    need: pd.DataFrame, entry: IndicatorEntry, quarter: Quarter, municipality_id: str | None
) -> Table:
    """Sozialräume with need, attainment, quadrant and gaps, in priority order
    (:func:`core.coverage.need_vs_coverage`)."""
    head = f"{entry.short_name} ({entry.unit})" if entry.unit else entry.short_name
    hidden = [bool(h) for h in need["need_suppressed"]]
    cols = Columns().text("Sozialraum", need["name"]).text("Kommune", need["municipality_name"])
    cols.number(head, need["need"], entry.decimals, hidden)
    cols.number(PERCENT, need["coverage_percent"], 0)
    cols.shown[PERCENT] = [v if v == MISSING else f"{v} %" for v in cols.shown[PERCENT]]
    cols.text("Quadrant", need["quadrant"].fillna(NO_QUADRANT))
    cols.text("Lücken", need["gaps"].replace("", "keine")).text(
        "Stand Bedarf", _dates(need["need_stand"])
    )
    stand = Stand.of([*need["need_stand"], quarter.end])
    return cols.table(stand, file_name("bedarf_versorgung", quarter, municipality_id))


def trend_table(
    trend: pd.DataFrame, quarters: Sequence[Quarter], municipality_id: str | None
) -> Table:
    """Coverage per life phase and quarter (:func:`core.coverage.coverage_trend`) over
    ``quarters`` (``Selection.history``)."""
    df = trend.reset_index(drop=True)
    cols = Columns().text("Quartal", df["label"]).text(PHASE, df["phase"]).coverage(df, False)
    cols.text(STAND_CHILDREN, _dates(df["children_stand"]))
    last = quarters[-1] if quarters else None
    name = (
        file_name("versorgung_verlauf", last, municipality_id) if last else "versorgung_verlauf.csv"
    )
    return cols.table(coverage_stand(df, quarters), name)

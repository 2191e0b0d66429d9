"""German tables and texts of the Präventionskette page.

Each ``*_table`` returns two frames with German headers: ``shown`` with numbers as
de-DE text (``1.234,5``, ``79 %``) for ``st.dataframe``, and ``export`` with numbers
as numbers for the CSV download (:func:`core.exporting.to_csv_bytes`). Withheld
values arrive empty from core and are written as the one sign
(:data:`core.privacy.WITHHELD_SIGN`) whatever the reason, in both; the export explains
it in its ``Datenschutz`` column.
"""

from __future__ import annotations

import pandas as pd

from core.present.numbers import format_date, format_number
from core.present.tables import with_withheld_note
from core.present.vocabulary import WITHHELD_SIGN

SUPPRESSED = WITHHELD_SIGN
#: status -> symbol; the status is never shown by colour alone
NO_QUADRANT = "ohne ausgewiesenen Wert"
STATUS_SYMBOLS = {"erreicht": "✔", "knapp": "◐", "Lücke": "✖"}
TextAndNumbers = tuple[pd.DataFrame, pd.DataFrame]


def pct(ratio: float | None) -> str:
    """Target attainment as German percent text: ``0.786`` -> ``"79 %"``."""
    return "–" if ratio is None or pd.isna(ratio) else f"{format_number(ratio * 100, 0)} %"


def status_text(status: str | None, suppressed: bool = False) -> str:
    """``"✔ erreicht"``, ``"◐ knapp"``, ``"✖ Lücke"``, the one sign or ``"–"``."""
    if suppressed:
        return SUPPRESSED
    if status is None or pd.isna(status):
        return "–"
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip()


def children_text(children: float | None, suppressed: bool) -> str:
    """Children as shown: the count, or the one sign when withheld."""
    if suppressed:
        return SUPPRESSED
    return format_number(children, 0)


def coverage_text(coverage: float | None, suppressed: bool, metric_label: str = "") -> str:
    """Coverage as shown: ``"38,9 Plätze je 100 Kinder"`` or the one sign."""
    if suppressed:
        return SUPPRESSED
    return f"{format_number(coverage, 1)} {metric_label}".strip()


def missing_types(grid: pd.DataFrame) -> list[str]:
    """One German line per phase with missing offer types, in chain order."""
    lines = []
    for phase, part in grid.sort_values(["phase_position", "type_position"]).groupby(
        "phase", sort=False
    ):
        missing = part.loc[part["gap"], "offer_type"].tolist()
        if missing:
            lines.append(f"**{phase}:** {', '.join(missing)}")
    return lines


def _date(values: pd.Series) -> list[str]:
    return [format_date(d) if pd.notna(d) else "" for d in values]


def _coverage_columns(df: pd.DataFrame, children: bool) -> TextAndNumbers:
    """Versorgung, Maß, Ziel, Zielerreichung, Status, Angebote, Plätze (and Kinder)."""
    hidden = df["suppressed"].astype(bool)
    export = pd.DataFrame(
        {
            "Versorgung": [
                SUPPRESSED if h else round(float(v), 1)
                for v, h in zip(df["coverage"], hidden, strict=True)
            ],
            "Maß": df["metric_label"],
            "Ziel": df["target"],
            "Zielerreichung %": [
                SUPPRESSED if h else (None if pd.isna(r) else round(float(r) * 100))
                for r, h in zip(df["ratio"], hidden, strict=True)
            ],
            "Status": [status_text(s, h) for s, h in zip(df["status"], hidden, strict=True)],
            "Angebote": df["offers"].astype(int),
            "Plätze": df["places"].round(0),
        },
        index=df.index,
    )
    if children:
        export["Kinder"] = [
            children_text(c, h) for c, h in zip(df["children"], hidden, strict=True)
        ]
    shown = export.assign(
        Versorgung=[coverage_text(v, h) for v, h in zip(df["coverage"], hidden, strict=True)],
        Ziel=[format_number(v, 0) for v in df["target"]],
        **{
            "Zielerreichung %": [
                SUPPRESSED if h else pct(r) for r, h in zip(df["ratio"], hidden, strict=True)
            ]
        },
        Angebote=[format_number(v, 0) for v in df["offers"]],
        Plätze=[format_number(v, 0) for v in df["places"]],
    )
    return shown, export


def chain_table(summary: pd.DataFrame) -> TextAndNumbers:
    """One row per life phase of the chain."""
    shown, export = _coverage_columns(summary, children=True)
    extra = {
        "Sozialräume mit Lücke": summary["gap_areas"].astype(int),
        "Sozialräume": summary["areas"].astype(int),
        "Stand Kinder": _date(summary["children_stand"]),
    }
    head = {"Lebensphase": summary["phase"]}
    return (
        pd.DataFrame(head).join(shown).assign(**extra),
        with_withheld_note(pd.DataFrame(head).join(export).assign(**extra)),
    )


def cells_table(cells: pd.DataFrame) -> TextAndNumbers:
    """One row per Sozialraum and life phase, in heatmap order (highest need first)."""
    shown, export = _coverage_columns(cells, children=True)
    head = pd.DataFrame(
        {
            "Sozialraum": cells["area_name"],
            "Kommune": cells["municipality_name"],
            "SGB-II-Quote u15": cells["need_display"].fillna("–"),
            "Lebensphase": cells["phase"],
        }
    )
    stand = {"Stand Kinder": _date(cells["children_stand"])}
    return head.join(shown).assign(**stand), with_withheld_note(head.join(export).assign(**stand))


def completeness_table(grid: pd.DataFrame) -> TextAndNumbers:
    """Life phase × offer type with the number of offers and the gap flag."""
    export = pd.DataFrame(
        {
            "Lebensphase": grid["phase"],
            "Angebotsart": grid["offer_type"],
            "Angebote": grid["offers"].astype(int),
            "Lücke": ["ja" if g else "nein" for g in grid["gap"]],
        }
    )
    return export.assign(Angebote=[format_number(v, 0) for v in grid["offers"]]), export


def need_table(need: pd.DataFrame, need_label: str) -> TextAndNumbers:
    """Sozialräume with need, target attainment, quadrant and gaps (priority order)."""
    export = pd.DataFrame(
        {
            "Sozialraum": need["name"],
            "Kommune": need["municipality_name"],
            need_label: need["need_display"],
            "Zielerreichung %": [
                None if pd.isna(r) else round(float(r) * 100) for r in need["coverage_ratio"]
            ],
            "Quadrant": need["quadrant"].fillna(NO_QUADRANT),
            "Lücken": need["gaps"].replace("", "keine"),
            "Stand Bedarf": _date(need["need_stand"]),
        }
    )
    shown = export.assign(**{"Zielerreichung %": [pct(r) for r in need["coverage_ratio"]]})
    return shown, with_withheld_note(export)


def trend_table(trend: pd.DataFrame) -> TextAndNumbers:
    """Coverage per life phase and quarter."""
    shown, export = _coverage_columns(trend, children=False)
    head = pd.DataFrame({"Quartal": trend["label"], "Lebensphase": trend["phase"]})
    stand = {"Stand Kinder": _date(trend["children_stand"])}
    return head.join(shown).assign(**stand), with_withheld_note(head.join(export).assign(**stand))

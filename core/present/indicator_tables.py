"""Indicator values as tables: the data table beside the Sozialraumkarte and the CLI
export ``python -m core export indicators``.

Both are built from the same rows (:func:`value_rows`): the value rounded by DIN 1333,
the withheld sign where the publication withholds, the Stand of each value. So the
map page's CSV and the CLI export give the same figure for the same area.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from sqlalchemy import Connection

from core.catalogue import IndicatorEntry, indicator, indicator_entries
from core.indicators import indicator_values
from core.inventory import is_demo
from core.map_data import MapValues, MapView
from core.present.numbers import format_date
from core.present.stand import Stand, stand_of_frame
from core.present.tables import Table, numbers, texts, with_withheld_note
from core.present.vocabulary import LEVEL_LABELS
from core.privacy import PrivacyRules
from core.quarters import Quarter

DEMO_NOTE = "Demodaten (erfunden, nur zur Ansicht)"
YES = "ja"
#: Columns of the CLI export, in order (plus ``Datenschutz``).
EXPORT_COLUMNS = [
    "Indikator",
    "Gebiet",
    "Kennung",
    "Ebene",
    "Kommune",
    "Wert",
    "Einheit",
    "Zähler",
    "Nenner",
    "Stand",
    "vorläufig",
    "Quelle",
]

Cells = Callable[..., list]


def _flag(value: object) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def value_rows(entry: IndicatorEntry, values: pd.DataFrame, cells: Cells) -> pd.DataFrame:
    """One row per area of ``values`` (columns of :func:`indicator_values`): name,
    Kennung, level, Kommune, value, numerator, denominator, Stand, provisional.

    ``cells`` is :func:`core.present.tables.texts` for the shown face (German text) or
    :func:`core.present.tables.numbers` for the export face (numbers). A withheld
    value hides its numerator too; its denominator only when that is withheld itself.
    """
    hidden = values["suppressed"].fillna(False).astype(bool).tolist()
    den_hidden = [h and pd.isna(d) for h, d in zip(hidden, values["denominator"], strict=True)]
    return pd.DataFrame(
        {
            "Gebiet": values["name"].tolist(),
            "Kennung": values["area_id"].tolist(),
            "Ebene": values["level"].map(LEVEL_LABELS).tolist(),
            "Kommune": values["municipality_name"].fillna("").tolist(),
            "Wert": cells(values["value"], entry.decimals, hidden),
            "Zähler": cells(values["numerator"], 0, hidden),
            "Nenner": cells(values["denominator"], 0, den_hidden),
            "Stand": [format_date(d) if pd.notna(d) else "" for d in values["stand"]],
            "vorläufig": [YES if _flag(p) else "" for p in values["provisional"]],
        }
    )


def _faces(
    entry: IndicatorEntry, values: pd.DataFrame, columns: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shown and export faces of :func:`value_rows`, columns picked and renamed."""
    pick = list(columns)
    shown = value_rows(entry, values, texts)[pick].rename(columns=columns)
    export = value_rows(entry, values, numbers)[pick].rename(columns=columns)
    return shown, export


def map_table(view: MapValues | MapView) -> Table:
    """The table beside the map: one row per area of the map, in the map's ranking
    order; ``Wert`` in the indicator's unit (named in the header)."""
    entry, level, values = view.indicator, view.level, view.values
    columns = {
        "Gebiet": LEVEL_LABELS[level],
        "Kennung": "Kennung",
        "Kommune": "Kommune",
        "Wert": f"Wert ({entry.unit})" if entry.unit else "Wert",
        "Stand": "Stand",
        "vorläufig": "vorläufig",
    }
    if level != "area":
        del columns["Kommune"]
    shown, export = _faces(entry, values, columns)
    return Table(
        shown=shown,
        export=with_withheld_note(export),
        stand=stand_of_frame(values),
        file_name=f"karte_{entry.id}_{view.quarter.key}_{level}.csv",
    )


def indicator_table(
    conn: Connection,
    quarter: Quarter,
    municipality_id: str | None = None,
    indicator_id: str | None = None,
    rules: PrivacyRules | None = None,
) -> Table:
    """Indicator values as the pages show them: the Kreis, the Kommune(n) and the
    Sozialräume of the selection, one row per indicator and area (the CLI export)."""
    rules = rules or PrivacyRules.from_settings()
    entries = [indicator(conn, indicator_id)] if indicator_id else indicator_entries(conn)
    source_note = f"{DEMO_NOTE}; " if is_demo(conn) else ""
    shown_parts, export_parts = [], []
    stand = Stand()
    columns = {c: c for c in EXPORT_COLUMNS if c not in ("Indikator", "Einheit", "Quelle")}
    for entry in entries:
        values = pd.concat(
            [
                indicator_values(conn, entry, quarter, "district", None, rules),
                indicator_values(conn, entry, quarter, "municipality", municipality_id, rules),
                indicator_values(conn, entry, quarter, "area", municipality_id, rules),
            ],
            ignore_index=True,
        )
        stand = stand | stand_of_frame(values)
        extra = {
            "Indikator": entry.name,
            "Einheit": entry.unit,
            "Quelle": source_note + entry.source,
        }
        shown, export = _faces(entry, values, columns)
        shown_parts.append(shown.assign(**extra)[EXPORT_COLUMNS])
        export_parts.append(export.assign(**extra)[EXPORT_COLUMNS])
    if not export_parts:
        return Table(pd.DataFrame(), pd.DataFrame(), stand, "indikatoren.csv")
    return Table(
        shown=pd.concat(shown_parts, ignore_index=True),
        export=with_withheld_note(pd.concat(export_parts, ignore_index=True)),
        stand=stand,
        file_name=f"indikatoren_{quarter.key}.csv",
    )

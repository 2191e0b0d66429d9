"""Checks of the area hierarchy an import would create: Kreis ⊃ Kommune ⊃ Sozialraum.

An area file must not silently rebuild the hierarchy every figure is summed over. Refused,
each with row, column, value and fix:

* an area as its own parent, or any cycle through the file and the database;
* a parent of the wrong level (a Sozialraum under a Sozialraum, a Kommune under a
  Kommune, anything under the wrong level);
* an existing area changing its level, an existing Kommune changing its Kreis;
* an existing Sozialraum moving to another Kommune, unless the import is confirmed as a
  boundary change (``boundary_change`` with ``valid_from``);
* in a file of Kommunen, a column "Kommune" naming another Kommune (such a column names
  the Kommune itself and is no parent).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from core.imports.options import ImportOptions
from core.imports.tables import AreaResolver, Findings, text_of

PARENT_LEVEL = {"area": "municipality", "municipality": "district", "district": None}
#: fields naming the parent, per level of the file's areas
PARENT_FIELDS = {
    "area": (
        "parent_id",
        "parent",
        "uebergeordnet",
        "kommune",
        "kommune_ags",
        "ags_kommune",
        "kommune_id",
        "gemeinde",
        "gemeinde_ags",
    ),
    "municipality": ("parent_id", "parent", "uebergeordnet", "kreis", "kreis_ags", "ags_kreis"),
    "district": (),
}
#: in a file of Kommunen these fields name the Kommune itself
SELF_FIELDS = ("kommune", "kommune_ags", "ags_kommune", "kommune_id", "gemeinde", "gemeinde_ags")
#: a level in the nominative, dative and accusative ("ein Sozialraum", "einem …", "einen …")
NOUNS = {
    "district": ("ein Kreis", "einem Kreis", "einen Kreis"),
    "municipality": ("eine Kommune", "einer Kommune", "eine Kommune"),
    "area": ("ein Sozialraum", "einem Sozialraum", "einen Sozialraum"),
}
GENITIVE = {"district": "des Kreises", "municipality": "der Kommune", "area": "des Sozialraums"}
BOUNDARY_FIX = (
    "Ist das eine Gebietsänderung, sie ausdrücklich bestätigen (Kommandozeile: "
    "--boundary-change --valid-from TT.MM.JJJJ; Seite: „Grenzänderung bestätigen“ mit "
    "„gültig ab“). Sonst die Kennung der Kommune in dieser Zeile prüfen."
)


@dataclass(frozen=True)
class Known:
    """An area as the database holds it."""

    name: str
    level: str
    parent_id: str | None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_self_column(
    records: list[dict[str, Any]], field: str, resolver: AreaResolver, findings: Findings
) -> None:
    """In a file of Kommunen, a "Kommune" column must name the row's own Kommune.

    ``records`` carry ``_row``, ``_id`` and ``_name``. A value naming another area would
    have made it the parent; that is refused with the fix."""
    for rec in records:
        text = text_of(rec.get(field))
        if not text or text == rec["_id"] or text.casefold() == rec["_name"].casefold():
            continue
        if resolver.resolve(text) == rec["_id"]:
            continue
        findings.error(
            int(rec["_row"]),
            field,
            text,
            f"Die Spalte „{field}“ nennt bei der Kommune {rec['_id']} {rec['_name']} ein "
            "anderes Gebiet; in einer Datei mit Kommunen kann eine Kommune kein "
            "übergeordnetes Gebiet einer Kommune sein",
            "Enthält die Datei Sozialräume, die Ebene angeben (--level area; Seite: Ebene "
            "„Sozialräume“); sonst die Spalte löschen – der Kreis einer Kommune ergibt sich "
            "aus der AGS oder aus einer Spalte „Kreis“.",
        )


def check_hierarchy(
    rows: list[dict[str, Any]],
    lines: Sequence[int | None],
    known: dict[str, Known],
    findings: Findings,
    parent_label: str | None,
    boundary_change: bool,
) -> list[int]:
    """Record every problem of the hierarchy; returns the indices of Sozialräume that
    move to another Kommune (allowed only with ``boundary_change``).

    ``rows`` carry ``id``, ``name``, ``level`` and ``parent_id``; a row without a parent
    whose area has one in the database keeps that parent."""
    in_file = {r["id"]: r for r in rows}
    moved: list[int] = []
    bad: set[str] = set()

    def name_of(area_id: str) -> str:
        row = in_file.get(area_id)
        return row["name"] if row else known[area_id].name if area_id in known else area_id

    def level_of(area_id: str) -> str | None:
        row = in_file.get(area_id)
        return row["level"] if row else known[area_id].level if area_id in known else None

    for i, (row, line) in enumerate(zip(rows, lines, strict=True)):
        area_id, level, parent = row["id"], row["level"], row["parent_id"]
        where = f"{area_id} {row['name']}".strip()
        old = known.get(area_id)
        if old is not None and old.level != level:
            bad.add(area_id)
            findings.error(
                line,
                None,
                where,
                f"„{row['name']}“ ist in der Datenbank {NOUNS[old.level][0]}; die Datei würde "
                f"daraus {NOUNS[level][2]} machen",
                "Die Ebene der Datei prüfen (--level; Seite: „Ebene“) oder dem Gebiet eine "
                "andere Kennung geben: die Ebene eines Gebiets ändert kein Import.",
            )
            continue
        if parent is None and old is not None and old.parent_id is not None:
            row["parent_id"] = parent = old.parent_id
        if parent is None:
            continue
        if parent == area_id:
            bad.add(area_id)
            findings.error(
                line,
                parent_label,
                parent,
                f"{_cap(where)} ist als sein eigenes übergeordnetes Gebiet angegeben",
                "In diese Spalte gehört die Kennung des übergeordneten Gebiets "
                f"({NOUNS[PARENT_LEVEL[level] or 'district'][0]}), nicht die eigene; bei "
                "Kommunen die Spalte löschen (der Kreis ergibt sich aus der AGS).",
            )
            continue
        expected, actual = PARENT_LEVEL[level], level_of(parent)
        if actual is not None and actual != expected:
            bad.add(area_id)
            findings.error(
                line,
                parent_label,
                parent,
                f"{_cap(NOUNS[level][0])} gehört zu {NOUNS[expected or 'district'][1]}; "
                f"„{name_of(parent)}“ ({parent}) ist aber {NOUNS[actual][0]}",
                f"Die Kennung {GENITIVE[expected or 'district']} eintragen, zu der {where} gehört.",
            )
            continue
        if old is not None and old.parent_id is not None and old.parent_id != parent:
            before = f"„{name_of(old.parent_id)}“ ({old.parent_id})"
            after = f"„{name_of(parent)}“ ({parent})"
            if level == "area" and boundary_change:
                moved.append(i)
                continue
            bad.add(area_id)
            if level == "area":
                problem = (
                    f"Der Sozialraum gehört in der Datenbank zur Kommune {before}; die Datei "
                    f"würde ihn der Kommune {after} zuordnen"
                )
                fix = BOUNDARY_FIX
            else:
                problem = (
                    f"{_cap(NOUNS[level][0])} wechselt nicht das übergeordnete Gebiet: "
                    f"„{row['name']}“ gehört in der Datenbank zu {before}, die Datei würde "
                    f"sie {after} zuordnen"
                )
                fix = (
                    "Die Spalte mit dem übergeordneten Gebiet prüfen (oder löschen: der Kreis "
                    "einer Kommune ergibt sich aus der AGS); enthält die Datei Sozialräume, "
                    "die Ebene angeben (--level area)."
                )
            findings.error(line, parent_label, parent, problem, fix)
    _check_cycles(rows, lines, known, findings, parent_label, bad)
    return moved


def _check_cycles(
    rows: list[dict[str, Any]],
    lines: Sequence[int | None],
    known: dict[str, Known],
    findings: Findings,
    parent_label: str | None,
    bad: set[str],
) -> None:
    """An error for every row that would become its own ancestor (file and database)."""
    parents = {k: v.parent_id for k, v in known.items()}
    parents |= {r["id"]: r["parent_id"] for r in rows}
    for row, line in zip(rows, lines, strict=True):
        if row["id"] in bad:
            continue
        chain, node = [row["id"]], parents.get(row["id"])
        while node is not None and node not in chain and len(chain) <= len(parents):
            chain.append(node)
            node = parents.get(node)
        if node == row["id"]:
            findings.error(
                line,
                parent_label,
                row["parent_id"],
                "Das Gebiet wäre sein eigenes übergeordnetes Gebiet (Kreislauf: "
                + " → ".join([*chain, row["id"]])
                + ")",
                "Die übergeordneten Gebiete in Datei und Datenbank prüfen: jede Kette muss "
                "beim Kreis enden.",
            )


def districts(
    rows: list[dict[str, Any]],
    geoms: list[BaseGeometry],
    level: str,
    parent_f: str | None,
    db: pd.DataFrame,
    options: ImportOptions,
    findings: Findings,
) -> list[dict[str, Any]]:
    """Kommunen without a parent field get the Kreis of their AGS (created when missing)."""
    if level != "municipality" or parent_f is not None:
        return []
    prefixes = sorted({r["id"][:5] for r in rows if len(r["id"]) == 8 and r["id"].isdigit()})
    if not prefixes:
        districts = db[db["level"] == "district"]["id"].tolist()
        for r in rows:
            r["parent_id"] = districts[0] if len(districts) == 1 else None
        return []
    if len(prefixes) > 1:
        shown = ", ".join(prefixes[:8]) + (" …" if len(prefixes) > 8 else "")
        findings.error(
            None,
            None,
            shown,
            f"Die Datei enthält Kommunen aus {len(prefixes)} Kreisen",
            "Mit --ags-prefix einen Kreis wählen, z. B. --ags-prefix 05162 für den "
            "Rhein-Kreis Neuss.",
        )
        return []
    prefix = prefixes[0]
    for r in rows:
        r["parent_id"] = prefix if len(r["id"]) == 8 else None
    existing = db[db["id"] == prefix]
    if not existing.empty and existing.iloc[0]["level"] != "district":
        findings.error(
            None,
            None,
            prefix,
            "Die Kennung des Kreises ist schon für ein anderes Gebiet vergeben",
            "Die Gebietskennungen in der Datenbank prüfen.",
        )
        return []
    union = shapely.set_precision(shapely.union_all(geoms), 1e-6)
    return [
        {
            "id": prefix,
            "name": (options.district_name or "").strip() or f"Kreis {prefix}",
            "level": "district",
            "parent_id": None,
            "youth_office_id": None,
            "geometry": json.dumps(mapping(union), separators=(",", ":")),
        }
    ]

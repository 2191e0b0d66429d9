"""Options of an import (one set for every kind; each kind reads the ones it knows)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from core.imports.tables import ImportFile

#: Values above these are rejected as absurd (typing errors, wrong unit, wrong column).
MAX_COUNT = 10_000_000
MAX_CHILDREN = 1_000_000
MAX_CAPACITY = 10_000
MAX_PARTNERS = 1_000
EARLIEST = dt.date(1990, 1, 1)
#: column names that name an area (Sozialraum, Kommune or Kreis) in user files
AREA_ALIASES = (
    "gebiet",
    "gebiet_id",
    "gebietskennung",
    "ags",
    "sozialraum",
    "sozialraum_id",
    "kommune",
    "area",
    "area_id",
)


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose besides the file.

    * ``sheet``: XLSX sheet (default: the first); ``layer``: GeoPackage layer.
    * ``indicator``: the indicator of a file without an indicator column.
    * ``year_day``: day a bare year in a wide table stands for, ``"31.12."`` by default.
    * ``level``: ``municipality``, ``area`` or ``district`` (areas; detected when empty).
    * ``ags_prefix``: keep only areas whose id starts with it (e.g. ``05162``).
    * ``crs``: coordinate system of a file that has none (e.g. ``EPSG:25832``).
    * ``id_field``/``name_field``/``parent_field``/``youth_office_field``: field mapping.
    * ``district_name``: name of a Kreis created for imported Kommunen.
    * ``attribution``: source note shown under the map (areas).
    * ``boundary_change``/``valid_from``: the file is a confirmed boundary change: existing
      Sozialräume may move to another Kommune; new and moved ones are valid from
      ``valid_from`` (areas; without it a move is refused).
    """

    sheet: str | None = None
    indicator: str | None = None
    year_day: str = "31.12."
    level: str | None = None
    ags_prefix: str | None = None
    crs: str | None = None
    id_field: str | None = None
    name_field: str | None = None
    parent_field: str | None = None
    youth_office_field: str | None = None
    layer: str | None = None
    district_name: str | None = None
    attribution: str | None = None
    boundary_change: bool = False
    valid_from: dt.date | None = None


def file_hash(files: list[ImportFile]) -> str:
    """SHA-256 over the files' bytes (in name order)."""
    digest = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.name):
        digest.update(f.data)
    return digest.hexdigest()


def today() -> dt.date:
    """Today's date (one place, so tests can rely on it)."""
    return dt.date.today()

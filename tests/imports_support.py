"""Helpers for the import tests: a small Kreis with geometry, CSV/XLSX/GIS files built by
code (never committed binaries), and the database fingerprint.

The Kreis 05999 ("Testkreis") has Kommunen 05999004 (Adorf) and 05999008 (Bestadt);
Adorf has Sozialräume 05999004-01 (Nord) and 05999004-02 (Süd), Bestadt 05999008-01
(Mitte). Geometry: 0.1° squares near Neuss (Adorf west, Bestadt east).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import box, mapping
from sqlalchemy import Engine, insert, select

from core.imports import ImportFile
from core.inventory import data_fingerprint
from core.models import Area, Population, YouthOffice

LON0, LAT0 = 6.5, 51.1
ADORF = box(LON0, LAT0, LON0 + 0.1, LAT0 + 0.1)
BESTADT = box(LON0 + 0.1, LAT0, LON0 + 0.2, LAT0 + 0.1)
NORD = box(LON0, LAT0 + 0.05, LON0 + 0.1, LAT0 + 0.1)
SUED = box(LON0, LAT0, LON0 + 0.1, LAT0 + 0.05)
MITTE = BESTADT
AREA_IDS = ["05999", "05999004", "05999008", "05999004-01", "05999004-02", "05999008-01"]


def _gj(geom: Any) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def add_test_areas(engine: Engine) -> None:
    """The Testkreis with two Kommunen and three Sozialräume (see module docstring)."""
    with engine.begin() as conn:
        conn.execute(insert(YouthOffice), [{"id": "ja_a", "name": "Jugendamt Adorf"}])
        conn.execute(
            insert(Area),
            [
                {
                    "id": "05999",
                    "name": "Testkreis",
                    "level": "district",
                    "parent_id": None,
                    "youth_office_id": None,
                    "geometry": _gj(ADORF.union(BESTADT)),
                },
                {
                    "id": "05999004",
                    "name": "Adorf",
                    "level": "municipality",
                    "parent_id": "05999",
                    "youth_office_id": "ja_a",
                    "geometry": _gj(ADORF),
                },
                {
                    "id": "05999008",
                    "name": "Bestadt",
                    "level": "municipality",
                    "parent_id": "05999",
                    "youth_office_id": None,
                    "geometry": _gj(BESTADT),
                },
                {
                    "id": "05999004-01",
                    "name": "Nord",
                    "level": "area",
                    "parent_id": "05999004",
                    "youth_office_id": "ja_a",
                    "geometry": _gj(NORD),
                },
                {
                    "id": "05999004-02",
                    "name": "Süd",
                    "level": "area",
                    "parent_id": "05999004",
                    "youth_office_id": "ja_a",
                    "geometry": _gj(SUED),
                },
                {
                    "id": "05999008-01",
                    "name": "Mitte",
                    "level": "area",
                    "parent_id": "05999008",
                    "youth_office_id": None,
                    "geometry": _gj(MITTE),
                },
            ],
        )


def csv_file(
    name: str, rows: list[list[Any]], sep: str = ";", encoding: str = "utf-8-sig"
) -> ImportFile:
    """A CSV file as German Excel writes it (by default): ``;``, UTF-8 with BOM, CRLF."""
    text = "\r\n".join(sep.join(str(c) for c in r) for r in rows) + "\r\n"
    return ImportFile(name, text.encode(encoding))


def xlsx_file(
    name: str, rows: list[list[Any]], sheet: str = "Daten", first: str | None = None
) -> ImportFile:
    """An XLSX file with ``rows`` on ``sheet`` (and an empty sheet ``first`` before it)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if first:
        ws.title = first
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return ImportFile(name, buf.getvalue())


def geojson_file(name: str, features: list[dict[str, Any]], crs: str | None = None) -> ImportFile:
    """A GeoJSON FeatureCollection; ``features`` are (properties | {"geometry": shapely})."""
    fc: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {k: v for k, v in f.items() if k != "geometry"},
                "geometry": mapping(f["geometry"]) if f["geometry"] is not None else None,
            }
            for f in features
        ],
    }
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    return ImportFile(name, json.dumps(fc).encode())


def gis_files(
    tmp: Path,
    gdf: gpd.GeoDataFrame,
    driver: str,
    name: str,
    *,
    drop: tuple[str, ...] = (),
    zipped: bool = False,
    layer: str | None = None,
) -> list[ImportFile]:
    """Write ``gdf`` with a GDAL driver and return the files (optionally zipped, optionally
    without some sidecar suffixes, e.g. ``drop=(".prj",)``)."""
    folder = tmp / f"gis_{name}"
    folder.mkdir(exist_ok=True)
    path = folder / name
    gdf.to_file(
        path,
        driver=driver,
        layer=layer,
        engine="pyogrio",
        **({"mode": "a"} if layer and path.exists() else {}),
    )
    files = [
        ImportFile(p.name, p.read_bytes())
        for p in sorted(folder.iterdir())
        if p.suffix.lower() not in drop
    ]
    if not zipped:
        return files
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in files:
            zf.writestr(f"gemeinden/{f.name}", f.data)
    return [ImportFile(Path(name).stem + ".zip", buf.getvalue())]


def fingerprint(engine: Engine) -> str:
    """The content fingerprint of every data table."""
    with engine.connect() as conn:
        return data_fingerprint(conn)


# sample tables of the kinds population, offers and network status
POP_WIDE = [
    [
        "Gebiet",
        "Stichtag",
        "rund um die Geburt",
        "Krippe",
        "Kita",
        "Grundschule",
        "weiterführende Schule",
        "Übergang Schule–Beruf",
    ],
    ["05999004-01", "31.12.2024", "40", "1.210", "260", "330", "510", "560"],
    ["05999004-02", "31.12.2024", "22", "70", "75", "101", "150", "170"],
]
POP_LONG = [
    ["Gebiet", "Stichtag", "Lebensphase", "Kinder"],
    ["05999004-01", "31.12.2024", "crib", "1210"],
    ["05999004-01", "31.12.2024", "Kita (3–6)", "260"],
]
OFFERS = [
    [
        "Name",
        "Träger",
        "Angebotsart",
        "Lebensphasen",
        "Gebiet",
        "Breite",
        "Länge",
        "Plätze",
        "Aktiv ab",
        "Aktiv bis",
    ],
    [
        "Kita Sonnenschein",
        "Stadt Adorf",
        "Betreuung",
        "Krippe, Kita",
        "05999004-01",
        "",
        "",
        "60",
        "01.08.2019",
        "",
    ],
    [
        "Elterncafé",
        "Caritas",
        "Begegnung",
        "rund um die Geburt",
        "",
        "51,12",
        "6,55",
        "",
        "01.01.2022",
        "",
    ],
]
STATUS = [
    [
        "Netzwerk",
        "Quartal",
        "Stufe",
        "Ampel",
        "Partner",
        "Treffen",
        "Qualitätsbausteine",
        "Ziele",
        "Netzwerkart",
        "Gebiet",
        "Jugendamt",
    ],
    [
        "Frühe Hilfen Adorf",
        "2025-Q2",
        "1",
        "grün",
        "12",
        "2",
        "1",
        "Überblick",
        "fruehe_hilfen",
        "05999004",
        "Jugendamt Adorf",
    ],
    [
        "Frühe Hilfen Adorf",
        "3. Quartal 2025",
        "Kooperationsnetzwerk",
        "gelb",
        "14",
        "1",
        "1, 2",
        "Übergänge",
        "",
        "",
        "",
    ],
]


def children(engine: Engine) -> dict[tuple[str, str], int]:
    """Children per (area, life phase) as stored."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Population.area_id, Population.life_phase_id, Population.children)
        )
        return {(a, p): n for a, p, n in rows}

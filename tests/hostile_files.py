"""Hostile import files built by code: reworked XLSX parts, OLE containers (encrypted
workbooks, old .xls), zip bombs, lying and traversing archives; and the check that a
rejection is a safe German message (no temporary path, no English library text)."""

from __future__ import annotations

import io
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd

from core.db import make_engine, migrate
from core.errors import DataError
from core.imports import ImportFile
from tests.imports_support import NORD, SUED, add_test_areas, gis_files, xlsx_file

#: English phrases of Python, zipfile, zlib, lxml, openpyxl, GDAL, pyproj, shapely
ENGLISH = re.compile(
    r"\b(?:Traceback|\w*Error|\w*Exception|errno|No such file|not a zip|Bad CRC|Bad magic|"
    r"Failed to|failed|not recognized|not supported|unsupported|cannot|could not|unable to|"
    r"line contains|field larger|codec|decode|invalid|unexpected|expected|object has no|"
    r"NoneType|index out of range|list index|IllegalArgument|LinearRing|GEOS|GDAL|OGR|"
    r"pyogrio|openpyxl|lxml|zlib|There is no item|Unterminated|syntax error|Too few points)\b",
    re.IGNORECASE,
)
GERMAN_HEAD = "Die Daten wurden nicht übernommen"
TEMP_MARKERS = (tempfile.gettempdir(), "/tmp", "praev-import-", "/var/folders", "\\Temp\\")


def assert_safe(exc: DataError, names: list[str]) -> None:
    """A rejection a user can read: German, with a fix, naming the uploaded file, and
    without temporary paths or library text."""
    text = str(exc)
    assert exc.problems, text
    assert text.startswith(GERMAN_HEAD), text
    for marker in TEMP_MARKERS:
        assert marker not in text, text
    for p in exc.problems:
        assert p.problem and p.fix, p
        assert not ENGLISH.search(p.problem), p.problem
        assert not ENGLISH.search(p.fix), p.fix
        assert any(n in p.file or p.file in n for n in names), (p.file, names)


@contextmanager
def sqlite_with_areas() -> Iterator:  # type: ignore[type-arg]
    """A fresh SQLite database with the Testkreis (fast, for many examples)."""
    from core.catalogue import load_catalogue

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'hostile.sqlite'}")
        migrate(engine)
        with engine.begin() as conn:
            load_catalogue(conn)
        add_test_areas(engine)
        yield engine
        engine.dispose()


# --- XLSX -------------------------------------------------------------------------------

VALUES = [
    ["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner"],
    ["sgb2_u15", "05999004-01", "31.12.2024", 120, 1000],
    ["sgb2_u15", "05999004-02", "31.12.2024", 80, 900],
]


CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
    b'openxmlformats.org/package/2006/metadata/core-properties"/>'
)


def stable(data: bytes) -> bytes:
    """The workbook with fixed timestamps (so that Hypothesis sees the same bytes)."""
    return rezip(data, {"docProps/core.xml": CORE_XML})


def good_xlsx(rows: list[list] | None = None) -> bytes:  # type: ignore[type-arg]
    """A valid workbook of indicator values (openpyxl), byte for byte reproducible."""
    return stable(xlsx_file("werte.xlsx", rows or VALUES).data)


FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def rezip(data: bytes, parts: dict[str, bytes | None], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The archive ``data`` with parts replaced (bytes), removed (None) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            if info.filename in parts:
                continue
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), src.read(info), method)
        for name, content in parts.items():
            if content is not None:
                dst.writestr(zipfile.ZipInfo(name, FIXED_TIME), content, method)
    return out.getvalue()


def xlsx_part(data: bytes, name: str) -> bytes:
    """One part of a workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def cfb(streams: list[str]) -> bytes:
    """A minimal OLE compound file (CFB v3, 512-byte sectors) with empty streams of these
    names: ``["EncryptionInfo", "EncryptedPackage"]`` is how Office stores a workbook with
    a password to open; ``["Workbook"]`` is an old .xls."""
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sect, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int, right: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", end, 0)
        )

    entries = [entry("Root Entry", 5, 1 if streams else free, free)]
    for i, name in enumerate(streams, 1):
        entries.append(entry(name, 2, free, i + 1 if i < len(streams) else free))
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


# --- ZIP --------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive of these members."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def write_bomb(target: io.BufferedIOBase | io.BytesIO, unpacked: int, member: str) -> None:
    """A ZIP whose one member is ``unpacked`` zero bytes (compressed ~1:1000), written in
    chunks so that building it needs little memory."""
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as out:
            left = unpacked
            while left > 0:
                out.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)


def zip_bomb(unpacked: int, member: str = "gemeinden.shp") -> bytes:
    """A small zip bomb in memory (tests use lowered limits)."""
    buf = io.BytesIO()
    write_bomb(buf, unpacked, member)
    return buf.getvalue()


def lying_zip(real: int, declared: int, member: str = "gemeinden.dbf") -> bytes:
    """A ZIP whose directory (and local header) declares ``declared`` bytes for a member
    that inflates to ``real`` bytes."""
    data = bytearray(zip_of({member: b"\0" * real}))
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def encrypted_flag(data: bytes) -> bytes:
    """The archive with every member marked as encrypted (traditional PKWARE)."""
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (pos := out.find(sig, start)) >= 0:
            flags = struct.unpack_from("<H", out, pos + offset)[0]
            struct.pack_into("<H", out, pos + offset, flags | 1)
            start = pos + 4
    return bytes(out)


def shapefile_members(tmp: Path) -> dict[str, bytes]:
    """The files of a small valid Sozialraum shapefile (.shp, .shx, .dbf, .prj, .cpg)."""
    gdf = gpd.GeoDataFrame(
        {
            "id": ["05999004-01", "05999004-02"],
            "name": ["Nord", "Süd"],
            "kommune": ["05999004", "05999004"],
        },
        geometry=[NORD, SUED],
        crs="EPSG:4326",
    )
    return {f.name: f.data for f in gis_files(tmp, gdf, "ESRI Shapefile", "sozialraeume.shp")}


def shapefile_zip(tmp: Path, folder: str = "sozialraeume/") -> ImportFile:
    """The shapefile as a ZIP, as users send it."""
    members = {folder + k: v for k, v in shapefile_members(tmp).items()}
    return ImportFile("sozialraeume.zip", zip_of(members))

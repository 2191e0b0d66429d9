"""Hostile XLSX files: each known way a workbook breaks gives its own German problem, and
Hypothesis (mutated bytes, mutated structures) finds no crash and no leak."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine

from core.errors import DataError
from core.imports import ImportFile, Plan, preview
from tests.hostile_files import (
    assert_safe,
    cfb,
    good_xlsx,
    rezip,
    sqlite_with_areas,
    stable,
    xlsx_part,
    zip_bomb,
)

SHEET = "xl/worksheets/sheet1.xml"
KINDS = ["indicators", "population", "offers", "networks"]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def db() -> Iterator[Engine]:
    with sqlite_with_areas() as engine:
        yield engine


def rejected(
    db: Engine, data: bytes, kind: str = "indicators", name: str = "werte.xlsx"
) -> DataError:
    with pytest.raises(DataError) as info:
        preview(db, kind, [ImportFile(name, data)])
    assert_safe(info.value, [name])
    return info.value


def plan_or_safe_error(db: Engine, kind: str, file: ImportFile) -> None:
    try:
        plan = preview(db, kind, [file])
    except DataError as exc:
        assert_safe(exc, [file.name])
        return
    assert isinstance(plan, Plan)


def with_sheet(xml_change: tuple[bytes, bytes]) -> bytes:
    data = good_xlsx()
    old, new = xml_change
    return rezip(data, {SHEET: xlsx_part(data, SHEET).replace(old, new)})


# --- finding 7: crashes instead of messages --------------------------------------------


def test_workbook_without_sheets_is_a_problem_not_an_index_error(db: Engine) -> None:
    data = good_xlsx()
    book = xlsx_part(data, "xl/workbook.xml").decode()
    broken = rezip(data, {"xl/workbook.xml": re.sub(r"<sheets>.*</sheets>", "<sheets/>", book)})
    exc = rejected(db, broken.encode() if isinstance(broken, str) else broken)
    assert "kein Tabellenblatt" in exc.problems[0].problem


@pytest.mark.parametrize(
    ("part", "content", "message"),
    [
        (SHEET, b"<worksheet><sheetData><row", "kein gültiges XML"),
        ("[Content_Types].xml", None, "fehlt ein notwendiger Teil"),
        ("xl/workbook.xml", None, "fehlt ein notwendiger Teil"),
        ("[Content_Types].xml", b"<Types/>", "beschädigt"),
        (
            SHEET,
            b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<worksheet><sheetData><row><c t='inlineStr'><is><t>&b;</t></is></c></row>"
            b"</sheetData></worksheet>",
            "XML-Definitionen",
        ),
    ],
    ids=["sheet-xml", "no-content-types", "no-workbook", "wrong-types", "dtd"],
)
def test_broken_parts_give_german_problems(
    db: Engine, part: str, content: bytes | None, message: str
) -> None:
    exc = rejected(db, rezip(good_xlsx(), {part: content}))
    assert message in exc.problems[0].problem


def test_broken_shared_strings(db: Engine) -> None:
    data = good_xlsx()
    types = xlsx_part(data, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    cell = b'<row r="4"><c r="A4" t="s"><v>0</v></c></row></sheetData>'
    sheet = xlsx_part(data, SHEET).replace(b"</sheetData>", cell)
    parts = {"[Content_Types].xml": types, SHEET: sheet, "xl/sharedStrings.xml": b"<sst><si><t>x"}
    exc = rejected(db, rezip(data, parts))
    assert "kein gültiges XML" in exc.problems[0].problem


def test_truncated_workbook(db: Engine) -> None:
    data = good_xlsx()
    exc = rejected(db, data[: len(data) // 2])
    assert "kann nicht gelesen werden" in exc.problems[0].problem


def test_date_number_out_of_range_names_its_row(db: Engine) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner"])
    ws.append(["sgb2_u15", "05999004-01", 10**12, 1, 10])
    ws["C2"].number_format = "DD.MM.YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    exc = rejected(db, buf.getvalue())
    assert any(p.row == 2 for p in exc.problems), exc.problems


# --- finding 10: unclear messages -------------------------------------------------------


def test_password_protected_workbook_says_so_and_how_to_fix(db: Engine) -> None:
    exc = rejected(db, cfb(["EncryptionInfo", "EncryptedPackage"]))
    p = exc.problems[0]
    assert "Kennwort" in p.problem and "beschädigt" not in p.problem
    assert "ohne Kennwort" in p.fix


def test_password_protected_workbook_uploaded_as_csv(db: Engine) -> None:
    exc = rejected(db, cfb(["EncryptionInfo", "EncryptedPackage"]), name="werte.csv")
    assert "Kennwort" in exc.problems[0].problem


def test_old_xls_named_xlsx(db: Engine) -> None:
    exc = rejected(db, cfb(["Workbook"]))
    assert "alten Excel-Format" in exc.problems[0].problem


# --- finding 8: limits ------------------------------------------------------------------


def test_xlsx_bomb_is_refused_before_unpacking(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAEV_IMPORT_MAX_UNPACKED_MB", "5")
    bomb = zip_bomb(20 * 1024 * 1024, "xl/media/image1.bin")
    data = rezip(good_xlsx(), {"xl/media/image1.bin": None})
    import zipfile

    with zipfile.ZipFile(io.BytesIO(bomb)) as zb:
        big = zb.read("xl/media/image1.bin")
    start = time.perf_counter()
    exc = rejected(db, rezip(data, {"xl/media/image1.bin": big}))
    assert "entpackt zu groß" in exc.problems[0].problem
    assert time.perf_counter() - start < 2


def test_highly_compressed_member_is_refused(db: Engine) -> None:
    bomb = rezip(good_xlsx(), {"xl/media/image1.bin": b"\0" * (8 * 1024 * 1024)})
    exc = rejected(db, bomb)
    assert "stark komprimiert" in exc.problems[0].problem


def test_forged_dimension_does_not_pad_rows(db: Engine) -> None:
    data = with_sheet((b'<dimension ref="A1:E3"/>', b'<dimension ref="A1:XFD1048576"/>'))
    start = time.perf_counter()
    plan = preview(db, "indicators", [ImportFile("werte.xlsx", data)])
    assert plan.counts()["neu"] == 2
    assert time.perf_counter() - start < 5


def test_forged_row_number_is_refused(db: Engine) -> None:
    far = b'<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>x</t></is></c></row>'
    exc = rejected(db, with_sheet((b"</sheetData>", far + b"</sheetData>")))
    assert "mehr Zeilen, als Excel kennt" in exc.problems[0].problem


def test_values_beyond_the_column_limit_are_refused(db: Engine) -> None:
    wide = b'<row r="4"><c r="XFD4" t="inlineStr"><is><t>x</t></is></c></row>'
    exc = rejected(db, with_sheet((b"</sheetData>", wide + b"</sheetData>")))
    assert "mehr als 2.000 Spalten" in exc.problems[0].problem


def test_row_limit(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAEV_IMPORT_MAX_ROWS", "1")
    exc = rejected(db, good_xlsx())
    assert "mehr als 1 Datenzeilen" in exc.problems[0].problem


# --- fuzzing ----------------------------------------------------------------------------


@st.composite
def mutated_bytes(draw) -> bytes:
    data = bytearray(good_xlsx())
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif data:
            del data[pos : pos + draw(st.integers(1, 64))]
    return bytes(data)


CELL = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),
    st.sampled_from(["=A1+1", "=1/0", "=SUMME(A:A)", "k.A.", "05999004-01", "sgb2_u15", "2025-Q2"]),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.none(),
)
HEADERS = ["Indikator", "Gebiet", "Stichtag", "Zähler", "Nenner", "Kinder", "Lebensphase"]
HEADERS += ["Name", "Träger", "Angebotsart", "Netzwerk", "Quartal", "Stufe", "Ampel", "2024"]


@st.composite
def built_workbook(draw) -> bytes:
    """A workbook as openpyxl writes it, with formulas, merged cells, dates as numbers
    with a date format, empty first sheets and odd titles."""
    wb = Workbook()
    ws = wb.active
    if draw(st.booleans()):
        ws.title = "Leer"
        ws = wb.create_sheet("Daten")
    ws.append(draw(st.lists(st.sampled_from(HEADERS), max_size=7, unique=True)))
    for row in draw(st.lists(st.lists(CELL, max_size=7), max_size=5)):
        ws.append(row)
    if draw(st.booleans()) and ws.max_row > 1:
        ws.merge_cells(start_row=2, start_column=1, end_row=ws.max_row, end_column=2)
    if draw(st.booleans()):
        cell = ws.cell(row=2, column=3, value=draw(st.integers(-(10**9), 10**9)))
        cell.number_format = draw(st.sampled_from(["DD.MM.YYYY", "hh:mm", "[h]:mm:ss"]))
    buf = io.BytesIO()
    wb.save(buf)
    return stable(buf.getvalue())


@st.composite
def mutated_structure(draw) -> bytes:
    data = draw(built_workbook())
    parts = [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        SHEET,
        "xl/sharedStrings.xml",
        "docProps/app.xml",
    ]
    op = draw(
        st.sampled_from(
            ["drop", "garbage", "mutate", "dimension", "content-types", "encrypted", "bomb-ish"]
        )
    )
    if op == "encrypted":
        return cfb(draw(st.sampled_from([["EncryptionInfo", "EncryptedPackage"], ["Workbook"]])))
    part = draw(st.sampled_from(parts))
    if op == "drop":
        return rezip(data, {part: None})
    if op == "garbage":
        return rezip(data, {part: draw(st.binary(max_size=200))})
    if op == "dimension":
        ref = draw(st.sampled_from(["A1:XFD1048576", "A0:B0", "ZZZZ1", "A1:A", "", "-1"]))
        return with_sheet((b'<dimension ref="A1:E3"/>', f'<dimension ref="{ref}"/>'.encode()))
    if op == "content-types":
        ct = draw(st.sampled_from([b"<Types/>", b"", b"<Types><Default Extension='xml'/></Types>"]))
        return rezip(data, {"[Content_Types].xml": ct})
    if op == "bomb-ish":
        return rezip(data, {"xl/media/x.bin": b"\0" * draw(st.integers(0, 3 * 1024 * 1024))})
    try:
        text = bytearray(xlsx_part(data, part))
    except KeyError:
        return data
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        pos = draw(st.integers(0, len(text) - 1))
        text[pos : pos + draw(st.integers(0, 8))] = draw(
            st.sampled_from([b"<", b">", b"&", b'"', b"&#0;", b'r="0"', b't="d"', b"\xff", b""])
        )
    return rezip(data, {part: bytes(text)})


@FUZZ
@given(data=mutated_bytes(), kind=st.sampled_from(KINDS))
def test_mutated_xlsx_bytes_give_a_plan_or_a_safe_error(db: Engine, data: bytes, kind: str) -> None:
    plan_or_safe_error(db, kind, ImportFile("daten.xlsx", data))


@FUZZ
@given(data=mutated_structure(), kind=st.sampled_from(KINDS))
def test_mutated_xlsx_structures_give_a_plan_or_a_safe_error(
    db: Engine, data: bytes, kind: str
) -> None:
    plan_or_safe_error(db, kind, ImportFile("daten.xlsx", data))

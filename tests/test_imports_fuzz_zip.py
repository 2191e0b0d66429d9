"""Hostile ZIP uploads (shapefile archives): bombs, lying directories, traversal, nesting,
encryption, too many files; and Hypothesis over mutated archives: a plan or a safe
German DataError, never a crash, never a temporary path."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.errors import DataError
from core.imports import ImportFile, Plan, preview
from core.imports.geofiles import fields, layers
from tests.hostile_files import (
    assert_safe,
    encrypted_flag,
    lying_zip,
    shapefile_members,
    shapefile_zip,
    sqlite_with_areas,
    zip_bomb,
    zip_of,
)


@pytest.fixture(scope="module")
def db() -> Iterator[Engine]:
    with sqlite_with_areas() as engine:
        yield engine


@pytest.fixture(scope="module")
def shp(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return shapefile_members(tmp_path_factory.mktemp("shp"))


def rejected(db: Engine, data: bytes, name: str = "gebiete.zip") -> DataError:
    with pytest.raises(DataError) as info:
        preview(db, "areas", [ImportFile(name, data)])
    assert_safe(info.value, [name])
    return info.value


def test_valid_shapefile_zip_is_read(db: Engine, tmp_path: Path) -> None:
    plan = preview(db, "areas", [shapefile_zip(tmp_path)])
    assert plan.counts()["geändert"] == 2


def test_zip_in_zip_is_unpacked(db: Engine, shp: dict[str, bytes]) -> None:
    inner = zip_of(shp)
    plan = preview(db, "areas", [ImportFile("download.zip", zip_of({"gebiete.zip": inner}))])
    assert plan.counts()["geändert"] == 2


def test_too_deep_nesting(db: Engine, shp: dict[str, bytes]) -> None:
    deep = zip_of({"c.zip": zip_of({"b.zip": zip_of(shp)})})
    assert "verschachtelt" in rejected(db, deep).problems[0].problem


def test_bomb_over_the_size_limit_is_refused_quickly(
    db: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRAEV_IMPORT_MAX_UNPACKED_MB", "10")
    monkeypatch.setenv("PRAEV_IMPORT_MAX_RATIO", "100000")
    bomb = zip_bomb(50 * 1024 * 1024)
    start = time.perf_counter()
    assert "entpackt zu groß" in rejected(db, bomb).problems[0].problem
    assert time.perf_counter() - start < 1


def test_bomb_is_refused_by_its_ratio(db: Engine) -> None:
    assert "stark komprimiert" in rejected(db, zip_bomb(5 * 1024 * 1024)).problems[0].problem


def test_lying_directory_is_stopped_while_unpacking(db: Engine) -> None:
    exc = rejected(db, lying_zip(real=5 * 1024 * 1024, declared=1000))
    assert "beschädigt" in exc.problems[0].problem


@pytest.mark.parametrize(
    "member", ["../../etc/gemeinden.shp", "/etc/gemeinden.shp", "..\\..\\x.shp", "C:/x.shp"]
)
def test_path_traversal_is_refused(db: Engine, member: str) -> None:
    exc = rejected(db, zip_of({member: b"x"}))
    assert "hinausführt" in exc.problems[0].problem


def test_too_many_files(db: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRAEV_IMPORT_MAX_FILES", "3")
    exc = rejected(db, zip_of({f"f{i}.txt": b"x" for i in range(5)}))
    assert "zu viele Dateien" in exc.problems[0].problem


def test_encrypted_zip(db: Engine, tmp_path: Path) -> None:
    exc = rejected(db, encrypted_flag(shapefile_zip(tmp_path).data))
    assert "Passwort" in exc.problems[0].problem


def test_upload_limit(db: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRAEV_IMPORT_MAX_UPLOAD_MB", "1")
    big = ImportFile("gross.zip", b"PK\x03\x04" + b"\0" * (2 * 1024 * 1024))
    with pytest.raises(DataError) as info:
        preview(db, "areas", [big])
    assert_safe(info.value, ["gross.zip"])
    assert "zu groß" in info.value.problems[0].problem


def test_unusual_upload_names_stay_in_the_work_folder(db: Engine, shp: dict[str, bytes]) -> None:
    files = [ImportFile(f"../../{name}", data) for name, data in shp.items()]
    plan = preview(db, "areas", files)
    assert plan.counts()["geändert"] == 2


@pytest.mark.parametrize("prj", [b"GEOGCS[kaputt", b"garbage nonsense", b"\xff\xfe\x00"])
def test_garbage_prj_is_named_not_missing(db: Engine, shp: dict[str, bytes], prj: bytes) -> None:
    members = {k: (prj if k.endswith(".prj") else v) for k, v in shp.items()}
    problem = rejected(db, zip_of(members)).problems[0].problem
    assert ".prj" in problem and "ungültig" in problem and "fehlt" not in problem


def test_choice_lists_of_a_broken_zip_are_empty_not_errors() -> None:
    bomb = [ImportFile("b.zip", zip_bomb(5 * 1024 * 1024))]
    assert layers(bomb) == [] and fields(bomb) == []


# --- fuzzing ----------------------------------------------------------------------------

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def hostile_zips(draw, shp: dict[str, bytes]) -> bytes:  # type: ignore[no-untyped-def]
    op = draw(st.sampled_from(["bytes", "member", "drop", "names", "nest", "bomb"]))
    members = dict(shp)
    if op == "drop":
        for name in draw(st.lists(st.sampled_from(sorted(members)), max_size=3, unique=True)):
            members.pop(name)
    elif op == "member":
        name = draw(st.sampled_from(sorted(members)))
        data = bytearray(members[name])
        for _ in range(draw(st.integers(1, 6))):
            if not data:
                break
            pos = draw(st.integers(0, len(data) - 1))
            data[pos : pos + draw(st.integers(0, 16))] = draw(st.binary(max_size=8))
        members[name] = bytes(data)
    elif op == "names":
        prefix = draw(st.sampled_from(["", "a/", "../", "/", ".hidden/", "__MACOSX/", "x\\"]))
        members = {prefix + k: v for k, v in members.items()}
    elif op == "nest":
        archive = zip_of(members)
        for _ in range(draw(st.integers(1, 3))):
            archive = zip_of({"inner.zip": archive})
        return archive
    elif op == "bomb":
        return zip_bomb(draw(st.integers(0, 3)) * 1024 * 1024, draw(st.sampled_from(sorted(shp))))
    archive = bytearray(zip_of(members))
    if op == "bytes":
        for _ in range(draw(st.integers(1, 8))):
            pos = draw(st.integers(0, len(archive) - 1))
            archive[pos] ^= draw(st.integers(1, 255))
        if draw(st.booleans()):
            del archive[draw(st.integers(0, len(archive) - 1)) :]
    return bytes(archive)


def test_mutated_shapefile_zips_give_a_plan_or_a_safe_error(
    db: Engine, shp: dict[str, bytes]
) -> None:
    @FUZZ
    @given(data=hostile_zips(shp))
    def check(data: bytes) -> None:
        file = ImportFile("gebiete.zip", data)
        try:
            plan = preview(db, "areas", [file])
        except DataError as exc:
            assert_safe(exc, [file.name])
            return
        assert isinstance(plan, Plan)
        layers([file])
        fields([file])

    check()

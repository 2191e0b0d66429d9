"""Hostile GeoJSON: unclosed rings, NaN and huge coordinates, wrong types, missing and
nested geometry; Hypothesis over mutated texts and structures: a plan or a safe German
DataError, never a crash, never GDAL's English text or a temporary path."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from core.errors import DataError
from core.imports import ImportFile, Plan, preview
from tests.hostile_files import assert_safe, sqlite_with_areas

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RING = [[6.5, 51.15], [6.6, 51.15], [6.6, 51.2], [6.5, 51.2], [6.5, 51.15]]


@pytest.fixture(scope="module")
def db() -> Iterator[Engine]:
    with sqlite_with_areas() as engine:
        yield engine


def collection(geometry: Any, **props: Any) -> bytes:
    properties = {"id": "05999004-01", "name": "Nord", "kommune": "05999004", **props}
    feature = {"type": "Feature", "properties": properties, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def outcome(db: Engine, data: bytes, name: str = "gebiete.geojson") -> Plan | DataError:
    try:
        return preview(db, "areas", [ImportFile(name, data)])
    except DataError as exc:
        assert_safe(exc, [name])
        return exc


def test_unclosed_ring_is_refused_with_its_row(db: Engine) -> None:
    refused = outcome(db, collection({"type": "Polygon", "coordinates": [RING[:-1]]}))
    assert isinstance(refused, DataError)
    assert any("nicht geschlossen" in p.problem and p.row == 1 for p in refused.problems)


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Polygon", "coordinates": [RING[:2]]},
        {"type": "Polygon", "coordinates": [[[6.5, 51.15], [math.nan, 51.2], [6.5, 51.15]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1e308, 0], [1e308, 1e308], [0, 0]]]},
        {"type": "Polygon", "coordinates": "kaputt"},
        {"type": "Kreis", "coordinates": [1]},
        None,
        {"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection"}]},
    ],
    ids=["two-points", "nan", "huge", "wrong-type", "unknown-type", "missing", "nested"],
)
def test_broken_geometry_gives_a_safe_german_problem(db: Engine, geometry: Any) -> None:
    result = outcome(db, collection(geometry))
    assert isinstance(result, DataError)


def test_gdal_text_and_temp_paths_are_not_shown(db: Engine) -> None:
    exc = outcome(db, b'{"type": "FeatureCollection", "features": [')
    assert isinstance(exc, DataError)
    assert "GeoJSON" in exc.problems[0].problem


# --- fuzzing ----------------------------------------------------------------------------

NUMBER = st.one_of(
    st.floats(-200, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([6.55, 51.17, 1e308, -1e308, 0]),
)
POINT = st.lists(NUMBER, min_size=0, max_size=4)
RINGS = st.lists(st.lists(POINT, max_size=6), max_size=3)


def geometries() -> st.SearchStrategy[Any]:
    simple = st.one_of(
        st.builds(lambda c: {"type": "Polygon", "coordinates": c}, RINGS),
        st.builds(lambda c: {"type": "MultiPolygon", "coordinates": [c]}, RINGS),
        st.builds(lambda c: {"type": "Point", "coordinates": c}, POINT),
        st.builds(lambda c: {"type": "LineString", "coordinates": c}, st.lists(POINT, max_size=4)),
        st.just({"type": "Polygon", "coordinates": [RING]}),
        st.just({"type": "Polygon", "coordinates": [RING[:-1]]}),
        st.sampled_from([None, {}, [], "Polygon", 5, {"type": "Polygon"}]),
    )
    return st.recursive(
        simple,
        lambda inner: st.builds(
            lambda g: {"type": "GeometryCollection", "geometries": g},
            st.lists(inner, max_size=3),
        ),
        max_leaves=6,
    )


VALUE = st.one_of(
    st.sampled_from(["05999004-01", "05999004-02", "05999004", "", None, 5, 1e308, True]),
    st.text(max_size=10),
    st.lists(st.integers(), max_size=2),
)


@st.composite
def collections(draw) -> bytes:  # type: ignore[no-untyped-def]
    features = []
    for _ in range(draw(st.integers(0, 4))):
        feature: dict[str, Any] = {"type": draw(st.sampled_from(["Feature", "feature", 7]))}
        if draw(st.booleans()):
            keys = st.sampled_from(["id", "name", "kommune", "AGS", "GEN", "x"])
            feature["properties"] = draw(st.dictionaries(keys, VALUE, max_size=4))
        if draw(st.integers(0, 9)):
            feature["geometry"] = draw(geometries())
        features.append(feature)
    top: dict[str, Any] = {"type": draw(st.sampled_from(["FeatureCollection", "Feature", "x"]))}
    top["features"] = features
    if draw(st.booleans()):
        name = draw(st.sampled_from(["EPSG:25832", "urn:ogc:def:crs:EPSG::4326", "kaputt"]))
        top["crs"] = {"type": "name", "properties": {"name": name}}
    return json.dumps(top, allow_nan=True).encode()


@st.composite
def mutated_texts(draw) -> bytes:  # type: ignore[no-untyped-def]
    data = bytearray(collection({"type": "Polygon", "coordinates": [RING]}))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data) - 1))
        data[pos : pos + draw(st.integers(0, 6))] = draw(
            st.sampled_from([b"", b"[", b"]", b"{", b'"', b"NaN", b"1e999", b"-", b"\xff", b","])
        )
    return bytes(data)


@FUZZ
@given(data=collections())
def test_geojson_structures_give_a_plan_or_a_safe_error(db: Engine, data: bytes) -> None:
    outcome(db, data)


@FUZZ
@given(data=mutated_texts())
def test_mutated_geojson_text_gives_a_plan_or_a_safe_error(db: Engine, data: bytes) -> None:
    outcome(db, data)

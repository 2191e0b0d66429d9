"""Geometry that would be stored broken is refused with a German message per row or file.

Degrees declared as UTM used to become an empty polygon ("1 geändert") that crashed every
report; an unclosed ring or a NaN coordinate crashed the import with a GEOSException.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box, shape
from sqlalchemy import Engine, select

from core.errors import DataError, Problem
from core.imports import ImportFile, ImportOptions, preview, run_import
from core.models import Area
from core.permissions import SYSTEM
from tests.imports_support import (
    ADORF,
    BESTADT,
    NORD,
    add_test_areas,
    fingerprint,
    geojson_file,
    gis_files,
)

KOMMUNEN = [
    {"AGS": "05888004", "GEN": "Adorf", "geometry": ADORF},
    {"AGS": "05888008", "GEN": "Bestadt", "geometry": BESTADT},
]
ENGLISH = ("Exception", "Self-intersection", "Too few points", "LinearRing", "/tmp")


@pytest.fixture
def areas(engine: Engine) -> Engine:
    add_test_areas(engine)
    return engine


def refused(engine: Engine, files: list[ImportFile], **options: object) -> list[Problem]:
    """Import; assert it is refused, nothing changed and every message is German."""
    before = fingerprint(engine)
    with pytest.raises(DataError) as info:
        run_import(
            engine, "areas", files, ImportOptions(**options), accept_warnings=True, user=SYSTEM
        )
    assert fingerprint(engine) == before
    for p in [*info.value.problems, *info.value.warnings]:
        assert p.fix
        assert not any(word in p.as_text() for word in ENGLISH), p.as_text()
    assert_no_empty_geometry(engine)
    return info.value.problems


def assert_no_empty_geometry(engine: Engine) -> None:
    with engine.connect() as conn:
        for area_id, text in conn.execute(select(Area.id, Area.geometry)):
            if text:
                geom = shape(json.loads(text))
                assert not geom.is_empty and geom.is_valid, area_id


def raw_geojson(name: str, coords_text: str, crs: str | None = None) -> ImportFile:
    """A GeoJSON file with one Kommune whose ring is written as raw JSON text (to hold
    NaN, Infinity or an unclosed ring)."""
    crs_part = f'"crs":{{"type":"name","properties":{{"name":"{crs}"}}}},' if crs else ""
    text = (
        f'{{"type":"FeatureCollection",{crs_part}"features":[{{"type":"Feature",'
        '"properties":{"AGS":"05888004","GEN":"Adorf"},'
        f'"geometry":{{"type":"Polygon","coordinates":[{coords_text}]}}}}]}}'
    )
    return ImportFile(name, text.encode())


def test_degrees_declared_as_utm_in_a_geojson_are_refused_with_the_likely_crs(
    areas: Engine,
) -> None:
    file = geojson_file("gemeinden.geojson", KOMMUNEN, crs="urn:ogc:def:crs:EPSG::25832")
    (p,) = refused(areas, [file])
    assert p.row is None and p.column == "Geometrie"
    assert "Die Datei gibt EPSG:25832 an" in p.problem
    assert "nicht in Deutschland" in p.problem
    assert "sehen nach Grad (EPSG:4326, WGS 84) aus" in p.problem
    assert "--crs EPSG:4326" in p.fix and ".prj" in p.fix


def test_degrees_in_a_shapefile_whose_prj_says_utm(areas: Engine, tmp_path: Path) -> None:
    wrong = gpd.GeoDataFrame(
        {"AGS": ["05888004", "05888008"], "GEN": ["Adorf", "Bestadt"]},
        geometry=[ADORF, BESTADT],
        crs="EPSG:25832",  # the coordinates are degrees
    )
    files = gis_files(tmp_path, wrong, "ESRI Shapefile", "gemeinden.shp", zipped=True)
    (p,) = refused(areas, files)
    assert "EPSG:25832" in p.problem and "--crs EPSG:4326" in p.fix


def test_a_wrong_crs_option_is_named_as_given(areas: Engine) -> None:
    file = geojson_file("gemeinden.geojson", KOMMUNEN)
    problems = refused(areas, [file], crs="EPSG:25832")
    (p,) = [p for p in problems if "Deutschland" in p.problem]
    assert "Angegeben ist EPSG:25832" in p.problem
    assert "--crs EPSG:4326" in p.fix


def test_utm_metres_declared_as_gauss_krueger_suggest_utm(areas: Engine) -> None:
    utm = gpd.GeoSeries([ADORF, BESTADT], crs=4326).to_crs(25832)
    features = [k | {"geometry": g} for k, g in zip(KOMMUNEN, utm, strict=True)]
    file = geojson_file("gemeinden.geojson", features, crs="urn:ogc:def:crs:EPSG::31467")
    (p,) = refused(areas, [file])
    assert "Die Datei gibt EPSG:31467 an" in p.problem
    assert "ETRS89/UTM Zone 32N (EPSG:25832)" in p.problem
    assert "--crs EPSG:25832" in p.fix


def test_one_feature_outside_germany_is_named_by_row(areas: Engine) -> None:
    paris = box(2.3, 48.8, 2.4, 48.9)
    file = geojson_file(
        "gemeinden.geojson",
        [*KOMMUNEN, {"AGS": "05888012", "GEN": "Cedorf", "geometry": paris}],
    )
    (p,) = refused(areas, [file])
    assert (p.row, p.column, p.value) == (3, "Geometrie", "05888012 Cedorf")
    assert "liegt nicht in Deutschland" in p.problem


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_coordinates_are_a_german_error(areas: Engine, bad: str) -> None:
    ring = f"[[6.5,51.1],[{bad},51.1],[6.6,51.2],[6.5,51.2],[6.5,51.1]]"
    problems = refused(areas, [raw_geojson("kaputt.geojson", ring)])
    assert problems
    assert all(p.row in (None, 1) for p in problems)
    assert any("unendlich" in p.problem for p in problems)


def test_nan_coordinate_is_reported_per_row_with_the_other_rows_checked(areas: Engine) -> None:
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"AGS": "05888004", "GEN": "Adorf"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [
                            [[6.5, 51.1], [float("nan"), 51.1], [6.6, 51.2], [6.5, 51.1]]
                        ],
                    },
                },
                {
                    "type": "Feature",
                    "properties": {"AGS": "05888008", "GEN": ""},
                    "geometry": json.loads(json.dumps(shapely.geometry.mapping(BESTADT))),
                },
            ],
        }
    )
    problems = refused(areas, [ImportFile("zwei.geojson", text.encode())])
    assert [(p.row, p.column) for p in problems] == [(1, "Geometrie"), (2, "GEN")]
    assert "keine Zahl oder unendlich" in problems[0].problem


def test_unclosed_ring_is_refused_and_never_stored(areas: Engine) -> None:
    file = raw_geojson("offen.geojson", "[[6.5,51.1],[6.6,51.1],[6.6,51.2],[6.5,51.2]]")
    before = fingerprint(areas)
    with pytest.raises(DataError) as info:
        run_import(areas, "areas", [file], accept_warnings=True, user=SYSTEM)
    assert any(p.row == 1 and "nicht geschlossen" in p.problem for p in info.value.problems)
    assert fingerprint(areas) == before


def test_ring_with_too_few_points_is_an_error_in_german(areas: Engine) -> None:
    file = raw_geojson("spitz.geojson", "[[6.5,51.1],[6.6,51.1],[6.5,51.1]]")
    problems = refused(areas, [file])
    assert [p.row for p in problems] == [1]


def test_a_geometry_that_vanishes_after_rounding_is_refused(areas: Engine) -> None:
    speck = box(6.5, 51.1, 6.5 + 2e-7, 51.1 + 2e-7)
    file = geojson_file("fleck.geojson", [{"AGS": "05888004", "GEN": "Adorf", "geometry": speck}])
    (p,) = refused(areas, [file])
    assert (p.row, p.column) == (1, "Geometrie")
    assert "keine Fläche" in p.problem


def test_repair_warning_gives_the_reason_in_german(engine: Engine) -> None:
    bow_tie = Polygon([(6.5, 51.1), (6.6, 51.2), (6.6, 51.1), (6.5, 51.2), (6.5, 51.1)])
    file = geojson_file(
        "schleife.geojson", [{"AGS": "05888004", "GEN": "Adorf", "geometry": bow_tie}]
    )
    (warning,) = preview(engine, "areas", [file]).warnings
    assert "die Umrisslinie schneidet sich selbst (bei Länge 6,55000, Breite 51,15000)" in (
        warning.problem
    )


def test_sozialraum_import_survives_a_stored_kommune_without_usable_geometry(
    areas: Engine,
) -> None:
    from sqlalchemy import update

    with areas.begin() as conn:
        conn.execute(
            update(Area)
            .where(Area.id == "05999004")
            .values(geometry='{"type":"Polygon","coordinates":[]}')
        )
    file = geojson_file(
        "sr.geojson",
        [{"id": "05999004-03", "name": "Ost", "kommune": "05999004", "geometry": NORD}],
    )
    result = run_import(areas, "areas", [file], accept_warnings=True, user=SYSTEM)
    assert result.counts["neu"] == 1


# ---------------------------------------------------------------- offer coordinates


def offer_row(**cells: str) -> list[list[str]]:
    from tests.imports_support import OFFERS

    row = [*OFFERS[2]]
    for column, value in cells.items():
        row[OFFERS[0].index(column)] = value
    return [OFFERS[0], row]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"Breite": "6,55", "Länge": "51,12"}, "offenbar vertauscht"),
        ({"Breite": "5660000", "Länge": "330000"}, "nicht in Deutschland"),
        ({"Breite": "51,12", "Länge": ""}, "Nur eine der beiden Koordinaten"),
    ],
)
def test_wrong_offer_coordinates_get_one_message_not_weder_gebiet_noch_koordinaten(
    areas: Engine, cells: dict[str, str], message: str
) -> None:
    from tests.imports_support import csv_file

    before = fingerprint(areas)
    with pytest.raises(DataError) as info:
        run_import(areas, "offers", [csv_file("angebote.csv", offer_row(**cells))], user=SYSTEM)
    assert [p.row for p in info.value.problems] == [2]
    (p,) = info.value.problems
    assert message in p.problem
    assert "Weder" not in p.problem and "keine Koordinaten" not in p.problem
    assert fingerprint(areas) == before


def test_offer_without_area_and_coordinates_says_what_to_fill_in(areas: Engine) -> None:
    from tests.imports_support import csv_file

    with pytest.raises(DataError) as info:
        run_import(
            areas, "offers", [csv_file("a.csv", offer_row(Breite="", Länge=""))], user=SYSTEM
        )
    (p,) = info.value.problems
    assert (p.row, p.column) == (2, "Gebiet")
    assert p.problem == "Die Gebietskennung fehlt, und es sind keine Koordinaten angegeben"


def test_offer_with_only_a_latitude_column_names_the_missing_column(areas: Engine) -> None:
    from tests.imports_support import csv_file

    rows = [[c for i, c in enumerate(r) if i != 6] for r in offer_row()]  # no "Länge"
    with pytest.raises(DataError) as info:
        run_import(areas, "offers", [csv_file("a.csv", rows)], user=SYSTEM)
    (p,) = info.value.problems
    assert (p.row, p.column, p.value) == (2, "Breite", "51,12")
    assert "die Spalte „Länge“ fehlt" in p.problem

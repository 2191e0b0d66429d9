"""Importing areas from GIS files: formats, CRS, field detection, repairs, nesting, VG250."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box, shape
from sqlalchemy import Engine, select

from core.areas import areas as all_areas
from core.areas import geometries
from core.errors import ConflictError, DataError
from core.imports import ImportFile, ImportOptions, preview, rollback_batch, run_import
from core.imports.areas import VG250_ATTRIBUTION
from core.models import AppMeta, Area
from core.permissions import SYSTEM
from tests.imports_support import (
    ADORF,
    BESTADT,
    add_test_areas,
    fingerprint,
    geojson_file,
    gis_files,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED_GEO = ROOT.parent / "shared" / "data" / "geo"
RKN = {
    "05162004": "Dormagen",
    "05162008": "Grevenbroich",
    "05162012": "Jüchen",
    "05162016": "Kaarst",
    "05162020": "Korschenbroich",
    "05162022": "Meerbusch",
    "05162024": "Neuss",
    "05162028": "Rommerskirchen",
}


def vg250_frame(crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    """Two Kommunen of a Kreis 05888 with VG250 field names."""
    gdf = gpd.GeoDataFrame(
        {
            "AGS": ["05888004", "05888008"],
            "GEN": ["Adorf", "Bestadt"],
            "BEZ": ["Stadt", "Gemeinde"],
        },
        geometry=[ADORF, BESTADT],
        crs="EPSG:4326",
    )
    return (
        gdf
        if crs == "EPSG:4326"
        else gdf.to_crs(crs)
        if crs
        else gdf.set_crs(None, allow_override=True)
    )


def stored_areas(engine: Engine) -> dict[str, tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(Area.id, Area.name, Area.level, Area.parent_id)).all()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def attribution(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            select(AppMeta.value).where(AppMeta.key == "geometry_attribution")
        ).scalar()


FORMATS = [
    ("geojson", lambda tmp: gis_files(tmp, vg250_frame(), "GeoJSON", "gemeinden.geojson")),
    (
        "shapefile-zipped-utm32",
        lambda tmp: gis_files(
            tmp, vg250_frame("EPSG:25832"), "ESRI Shapefile", "gemeinden.shp", zipped=True
        ),
    ),
    (
        "shapefile-with-sidecars-gauss-krueger",
        lambda tmp: gis_files(tmp, vg250_frame("EPSG:31466"), "ESRI Shapefile", "gemeinden.shp"),
    ),
    ("geopackage", lambda tmp: gis_files(tmp, vg250_frame("EPSG:25832"), "GPKG", "gemeinden.gpkg")),
]


@pytest.mark.parametrize("make", [f for _, f in FORMATS], ids=[n for n, _ in FORMATS])
def test_every_gis_format_imports_kommunen_with_their_kreis(
    engine: Engine, tmp_path: Path, make
) -> None:
    files = make(tmp_path)
    result = run_import(engine, "areas", files, user=SYSTEM)
    assert result.counts == {"neu": 2, "geändert": 0, "unverändert": 0}
    assert stored_areas(engine) == {
        "05888": ("Kreis 05888", "district", None),
        "05888004": ("Adorf", "municipality", "05888"),
        "05888008": ("Bestadt", "municipality", "05888"),
    }
    with engine.connect() as conn:
        gdf = geometries(conn, "municipality").set_index("id")
    # transformed back to degrees: the same square within a few centimetres
    assert gdf.loc["05888004"].geometry.symmetric_difference(ADORF).area < 1e-9
    assert attribution(engine) == VG250_ATTRIBUTION
    again = run_import(engine, "areas", make(tmp_path / "again") if False else files, user=SYSTEM)
    assert again.batch_id == 0


def test_geopackage_layer_is_chosen(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "gpkg"
    folder.mkdir()
    path = folder / "gebiete.gpkg"
    vg250_frame().to_file(path, layer="gemeinden", driver="GPKG")
    other = gpd.GeoDataFrame(
        {"id": ["x"], "name": ["Punkt"]}, geometry=[Point(6.6, 51.1)], crs=4326
    )
    other.to_file(path, layer="schulen", driver="GPKG", mode="a")
    files = [ImportFile(path.name, path.read_bytes())]
    with pytest.raises(DataError, match="2 Ebenen"):
        run_import(engine, "areas", files, user=SYSTEM)
    run_import(
        engine,
        "areas",
        files,
        ImportOptions(layer="gemeinden", district_name="Testkreis"),
        user=SYSTEM,
    )
    assert stored_areas(engine)["05888"] == ("Testkreis", "district", None)


def test_sozialraeume_with_parent_field_and_share_outside_warning(engine: Engine) -> None:
    add_test_areas(engine)
    sticking_out = box(6.55, 51.12, 6.65, 51.18)  # half in Adorf, half in Bestadt
    file = geojson_file(
        "sozialraeume.geojson",
        [
            {"id": "05999004-03", "name": "Ost", "kommune": "5999004", "geometry": sticking_out},
            {
                "id": "05999008-02",
                "name": "Feld",
                "kommune": "05999008",
                "geometry": box(6.62, 51.12, 6.68, 51.18),
            },
        ],
    )
    plan = preview(engine, "areas", [file])
    warning = next(w for w in plan.warnings if "außerhalb" in w.problem)
    assert "zu 50,0 % außerhalb seiner Kommune Adorf" in warning.problem
    assert warning.value == "05999004-03 Ost"
    run_import(engine, "areas", [file], accept_warnings=True, user=SYSTEM)
    stored = stored_areas(engine)
    assert stored["05999004-03"] == ("Ost", "area", "05999004")
    with engine.connect() as conn:
        offices = all_areas(conn).set_index("id")["youth_office_id"]
    assert offices["05999004-03"] == "ja_a"  # inherited from the Kommune


def test_invalid_geometry_is_repaired_with_a_warning_naming_the_feature(engine: Engine) -> None:
    bow_tie = Polygon([(6.5, 51.1), (6.6, 51.2), (6.6, 51.1), (6.5, 51.2), (6.5, 51.1)])
    assert not bow_tie.is_valid
    file = geojson_file(
        "schleife.geojson",
        [
            {"AGS": "05888004", "GEN": "Adorf", "geometry": bow_tie},
            {"AGS": "05888008", "GEN": "Bestadt", "geometry": BESTADT},
        ],
    )
    before = fingerprint(engine)
    with pytest.raises(DataError, match="Warnung"):
        run_import(engine, "areas", [file], user=SYSTEM)
    assert fingerprint(engine) == before
    plan = preview(engine, "areas", [file])
    (warning,) = plan.warnings
    assert "ungültig" in warning.problem and "repariert" in warning.problem
    assert (warning.row, warning.value) == (1, "05888004 Adorf")
    run_import(engine, "areas", [file], accept_warnings=True, user=SYSTEM)
    with engine.connect() as conn:
        geom = shape(
            json.loads(conn.execute(select(Area.geometry).where(Area.id == "05888004")).scalar())
        )
    assert geom.is_valid
    assert geom.area == pytest.approx(shapely.make_valid(bow_tie).area, rel=1e-3)


def test_rollback_of_areas_is_refused_while_values_refer_to_them(
    engine: Engine, tmp_path: Path
) -> None:
    from tests.imports_support import csv_file

    first = run_import(
        engine, "areas", gis_files(tmp_path, vg250_frame(), "GeoJSON", "g.geojson"), user=SYSTEM
    )
    values = run_import(
        engine,
        "indicators",
        [
            csv_file(
                "w.csv",
                [
                    ["Indikator", "Gebiet", "Stichtag", "Zähler"],
                    ["births", "05888004", "31.12.2024", "7"],
                ],
            )
        ],
        user=SYSTEM,
    )
    with pytest.raises(ConflictError, match="1 Indikatorwerte"):
        rollback_batch(engine, first.batch_id, user=SYSTEM)
    rollback_batch(engine, values.batch_id, user=SYSTEM)
    assert rollback_batch(engine, first.batch_id, user=SYSTEM) == 3
    assert stored_areas(engine) == {}


def _zip_without_prj(tmp: Path) -> list[ImportFile]:
    return gis_files(
        tmp, vg250_frame("EPSG:25832"), "ESRI Shapefile", "g.shp", drop=(".prj",), zipped=True
    )


BAD_GIS = [
    (
        "zipped-shapefile-without-prj",
        _zip_without_prj,
        "kein Koordinatensystem (die .prj-Datei fehlt)",
        None,
    ),
    (
        "shapefile-without-dbf",
        lambda tmp: gis_files(tmp, vg250_frame(), "ESRI Shapefile", "g.shp", drop=(".dbf",)),
        "fehlen die Begleitdateien .dbf",
        None,
    ),
    (
        "metres-in-a-geojson-without-crs",
        lambda tmp: [
            geojson_file(
                "meter.geojson",
                [
                    {
                        "AGS": "05888004",
                        "GEN": "Adorf",
                        "geometry": box(330000, 5660000, 337000, 5667000),
                    }
                ],
            )
        ],
        "Meter statt Grad",
        None,
    ),
    (
        "duplicate-ids",
        lambda tmp: [
            geojson_file(
                "doppelt.geojson",
                [
                    {"AGS": "05888004", "GEN": "Adorf", "geometry": ADORF},
                    {"AGS": "05888004", "GEN": "Bestadt", "geometry": BESTADT},
                ],
            )
        ],
        "Doppelte Kennung",
        2,
    ),
    (
        "points-instead-of-areas",
        lambda tmp: [
            geojson_file(
                "punkte.geojson",
                [{"AGS": "05888004", "GEN": "Adorf", "geometry": Point(6.6, 51.1)}],
            )
        ],
        "keine Fläche",
        1,
    ),
    (
        "no-features",
        lambda tmp: [geojson_file("leer.geojson", [])],
        "keine Objekte",
        None,
    ),
    (
        "unknown-parent",
        lambda tmp: [
            geojson_file(
                "sr.geojson",
                [{"id": "x-01", "name": "X", "kommune": "05111000", "geometry": ADORF}],
            )
        ],
        "übergeordnete Gebiet gibt es weder in der Datenbank noch in der Datei",
        1,
    ),
    (
        "no-id-field",
        lambda tmp: [geojson_file("ohne.geojson", [{"titel": "Adorf", "geometry": ADORF}])],
        "Feld für die Kennung wurde nicht gefunden",
        None,
    ),
    (
        "not-a-gis-file",
        lambda tmp: [ImportFile("gebiete.zip", b"PK\x03\x04 kaputt")],
        "ZIP-Datei ist beschädigt",
        None,
    ),
    (
        "unreadable-geojson",
        lambda tmp: [ImportFile("gebiete.geojson", b'{"type": "FeatureCollection", "features": [')],
        "kann nicht gelesen werden",
        None,
    ),
]


@pytest.mark.parametrize(
    ("make", "message", "row"), [b[1:] for b in BAD_GIS], ids=[b[0] for b in BAD_GIS]
)
def test_bad_gis_files_are_rejected_and_nothing_changes(
    engine: Engine, tmp_path: Path, make, message: str, row: int | None
) -> None:
    add_test_areas(engine)
    before = fingerprint(engine)
    files = make(tmp_path)
    with pytest.raises(DataError) as info:
        run_import(engine, "areas", files, accept_warnings=True, user=SYSTEM)
    matching = [p for p in info.value.problems if message in p.problem]
    assert matching, [p.problem for p in info.value.problems]
    assert matching[0].row == row
    assert matching[0].fix
    assert fingerprint(engine) == before


def test_the_crs_option_rescues_a_shapefile_without_prj(engine: Engine, tmp_path: Path) -> None:
    run_import(
        engine, "areas", _zip_without_prj(tmp_path), ImportOptions(crs="EPSG:25832"), user=SYSTEM
    )
    with engine.connect() as conn:
        gdf = geometries(conn, "municipality").set_index("id")
    assert gdf.loc["05888008"].geometry.symmetric_difference(BESTADT).area < 1e-9


def test_an_nrw_file_needs_the_ags_prefix(engine: Engine) -> None:
    other = shapely.affinity.translate(ADORF, 0.5, 0)
    file = geojson_file(
        "nrw.geojson",
        [
            {"AGS": "05888004", "GEN": "Adorf", "geometry": ADORF},
            {"AGS": "05111000", "GEN": "Düsseldorf", "geometry": other},
        ],
    )
    with pytest.raises(DataError, match="aus 2 Kreisen"):
        run_import(engine, "areas", [file], user=SYSTEM)
    run_import(engine, "areas", [file], ImportOptions(ags_prefix="05888"), user=SYSTEM)
    assert set(stored_areas(engine)) == {"05888", "05888004"}


@pytest.fixture
def shared_geo() -> Path:
    if not (SHARED_GEO / "rkn_gemeinden.geojson").exists():
        pytest.skip("../shared/data/geo/ fehlt (echte VG250-Grenzen nicht vorhanden)")
    return SHARED_GEO


def test_real_vg250_rkn_file_imports_with_no_options(engine: Engine, shared_geo: Path) -> None:
    path = shared_geo / "rkn_gemeinden.geojson"
    result = run_import(engine, "areas", [ImportFile(path.name, path.read_bytes())], user=SYSTEM)
    assert result.counts["neu"] == 8
    with engine.connect() as conn:
        munis = geometries(conn, "municipality")
    assert dict(zip(munis["id"], munis["name"], strict=True)) == RKN
    assert set(munis["parent_id"]) == {"05162"}
    assert attribution(engine) == VG250_ATTRIBUTION
    minx, miny, maxx, maxy = munis.total_bounds
    assert 6.4 < minx < maxx < 7.0 and 50.9 < miny < maxy < 51.4


def test_real_vg250_nrw_file_with_ags_prefix_via_cli(db_url: str, shared_geo: Path) -> None:
    from core.cli import main

    assert main(["--database-url", db_url, "init-db"]) == 0
    path = str(shared_geo / "nrw_gemeinden.geojson")
    args = ["--database-url", db_url, "import", "areas", path, "--ags-prefix", "05162"]
    assert main([*args, "--district-name", "Rhein-Kreis Neuss"]) == 0
    from core.db import make_engine

    engine = make_engine(db_url)
    try:
        stored = stored_areas(engine)
    finally:
        engine.dispose()
    assert stored["05162"] == ("Rhein-Kreis Neuss", "district", None)
    assert {k: v[0] for k, v in stored.items() if v[1] == "municipality"} == RKN

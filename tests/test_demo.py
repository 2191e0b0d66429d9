"""Invariants of the demo data: real AGS, nesting, valid geometry, determinism, privacy."""

import json

import pytest
from shapely.geometry import Point, shape
from sqlalchemy import select

from core.areas import areas, geometries
from core.catalogue import indicator
from core.demo import build_demo
from core.indicators import indicator_values
from core.inventory import data_fingerprint, is_demo, table_counts
from core.models import Area, NetworkStatus
from core.offers import active_offers
from core.quarters import parse_quarter

EXPECTED = {
    "05162004": ("Dormagen", "dormagen"),
    "05162008": ("Grevenbroich", "grevenbroich"),
    "05162012": ("Jüchen", "kreis"),
    "05162016": ("Kaarst", "kaarst"),
    "05162020": ("Korschenbroich", "kreis"),
    "05162022": ("Meerbusch", "meerbusch"),
    "05162024": ("Neuss", "neuss"),
    "05162028": ("Rommerskirchen", "kreis"),
}
NEUSS_DISTRICTS = [
    "Innenstadt",
    "Dreikönigenviertel",
    "Hafengebiet",
    "Hammfeld",
    "Augustinusviertel",
    "Gnadental",
    "Grimlinghausen",
    "Uedesheim",
    "Weckhoven",
    "Erfttal",
    "Selikum",
    "Reuschenberg",
    "Pomona",
    "Stadionviertel",
    "Westfeld",
    "Morgensternsheide",
    "Furth-Süd",
    "Furth-Mitte",
    "Furth-Nord",
    "Weißenberg",
    "Vogelsang",
    "Barbaraviertel",
    "Holzheim",
    "Grefrath",
    "Hoisten",
    "Speck/Wehl/Helpenstein",
    "Norf",
    "Rosellen",
]


def test_municipalities_are_real(demo_engine) -> None:
    with demo_engine.connect() as conn:
        df = areas(conn)
        assert is_demo(conn)
    munis = df[df["level"] == "municipality"]
    assert {r.id: (r.name, r.youth_office_id) for r in munis.itertuples()} == EXPECTED
    district = df[df["level"] == "district"].iloc[0]
    assert (district["id"], district["name"]) == ("05162", "Rhein-Kreis Neuss")
    neuss = df[(df["level"] == "area") & (df["parent_id"] == "05162024")]
    assert sorted(neuss["name"]) == sorted(NEUSS_DISTRICTS)
    others = df[(df["level"] == "area") & (df["parent_id"] != "05162024")]
    assert others.groupby("parent_id").size().between(3, 6).all()
    assert neuss["id"].str.match(r"^05162024-\d{2}$").all()


def test_geometry_is_valid_nested_and_not_overlapping(demo_engine) -> None:
    with demo_engine.connect() as conn:
        sr = geometries(conn, "area")
        mu = geometries(conn, "municipality").set_index("id")
    assert sr.geometry.is_valid.all() and mu.geometry.is_valid.all()
    assert (sr.geom_type == "Polygon").all()  # contiguous
    assert (mu.geom_type == "Polygon").all()
    for row in sr.itertuples():
        parent = mu.loc[row.parent_id, "geometry"]
        assert row.geometry.difference(parent).area < 1e-9, row.name
    metric = sr.to_crs(25832)
    total = metric.area.sum()
    union = metric.union_all().area
    assert abs(total - union) / union < 1e-6  # no overlaps


def test_offers_lie_in_their_sozialraum(demo_engine) -> None:
    with demo_engine.connect() as conn:
        offers = active_offers(conn, "2026-Q3")
        shapes = {
            r.id: shape(json.loads(r.geometry))
            for r in conn.execute(select(Area.id, Area.geometry).where(Area.level == "area"))
        }
    assert len(offers) >= 300
    outside = [
        o.name for o in offers.itertuples() if not shapes[o.area_id].contains(Point(o.lon, o.lat))
    ]
    assert outside == []
    assert offers["phases"].str.len().gt(0).all()


def test_values_show_the_need_pattern_and_privacy(demo_engine) -> None:
    with demo_engine.connect() as conn:
        df = indicator_values(
            conn, indicator(conn, "sgb2_u15"), parse_quarter("2026-Q3"), "area"
        ).set_index("name")
    kreis = df["district_value"].iloc[0]
    for high in ("Erfttal", "Weckhoven", "Barbaraviertel", "Horrem", "Hackenbroich"):
        assert df.loc[high, "value"] > kreis, high
    assert df["suppressed"].sum() >= 1  # small areas make privacy visible
    assert df.loc["Hafengebiet", "suppressed"]
    assert 8 < kreis < 20


def test_network_status_covers_every_quarter(demo_engine) -> None:
    with demo_engine.connect() as conn:
        quarters = sorted(set(conn.execute(select(NetworkStatus.quarter)).scalars()))
    assert quarters[0] == "2023-Q1" and quarters[-1] == "2026-Q3"
    assert len(quarters) == 15


def test_same_seed_same_data_on_both_backends(engine, demo_engine) -> None:
    build_demo(engine)
    with engine.connect() as conn, demo_engine.connect() as ref:
        assert table_counts(conn) == table_counts(ref)
        assert data_fingerprint(conn, ["area", "indicator_value", "population"]) == (
            data_fingerprint(ref, ["area", "indicator_value", "population"])
        )


def test_a_different_seed_gives_different_figures(tmp_path) -> None:
    from core.catalogue import load_catalogue
    from core.db import make_engine, migrate

    eng = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    migrate(eng)
    with eng.begin() as conn:
        load_catalogue(conn)
    build_demo(eng, seed=1)
    with eng.connect() as conn:
        fp_areas = data_fingerprint(conn, ["area"])
        fp_values = data_fingerprint(conn, ["indicator_value"])
    eng2 = make_engine(f"sqlite:///{tmp_path / 'same.sqlite'}")
    migrate(eng2)
    with eng2.begin() as conn:
        load_catalogue(conn)
    build_demo(eng2, seed=2)
    with eng2.connect() as conn:
        assert data_fingerprint(conn, ["area"]) == fp_areas  # geography is fixed
        assert data_fingerprint(conn, ["indicator_value"]) != fp_values
    pytest.importorskip("shapely")

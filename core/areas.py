"""Areas: the Kreis, its Kommunen and their Sozialräume, with geometry as GeoJSON."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape
from sqlalchemy import Connection, select

from core.errors import NotFoundError
from core.models import Area, YouthOffice


def areas(conn: Connection) -> pd.DataFrame:
    """All areas without geometry: id, name, level, parent_id, youth office, and the
    ids and names of their Kommune (``municipality_id``/``municipality_name``)."""
    stmt = select(
        Area.id,
        Area.name,
        Area.level,
        Area.parent_id,
        Area.youth_office_id,
        YouthOffice.name.label("youth_office_name"),
    ).outerjoin(YouthOffice, YouthOffice.id == Area.youth_office_id)
    df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(
            columns=[
                "id",
                "name",
                "level",
                "parent_id",
                "youth_office_id",
                "youth_office_name",
                "municipality_id",
                "municipality_name",
            ]
        )
    names = dict(zip(df["id"], df["name"], strict=True))
    df["municipality_id"] = df["id"].where(df["level"] == "municipality", df["parent_id"])
    df.loc[df["level"] == "district", "municipality_id"] = None
    df["municipality_name"] = df["municipality_id"].map(names)
    return df.sort_values(["level", "id"]).reset_index(drop=True)


def municipalities(conn: Connection) -> pd.DataFrame:
    """The Kommunen, by AGS."""
    df = areas(conn)
    return df[df["level"] == "municipality"].reset_index(drop=True)


def district(conn: Connection) -> dict:
    """The Kreis row; NotFoundError when no areas are loaded."""
    df = areas(conn)
    rows = df[df["level"] == "district"]
    if rows.empty:
        raise NotFoundError(
            "Es sind noch keine Gebiete geladen. Bitte „python -m core init-db --demo“ "
            "ausführen oder Gebiete importieren."
        )
    return rows.iloc[0].to_dict()


def area(conn: Connection, area_id: str) -> dict:
    """One area by id; NotFoundError names the id and how to find valid ones."""
    df = areas(conn)
    rows = df[df["id"] == area_id]
    if rows.empty:
        raise NotFoundError(
            f"Das Gebiet „{area_id}“ gibt es nicht. Gültige Kennungen zeigt "
            "„python -m core info“ bzw. die Gebietsauswahl."
        )
    return rows.iloc[0].to_dict()


def areas_in(conn: Connection, municipality_id: str | None, level: str = "area") -> pd.DataFrame:
    """Areas of ``level`` inside one Kommune (or the whole Kreis for None)."""
    df = areas(conn)
    df = df[df["level"] == level]
    if municipality_id:
        df = df[df["municipality_id"] == municipality_id]
    return df.reset_index(drop=True)


def geometries(conn: Connection, level: str | None = None) -> gpd.GeoDataFrame:
    """Areas with geometry as a GeoDataFrame in EPSG:4326 (areas without geometry left out)."""
    stmt = select(Area.id, Area.geometry).where(Area.geometry.is_not(None))
    if level:
        stmt = stmt.where(Area.level == level)
    rows = conn.execute(stmt).all()
    meta = areas(conn).set_index("id")
    ids = [r.id for r in rows]
    geoms = [shape(json.loads(r.geometry)) for r in rows]
    gdf = gpd.GeoDataFrame(meta.loc[ids].reset_index(), geometry=geoms, crs="EPSG:4326")
    return gdf

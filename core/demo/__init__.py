"""Deterministic demo data of the Rhein-Kreis Neuss (``python -m core init-db --demo``).

Real AGS codes, names and youth-office assignments; everything else (geometry,
figures, offers, network status) is generated from a fixed seed and labelled
"Demodaten" wherever it is shown.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine, insert, select

from core.catalogue import indicator_entries
from core.demo.figures import indicator_rows, population_rows, sozialraeume
from core.demo.geography import (
    DISTRICT_ID,
    DISTRICT_NAME,
    MUNICIPALITIES,
    YOUTH_OFFICES,
    area_id,
    build_geometries,
    geojson,
)
from core.demo.networks import network_rows, partner_demo, status_rows
from core.demo.offers import enrich_offers, offer_rows
from core.demo.quality import quality_demo
from core.demo.steering import steering_demo
from core.indicators import rate_value
from core.inventory import set_demo
from core.models import (
    Area,
    IndicatorValue,
    Network,
    NetworkStatus,
    Offer,
    OfferLifePhase,
    Population,
    YouthOffice,
)

DEFAULT_SEED = 5162


def build_demo(engine: Engine, seed: int = DEFAULT_SEED) -> None:
    """Fill an empty, migrated database with the demo data in one transaction."""
    rng = np.random.default_rng(seed)
    geoms = build_geometries()
    with engine.begin() as conn:
        conn.execute(insert(YouthOffice), [{"id": k, "name": v} for k, v in YOUTH_OFFICES.items()])
        area_rows = [
            {
                "id": DISTRICT_ID,
                "name": DISTRICT_NAME,
                "level": "district",
                "parent_id": None,
                "youth_office_id": "kreis",
                "geometry": geojson(geoms[DISTRICT_ID]),
            }
        ]
        for m in MUNICIPALITIES:
            area_rows.append(
                {
                    "id": m.ags,
                    "name": m.name,
                    "level": "municipality",
                    "parent_id": DISTRICT_ID,
                    "youth_office_id": m.youth_office,
                    "geometry": geojson(geoms[m.ags]),
                }
            )
            for i, a in enumerate(m.areas, 1):
                aid = area_id(m.ags, i)
                area_rows.append(
                    {
                        "id": aid,
                        "name": a.name,
                        "level": "area",
                        "parent_id": m.ags,
                        "youth_office_id": m.youth_office,
                        "geometry": geojson(geoms[aid]),
                    }
                )
        conn.execute(insert(Area), area_rows)

        areas = sozialraeume(rng)
        conn.execute(insert(Population), population_rows(areas))

        catalogue = {e.id: e for e in indicator_entries(conn)}
        values = indicator_rows(rng, areas)
        for r in values:
            r["value"] = rate_value(r["numerator"], r["denominator"], catalogue[r["indicator_id"]])
        conn.execute(insert(IndicatorValue), values)

        conn.execute(insert(Network), network_rows())
        network_ids = list(conn.execute(select(Network.id).order_by(Network.id)).scalars())
        conn.execute(insert(NetworkStatus), status_rows(rng, network_ids))
        # records added later draw from streams of their own, so that the figures,
        # statuses and offers stay what they were
        partner_demo(conn, np.random.default_rng((seed, 1)), network_ids)
        steering_demo(conn, np.random.default_rng((seed, 2)))
        quality_demo(conn, rng)

        names = {m.ags: m.name for m in MUNICIPALITIES}
        offers = offer_rows(rng, areas, geoms, names)
        phase_links: list[dict[str, int | str]] = []
        for o in offers:
            phases = o.pop("phases")
            new_id = conn.execute(insert(Offer).values(**o).returning(Offer.id)).scalar_one()
            phase_links.extend({"offer_id": new_id, "life_phase_id": p} for p in phases)
        conn.execute(insert(OfferLifePhase), phase_links)
        enrich_offers(conn)  # derived from the offers, no random draws
        set_demo(conn, True)
    from core.publication import publish_all

    publish_all(engine)  # the protection of every quarter, before the first page view

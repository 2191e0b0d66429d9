"""Demo steering records (Qualitätsbaustein 4): Leitbild/Handlungskonzept,
Steuerungsgruppe, Koordinationsstelle and committee decisions per youth office."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection


def steering_demo(conn: Connection, rng: np.random.Generator) -> None:
    """Write the demo steering records of every youth office."""

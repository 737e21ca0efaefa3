"""Small synthetic block tables and sources for the network tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from heatplan.buildings.schema import validate_blocks

X0, Y0 = 78000.0, 451000.0


def net_blocks(xy, labels=None, dwellings=None) -> pd.DataFrame:
    """A validated block table at the given RD offsets (metres from X0, Y0)."""
    n = len(xy)
    labels = labels or ["B"] * n
    dwellings = dwellings or [20] * n
    raw = pd.DataFrame(
        {
            "block_id": [f"b{k:02d}" for k in range(n)],
            "wijk_code": "WK051833",
            "buurt_code": "BU05183387",
            "owner": "Staedion",
            "owner_type": "corporation",
            "dwellings": [str(d) for d in dwellings],
            "floor_area_m2": [str(65.0 * d) for d in dwellings],
            "construction_year": "1958",
            "dwelling_type": "meergezins: laag en midden",
            "label": labels,
            "x_rd": [str(X0 + x) for x, _ in xy],
            "y_rd": [str(Y0 + y) for _, y in xy],
            "heating": "gas_boiler",
            "cooking": "gas",
        }
    )
    return validate_blocks(raw)


def make_sources(xy=((0.0, 0.0),), regime="mt", capacity_mw=50.0) -> pd.DataFrame:
    """Sources at RD offsets."""
    supply, ret = (70.0, 40.0) if regime == "mt" else (55.0, 35.0)
    return pd.DataFrame(
        {
            "source_id": [f"s{k}" for k in range(len(xy))],
            "name": [f"source {k}" for k in range(len(xy))],
            "regime": regime,
            "x_rd": [X0 + x for x, _ in xy],
            "y_rd": [Y0 + y for _, y in xy],
            "supply_temp_c": supply,
            "return_temp_c": ret,
            "capacity_mw": capacity_mw,
            "available_year": 2020,
        }
    )


def rng_blocks(n: int, seed: int = 1, spread_m: float = 800.0) -> pd.DataFrame:
    """n blocks at random positions (for scaling)."""
    rng = np.random.default_rng(seed)
    xy = [tuple(p) for p in rng.uniform(-spread_m, spread_m, size=(n, 2))]
    return net_blocks(xy, ["B"] * n, [int(v) for v in rng.integers(5, 60, n)])

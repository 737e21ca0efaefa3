"""Shared fixtures: small, valid block tables."""

from __future__ import annotations

import pandas as pd
import pytest

from heatplan.buildings.schema import validate_blocks


def make_blocks(n: int = 4, **overrides: object) -> pd.DataFrame:
    """A small valid raw block table (strings, as read from CSV)."""
    rows = []
    for i in range(n):
        rows.append(
            {
                "block_id": f"B{i}",
                "wijk_code": "WK051834",
                "buurt_code": "BU05183480",
                "owner": "Staedion",
                "owner_type": "corporation",
                "dwellings": str(8 + 8 * i),
                "floor_area_m2": str(65.0 * (8 + 8 * i)),
                "construction_year": "1955",
                "dwelling_type": "meergezins: laag en midden",
                "label": "D",
                "x_rd": str(78000.0 + 100 * i),
                "y_rd": "451000.0",
                "heating": "gas_boiler",
                "cooking": "gas",
            }
        )
    df = pd.DataFrame(rows)
    for k, v in overrides.items():
        df[k] = v
    return df


@pytest.fixture
def blocks() -> pd.DataFrame:
    return validate_blocks(make_blocks())

"""The Vesta key-figure tables (demand and insulation cost per dwelling type, period and label).

The single figures (with unit and source) are typed in :mod:`heatplan.scenario.figures`.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from heatplan.scenario.figures import DATA

__all__ = ["DATA", "demand_table", "insulation_table"]


@cache
def demand_table() -> pd.DataFrame:
    """Vesta demand per dwelling type x period x envelope label (GJ/yr per dwelling and per m2)."""
    with (DATA / "kentallen_demand.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")


@cache
def insulation_table() -> pd.DataFrame:
    """Vesta insulation cost per label step (EUR per dwelling + EUR per m2, min and max)."""
    with (DATA / "kentallen_insulation.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#")

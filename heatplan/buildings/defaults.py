"""Project default figures (``heatplan/data/defaults.toml``) and the Vesta key-figure tables."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

import pandas as pd

from heatplan.scenario.figures import DATA


@cache
def defaults() -> dict[str, Any]:
    """The default figures, one mapping per group; each group carries a ``source`` key."""
    with (DATA / "defaults.toml").open("rb") as fh:
        return tomllib.load(fh)


def figure(group: str, key: str) -> Any:
    """One default figure, e.g. ``figure("gas", "co2_kg_per_m3")``."""
    return defaults()[group][key]


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

"""Small inputs for the sweep and city tests: 40 blocks of the embedded stock near one source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from heatplan.buildings.stock import load_stock

LEYWEG_XY = (78397.0, 452522.0)


@pytest.fixture(scope="session")
def small_stock_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 40 blocks of the embedded stock nearest the Leyweg source, as a CSV file."""
    stock = load_stock()
    d = np.hypot(stock["x_rd"] - LEYWEG_XY[0], stock["y_rd"] - LEYWEG_XY[1])
    sub = stock.loc[d.sort_values().index[:40]]
    path = tmp_path_factory.mktemp("stock") / "small.csv"
    sub.to_csv(path, index=False)
    return path


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """A scenario file with at most two verification rounds, no pace floor, and the override set `labelD`."""
    from heatplan.scenario import template_text

    text = template_text().replace("max_rounds = 8 ", "max_rounds = 2 ")
    # the sweeps below go to 200 dwellings a year, under the default pace floor of 500
    text = text.replace("min_switch_dwellings_per_yr = 500.0", 'min_switch_dwellings_per_yr = "none"')
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One in-process cluster with one worker (the plan runs in a worker thread)."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as cl,
    ):
        yield cl

"""The synthetic Zuidwest grid: every block on a bus, stations from the series, today's peak within limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings.stock import load_stock, today_mask
from heatplan.grid import check_grid, run_grid, violations
from heatplan.grid.synthetic import synthetic_grid, today_loads, today_peak_kw
from heatplan.scenario.figures import figures


@pytest.fixture(scope="module")
def zuidwest():
    stock = load_stock(None)
    blocks = stock[today_mask(stock)].reset_index(drop=True)
    grid, where = synthetic_grid(blocks)
    return blocks, grid, where


def test_every_block_hangs_on_one_lv_bus_of_one_station(zuidwest) -> None:
    blocks, grid, where = zuidwest
    check_grid(grid, "the synthetic grid")
    assert sorted(where["block_id"]) == sorted(blocks["block_id"].astype(str))
    assert set(where["bus_id"]) <= set(grid.buses["bus_id"])
    assert set(where["station_id"]) == set(grid.stations["station_id"])
    # a radial grid: one cable into every bus but the infeed, so cables = buses - 1 - stations' LV busbars
    assert len(grid.cables) == len(grid.buses) - 1 - len(grid.stations)


def test_station_areas_fit_the_largest_station_and_stations_come_from_the_series(zuidwest) -> None:
    blocks, grid, where = zuidwest
    f = figures().grid
    peak = pd.Series(today_peak_kw(blocks), index=blocks["block_id"].astype(str))
    per_station = peak.groupby(where.set_index("block_id")["station_id"].reindex(peak.index)).sum()
    cap_kw = max(f.station_series_kva) * f.power_factor * f.today_max_loading
    assert (per_station <= cap_kw + 1e-9).all()
    kva = grid.stations.set_index("station_id")["std_type"].str.split(" ").str[0].astype(float) * 1000
    assert set(kva) <= set(f.station_series_kva)
    # the smallest of the series that carries the area's peak at today's loading share
    need = per_station / f.power_factor / f.today_max_loading
    series = np.array(sorted(f.station_series_kva))
    expect = need.apply(lambda x: series[np.searchsorted(series, x - 1e-9)])
    assert (kva.reindex(expect.index) == expect).all()


def test_today_loads_the_grid_within_its_limits_and_the_design_share(zuidwest) -> None:
    blocks, grid, where = zuidwest
    res = run_grid(grid, today_loads(blocks, where))
    assert violations(res).empty
    f = figures().grid
    # stations and cables at most today_max_loading (60 %), plus the losses and reactive power
    assert res.stations["loading_pct"].max() <= 100 * f.today_max_loading * 1.1
    assert res.cables["loading_pct"].max() <= 100 * f.today_max_loading * 1.1
    # the design's voltage-drop budget (MV 3 % + station + LV 5 %) keeps every bus within EN 50160
    assert res.buses["vm_pu"].min() >= 0.9
    # the power drawn is the blocks' peak plus the grid's losses (a few per cent)
    drawn = res.stations["p_kw"].sum()
    assert today_loads(blocks, where)["p_kw"].sum() < drawn < 1.05 * today_loads(blocks, where)["p_kw"].sum()


def test_the_grid_is_the_same_every_time(zuidwest) -> None:
    blocks, grid, _ = zuidwest
    again, _ = synthetic_grid(blocks)
    for a, b in ((grid.buses, again.buses), (grid.stations, again.stations), (grid.cables, again.cables)):
        pd.testing.assert_frame_equal(a, b)

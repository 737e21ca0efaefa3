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


def test_the_new_150kv_station_takes_over_its_two_nearest_stations_from_its_year(zuidwest) -> None:
    blocks, grid, where = zuidwest
    new, where2 = synthetic_grid(blocks, hv_station_year=2030)
    pd.testing.assert_frame_equal(where2, where)
    # the default grid's tables stay as they are; hv150 and its two cables come on top
    pd.testing.assert_frame_equal(new.buses.iloc[:-1], grid.buses)
    pd.testing.assert_frame_equal(new.stations, grid.stations)
    pd.testing.assert_frame_equal(new.cables.iloc[:-2, : len(grid.cables.columns)], grid.cables)
    assert new.infeeds is not None and new.infeeds.to_dict("list") == {
        "bus_id": ["hv150"], "vm_pu": [1.0], "from_year": [2030]
    }  # fmt: skip
    check_grid(new, "the grid with the 150 kV station")
    # at the dwelling-weighted centre of the southern half, cabled to the two nearest stations
    xy = blocks[["x_rd", "y_rd"]].to_numpy(float)
    w = np.maximum(blocks["dwellings"].to_numpy(float), 1.0)
    order = np.argsort(xy[:, 1], kind="stable")
    half = order[: np.searchsorted(np.cumsum(w[order]), w.sum() / 2) + 1]
    at = new.buses.set_index("bus_id").loc["hv150", ["x_rd", "y_rd"]].to_numpy(float)
    np.testing.assert_allclose(at, np.average(xy[half], axis=0, weights=w[half]))
    st = grid.buses.set_index("bus_id").loc[grid.stations["mv_bus"], ["x_rd", "y_rd"]].to_numpy(float)
    nearest = grid.stations["mv_bus"].to_numpy()[np.argsort(np.hypot(*(st - at).T))[:2]]
    links = new.cables[new.cables["from_bus"] == "hv150"]
    assert links["to_bus"].tolist() == list(nearest) and (links["from_year"] == 2030).all()
    # the MV cable into each of them is opened from that year: the grid stays radial
    opened = new.cables[new.cables["until_year"] == 2030]
    assert sorted(opened["to_bus"]) == sorted(nearest) and opened["cable_id"].str.startswith("mv").all()
    other, _ = synthetic_grid(blocks, hv_station_xy=(78500.0, 452500.0), hv_station_year=2035)
    assert other.buses.set_index("bus_id").loc["hv150", ["x_rd", "y_rd"]].tolist() == [78500.0, 452500.0]


def test_the_new_150kv_station_relieves_the_first_infeed_from_its_year(zuidwest) -> None:
    from heatplan.grid import GridSolver

    blocks, grid, where = zuidwest
    new, _ = synthetic_grid(blocks, hv_station_year=2030)
    loads = today_loads(blocks, where)
    solver = GridSolver(new)
    base = run_grid(grid, loads)
    for year in (None, 2029):  # before its year: the grid as without it, hv150 alone and dead
        res = solver.solve(loads, year=year)
        pd.testing.assert_frame_equal(res.stations, base.stations, rtol=1e-9)
        pd.testing.assert_frame_equal(res.cables.iloc[:-2], base.cables, rtol=1e-9)
        assert res.cables["i_a"].iloc[-2:].tolist() == [0.0, 0.0]
        assert np.isnan(res.buses.set_index("bus_id")["vm_pu"]["hv150"])
    after = solver.solve(loads, year=2030)
    assert violations(after).empty
    feeders = grid.cables.loc[grid.cables["from_bus"] == "infeed", "cable_id"]
    out_of_infeed = [r.cables.set_index("cable_id").loc[feeders, "i_a"].sum() for r in (base, after)]
    assert out_of_infeed[1] < out_of_infeed[0]
    # what the first infeed no longer carries, the new cables do, each within today's design share
    links = after.cables.iloc[-2:]
    f = figures().grid
    assert (links["loading_pct"] > 0).all() and links["loading_pct"].max() <= 100 * f.today_max_loading * 1.1
    taken = new.cables.loc[new.cables["from_bus"] == "hv150", "to_bus"]
    vm, vm0 = after.buses.set_index("bus_id")["vm_pu"], base.buses.set_index("bus_id")["vm_pu"]
    assert vm["hv150"] == pytest.approx(1.0) and (vm[taken] > vm0[taken]).all()


_ELEMENTS = """
import hashlib
from heatplan.buildings.stock import load_stock, today_mask
from heatplan.grid.capacity import grid_elements
from heatplan.grid.synthetic import synthetic_grid
stock = load_stock(None)
blocks = stock[today_mask(stock)].reset_index(drop=True)
grid, where = synthetic_grid(blocks)
el = grid_elements(grid, where, blocks)
print(hashlib.sha256(el.table.to_csv().encode()).hexdigest())
"""


def test_grid_elements_do_not_depend_on_the_hash_seed() -> None:
    """A feeder's cables came in set order (string hashes differ per process): its length summed
    in another order, its reinforcement cost moved in the last digit and the gridtight plan with it."""
    import os
    import subprocess
    import sys

    out = [
        subprocess.run(
            [sys.executable, "-c", _ELEMENTS], env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    ]  # fmt: skip
    assert out[0] == out[1]

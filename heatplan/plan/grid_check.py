"""The electricity grid under every planned year (issue 15, first part; docs/grid.md).

The district's synthetic MV/LV grid (``heatplan.grid.synthetic``) is laid over every block of
the stock, sized for its base load (a new build's station and cables are laid with it). Each
planned year's load at
the winter-evening peak is, per block standing that year, today's base (appliances, and the heat
pumps there today) plus what the plan adds by then: induction, individual heat pumps and LT
boosters (``optimisation.results.electricity_peak_by_block`` without the network pumps, which
draw at the sources). Every year is solved with pandapower; the plan reports the peak, the
highest station and cable loading, the lowest voltage and what is past the limits; a year whose
power flow does not converge (voltage collapse under overload) says so. The check does not yet
feed back into the optimisation (reinforcements are still to come): it reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from heatplan.buildings.stock import existing_mask
from heatplan.errors import ConvergenceError
from heatplan.grid import Grid, GridSolver, violations
from heatplan.grid.synthetic import block_loads, synthetic_grid, today_peak_kw
from heatplan.optimisation import Result
from heatplan.optimisation.results import electricity_peak_by_block
from heatplan.planfile import GRID_YEAR_FIELDS

#: per checked year (plan.nc ``grid_<column>``; the summary reads the same list)
YEAR_COLUMNS = GRID_YEAR_FIELDS


@dataclass(frozen=True)
class GridYears:
    """Per planned year the grid's figures (YEAR_COLUMNS), and each station's loading per year."""

    years: pd.DataFrame  # index year
    station_loading_pct: pd.DataFrame  # index station_id, columns years
    stations: int
    cables: int
    station_table: pd.DataFrame | None = None  # station_id, x_rd, y_rd, kva (rating, all side by side)
    cable_table: pd.DataFrame | None = None  # cable_id, ends, type, parallel, length_m, highest_loading_pct


def check_years(stock: pd.DataFrame, result: Result, years: list[int]) -> GridYears:
    """The grid under each of ``years`` of the plan (``stock`` aligned with the plan, 0..n-1)."""
    grid, where = synthetic_grid(stock)
    solver = GridSolver(grid)
    inp, s = result.session.inputs, result.schedule
    kw = electricity_peak_by_block(inp, s, pumps=False)
    added = pd.DataFrame(kw, index=inp.block_ids, columns=inp.years)
    added = added.reindex(stock["block_id"].astype(str)).fillna(0.0)
    base = today_peak_kw(stock)
    rows, loading, cable_max = [], {}, np.zeros(len(grid.cables))
    for y in years:
        col = y if y in added.columns else added.columns[-1]
        p = base * existing_mask(stock, y).to_numpy() + added[col].to_numpy()
        try:
            res = solver.solve(block_loads(stock, where, p))
        except ConvergenceError:
            rows.append({"year": y, "peak_mw": p.sum() / 1000.0, "converged": False})
            continue
        v = violations(res)
        rows.append({
            "year": y, "peak_mw": p.sum() / 1000.0, "converged": True,
            "station_loading_max_pct": res.stations["loading_pct"].max(),
            "cable_loading_max_pct": res.cables["loading_pct"].max(),
            "vm_min_pu": res.buses["vm_pu"].min(),
            "stations_over": int((v["element"] == "station").sum()),
            "cables_over": int((v["element"] == "cable").sum()),
            "buses_out_of_band": int((v["element"] == "bus").sum()),
        })  # fmt: skip
        loading[y] = res.stations.set_index("station_id")["loading_pct"]
        cable_max = np.maximum(cable_max, res.cables["loading_pct"].to_numpy(float))
    table = pd.DataFrame(rows, columns=["year", *YEAR_COLUMNS]).set_index("year")
    stations, cables = _geometry(grid)
    cables["highest_loading_pct"] = cable_max
    return GridYears(table, pd.DataFrame(loading), len(grid.stations), len(grid.cables), stations, cables)


def _geometry(grid: Grid) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stations (position, rating) and cables (end points, type) of the grid, for the map layers."""
    at = grid.buses.set_index("bus_id")[["x_rd", "y_rd"]]
    st = grid.stations
    kva = st["std_type"].str.split(" ").str[0].astype(float) * 1000 * st["parallel"]
    stations = pd.DataFrame(
        {"station_id": st["station_id"].to_numpy(), "x_rd": at.loc[st["lv_bus"], "x_rd"].to_numpy(),
         "y_rd": at.loc[st["lv_bus"], "y_rd"].to_numpy(), "kva": kva.to_numpy(float)}
    )  # fmt: skip
    c = grid.cables
    a, b = at.loc[c["from_bus"]].to_numpy(float), at.loc[c["to_bus"]].to_numpy(float)
    cables = pd.DataFrame(
        {"cable_id": c["cable_id"].to_numpy(), "from_x": a[:, 0], "from_y": a[:, 1], "to_x": b[:, 0],
         "to_y": b[:, 1], "std_type": c["std_type"].to_numpy(), "parallel": c["parallel"].to_numpy(int),
         "length_m": c["length_m"].to_numpy(float)}
    )  # fmt: skip
    return stations, cables


def grid_vars(gy: GridYears | None, years: list[int]) -> tuple[dict[str, Any], dict[str, Any]]:
    """plan.nc variables of the grid check (``grid_*`` over ``year``; station loading), and coords."""
    if gy is None:
        return {}, {}
    t = gy.years.reindex(years)
    data: dict[str, Any] = {}
    for col in YEAR_COLUMNS:
        v = t[col].astype(float).to_numpy()
        data[f"grid_{col}"] = ("year", v)
    load = gy.station_loading_pct.reindex(columns=years)
    data["grid_station_loading_pct"] = (("grid_station", "year"), load.to_numpy(float))
    coords: dict[str, Any] = {"grid_station": load.index.astype(str).to_numpy()}
    if gy.station_table is not None:
        st = gy.station_table.set_index("station_id").reindex(coords["grid_station"])
        for col in ("x_rd", "y_rd", "kva"):
            data[f"grid_station_{col}"] = ("grid_station", st[col].to_numpy(float))
    if gy.cable_table is not None:
        c = gy.cable_table
        coords["grid_cable"] = c["cable_id"].astype(str).to_numpy()
        # per cable its highest loading over the years ("grid_cable_loading_max_pct" is the
        # per-year column of YEAR_COLUMNS: the same name over grid_cable once overwrote it)
        for col in ("from_x", "from_y", "to_x", "to_y", "length_m", "highest_loading_pct"):
            data[f"grid_cable_{col}"] = ("grid_cable", c[col].to_numpy(float))
        data["grid_cable_parallel"] = ("grid_cable", c["parallel"].to_numpy(int))
        data["grid_cable_std_type"] = ("grid_cable", c["std_type"].astype(str).to_numpy())
    clash = {f"grid_{col}" for col in YEAR_COLUMNS} & {k for k, (dims, _) in data.items() if dims != "year"}
    assert not clash, f"grid variables named twice: {sorted(clash)}"
    return data, coords

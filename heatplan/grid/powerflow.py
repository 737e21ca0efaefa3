"""One state of an MV/LV electricity grid solved with pandapower (pandapower stays inside this module).

A grid is three tables (:class:`Grid`): buses (``bus_id``, ``vn_kv``), MV/LV stations
(``station_id``, ``mv_bus``, ``lv_bus``, ``std_type``: a pandapower transformer standard type,
``parallel``: transformers side by side) and cables (``cable_id``, ``from_bus``, ``to_bus``,
``length_m``, ``std_type``: a pandapower line standard type, ``parallel``), fed at one bus held at
``infeed_vm_pu``. A state adds the load per bus (``bus_id``, ``p_kw``, ``q_kvar``) at the hour that
is checked. :func:`run_grid` solves the AC power flow (Newton-Raphson) and returns, per station
and cable, the power through it and its loading (current against the rated current, %), and per
bus the voltage (p.u.); :func:`violations` lists what is past the limits (loading above
``max_loading_pct``, voltage outside ``vm_band_pu``: EN 50160's ±10 % by default).

Standard types and their data are pandapower's (``pandapower.available_std_types``: NAYY and
NA2XS2Y cables, 10/0.4 and 20/0.4 kV transformers of 0.25, 0.4 and 0.63 MVA, with their
impedances, no-load losses and ampacities); docs/grid.md.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from heatplan.errors import ConvergenceError, InputError

BUS_COLUMNS = ("bus_id", "vn_kv")
STATION_COLUMNS = ("station_id", "mv_bus", "lv_bus", "std_type", "parallel")
CABLE_COLUMNS = ("cable_id", "from_bus", "to_bus", "length_m", "std_type", "parallel")
LOAD_COLUMNS = ("bus_id", "p_kw", "q_kvar")
#: EN 50160: supply voltage within ±10 % of nominal (10-minute means, 95 % of a week)
EN50160_BAND_PU = (0.9, 1.1)
#: Newton-Raphson iterations at most (a radial grid converges in 3-5; pandapower stops at 10 by default)
MAX_ITERATIONS = 30


@dataclass(frozen=True)
class Grid:
    """An MV/LV grid as tables (see the module docstring), fed at ``infeed_bus``."""

    buses: pd.DataFrame
    stations: pd.DataFrame
    cables: pd.DataFrame
    infeed_bus: str
    infeed_vm_pu: float = 1.0


@dataclass(frozen=True)
class GridResult:
    """A solved state: per station, cable and bus (ids as in the grid's tables)."""

    stations: pd.DataFrame  # station_id, p_kw (into the station, MV side), loading_pct
    cables: pd.DataFrame  # cable_id, i_a (the larger end), loading_pct
    buses: pd.DataFrame  # bus_id, vm_pu


def _std_types() -> tuple[set[str], set[str]]:
    import pandapower as pp

    net = pp.create_empty_network()
    trafo = set(pp.available_std_types(net, "trafo").index)
    line = set(pp.available_std_types(net, "line").index)
    return trafo, line


@cache
def cable_data(std_type: str) -> tuple[float, float, float]:
    """Rated current (kA), resistance and reactance (ohm/km) of a pandapower line standard type."""
    import pandapower as pp

    row = pp.available_std_types(pp.create_empty_network(), "line").loc[std_type]
    return float(row["max_i_ka"]), float(row["r_ohm_per_km"]), float(row["x_ohm_per_km"])


def station_rating_kva(grid: Grid) -> np.ndarray:
    """Each station's rating (kVA, all its transformers side by side), in the stations' order."""
    import pandapower as pp

    st = grid.stations
    sn_mva = pp.available_std_types(pp.create_empty_network(), "trafo").loc[
        st["std_type"].astype(str), "sn_mva"
    ]
    return sn_mva.to_numpy(float) * 1000.0 * st["parallel"].to_numpy(float)


def cable_rating_ka(grid: Grid) -> np.ndarray:
    """Each cable's rated current (kA, all its cables side by side), in the cables' order."""
    c = grid.cables
    one = np.array([cable_data(str(t))[0] for t in c["std_type"]], dtype=float)
    return one * c["parallel"].to_numpy(float)


def check_grid(grid: Grid, where: str = "the grid") -> None:
    """Every reference and value of the grid's tables valid, or one InputError naming them all."""
    problems: list[str] = []
    for name, df, cols in (
        ("buses", grid.buses, BUS_COLUMNS),
        ("stations", grid.stations, STATION_COLUMNS),
        ("cables", grid.cables, CABLE_COLUMNS),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            problems.append(f"{name}: missing column(s) {', '.join(missing)}")
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))
    buses = set(grid.buses["bus_id"].astype(str))
    trafo_types, line_types = _std_types()
    if grid.infeed_bus not in buses:
        problems.append(f"infeed bus {grid.infeed_bus!r} is not a bus")
    if (grid.buses["vn_kv"].astype(float) <= 0).any():
        problems.append("buses: vn_kv must be > 0")
    for name, df, ends, types in (
        ("stations", grid.stations, ("mv_bus", "lv_bus"), trafo_types),
        ("cables", grid.cables, ("from_bus", "to_bus"), line_types),
    ):
        ident = df.columns[0]
        for end in ends:
            bad = df.loc[~df[end].astype(str).isin(buses), ident].astype(str).tolist()
            if bad:
                problems.append(f"{name} {', '.join(bad[:5])}: {end} is not a bus")
        unknown = sorted(set(df["std_type"].astype(str)) - types)
        if unknown:
            problems.append(f"{name}: unknown std_type {', '.join(unknown[:5])} (pandapower standard types)")
        if (df["parallel"].astype(float) < 1).any():
            problems.append(f"{name}: parallel must be at least 1")
    if (grid.cables["length_m"].astype(float) <= 0).any():
        problems.append("cables: length_m must be > 0")
    if problems:
        raise InputError(f"{where}: " + "; ".join(problems))


def _net(grid: Grid) -> Any:  # a pandapowerNet
    """The pandapower net of a grid, a load of 0 on every bus; elements named by the grid's ids."""
    import pandapower as pp

    net = pp.create_empty_network()
    ids = grid.buses["bus_id"].astype(str).tolist()
    idx = pp.create_buses(net, len(ids), vn_kv=grid.buses["vn_kv"].to_numpy(float), name=ids)
    bus = dict(zip(ids, (int(k) for k in idx), strict=True))
    pp.create_ext_grid(net, bus[grid.infeed_bus], vm_pu=grid.infeed_vm_pu)
    _stations(net, grid.stations, bus)
    c = grid.cables
    if len(c):
        pp.create_lines(
            net, [bus[str(b)] for b in c["from_bus"]], [bus[str(b)] for b in c["to_bus"]],
            length_km=c["length_m"].to_numpy(float) / 1000.0, std_type=c["std_type"].astype(str).tolist(),
            parallel=c["parallel"].to_numpy(int), name=c["cable_id"].astype(str).tolist(),
        )  # fmt: skip
    pp.create_loads(net, list(idx), p_mw=0.0, q_mvar=0.0, name=ids)
    return net


def _stations(net: Any, st: pd.DataFrame, bus: dict[str, int]) -> None:
    """MV/LV transformers from their standard types' data, in one call."""
    import pandapower as pp

    if st.empty:
        return
    data = pp.available_std_types(net, "trafo").loc[st["std_type"].astype(str)]
    cols = ["sn_mva", "vn_hv_kv", "vn_lv_kv", "vk_percent", "vkr_percent", "pfe_kw", "i0_percent",
            "shift_degree"]  # fmt: skip
    pp.create_transformers_from_parameters(
        net, [bus[str(b)] for b in st["mv_bus"]], [bus[str(b)] for b in st["lv_bus"]],
        **{c: data[c].to_numpy(float) for c in cols},  # (vector group: only for unbalanced flows)
        parallel=st["parallel"].to_numpy(int), name=st["station_id"].astype(str).tolist(),
        std_type=st["std_type"].astype(str).tolist(),
    )  # fmt: skip


class GridSolver:
    """A grid built once as a pandapower net; each :meth:`solve` sets the loads and runs the power flow."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self._net = _net(grid)
        self._row = pd.Series(np.arange(len(self._net.load)), index=self._net.load["name"].to_numpy())

    def solve(self, loads: pd.DataFrame) -> GridResult:
        """The state under ``loads`` (LOAD_COLUMNS; several rows on one bus are summed)."""
        import pandapower as pp

        per_bus = loads.groupby(loads["bus_id"].astype(str))[["p_kw", "q_kvar"]].sum()
        unknown = sorted(set(per_bus.index) - set(self._row.index))
        if unknown:
            raise InputError(f"loads on unknown bus(es): {', '.join(unknown[:5])}")
        net = self._net
        rows = self._row[per_bus.index].to_numpy()
        net.load["p_mw"] = 0.0
        net.load["q_mvar"] = 0.0
        net.load.loc[net.load.index[rows], "p_mw"] = per_bus["p_kw"].to_numpy(float) / 1000.0
        net.load.loc[net.load.index[rows], "q_mvar"] = per_bus["q_kvar"].to_numpy(float) / 1000.0
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                # Newton-Raphson; the Dyn5 stations' 150° shift needs more than the default 10
                # iterations from pandapower's start values
                pp.runpp(net, max_iteration=MAX_ITERATIONS)
        except pp.powerflow.LoadflowNotConverged as exc:
            raise ConvergenceError(f"the grid's power flow did not converge: {exc}") from exc
        return _result(net)


def run_grid(grid: Grid, loads: pd.DataFrame) -> GridResult:
    """Solve one state: the AC power flow of ``grid`` under ``loads`` (LOAD_COLUMNS)."""
    return GridSolver(grid).solve(loads)


def _result(net: Any) -> GridResult:
    """Per station, cable and bus, the solved state."""
    rt, rl, rb = net.res_trafo, net.res_line, net.res_bus
    stations = pd.DataFrame(
        {
            "station_id": net.trafo["name"].to_numpy(),
            "p_kw": rt["p_hv_mw"].to_numpy(float) * 1000.0,
            "loading_pct": rt["loading_percent"].to_numpy(float),
        }
    )
    cables = pd.DataFrame(
        {
            "cable_id": net.line["name"].to_numpy(),
            "i_a": np.maximum(rl["i_from_ka"], rl["i_to_ka"]).to_numpy(float) * 1000.0,
            "loading_pct": rl["loading_percent"].to_numpy(float),
        }
    )
    buses = pd.DataFrame({"bus_id": net.bus["name"].to_numpy(), "vm_pu": rb["vm_pu"].to_numpy(float)})
    return GridResult(stations, cables, buses)


def violations(
    result: GridResult, max_loading_pct: float = 100.0, vm_band_pu: tuple[float, float] = EN50160_BAND_PU
) -> pd.DataFrame:
    """What is past the limits: element (station/cable/bus), id, quantity, value, limit."""
    rows: list[dict[str, object]] = []
    for element, df, ident in (
        ("station", result.stations, "station_id"),
        ("cable", result.cables, "cable_id"),
    ):
        over = df[df["loading_pct"] > max_loading_pct]
        for i, v in zip(over[ident], over["loading_pct"], strict=True):
            rows.append({"element": element, "id": str(i), "quantity": "loading_pct", "value": float(v),
                         "limit": max_loading_pct})  # fmt: skip
    lo, hi = vm_band_pu
    for b, v in zip(result.buses["bus_id"], result.buses["vm_pu"], strict=True):
        if v < lo or v > hi:
            rows.append({"element": "bus", "id": str(b), "quantity": "vm_pu", "value": float(v),
                         "limit": lo if v < lo else hi})  # fmt: skip
    return pd.DataFrame(rows, columns=["element", "id", "quantity", "value", "limit"])

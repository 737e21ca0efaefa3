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


def _net(grid: Grid, loads: pd.DataFrame) -> Any:  # a pandapowerNet
    """The pandapower net of one state; elements carry the grid's ids as their names."""
    import pandapower as pp

    net = pp.create_empty_network()
    bus = {
        str(b): pp.create_bus(net, vn_kv=float(v), name=str(b))
        for b, v in zip(grid.buses["bus_id"], grid.buses["vn_kv"], strict=True)
    }
    pp.create_ext_grid(net, bus[grid.infeed_bus], vm_pu=grid.infeed_vm_pu)
    for r in grid.stations.itertuples(index=False):
        pp.create_transformer(
            net, bus[str(r.mv_bus)], bus[str(r.lv_bus)], std_type=str(r.std_type),
            parallel=int(r.parallel), name=str(r.station_id),
        )  # fmt: skip
    for r in grid.cables.itertuples(index=False):
        pp.create_line(
            net, bus[str(r.from_bus)], bus[str(r.to_bus)], length_km=float(r.length_m) / 1000.0,
            std_type=str(r.std_type), parallel=int(r.parallel), name=str(r.cable_id),
        )  # fmt: skip
    per_bus = loads.groupby(loads["bus_id"].astype(str))[["p_kw", "q_kvar"]].sum()
    unknown = sorted(set(per_bus.index) - set(bus))
    if unknown:
        raise InputError(f"loads on unknown bus(es): {', '.join(unknown[:5])}")
    for b, r in per_bus.iterrows():
        pp.create_load(net, bus[str(b)], p_mw=float(r["p_kw"]) / 1000.0, q_mvar=float(r["q_kvar"]) / 1000.0)
    return net


def run_grid(grid: Grid, loads: pd.DataFrame) -> GridResult:
    """Solve one state: the AC power flow of ``grid`` under ``loads`` (LOAD_COLUMNS)."""
    import pandapower as pp

    net = _net(grid, loads)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            # Newton-Raphson; the Dyn5 stations' 150° shift needs more than the default 10 iterations
            # from pandapower's start values
            pp.runpp(net, max_iteration=MAX_ITERATIONS)
    except pp.powerflow.LoadflowNotConverged as exc:
        raise ConvergenceError(f"the grid's power flow did not converge: {exc}") from exc
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

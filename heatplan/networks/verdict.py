"""Verdict: per block and per source, which checks fail and by how much, as typed variables.

The words ("supply temperature 61.2 °C arrives, label B needs 65.0 °C") are made from these
variables only when files are written (:mod:`heatplan.networks.results`); the plan reads the
failures table (:func:`failures_table`, :mod:`heatplan.failures`).

A block fails (``fail_temperature``, ``fail_pressure``, ``fail_velocity``, ``not_served``) when

* the supply temperature arriving at it is below what its label needs
  (``scenario.label_policy.required_supply_c``: what must *arrive*, not what leaves the source);
  in a hot-water-only (summer, low-load) case below
  ``scenario.networks.low_load_required_supply_c_mt``/``_lt`` instead;
* the differential pressure across its substation is below
  ``scenario.networks.min_differential_pressure_bar``;
* a pipe on its path from the source runs faster than ``scenario.networks.max_velocity_m_per_s``;
* it could not be simulated because it is not on the network or its source is out of service.

Per source (``capacity_exceeded``, ``head_exceeded``): the heat drawn above the source's
capacity, and the pump lift needed to give every consumer the minimum differential pressure
above ``scenario.networks.max_pump_lift_bar``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from heatplan import failures
from heatplan.failures import NOT_SERVED_CONTEXT, Kind
from heatplan.networks.layout import Layout
from heatplan.scenario import Scenario

#: Temperature tolerance of the check (K): solver tolerance, not a design margin.
TEMP_TOL_K = 0.01
#: Per-block failure flags (each True where the block fails that check).
BLOCK_FLAGS = ("not_served", "fail_temperature", "fail_pressure", "fail_velocity")
#: Per-source failure flags.
SOURCE_FLAGS = ("capacity_exceeded", "head_exceeded")


def _path_velocity(ds: xr.Dataset, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Highest pipe velocity on each block's path and the pipe where it occurs."""
    n = ds.sizes["block"]
    vmax = np.zeros(n)
    where = np.full(n, "", dtype=object)
    if "pipe" not in ds.dims or ds.sizes["pipe"] == 0:
        return vmax, where
    pipes = pd.DataFrame(
        {
            "pipe_id": ds["pipe"].to_numpy(),
            "edge_id": ds["edge_id"].to_numpy(),
            "v": ds["v_m_per_s"].to_numpy(),
        }
    )
    per_edge = pipes.sort_values("v", ascending=False).drop_duplicates("edge_id").set_index("edge_id")
    eb = layout.edge_blocks[layout.edge_blocks["block_id"].isin(set(ds["block"].to_numpy()))]
    eb = eb.join(per_edge, on="edge_id", how="inner")
    if eb.empty:
        return vmax, where
    top = eb.sort_values("v", ascending=False).drop_duplicates("block_id").set_index("block_id")
    top = top.reindex(ds["block"].to_numpy())
    return top["v"].fillna(0.0).to_numpy(), top["pipe_id"].fillna("").to_numpy(object)


def block_verdict(ds: xr.Dataset, layout: Layout, scenario: Scenario) -> xr.Dataset:
    """Per block: which checks fail (``fail_*``, ``not_served``) and by how much, and ``ok``."""
    lim = scenario.networks
    sim = ds["simulated"].to_numpy().astype(bool)
    short_k = np.where(sim, ds["required_supply_c"].to_numpy() - ds["t_supply_c"].to_numpy(), 0.0)
    short_bar = np.where(sim, lim.min_differential_pressure_bar - ds["dp_bar"].to_numpy(), 0.0)
    vmax, vpipe = _path_velocity(ds, layout)
    over_v = np.where(sim, vmax - lim.max_velocity_m_per_s, 0.0)
    status = ds["status"].to_numpy().astype(str)
    ds["fail_temperature"] = ("block", short_k > TEMP_TOL_K)
    ds["temperature_shortfall_k"] = ("block", np.maximum(np.nan_to_num(short_k), 0.0))
    ds["fail_pressure"] = ("block", short_bar > 0.0)
    ds["pressure_shortfall_bar"] = ("block", np.maximum(np.nan_to_num(short_bar), 0.0))
    ds["path_max_velocity_m_per_s"] = ("block", vmax)
    ds["path_max_velocity_pipe"] = ("block", np.asarray(vpipe, dtype=str))
    ds["fail_velocity"] = ("block", over_v > 0.0)
    ds["velocity_excess_m_per_s"] = ("block", np.maximum(over_v, 0.0))
    ds["not_served"] = ("block", np.isin(status, list(NOT_SERVED_CONTEXT)))
    fails = [ds[v].to_numpy() for v in BLOCK_FLAGS]
    ds["ok"] = ("block", ~np.logical_or.reduce(fails))
    return ds


def source_verdict(ds: xr.Dataset, scenario: Scenario) -> xr.Dataset:
    """Per source: ``capacity_exceeded``/``capacity_excess_mw`` and ``head_exceeded``/``head_excess_bar``."""
    if "source" not in ds.dims:
        return ds
    lim = scenario.networks
    n = ds.sizes["source"]
    heat_mw = ds["source_heat_w"].to_numpy().astype(float) / 1e6
    cap = ds["source_capacity_mw"].to_numpy().astype(float)
    over_mw = np.where(np.isfinite(cap), heat_mw - cap, -np.inf)
    need = np.full(n, np.nan)
    for k, sid in enumerate(ds["source"].to_numpy()):
        mine = (ds["source_id"] == sid) & ds["simulated"]
        if bool(mine.any()):
            dp_min = float(ds["dp_bar"].where(mine).min())
            need[k] = float(ds["source_lift_bar"][k]) + lim.min_differential_pressure_bar - dp_min
    over_bar = need - lim.max_pump_lift_bar
    ds["source_required_lift_bar"] = ("source", need)
    ds["capacity_exceeded"] = ("source", over_mw > 0.0)
    ds["capacity_excess_mw"] = ("source", np.maximum(over_mw, 0.0))
    ds["head_exceeded"] = ("source", np.nan_to_num(over_bar, nan=-1.0) > 0.0)
    ds["head_excess_bar"] = ("source", np.maximum(np.nan_to_num(over_bar, nan=0.0), 0.0))
    return ds


def failures_table(ds: xr.Dataset) -> pd.DataFrame:
    """The verdict of a simulated state as a failures table (:mod:`heatplan.failures`).

    Block rows come in block order, each block's in the order temperature, pressure, velocity;
    then capacity and head rows per source. A state that did not converge never gets here
    (:func:`heatplan.networks.simulate.simulate` raises ``ConvergenceError``).
    """
    a = ds.attrs
    hot_water = bool(a.get("hot_water_only", 0))
    rows: list[dict[str, object]] = []
    flags = {v: ds[v].to_numpy().astype(bool) for v in BLOCK_FLAGS}
    t, need = ds["t_supply_c"].to_numpy().astype(float), ds["required_supply_c"].to_numpy().astype(float)
    dp, vmax = ds["dp_bar"].to_numpy().astype(float), ds["path_max_velocity_m_per_s"].to_numpy().astype(float)
    labels, status = ds["label"].to_numpy().astype(str), ds["status"].to_numpy().astype(str)
    vpipe = ds["path_max_velocity_pipe"].to_numpy().astype(str)
    for k, b in enumerate(ds["block"].to_numpy().astype(str)):
        if flags["not_served"][k]:
            rows.append(failures.row("block", b, Kind.NOT_SERVED, context=status[k]))
        if flags["fail_temperature"][k]:
            what = "hot water" if hot_water else labels[k]
            rows.append(failures.row("block", b, Kind.TEMPERATURE, t[k], need[k], "°C", what, below=True))
        if flags["fail_pressure"][k]:
            rows.append(
                failures.row(
                    "block", b, Kind.PRESSURE, dp[k], a["min_differential_pressure_bar"], "bar", below=True
                )
            )
        if flags["fail_velocity"][k]:
            rows.append(
                failures.row("block", b, Kind.VELOCITY, vmax[k], a["max_velocity_m_per_s"], "m/s", vpipe[k])
            )
    if "source" in ds.dims:
        heat_mw = ds["source_heat_w"].to_numpy().astype(float) / 1e6
        cap = ds["source_capacity_mw"].to_numpy().astype(float)
        lift = ds["source_required_lift_bar"].to_numpy().astype(float)
        for k, sid in enumerate(ds["source"].to_numpy().astype(str)):
            if bool(ds["capacity_exceeded"][k]):
                rows.append(failures.row("source", sid, Kind.CAPACITY, heat_mw[k], cap[k], "MW"))
            if bool(ds["head_exceeded"][k]):
                rows.append(failures.row("source", sid, Kind.HEAD, lift[k], a["max_pump_lift_bar"], "bar"))
    return failures.table(rows)


def apply_verdict(
    ds: xr.Dataset, layout: Layout, scenario: Scenario, hot_water_only: bool = False
) -> xr.Dataset:
    """Add ``ok``/``reason`` per block and the network problems and totals as attributes.

    ``hot_water_only`` (a summer low-load case): every block needs
    ``scenario.networks.low_load_required_supply_c_mt`` (or ``_lt``) to arrive instead of its
    label's design figure; ``required_supply_c`` is set to it.
    """
    if hot_water_only:
        net = scenario.networks
        need = (
            net.low_load_required_supply_c_mt if layout.regime == "mt" else net.low_load_required_supply_c_lt
        )
        ds["required_supply_c"] = ("block", np.full(ds.sizes["block"], float(need)))
    ds = source_verdict(block_verdict(ds, layout, scenario), scenario)
    ok = ds["ok"].to_numpy()
    sim = ds["simulated"].to_numpy()
    t = ds["t_supply_c"].to_numpy()[sim]
    network_ok = not any(bool(ds[v].any()) for v in SOURCE_FLAGS if v in ds)
    ds.attrs.update(
        {
            "n_consumers": int(sim.sum()),
            "n_failing_blocks": int((~ok).sum()),
            "min_supply_temp_c": float(np.min(t)) if t.size else float("nan"),
            "network_ok": int(network_ok),
            "hot_water_only": int(hot_water_only),
            "min_differential_pressure_bar": scenario.networks.min_differential_pressure_bar,
            "max_velocity_m_per_s": scenario.networks.max_velocity_m_per_s,
            "max_pump_lift_bar": scenario.networks.max_pump_lift_bar,
        }
    )
    return ds

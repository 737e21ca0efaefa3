"""Verdict: per block ok or why not; per network the problems of sources and pumps.

A block fails when

* the supply temperature arriving at it is below what its label needs
  (``scenario.label_policy.required_supply_c``: what must *arrive*, not what leaves the source);
  in a hot-water-only (summer, low-load) case below
  ``scenario.networks.low_load_required_supply_c_mt``/``_lt`` instead;
* the differential pressure across its substation is below
  ``scenario.networks.min_differential_pressure_bar``;
* a pipe on its path from the source runs faster than ``scenario.networks.max_velocity_m_per_s``;
* it could not be simulated because it is not on the network or its source is out of service.

Per network (per source): the heat drawn above the source's capacity, and the pump lift
needed to give every consumer the minimum differential pressure above
``scenario.networks.max_pump_lift_bar``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.networks.layout import Layout
from heatplan.scenario import Scenario

#: Temperature tolerance of the check (K): solver tolerance, not a design margin.
TEMP_TOL_K = 0.01


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


def block_reasons(
    ds: xr.Dataset, layout: Layout, scenario: Scenario, hot_water_only: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(ok, reason) per block; reasons joined with '; '."""
    lim = scenario.networks
    sim = ds["simulated"].to_numpy()
    t = ds["t_supply_c"].to_numpy()
    req = ds["required_supply_c"].to_numpy()
    dp = ds["dp_bar"].to_numpy()
    vmax, vpipe = _path_velocity(ds, layout)
    labels = ds["label"].to_numpy()
    status = ds["status"].to_numpy()
    reasons = []
    for k in range(ds.sizes["block"]):
        r = []
        if status[k] and status[k] != "no load":
            r.append(str(status[k]))
        if sim[k]:
            if t[k] < req[k] - TEMP_TOL_K:
                what = "hot water" if hot_water_only else f"label {labels[k]}"
                r.append(f"supply temperature {t[k]:.1f} °C arrives, {what} needs {req[k]:.1f} °C")
            if dp[k] < lim.min_differential_pressure_bar:
                r.append(
                    f"differential pressure {dp[k]:.2f} bar < {lim.min_differential_pressure_bar:.2f} bar"
                )
            if vmax[k] > lim.max_velocity_m_per_s:
                r.append(
                    f"velocity {vmax[k]:.2f} m/s > {lim.max_velocity_m_per_s:.2f} m/s in pipe {vpipe[k]}"
                )
        reasons.append("; ".join(r))
    reason = np.array(reasons, dtype=object).astype(str)
    return reason == "", reason


def network_problems(ds: xr.Dataset, scenario: Scenario) -> list[str]:
    """Problems of the network as a whole: source capacity and pump head."""
    out: list[str] = []
    if "source" not in ds.dims:
        return out
    lim = scenario.networks
    for k, sid in enumerate(ds["source"].to_numpy()):
        heat_mw = float(ds["source_heat_w"][k]) / 1e6
        cap = float(ds["source_capacity_mw"][k])
        if np.isfinite(cap) and heat_mw > cap:
            out.append(f"source {sid}: capacity exceeded ({heat_mw:.2f} MW drawn, {cap:.2f} MW available)")
        mine = (ds["source_id"] == sid) & ds["simulated"]
        if bool(mine.any()):
            dp_min = float(ds["dp_bar"].where(mine).min())
            need = float(ds["source_lift_bar"][k]) + lim.min_differential_pressure_bar - dp_min
            if need > lim.max_pump_lift_bar:
                out.append(
                    f"source {sid}: pump head exceeded (needs {need:.2f} bar lift for "
                    f"{lim.min_differential_pressure_bar:.2f} bar at the worst consumer, "
                    f"maximum {lim.max_pump_lift_bar:.2f} bar)"
                )
            ds["source_required_lift_bar"] = ds.get(
                "source_required_lift_bar", ds["source_lift_bar"] * np.nan
            )
            ds["source_required_lift_bar"][k] = need
    return out


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
    ok, reason = block_reasons(ds, layout, scenario, hot_water_only)
    ds["ok"] = ("block", ok)
    ds["reason"] = ("block", reason)
    problems = network_problems(ds, scenario)
    sim = ds["simulated"].to_numpy()
    t = ds["t_supply_c"].to_numpy()[sim]
    ds.attrs.update(
        {
            "n_consumers": int(sim.sum()),
            "n_failing_blocks": int((~ok).sum()),
            "min_supply_temp_c": float(np.min(t)) if t.size else float("nan"),
            "network_problems": "; ".join(problems),
            "network_ok": int(not problems),
            "hot_water_only": int(hot_water_only),
        }
    )
    return ds

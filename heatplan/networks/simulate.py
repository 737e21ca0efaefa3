"""Simulate a network state: which blocks are connected, at which labels, at which load.

The design load of a connected block is its share of the diversified peak of all connected
blocks fed by the same source: ``q_b = load * (s_sh(N) * P_sh,b + s_hw(N) * P_hw,b)`` with
``N`` the connected dwellings on that source's tree and ``P_sh,b``, ``P_hw,b`` the block's
undiversified space-heating and hot-water peaks. At ``load = 1`` the plant sees the diversified
design peak of its whole network (what the pipes were sized for at their level); a lower
``load`` (e.g. ``scenario.networks.low_load_fraction``) stands for a summer hot-water case.

Only flow-carrying parts enter pandapipes: edges with a loaded, connected block downstream of a
source in service. Connected blocks that cannot be simulated (not on the layout, their source
out of service, zero load) stay in the result with ``simulated = False``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
import xarray as xr

from heatplan.buildings.demand import block_demand, simultaneity, space_simultaneity
from heatplan.buildings.labels import required_supply_temp_c
from heatplan.errors import InputError
from heatplan.networks import build
from heatplan.networks.layout import Layout
from heatplan.networks.verdict import apply_verdict
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures

log = logging.getLogger(__name__)


def consumer_heat_w(
    blocks: pd.DataFrame, labels: pd.Series, regime: str, load_fraction: float, group: pd.Series
) -> pd.Series:
    """Design heat (W) of each block: its share of its group's diversified peak, times the load."""
    dem = block_demand(blocks, labels, regime="mt" if regime == "mt" else "lt")
    n_group = blocks["dwellings"].groupby(group.to_numpy()).transform("sum").to_numpy(float)
    s_sh = simultaneity(n_group, space_simultaneity("mt" if regime == "mt" else "lt"))
    s_hw = simultaneity(n_group, figures().peak.simultaneity_hot_water)
    q_kw = (
        s_sh * dem["space_peak_undiversified_kw"].to_numpy()
        + s_hw * dem["hot_water_peak_undiversified_kw"].to_numpy()
    )
    return pd.Series(q_kw * 1000 * load_fraction, index=blocks.index, name="heat_w")


def _resolve_connected(layout: Layout, blocks: pd.DataFrame, connected: Iterable[str] | None) -> pd.DataFrame:
    """Rows of ``blocks`` that are connected, in the given order; unknown ids are an InputError."""
    ids = blocks["block_id"].astype(str)
    if connected is None:
        want = list(layout.block_source["block_id"]) + list(layout.unreached)
    else:
        want = [str(b) for b in connected]
    unknown = sorted(set(want) - set(ids))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise InputError(f"{len(unknown)} connected block id(s) are not in the block table: {shown}")
    if len(set(want)) != len(want):
        raise InputError("the list of connected blocks has duplicate block ids")
    pos = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    return blocks.iloc[pos.loc[want].to_numpy()]


def _active(
    layout: Layout,
    sizing: pd.DataFrame,
    conn: pd.DataFrame,
    heat_w: pd.Series,
    feed: pd.Series,
    simulated: np.ndarray,
    scenario: Scenario,
    return_c: np.ndarray,
    supply_c: float,
) -> build.Active:
    """The flow-carrying state handed to pandapipes."""
    sim_ids = set(conn["block_id"].astype(str)[simulated])
    eb = layout.edge_blocks
    live = set(eb.loc[eb["block_id"].isin(sim_ids), "edge_id"])
    edges = layout.edges.merge(sizing.drop(columns=["length_m"]), on="edge_id", how="left")
    edges = edges[edges["edge_id"].isin(live)]
    src_used = sorted(set(feed[simulated]), key=list(layout.block_source["source_id"].unique()).index)
    src_nodes = [f"src:{s}" for s in src_used]
    others = [x for x in pd.unique(pd.concat([edges["from_node"], edges["to_node"]])) if x not in src_nodes]
    node_ids = src_nodes + others
    idx = {x: k for k, x in enumerate(node_ids)}
    bids = conn["block_id"].astype(str).to_numpy()[simulated]
    return build.Active(
        node_ids=node_ids,
        n_sources=len(src_nodes),
        source_ids=src_used,
        edge_ids=edges["edge_id"].tolist(),
        edge_from=edges["from_node"].map(idx).to_numpy(int),
        edge_to=edges["to_node"].map(idx).to_numpy(int),
        length_m=edges["length_m"].to_numpy(float),
        inner_diameter_m=edges["inner_diameter_m"].to_numpy(float),
        outer_diameter_m=edges["outer_diameter_m"].to_numpy(float),
        u_w_per_m2k=edges["u_w_per_m2k"].to_numpy(float),
        block_ids=list(bids),
        block_node=np.array([idx[f"blk:{b}"] for b in bids], int),
        heat_w=heat_w.to_numpy(float)[simulated],
        return_setpoint_c=return_c[simulated],
        supply_temp_c=supply_c,
        t_soil_c=scenario.networks.t_soil_c,
        lift_bar=scenario.networks.pump_lift_bar,
    )


def simulate(
    layout: Layout,
    sizing: pd.DataFrame,
    blocks: pd.DataFrame,
    scenario: Scenario,
    connected: Iterable[str] | None = None,
    labels: pd.Series | None = None,
    load_fraction: float = 1.0,
    sources: pd.DataFrame | None = None,
    return_setpoint_c: pd.Series | None = None,
    hot_water_only: bool = False,
) -> xr.Dataset:
    """Hydraulics + heat of a network state, with the verdict, as an xarray Dataset.

    ``connected``: block ids (default: every block of the layout). ``labels``: each block's label
    that year, indexed like ``blocks`` (default: the current ``label``). ``sources``: the
    sources in service (default: all of the regime's sources in the layout).
    ``return_setpoint_c``: the heat consumer's return set-point (deg C) for the blocks given,
    indexed like ``blocks`` (others, and NaN, keep the regime's return temperature); e.g.
    supply - ``bypass_dt_k`` for an end-of-branch bypass at summer load. Every set-point is
    still capped below the supply arriving at the block (see :mod:`heatplan.networks.build`).
    ``hot_water_only``: judge the arriving supply against
    ``scenario.networks.low_load_required_supply_c_mt``/``_lt`` instead of each label's design
    figure (summer: only hot water is drawn).
    """
    if not 0 < load_fraction <= 2:
        raise InputError(f"load fraction {load_fraction}: expected a number in (0, 2]")
    spec = scenario.networks.mt if layout.regime == "mt" else scenario.networks.lt
    conn = _resolve_connected(layout, blocks, connected)
    labs = (blocks["label"] if labels is None else labels.reindex(blocks.index)).loc[conn.index]
    if labs.isna().any():
        raise InputError("labels: every connected block needs a label")
    feed, on_layout, source_on = _feeding(layout, conn, sources)
    ret_c = _return_setpoints(blocks, conn, return_setpoint_c, spec.return_temp_c)
    heat_w = consumer_heat_w(conn, labs, layout.regime, load_fraction, feed.fillna("-"))
    simulated = on_layout & source_on & (heat_w.to_numpy() > 0)
    status = np.where(
        ~on_layout,
        "no_route",
        np.where(~source_on, "source_out_of_service", np.where(~simulated, "no_load", "")),
    )
    ds = _empty_block_dataset(conn, labs, feed, heat_w, simulated, status, scenario)
    if simulated.any():
        act = _active(
            layout, sizing, conn, heat_w, feed.to_numpy(), simulated, scenario, ret_c, spec.supply_temp_c
        )
        net, est, attempt = build.run(act)
        ds = _fill(ds, act, net, layout, sizing, scenario, sources)
        ds = _set_block_values(ds, act.block_ids, "return_setpoint_c", est.return_setpoint_c)
    else:
        attempt = "nothing to simulate"
    ds.attrs.update(
        {
            "converged": 1,
            "solved_with": attempt,
            "regime": layout.regime,
            "load_fraction": float(load_fraction),
            "supply_temp_c": spec.supply_temp_c,
            "return_temp_c": spec.return_temp_c,
            "t_soil_c": scenario.networks.t_soil_c,
        }
    )
    return apply_verdict(ds, layout, scenario, hot_water_only=hot_water_only)


def _feeding(
    layout: Layout, conn: pd.DataFrame, sources: pd.DataFrame | None
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Each connected block's source (NaN if not on the layout), on-layout and source-in-service masks."""
    feed = (
        conn["block_id"]
        .astype(str)
        .map(dict(zip(layout.block_source["block_id"], layout.block_source["source_id"], strict=True)))
    )
    in_service = (
        set(layout.block_source["source_id"]) if sources is None else set(sources["source_id"].astype(str))
    )
    return feed, feed.notna().to_numpy(), feed.isin(in_service).to_numpy()


def _return_setpoints(
    blocks: pd.DataFrame, conn: pd.DataFrame, given: pd.Series | None, default_c: float
) -> np.ndarray:
    """Return set-point (deg C) of every connected block: the given one, else ``default_c``."""
    out = np.full(len(conn), default_c)
    if given is None:
        return out
    if given.notna().any() and not given.index.isin(blocks.index).any():
        raise InputError("return_setpoint_c: expected a Series indexed like the block table")
    values = pd.to_numeric(given, errors="coerce").reindex(blocks.index).loc[conn.index].to_numpy(float)
    if np.isinf(values).any():
        raise InputError("return_setpoint_c: expected finite temperatures in deg C (NaN = the regime's)")
    return np.where(np.isnan(values), default_c, values)


def _set_block_values(ds: xr.Dataset, block_ids: list[str], var: str, values: np.ndarray) -> xr.Dataset:
    """Set ``var`` for the given blocks (NaN elsewhere)."""
    pos = pd.Series(np.arange(ds.sizes["block"]), index=ds["block"].to_numpy()).loc[block_ids].to_numpy()
    arr = np.full(ds.sizes["block"], np.nan)
    arr[pos] = values
    ds[var] = ("block", arr)
    return ds


def _empty_block_dataset(
    conn: pd.DataFrame,
    labs: pd.Series,
    feed: pd.Series,
    heat_w: pd.Series,
    simulated: np.ndarray,
    status: np.ndarray,
    scenario: Scenario,
) -> xr.Dataset:
    """Per-block variables before simulation (NaN results)."""
    n = len(conn)
    nan = np.full(n, np.nan)
    bids = conn["block_id"].astype(str).to_numpy()
    return xr.Dataset(
        {
            "label": ("block", labs.astype(str).to_numpy()),
            "required_supply_c": (
                "block",
                required_supply_temp_c(labs, scenario.label_policy.required_supply_c).to_numpy(),
            ),
            "source_id": ("block", feed.fillna("").astype(str).to_numpy()),
            "x_rd": ("block", conn["x_rd"].to_numpy(float)),
            "y_rd": ("block", conn["y_rd"].to_numpy(float)),
            "dwellings": ("block", conn["dwellings"].to_numpy(int)),
            "simulated": ("block", simulated),
            "status": ("block", status.astype(str)),
            "heat_w": ("block", np.where(simulated, heat_w.to_numpy(), 0.0)),
            "mdot_kg_per_s": ("block", nan.copy()),
            "t_supply_c": ("block", nan.copy()),
            "t_return_c": ("block", nan.copy()),
            "return_setpoint_c": ("block", nan.copy()),
            "dp_bar": ("block", nan.copy()),
            "node_supply": ("block", np.array([f"blk:{b}:s" for b in bids])),
            "node_return": ("block", np.array([f"blk:{b}:r" for b in bids])),
        },
        coords={"block": bids},
    )


def _pipe_vars(
    act: build.Active, res: pd.DataFrame, sizing: pd.DataFrame, layout: Layout, t_soil_c: float
) -> dict[str, tuple[str, np.ndarray]]:
    """Per-pipe variables (supply pipes first, then return pipes, as built)."""
    sz = sizing.set_index("edge_id").loc[act.edge_ids]
    kind = layout.edges.set_index("edge_id").loc[act.edge_ids, ["kind", "source_id"]]
    ids = np.array(act.node_ids)
    frm = np.concatenate([[f"{x}:s" for x in ids[act.edge_from]], [f"{x}:r" for x in ids[act.edge_to]]])
    to = np.concatenate([[f"{x}:s" for x in ids[act.edge_to]], [f"{x}:r" for x in ids[act.edge_from]]])
    two = lambda v: np.concatenate([np.asarray(v), np.asarray(v)])  # noqa: E731
    mdot = res["mdot_from_kg_per_s"].to_numpy(float)
    t_from, t_to = res["t_from_k"].to_numpy() - build.K0, res["t_to_k"].to_numpy() - build.K0
    length = two(act.length_m)
    dp_pa = np.abs(res["p_from_bar"].to_numpy() - res["p_to_bar"].to_numpy()) * 1e5
    return {
        "edge_id": ("pipe", two(act.edge_ids)),
        "line": ("pipe", np.repeat(["supply", "return"], len(act.edge_ids))),
        "kind": ("pipe", two(kind["kind"].to_numpy(str))),
        "pipe_source_id": ("pipe", two(kind["source_id"].to_numpy(str))),
        "from_node": ("pipe", frm),
        "to_node": ("pipe", to),
        "length_m": ("pipe", length),
        "inner_diameter_m": ("pipe", two(act.inner_diameter_m)),
        "outer_diameter_m": ("pipe", two(act.outer_diameter_m)),
        "dn": ("pipe", two(sz["dn"].to_numpy(int))),
        "u_w_per_m2k": ("pipe", two(act.u_w_per_m2k)),
        "t_soil_c": ("pipe", np.full(len(length), t_soil_c)),
        "roughness_mm": ("pipe", np.full(len(length), figures().network.roughness_mm)),
        "pipe_mdot_kg_per_s": ("pipe", mdot),
        "v_m_per_s": ("pipe", np.abs(res["v_mean_m_per_s"].to_numpy(float))),
        "t_from_c": ("pipe", t_from),
        "t_to_c": ("pipe", t_to),
        "p_from_bar": ("pipe", res["p_from_bar"].to_numpy(float)),
        "p_to_bar": ("pipe", res["p_to_bar"].to_numpy(float)),
        "pressure_gradient_pa_per_m": ("pipe", dp_pa / length),
        "heat_loss_w": ("pipe", np.abs(mdot) * res["cp_j_per_kgk"].to_numpy(float) * (t_from - t_to)),
    }


def _fill(
    ds: xr.Dataset,
    act: build.Active,
    net: object,
    layout: Layout,
    sizing: pd.DataFrame,
    scenario: Scenario,
    sources: pd.DataFrame | None,
) -> xr.Dataset:
    """Copy pandapipes results into the dataset; add pipe, source and total variables."""
    res = build.results(net)
    con = res["consumer"]
    pos = pd.Series(np.arange(len(ds["block"])), index=ds["block"].to_numpy()).loc[act.block_ids].to_numpy()
    for var, values in (
        ("mdot_kg_per_s", con["mdot_from_kg_per_s"].to_numpy(float)),
        ("t_supply_c", con["t_from_k"].to_numpy(float) - build.K0),
        ("t_return_c", con["t_to_k"].to_numpy(float) - build.K0),
        ("dp_bar", con["p_from_bar"].to_numpy(float) - con["p_to_bar"].to_numpy(float)),
        ("heat_w", con["qext_w"].to_numpy(float)),
    ):
        arr = ds[var].to_numpy().copy()
        arr[pos] = values
        ds[var] = ("block", arr)
    pipe_ids = np.concatenate([[f"{e}:s" for e in act.edge_ids], [f"{e}:r" for e in act.edge_ids]])
    ds = ds.assign_coords(pipe=pipe_ids).assign(
        _pipe_vars(act, res["pipe"], sizing, layout, scenario.networks.t_soil_c)
    )
    ds = ds.assign_coords(source=act.source_ids).assign(_source_vars(act, res["pump"], ds, sources))
    q_src = float(ds["source_heat_w"].sum())
    q_con = float(ds["heat_w"].where(ds["simulated"], 0.0).sum())
    q_loss = float(ds["heat_loss_w"].sum())
    ds.attrs.update(
        {
            "heat_source_w": q_src,
            "heat_delivered_w": q_con,
            "heat_loss_w": q_loss,
            "heat_loss_pct": 100 * q_loss / q_src if q_src else 0.0,
            "energy_balance_residual_pct": 100 * (q_src - q_con - q_loss) / q_src if q_src else 0.0,
            "pump_power_kw": float(ds["pump_power_kw"].sum()),
        }
    )
    return ds


def _source_vars(
    act: build.Active, pump: pd.DataFrame, ds: xr.Dataset, sources: pd.DataFrame | None
) -> dict[str, tuple[str, np.ndarray]]:
    """Per-source variables: heat, flow, temperatures, lift, pump power, capacity."""
    from heatplan.buildings.sources import deliverable_mw, read_sources

    table = read_sources() if sources is None else sources
    cap = (
        pd.Series(deliverable_mw(table), index=table["source_id"].astype(str))
        .reindex(act.source_ids)
        .to_numpy(float)
    )
    vdot = np.abs(pump["vdot_m3_per_s"].to_numpy(float))
    lift_pa = np.abs(pump["p_to_bar"].to_numpy(float) - pump["p_from_bar"].to_numpy(float)) * 1e5
    n_cons = [int(((ds["source_id"] == s) & ds["simulated"]).sum()) for s in act.source_ids]
    return {
        "source_heat_w": ("source", pump["qext_w"].to_numpy(float)),
        "source_mdot_kg_per_s": ("source", np.abs(pump["mdot_from_kg_per_s"].to_numpy(float))),
        "source_t_supply_c": ("source", pump["t_to_k"].to_numpy(float) - build.K0),
        "source_t_return_c": ("source", pump["t_from_k"].to_numpy(float) - build.K0),
        "source_lift_bar": ("source", lift_pa / 1e5),
        "pump_power_kw": ("source", vdot * lift_pa / figures().network.pump_efficiency / 1000),
        "source_capacity_mw": ("source", cap),
        "source_n_consumers": ("source", np.array(n_cons, int)),
    }

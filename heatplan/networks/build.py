"""Build and run the pandapipes net of one network state (pandapipes stays inside this module).

A network state (:class:`Active`) is the part of a layout that carries flow: the edges with at
least one loaded, connected block downstream, their DN, and per block its heat and return
set-point. Every edge becomes a supply pipe (parent -> child) and a return pipe (child ->
parent); every block a ``heat_consumer`` (heat + return temperature, solved in the
"bidirectional" mode); every source a ``circ_pump_const_pressure`` of type "pt" that holds the
supply temperature and the pump lift, and whose ``qext_w`` is the plant's heat.

Before pandapipes runs, a tree pre-estimate (:func:`pre_estimate`) computes flows by mass
balance, temperatures by the exponential loss law and pressures by Darcy-Weisbach. It gives
the initial junction values and guards the return set-points: a set-point at or above the
supply temperature arriving at a block makes pandapipes diverge, so each set-point is capped at
the estimated arrival temperature minus ``min_consumer_dt_k`` (figures, group ``network``).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from heatplan.errors import ConvergenceError
from heatplan.networks.pipes import CP_J_PER_KGK, pressure_gradient_pa_per_m
from heatplan.scenario.figures import figures

log = logging.getLogger(__name__)

K0 = 273.15
#: Solver attempts: (name, options). The first uses the pre-estimate; later ones damp and iterate longer.
ATTEMPTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("pre-estimated initial values", {"max_iter_hyd": 30, "max_iter_therm": 30, "max_iter_bidirect": 30}),
    (
        "damped Newton (alpha 0.5), 200 iterations",
        {"max_iter_hyd": 200, "max_iter_therm": 200, "max_iter_bidirect": 60, "alpha": 0.5},
    ),
    (
        "pandapipes default initial values, 200 iterations",
        {"max_iter_hyd": 200, "max_iter_therm": 200, "max_iter_bidirect": 60, "_flat_init": True},
    ),
)


@dataclass(frozen=True)
class Active:
    """The flow-carrying part of a network (arrays aligned as described per field)."""

    node_ids: list[str]  # all active network nodes; sources first
    n_sources: int
    source_ids: list[str]
    edge_ids: list[str]  # parents first
    edge_from: np.ndarray  # node index (upstream)
    edge_to: np.ndarray  # node index (downstream)
    length_m: np.ndarray
    inner_diameter_m: np.ndarray
    outer_diameter_m: np.ndarray
    u_w_per_m2k: np.ndarray
    block_ids: list[str]  # simulated consumers
    block_node: np.ndarray  # node index of each consumer
    heat_w: np.ndarray
    return_setpoint_c: np.ndarray  # before the guard
    supply_temp_c: float
    t_soil_c: float
    lift_bar: float


@dataclass(frozen=True)
class Estimate:
    """Tree pre-estimate: per node supply/return temperature and pressure, per edge flow."""

    t_supply_c: np.ndarray
    t_return_c: np.ndarray
    p_supply_bar: np.ndarray
    p_return_bar: np.ndarray
    mdot_kg_per_s: np.ndarray
    return_setpoint_c: np.ndarray  # guarded set-point per consumer


def _levels(a: Active) -> list[np.ndarray]:
    """Edge indices grouped by depth from the sources (edges come parents first)."""
    depth_node = np.zeros(len(a.node_ids), int)
    depth = np.zeros(len(a.edge_ids), int)
    for e, (i, j) in enumerate(zip(a.edge_from.tolist(), a.edge_to.tolist(), strict=True)):
        depth[e] = depth_node[i]
        depth_node[j] = depth_node[i] + 1
    order = np.argsort(depth, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(depth[order])) + 1) if len(order) else []


def _flows(a: Active, block_mdot: np.ndarray, levels: list[np.ndarray]) -> np.ndarray:
    """Edge mass flows by mass balance on the tree (deepest edges first)."""
    node_m = np.zeros(len(a.node_ids))
    np.add.at(node_m, a.block_node, block_mdot)
    m = np.zeros(len(a.edge_ids))
    for lev in reversed(levels):
        m[lev] = node_m[a.edge_to[lev]]
        np.add.at(node_m, a.edge_from[lev], m[lev])
    return m


def _supply_temps(a: Active, decay: np.ndarray, levels: list[np.ndarray]) -> np.ndarray:
    """Supply temperature at every node from the exponential loss of each edge."""
    t_s = np.full(len(a.node_ids), a.supply_temp_c)
    for lev in levels:
        t_s[a.edge_to[lev]] = a.t_soil_c + (t_s[a.edge_from[lev]] - a.t_soil_c) * decay[lev]
    return t_s


def pre_estimate(a: Active, iterations: int = 200, tol_k: float = 1e-4) -> Estimate:
    """Flows, temperatures and pressures on the tree, with guarded return set-points.

    Fixed point of: arriving supply -> guarded set-point -> consumer flows -> edge flows ->
    arriving supply, with the flows damped (geometric mean of the last two) until the arriving
    temperatures change by less than ``tol_k``. The set-points are then guarded once more
    against the final temperatures, and flows and temperatures recomputed with them.
    """
    n = len(a.node_ids)
    fig = figures().network
    ulin = a.u_w_per_m2k * np.pi * a.outer_diameter_m
    levels = _levels(a)
    t_s = np.full(n, a.supply_temp_c)
    m_old: np.ndarray | None = None
    for _ in range(iterations):
        tr_set = np.minimum(a.return_setpoint_c, t_s[a.block_node] - fig.min_consumer_dt_k)
        m = np.maximum(_flows(a, a.heat_w / (CP_J_PER_KGK * (t_s[a.block_node] - tr_set)), levels), 1e-9)
        m = m if m_old is None else np.sqrt(m * m_old)
        m_old = m
        t_new = _supply_temps(a, np.exp(-ulin * a.length_m / (m * CP_J_PER_KGK)), levels)
        done = bool(np.max(np.abs(t_new[a.block_node] - t_s[a.block_node]), initial=0.0) < tol_k)
        t_s = t_new
        if done:
            break
    tr_set = np.minimum(a.return_setpoint_c, t_s[a.block_node] - fig.min_consumer_dt_k)
    block_m = a.heat_w / (CP_J_PER_KGK * (t_s[a.block_node] - tr_set))
    m = np.maximum(_flows(a, block_m, levels), 1e-9)
    decay = np.exp(-ulin * a.length_m / (m * CP_J_PER_KGK))
    t_s = _supply_temps(a, decay, levels)
    heat = np.zeros(n)
    mass = np.zeros(n)
    np.add.at(heat, a.block_node, block_m * tr_set)
    np.add.at(mass, a.block_node, block_m)
    t_r = np.full(n, float(np.mean(tr_set)))
    for e in range(len(m) - 1, -1, -1):
        child = a.edge_to[e]
        t_r[child] = heat[child] / mass[child]
        t_out = a.t_soil_c + (t_r[child] - a.t_soil_c) * decay[e]
        heat[a.edge_from[e]] += m[e] * t_out
        mass[a.edge_from[e]] += m[e]
    t_r[: a.n_sources] = np.where(
        mass[: a.n_sources] > 0,
        heat[: a.n_sources] / np.maximum(mass[: a.n_sources], 1e-12),
        t_r[: a.n_sources],
    )
    dp_bar = pressure_gradient_pa_per_m(m, a.inner_diameter_m) * a.length_m / 1e5
    p_s = np.full(n, fig.return_pressure_bar + a.lift_bar)
    p_r = np.full(n, fig.return_pressure_bar)
    for e in range(len(m)):
        p_s[a.edge_to[e]] = p_s[a.edge_from[e]] - dp_bar[e]
        p_r[a.edge_to[e]] = p_r[a.edge_from[e]] + dp_bar[e]
    return Estimate(t_s, t_r, p_s, p_r, m, tr_set)


def build_net(a: Active, est: Estimate, flat_init: bool = False) -> Any:
    """The pandapipes net of a network state: junctions, pipes, consumers and plant pumps."""
    import pandapipes as pp

    n = len(a.node_ids)
    fig = figures().network
    net = pp.create_empty_network(fluid="water")
    t_s = np.full(n, a.supply_temp_c) if flat_init else est.t_supply_c
    t_r = np.full(n, float(np.mean(est.return_setpoint_c))) if flat_init else est.t_return_c
    p_s = np.full(n, fig.return_pressure_bar + a.lift_bar) if flat_init else est.p_supply_bar
    p_r = np.full(n, fig.return_pressure_bar) if flat_init else est.p_return_bar
    js = pp.create_junctions(net, n, pn_bar=p_s, tfluid_k=t_s + K0, name=[f"{x}:s" for x in a.node_ids])
    jr = pp.create_junctions(net, n, pn_bar=p_r, tfluid_k=t_r + K0, name=[f"{x}:r" for x in a.node_ids])
    common = {
        "length_km": a.length_m / 1000,
        "inner_diameter_mm": a.inner_diameter_m * 1000,
        "outer_diameter_mm": a.outer_diameter_m * 1000,
        "k_mm": fig.roughness_mm,
        "u_w_per_m2k": a.u_w_per_m2k,
        "text_k": a.t_soil_c + K0,
    }
    pp.create_pipes_from_parameters(
        net, js[a.edge_from], js[a.edge_to], name=[f"{e}:s" for e in a.edge_ids], **common
    )
    pp.create_pipes_from_parameters(
        net, jr[a.edge_to], jr[a.edge_from], name=[f"{e}:r" for e in a.edge_ids], **common
    )
    pp.create_heat_consumers(
        net,
        js[a.block_node],
        jr[a.block_node],
        qext_w=a.heat_w,
        treturn_k=est.return_setpoint_c + K0,
        name=a.block_ids,
    )
    for k in range(a.n_sources):
        pp.create_circ_pump_const_pressure(
            net,
            jr[k],
            js[k],
            p_flow_bar=fig.return_pressure_bar + a.lift_bar,
            plift_bar=a.lift_bar,
            t_flow_k=a.supply_temp_c + K0,
            type="pt",
            name=a.source_ids[k],
        )
    return net


def describe(a: Active) -> str:
    """One line naming a network state (for errors)."""
    return (
        f"{len(a.block_ids)} consumer(s), {a.heat_w.sum() / 1e6:.2f} MW, {len(a.edge_ids)} edge(s), "
        f"source(s) {', '.join(a.source_ids)}, supply {a.supply_temp_c:.1f} °C, lift {a.lift_bar:.2f} bar"
    )


def run(a: Active) -> tuple[Any, Estimate, str]:
    """Solve hydraulics + heat; retry per ``ATTEMPTS``; raise ConvergenceError naming the state."""
    from pandapipes import pipeflow
    from pandapipes.pf.pipeflow_setup import PipeflowNotConverged

    est = pre_estimate(a)
    tried = []
    for name, opts in ATTEMPTS:
        opts = dict(opts)
        flat = bool(opts.pop("_flat_init", False))
        net = build_net(a, est, flat_init=flat)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # e.g. negative pressures: the verdict reports them
                pipeflow(
                    net,
                    mode="bidirectional",
                    friction_model="colebrook",
                    max_iter_colebrook=100,
                    ambient_temperature=a.t_soil_c + K0,
                    use_numba=False,  # faster per process than numba compilation (docs/networks.md)
                    check_connectivity=False,
                    **opts,
                )
            for w in caught:
                log.info("pandapipes: %s", w.message)
        except (PipeflowNotConverged, FloatingPointError, np.linalg.LinAlgError, ValueError) as exc:
            tried.append(f"{name}: {exc}")
            log.info("pandapipes attempt '%s' failed: %s", name, exc)
            continue
        if net.converged and _finite(net):
            return net, est, name
        tried.append(f"{name}: not converged")
    raise ConvergenceError(
        f"the network simulation did not converge ({describe(a)}); tried: " + "; ".join(tried)
    )


def _finite(net: Any) -> bool:
    """True if the main results are finite numbers."""
    cols = [
        net.res_pipe[["mdot_from_kg_per_s", "t_to_k", "p_to_bar"]],
        net.res_heat_consumer[["t_from_k", "t_to_k"]],
    ]
    return all(bool(np.isfinite(c.to_numpy(float)).all()) for c in cols)


def results(net: Any) -> dict[str, pd.DataFrame]:
    """The result tables of a solved net, plus the fluid's heat capacity at each pipe's mean temperature."""
    from pandapipes import get_fluid

    pipe = net.res_pipe.copy()
    t_mean = (pipe["t_from_k"] + pipe["t_to_k"]) / 2
    pipe["cp_j_per_kgk"] = get_fluid(net).get_heat_capacity(t_mean.to_numpy())
    pipe["rho_kg_per_m3"] = get_fluid(net).get_density(t_mean.to_numpy())
    return {"pipe": pipe, "consumer": net.res_heat_consumer.copy(), "pump": net.res_circ_pump_pressure.copy()}

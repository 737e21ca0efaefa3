"""Pipe sizing: the smallest EN 253 DN per edge that carries its design peak within the limits.

Each edge's design peak is the diversified peak of every block downstream of it
(``heatplan.buildings.demand.diversified_peak_kw`` on the summed undiversified space-heating and
hot-water peaks and the summed dwellings), so simultaneity falls as a pipe serves more dwellings.
The design mass flow is ``P / (c_p * (T_supply - T_return))`` at the regime's temperatures. The
chosen DN is the smallest whose velocity is at most ``scenario.networks.max_velocity_m_per_s`` and
whose Darcy-Weisbach gradient (Swamee-Jain friction) is at most
``scenario.networks.max_pressure_gradient_pa_per_m``; an edge beyond the largest DN gets the
largest DN (and will fail the velocity check in the simulation).

A second pass keeps the network within its pump: the design pressure drop along every block's
path (supply and return) must stay within ``pressure_budget_share`` (figures, group ``network``)
of the pump lift minus the minimum differential pressure. Where a path is over budget, the edges
on it are upsized until their gradient falls by the path's excess ratio; this repeats until
every path fits (or the largest DN is reached).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from heatplan.buildings.costs import pipe_cost_eur_per_m
from heatplan.buildings.demand import Regime, block_demand, diversified_peak_kw
from heatplan.networks.layout import Layout
from heatplan.networks.losses import edge_heat_loss_gj_per_yr
from heatplan.networks.pipes import (
    CP_J_PER_KGK,
    catalogue,
    max_mdot_kg_per_s,
    pressure_gradient_pa_per_m,
)
from heatplan.scenario import Scenario
from heatplan.scenario.figures import figures

log = logging.getLogger(__name__)

SIZING_COLUMNS = (
    "edge_id",
    "length_m",
    "dn",
    "inner_diameter_m",
    "outer_diameter_m",
    "design_peak_kw",
    "design_mdot_kg_per_s",
    "capacity_kw",
    "cost_eur",
    "u_w_per_m2k",
    "heat_loss_gj_per_yr",
)


def regime_delta_t_k(scenario: Scenario, regime: str) -> float:
    """Design temperature difference supply - return of a regime (K)."""
    spec = scenario.networks.mt if regime == "mt" else scenario.networks.lt
    return spec.supply_temp_c - spec.return_temp_c


def downstream_peaks_kw(
    layout: Layout, blocks: pd.DataFrame, labels: pd.Series | None, scenario: Scenario
) -> pd.Series:
    """Diversified design peak (kW) of everything downstream of each edge, indexed by edge_id."""
    regime: Regime = "mt" if layout.regime == "mt" else "lt"
    dem = block_demand(blocks, labels, regime=regime)
    per_block = pd.DataFrame(
        {
            "space_kw": dem["space_peak_undiversified_kw"].to_numpy(),
            "hw_kw": dem["hot_water_peak_undiversified_kw"].to_numpy(),
            "dwellings": blocks["dwellings"].to_numpy(float),
        },
        index=blocks["block_id"].astype(str).to_numpy(),
    )
    eb = layout.edge_blocks
    sums = per_block.reindex(eb["block_id"].to_numpy()).fillna(0.0).groupby(eb["edge_id"].to_numpy()).sum()
    sums = sums.reindex(layout.edges["edge_id"].to_numpy()).fillna(0.0)
    peak = diversified_peak_kw(sums["space_kw"], sums["hw_kw"], sums["dwellings"], regime)
    return pd.Series(np.where(sums["dwellings"] > 0, peak, 0.0), index=sums.index, name="design_peak_kw")


def size_layout(
    layout: Layout, blocks: pd.DataFrame, scenario: Scenario, labels: pd.Series | None = None
) -> pd.DataFrame:
    """One row per edge: DN, diameters, design peak and flow, capacity, cost and U-value."""
    net = scenario.networks
    peak_kw = downstream_peaks_kw(layout, blocks, labels, scenario)
    dt_k = regime_delta_t_k(scenario, layout.regime)
    mdot = peak_kw.to_numpy() * 1000 / (CP_J_PER_KGK * dt_k)
    cat = catalogue()
    cap_mdot = max_mdot_kg_per_s(
        cat["inner_diameter_m"].to_numpy(), net.max_velocity_m_per_s, net.max_pressure_gradient_pa_per_m
    )
    pick = np.searchsorted(cap_mdot, mdot, side="left")  # capacities grow with DN
    too_big = pick >= len(cat)
    if too_big.any():
        log.warning(
            "%d edge(s) need more than DN%d; sized at DN%d",
            int(too_big.sum()),
            cat["dn"].iloc[-1],
            cat["dn"].iloc[-1],
        )
    pick = np.minimum(pick, len(cat) - 1)
    budget_bar = figures().network.pressure_budget_share * (
        net.pump_lift_bar - net.min_differential_pressure_bar
    )
    pick = _fit_pressure_budget(layout, mdot, pick, cat["inner_diameter_m"].to_numpy(), budget_bar)
    chosen = cat.iloc[pick].reset_index(drop=True)
    capacity_kw = cap_mdot[pick] * CP_J_PER_KGK * dt_k / 1000
    length_m = layout.edges["length_m"].to_numpy(float)
    # the layout's route length already includes the detour factor that Vesta's cost per metre carries
    detour = figures().distribution_pipe.detour_factor
    cost = pipe_cost_eur_per_m(capacity_kw / 1000) / detour * length_m
    out = pd.DataFrame(
        {
            "edge_id": layout.edges["edge_id"].to_numpy(),
            "length_m": length_m,
            "dn": chosen["dn"].to_numpy(int),
            "inner_diameter_m": chosen["inner_diameter_m"].to_numpy(),
            "outer_diameter_m": chosen["outer_diameter_m"].to_numpy(),
            "design_peak_kw": peak_kw.to_numpy(),
            "design_mdot_kg_per_s": mdot,
            "capacity_kw": capacity_kw,
            "cost_eur": cost,
            "u_w_per_m2k": chosen["u_w_per_m2k"].to_numpy(),
        }
    )
    out["heat_loss_gj_per_yr"] = edge_heat_loss_gj_per_yr(out, scenario, layout.regime)
    return out


def _fit_pressure_budget(
    layout: Layout,
    mdot: np.ndarray,
    pick: np.ndarray,
    inner_m: np.ndarray,
    budget_bar: float,
    rounds: int = 40,
) -> np.ndarray:
    """Upsize edges on paths whose design drop (supply + return) exceeds ``budget_bar``."""
    length = layout.edges["length_m"].to_numpy(float)
    grad = np.stack([pressure_gradient_pa_per_m(mdot, np.full(len(mdot), d)) for d in inner_m], axis=1)
    eb = layout.edge_blocks
    pos = pd.Series(np.arange(len(length)), index=layout.edges["edge_id"].to_numpy())
    eb_edge = pos.reindex(eb["edge_id"].to_numpy()).to_numpy()
    keep = ~np.isnan(eb_edge)
    eb_edge = eb_edge[keep].astype(int)
    eb_block = eb["block_id"].to_numpy()[keep]
    rows = np.arange(len(length))
    for _ in range(rounds):
        g = grad[rows, pick]
        drop = 2 * g * length / 1e5
        path = pd.Series(drop[eb_edge]).groupby(eb_block).sum()
        over = path[path > budget_bar]
        if over.empty:
            return pick
        ratio = (budget_bar / over).reindex(eb_block).to_numpy()
        r_edge = pd.Series(ratio).groupby(eb_edge).min()
        r_edge = r_edge[r_edge < 1]
        e = r_edge.index.to_numpy(int)
        target = g[e] * r_edge.to_numpy() * 0.95
        fits = grad[e] <= target[:, None]
        fits[:, -1] = True
        new = np.maximum(np.argmax(fits, axis=1), pick[e])
        if np.array_equal(new, pick[e]):
            break
        pick = pick.copy()
        pick[e] = new
    log.warning(
        "pipe sizing: some paths exceed the pressure budget of %.2f bar even at the largest DN", budget_bar
    )
    return pick

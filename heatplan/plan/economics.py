"""National-cost variables of plan.nc: option costs, heat per network, electricity per year.

The tables come from ``heatplan.optimisation.national`` (the same items and quantities the
optimisation used); this module adds the plan's context (the verification loop's cuts, the pipes
built) and lays them out on plan.nc's dimensions (docs/plan-format.md). option_costs.csv and the
summary's ``national_cost`` block are views of these variables (:mod:`heatplan.planfile`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from heatplan.optimisation.accounting import ITEMS
from heatplan.optimisation.national import ELECTRICITY_USES
from heatplan.optimisation.national import electricity_by_year as _electricity_by_year
from heatplan.optimisation.national import network_heat as _network_heat
from heatplan.optimisation.national import option_costs as _option_costs
from heatplan.plan.pipeline import Plan
from heatplan.planfile import COST_OPTIONS

#: Item of option_costs.csv for a network block's share of the pipes on its path (not a plan.nc item).
NETWORK_SHARE = "network_share"


def option_costs(plan: Plan) -> pd.DataFrame:
    """Every allowed option of every active block and the reference, item by item (option_costs.csv)."""
    r = plan.result
    return _option_costs(r.session.inputs, r.schedule, list(r.session.cuts))


def network_heat(plan: Plan) -> pd.DataFrame:
    """Per modelled year and regime: dwellings connected, heat delivered, heat lost by the pipes built."""
    r = plan.result
    return _network_heat(r.session.inputs, r.schedule, r.edges, dict(plan.nets.sizings))


def electricity_by_year(plan: Plan) -> pd.DataFrame:
    """Per modelled year and use: the plan's electricity demand, MWh/yr."""
    r = plan.result
    return _electricity_by_year(r.session.inputs, r.schedule)


def cost_items(costs: pd.DataFrame) -> list[str]:
    """The items of option_costs in plan.nc's order: the national cost items, then the network share."""
    seen = set(costs["item"].astype(str))
    known = [i for i in (*ITEMS, NETWORK_SHARE) if i in seen]
    return known + sorted(seen - set(known))


def option_cost_vars(plan: Plan, ids: np.ndarray) -> tuple[dict[str, Any], dict[str, Any]]:
    """Option costs as (block, cost_option, cost_item) arrays; NaN where an option is not allowed.

    An allowed option's items that cost nothing are 0, so that option_costs.csv (the rows that
    are not NaN and not 0) is a view of these arrays. Returns the variables and the coordinates.
    """
    costs = option_costs(plan)
    items = cost_items(costs)
    shape = (len(ids), len(COST_OPTIONS), len(items))
    eur, npv = np.full(shape, np.nan), np.full(shape, np.nan)
    bpos = {b: i for i, b in enumerate(ids)}
    b = costs["block_id"].astype(str).map(bpos).to_numpy(int)
    o = costs["option"].map({k: i for i, k in enumerate(COST_OPTIONS)}).to_numpy(int)
    k = costs["item"].map({k: i for i, k in enumerate(items)}).to_numpy(int)
    for arr in (eur, npv):
        arr[b, o, :] = 0.0  # every item of an option the block may take
    eur[b, o, k] = costs["eur_per_yr"].to_numpy(float)
    npv[b, o, k] = costs["npv_eur"].to_numpy(float)
    reason = costs.groupby("block_id")["option_reason"].first()
    dims = ("block", "cost_option", "cost_item")
    data = {
        "option_cost_eur_per_yr": (dims, eur),
        "option_cost_npv_eur": (dims, npv),
        "option_reason": ("block", reason.reindex(ids).fillna("").astype(str).to_numpy()),
    }
    return data, {"cost_option": list(COST_OPTIONS), "cost_item": items}


def heat_and_electricity_vars(plan: Plan, years: list[int]) -> dict[str, Any]:
    """Heat delivered and lost per network and modelled year (GJ); electricity per year and use (MWh)."""
    heat = network_heat(plan).set_index(["year", "regime"])
    out: dict[str, Any] = {}
    for col, name in (
        ("heat_delivered_gj", "yearly_heat_delivered_gj"),
        ("heat_loss_gj", "yearly_heat_loss_gj"),
        ("connected_dwellings", "yearly_connected_dwellings"),
        ("vesta_loss_gj", "yearly_vesta_heat_loss_gj"),
    ):
        arr = heat[col].unstack("regime").reindex(index=years, columns=["mt", "lt"]).fillna(0.0).to_numpy()
        out[name] = (("year", "regime"), arr)
    elec = electricity_by_year(plan).reindex(index=years, columns=list(ELECTRICITY_USES)).fillna(0.0)
    out["electricity_mwh"] = (("year", "electricity_use"), elec.to_numpy(float))
    return out

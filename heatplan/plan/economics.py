"""National-cost outputs of a plan folder: option_costs.csv and the summary's ``national_cost``.

The tables come from ``heatplan.optimisation.national`` (the same items the optimisation used);
this module adds the plan's context: dwelling types, the verification loop's cuts, the pipes built.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from heatplan.optimisation.national import network_heat as _network_heat
from heatplan.optimisation.national import option_costs as _option_costs
from heatplan.plan.pipeline import Plan


def option_costs(plan: Plan) -> pd.DataFrame:
    """option_costs.csv: every allowed option of every active block and the reference, item by item."""
    r = plan.result
    return _option_costs(r.session.inputs, r.schedule, list(r.session.cuts))


def network_heat(plan: Plan) -> pd.DataFrame:
    """Per modelled year and regime: dwellings connected, heat delivered, heat lost by the pipes built."""
    r = plan.result
    return _network_heat(r.session.inputs, r.schedule, r.edges, dict(plan.nets.sizings))


def economics_summary(plan: Plan, costs: pd.DataFrame) -> dict[str, Any]:
    """Option mix, cost per dwelling per option, national cost by year and item, heat per network."""
    ds = plan.result.dataset
    stock = plan.stock.set_index(plan.stock["block_id"].astype(str))
    n = stock["dwellings"].astype(float)
    chosen = costs[costs["chosen"]].groupby(["block_id", "option"])[["npv_eur", "eur_per_yr"]].sum()
    chosen = chosen.reset_index().set_index("block_id")
    chosen["n"] = n.reindex(chosen.index).to_numpy()
    chosen["type"] = stock["dwelling_type"].astype(str).reindex(chosen.index).to_numpy()
    per_opt = chosen.groupby("option")[["npv_eur", "eur_per_yr", "n"]].sum()
    every = (
        costs[costs["option"] != "reference"].groupby(["block_id", "option"])["npv_eur"].sum().reset_index()
    )
    every["n"] = n.reindex(every["block_id"]).to_numpy()
    every_opt = every.groupby("option")[["npv_eur", "n"]].sum()
    nat = ds["national_cost_eur"]
    heat = network_heat(plan)
    items = [str(k) for k in nat["item"].values]
    by_year = {
        str(int(y)): {
            k: round(float(v), 0) for k, v in zip(items, nat.sel(eval_year=y).values, strict=True) if v
        }
        for y in nat["eval_year"].values
    }
    heat_by_year = {
        reg: {
            str(int(row.year)): {
                "connected_dwellings": int(row.connected_dwellings),
                "heat_delivered_gj": round(row.heat_delivered_gj, 0),
                "heat_loss_gj": round(row.heat_loss_gj, 0),
                "heat_loss_pct": round(row.heat_loss_pct, 1),
                "vesta_loss_gj": round(row.vesta_loss_gj, 0),
            }
            for row in g.itertuples()
        }
        for reg, g in heat.groupby("regime")
    }
    return {
        "evaluation_end_year": int(ds["eval_year"].max()),
        "option_mix_dwellings": {k: int(v) for k, v in chosen.groupby("option")["n"].sum().items()},
        "option_mix_dwellings_by_type": {
            t: {k: int(v) for k, v in g.groupby("option")["n"].sum().items()}
            for t, g in chosen.groupby("type")
        },
        "chosen_cost_per_dwelling_by_option": {
            o: {
                "npv_eur": round(float(r["npv_eur"] / r["n"]), 0),
                "eur_per_yr": round(float(r["eur_per_yr"] / r["n"]), 0),
            }
            for o, r in per_opt.iterrows()
        },
        "every_allowed_cost_per_dwelling_by_option_npv_eur": {
            o: round(float(r["npv_eur"] / r["n"]), 0) for o, r in every_opt.iterrows()
        },
        "blocks_not_on_cheapest_option": int(costs.loc[costs["option_reason"] != "", "block_id"].nunique()),
        "national_cost_eur_by_year": by_year,
        "network_heat_by_year": heat_by_year,
    }

"""Who pays what in a plan: plan.nc's actor and housing-cost variables (docs/actor-costs.md).

The flows come from :mod:`heatplan.optimisation.actors` for the plan's final schedule; the
housing costs compare it, year by year, with the reference (nothing done). plan.nc keeps each
flow per (role, item, kind) on the plan's years (``actor_flow_eur``), its discounted total over the
evaluation window (``actor_flow_npv_eur``), the one-off amounts (``actor_invest_eur``) and per
block the housing costs and the ``woonlastenneutraal`` flag; actor_costs.csv and housing.csv are
views of them (:mod:`heatplan.planfile`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.actors import Flows, actor_blocks, actor_flows
from heatplan.optimisation.housing import flag_year, housing_eur_per_month
from heatplan.optimisation.inputs import NEVER, ModelInputs
from heatplan.optimisation.schedule import Schedule
from heatplan.plan.pipeline import Plan


def _on_plan(arr: np.ndarray, rows: np.ndarray, wyears: np.ndarray, years: list[int]) -> np.ndarray:
    """(B, W) on the window -> (plan blocks, plan years): rows of the plan's blocks, columns of its years."""
    cols = np.searchsorted(wyears, years)
    return arr[rows][:, cols]


def _npv(flows: Flows, key: tuple[str, str, str], rows: np.ndarray, discount: np.ndarray) -> np.ndarray:
    """(plan blocks,) the discounted total of one flow (0 where the flows have none)."""
    v = flows.eur.get(key)
    return np.zeros(len(rows)) if v is None else (v * discount[None, :]).sum(axis=1)[rows]


def _flow_vars(
    flows: Flows, ref: Flows, rows: np.ndarray, years: list[int], discount: np.ndarray
) -> tuple[dict, dict]:
    """The flows on the plan's years, their NPV, the reference's NPV (same flows), the one-off amounts."""
    keys = sorted({k for f in (flows, ref) for k, v in f.eur.items() if np.any(v)})
    zero = np.zeros((len(rows), len(years)))
    eur = np.stack(
        [_on_plan(flows.eur[k], rows, flows.years, years) if k in flows.eur else zero for k in keys], axis=2
    )
    npv = np.stack([_npv(flows, k, rows, discount) for k in keys], axis=1)
    ref_npv = np.stack([_npv(ref, k, rows, discount) for k in keys], axis=1)
    ikeys = sorted(k for k, v in flows.invest.items() if np.any(v))
    inv = np.stack([_on_plan(np.asarray(flows.invest[k]), rows, flows.years, years) for k in ikeys], axis=2)
    data = {
        "actor_flow_eur": (("block", "year", "actor_flow"), eur),
        "actor_flow_npv_eur": (("block", "actor_flow"), npv),
        "actor_flow_reference_npv_eur": (("block", "actor_flow"), ref_npv),
        "actor_invest_eur": (("block", "year", "invest_flow"), inv),
    }
    coords = {
        "actor_flow": np.arange(len(keys)),
        "flow_role": ("actor_flow", np.array([k[0] for k in keys], dtype=object)),
        "flow_item": ("actor_flow", np.array([k[1] for k in keys], dtype=object)),
        "flow_kind": ("actor_flow", np.array([k[2] for k in keys], dtype=object)),
        "invest_flow": np.arange(len(ikeys)),
        "invest_role": ("invest_flow", np.array([k[0] for k in ikeys], dtype=object)),
        "invest_item": ("invest_flow", np.array([k[1] for k in ikeys], dtype=object)),
    }
    return data, coords


def _housing_vars(
    inp: ModelInputs,
    s: Schedule,
    after: np.ndarray,
    before: np.ndarray,
    rows: np.ndarray,
    years: list[int],
    wy: np.ndarray,
) -> dict[str, Any]:
    """Housing costs per block and plan year (with the plan, with nothing done) and at the flag year."""
    fy = flag_year(inp, s)
    pos = np.clip(fy - int(wy[0]), 0, len(wy) - 1)
    b = np.arange(inp.n_blocks)
    has = fy < NEVER
    bef = np.where(has, before[b, pos], np.nan)[rows]
    aft = np.where(has, after[b, pos], np.nan)[rows]
    exempt = inp.housing_exempt if inp.housing_exempt is not None else np.zeros(inp.n_blocks, bool)
    return {
        "housing_eur_per_month": (("block", "year"), _on_plan(after, rows, wy, years)),
        "housing_reference_eur_per_month": (("block", "year"), _on_plan(before, rows, wy, years)),
        "housing_year": ("block", np.where(has, fy, np.nan)[rows].astype(float)),
        "housing_before_eur_per_month": ("block", bef),
        "housing_after_eur_per_month": ("block", aft),
        "housing_exempt": ("block", exempt[rows]),
    }


def actor_vars(
    plan: Plan, ids: np.ndarray, years: list[int]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """plan.nc's actor flows and housing costs: (variables, coordinates, attributes)."""
    r = plan.result
    inp: ModelInputs = r.session.inputs
    s = r.schedule
    pos = {str(b): i for i, b in enumerate(inp.block_ids)}
    rows = np.array([pos[str(b)] for b in ids])
    order = plan.stock.set_index(plan.stock["block_id"].astype(str)).loc[[str(b) for b in inp.block_ids]]
    ab = actor_blocks(order.reset_index(drop=True), inp)
    costs = schedule_costs(inp, s)
    flows = actor_flows(inp, s, plan.scenario, ab, costs)
    nothing = Schedule.empty(inp)
    nothing.fill_edges(inp)  # the new builds' networks are built in the reference too
    ref = actor_flows(inp, nothing, plan.scenario, ab)
    after, before = housing_eur_per_month(flows, inp, ab), housing_eur_per_month(ref, inp, ab)
    data, coords = _flow_vars(flows, ref, rows, years, costs.discount)
    data.update(_housing_vars(inp, s, after, before, rows, years, flows.years))
    eu = plan.scenario.end_user
    attrs = {
        "housing_tolerance_eur_per_month": eu.housing_level_tolerance_eur_per_month,
        "housing_rule": int(eu.housing_level_for_corporation_tenants),
    }
    return data, coords, attrs

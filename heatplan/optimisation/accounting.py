"""Costs and gas use of a schedule, computed from the schedule itself (not from the model).

Used by the results (every item reported separately), the brute force in the tests and the
checker, so that the model's objective can be compared with an independent sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.objective import renovation_factor
from heatplan.optimisation.schedule import Schedule

ITEMS = ("insulation", "induction", "connection", "source", "gas_removal", "network", "gas", "co2")


@dataclass
class Costs:
    """Cost per item, block and year (EUR, undiscounted), and gas use per block and year (m3)."""

    by_item: dict[str, np.ndarray]  # item -> (B, T) undiscounted EUR
    gas_m3: np.ndarray  # (B, T)
    discount: np.ndarray  # (T,)

    def npv_eur(self) -> dict[str, float]:
        """Discounted total per item."""
        return {k: float((v * self.discount[None, :]).sum()) for k, v in self.by_item.items()}

    def total_npv_eur(self) -> float:
        """Discounted total of all items."""
        return float(sum(self.npv_eur().values()))

    def per_block_eur(self) -> np.ndarray:
        """Undiscounted total per block (network costs shared by connected dwellings)."""
        return np.asarray(sum(v.sum(axis=1) for v in self.by_item.values()))


def _in_year(years: np.ndarray, done_year: np.ndarray) -> np.ndarray:
    return years[None, :] == done_year[:, None]


def gas_use_m3(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """(B, T) gas used per block and year under the schedule."""
    yrs = inp.years[None, :]
    switched = yrs >= s.switch_year[:, None]
    induction = yrs >= s.induction_year[:, None]
    insulated = yrs >= s.insulation_year[:, None]
    lev = np.where(s.ins_level >= 0, s.ins_level, 0)
    saving = (
        np.where(s.ins_level >= 0, inp.gas_saving_m3[np.arange(inp.n_blocks), lev], 0.0)
        if inp.levels
        else np.zeros(inp.n_blocks)
    )
    heat = np.where(switched, 0.0, inp.heat_gas_m3[:, None] - saving[:, None] * insulated)
    cook = np.where(induction | switched, 0.0, inp.cook_gas_m3[:, None])
    gas = np.where(inp.active[:, None], heat + cook, 0.0)
    inactive = ~inp.active & (inp.need_switch | inp.need_induction)
    before_demolition = yrs < inp.demolition_year[:, None]
    gas += np.where(inactive[:, None] & before_demolition, (inp.heat_gas_m3 + inp.cook_gas_m3)[:, None], 0.0)
    return gas


def _network(inp: ModelInputs, s: Schedule) -> np.ndarray:
    """Segment costs in their build year, shared over the dwellings connected to them by the horizon."""
    out = np.zeros((inp.n_blocks, len(inp.years)))
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        on = (s.option == o) & (s.switch_year < NEVER)
        nb = np.array([inp.new_build_opt(b) == r for b in range(inp.n_blocks)]) & (
            inp.new_build_year <= inp.years[-1]
        )
        users = on | nb
        for k, members in enumerate(seg.members):
            year = s.edge_year[r][k]
            if year >= NEVER:
                continue
            t = int(year - inp.years[0])
            m = members[users[members]]
            m = members if not len(m) else m
            share = inp.dwellings[m] / inp.dwellings[m].sum()
            out[m, t] += seg.cost_eur[k] * share
    return out


def schedule_costs(inp: ModelInputs, s: Schedule) -> Costs:
    """Every cost item per block and year for a schedule."""
    yrs = inp.years
    b = np.arange(inp.n_blocks)
    opt = np.where(s.option >= 0, s.option, 0)
    sw = _in_year(yrs, s.switch_year) & (s.option >= 0)[:, None]
    lev = np.where(s.ins_level >= 0, s.ins_level, 0)
    ins_cost = inp.ins_cost_eur[b, lev] if inp.levels else np.zeros(inp.n_blocks)
    ins = _in_year(yrs, s.insulation_year) & (s.ins_level >= 0)[:, None]
    ind = _in_year(yrs, s.induction_year) & inp.need_induction[:, None]
    only_ind = ~inp.need_switch
    nb_t = _in_year(yrs, np.maximum(inp.new_build_year, yrs[0]))
    nb_opt = np.array([OPTIONS.index(inp.new_build_opt(i)) for i in range(inp.n_blocks)])
    gas = gas_use_m3(inp, s)
    items = {
        "insulation": ins * (ins_cost[:, None] * renovation_factor(inp)),
        "induction": ind * inp.induction_cost_eur[:, None],
        "connection": sw * inp.conn_cost_eur[b, opt][:, None] + nb_t * inp.conn_cost_eur[b, nb_opt][:, None],
        "source": sw * inp.source_cost_eur[b, opt][:, None] + nb_t * inp.source_cost_eur[b, nb_opt][:, None],
        "gas_removal": (sw & ~only_ind[:, None] | ind & only_ind[:, None]) * inp.gas_removal_eur[:, None],
        "network": _network(inp, s),
        "gas": gas * inp.gas_only_eur_per_m3[None, :],
        "co2": gas * (inp.gas_eur_per_m3 - inp.gas_only_eur_per_m3)[None, :],
    }
    return Costs(items, gas, inp.discount)

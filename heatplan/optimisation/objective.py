"""Objective coefficients: discounted cost of every decision column, and the constant part.

A cost ``C_t`` paid in the year a measure is done, with "done by t" binaries ``V_t``, is
``sum_t C_t (V_t - V_{t-1})`` = ``sum_t (C_t - C_{t+1}) V_t`` (``C_{T+1} = 0``).
Gas bought (and CO2 priced) in year t by block b::

    gas_bt = heat_b (1 - S_bt) - sum_l s_bl (I_blt - sum_{o needs l} X_bot) + cook_b (1 - D_bt)

where S = sum_o X. A block switched in year t uses no gas in year t.
"""

from __future__ import annotations

import numpy as np

from heatplan.optimisation.inputs import OPTIONS, ModelInputs
from heatplan.optimisation.model import (
    LATE_PENALTY_EUR_PER_DWELLING_YR,
    MISS_PENALTY_EUR_PER_DWELLING,
    PIN_PENALTY_EUR,
    Index,
)


def _done_cost(c: np.ndarray, cols: np.ndarray, out: np.ndarray) -> None:
    """Add coefficients of a once-paid cost ``c`` (N, T) on "done by" columns ``cols`` (N, T)."""
    ok = cols[:, 0] >= 0
    c, cols = c[ok], cols[ok]
    nxt = np.concatenate([c[:, 1:], np.zeros((len(c), 1))], axis=1)
    np.add.at(out, cols.ravel(), (c - nxt).ravel())


def renovation_factor(inp: ModelInputs) -> np.ndarray:
    """(B, T) insulation cost factor: the scenario factor in a block's renovation year, else 1."""
    f = np.ones((inp.n_blocks, len(inp.years)))
    f[inp.renovation_year[:, None] == inp.years[None, :]] = inp.renovation_factor
    return f


def coefficients(inp: ModelInputs, idx: Index, elastic: bool) -> tuple[np.ndarray, float]:
    """Objective coefficient per column and the constant (EUR, discounted to the base year)."""
    n_col = idx.n_binary + idx.n_cont
    c = np.zeros(n_col)
    d = inp.discount[None, :]
    g = (inp.discount * inp.gas_eur_per_m3)[None, :]
    for o in range(len(OPTIONS)):
        once = inp.conn_cost_eur[:, o] + inp.source_cost_eur[:, o] + inp.gas_removal_eur
        _done_cost(once[:, None] * d, idx.x[:, o], c)
        lev = inp.level_of_option[o]
        save = inp.gas_saving_m3[:, lev] if lev >= 0 else np.zeros(inp.n_blocks)
        ins_exists = idx.ins[:, lev, 0] >= 0 if lev >= 0 else np.zeros(inp.n_blocks, dtype=bool)
        gas_coef = -g * (inp.heat_gas_m3 - np.where(ins_exists, save, 0.0))[:, None]
        ok = idx.x[:, o, 0] >= 0
        np.add.at(c, idx.x[ok, o].ravel(), gas_coef[ok].ravel())
    fac = renovation_factor(inp)
    for lev in range(len(inp.levels)):
        _done_cost(inp.ins_cost_eur[:, lev, None] * fac * d, idx.ins[:, lev], c)
        ok = idx.ins[:, lev, 0] >= 0
        np.add.at(c, idx.ins[ok, lev].ravel(), (-g * inp.gas_saving_m3[:, lev, None])[ok].ravel())
    only_ind = np.where(inp.need_switch, 0.0, inp.gas_removal_eur)
    _done_cost((inp.induction_cost_eur + only_ind)[:, None] * d, idx.ind, c)
    ok = idx.ind[:, 0] >= 0
    np.add.at(c, idx.ind[ok].ravel(), (-g * inp.cook_gas_m3[:, None])[ok].ravel())
    for r, seg in inp.segments.items():
        _done_cost(seg.cost_eur[:, None] * d, idx.edge[r], c)
    const = constant_cost(inp)
    if elastic:
        const += _penalties(inp, idx, c)
    return c, const


def _penalties(inp: ModelInputs, idx: Index, c: np.ndarray) -> float:
    """Diagnostic mode: miss the deadline at a high price; every dwelling-year on gas after it costs too."""
    ok = idx.miss >= 0
    c[idx.miss[ok]] += MISS_PENALTY_EUR_PER_DWELLING * inp.dwellings[ok]
    c[idx.pin_slack[idx.pin_slack >= 0]] += PIN_PENALTY_EUR
    late = inp.years > inp.deadline
    const = 0.0
    for b in np.nonzero(inp.active)[0]:
        # every late year on gas costs w; the "done by" columns take it off once done (a block
        # with no allowed option has no columns and pays every late year)
        w = LATE_PENALTY_EUR_PER_DWELLING_YR * inp.dwellings[b]
        cols = idx.x[b][:, late] if inp.need_switch[b] else idx.ind[b][None, late]
        const += w * late.sum()
        np.add.at(c, cols[cols >= 0], -w)
    return const


def constant_cost(inp: ModelInputs) -> float:
    """Costs no decision changes.

    Gas of every active block as if nothing happened (the decisions' coefficients subtract from
    it), gas of blocks demolished before the deadline, and the new builds' connection.
    """
    g = inp.discount * inp.gas_eur_per_m3
    act = inp.active
    total = float((g[None, :] * (inp.heat_gas_m3 + inp.cook_gas_m3)[act, None]).sum())
    total += fixed_gas_cost(inp).sum() + new_build_cost(inp).sum()
    return total


def fixed_gas_cost(inp: ModelInputs) -> np.ndarray:
    """(B,) discounted gas cost of inactive blocks that use gas until they are demolished."""
    g = inp.discount * inp.gas_eur_per_m3
    uses = ~inp.active & (inp.need_switch | inp.need_induction)
    on = inp.years[None, :] < inp.demolition_year[:, None]
    per = (inp.heat_gas_m3 + inp.cook_gas_m3)[:, None] * g[None, :] * on
    return np.where(uses, per.sum(axis=1), 0.0)


def new_build_cost(inp: ModelInputs) -> np.ndarray:
    """(B,) discounted connection (or heat pump) cost of new builds in their build year."""
    out = np.zeros(inp.n_blocks)
    for b in np.nonzero(inp.new_build_year <= inp.years[-1])[0]:
        o = OPTIONS.index(inp.new_build_opt(b))
        t = max(int(inp.new_build_year[b]) - int(inp.years[0]), 0)
        out[b] = inp.discount[t] * (inp.conn_cost_eur[b, o] + inp.source_cost_eur[b, o])
    return out

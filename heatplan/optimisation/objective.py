"""Objective coefficients: the discounted national cost of every decision column, and the constant.

The objective is the national cost (heatplan.economics, docs/economics.md) from ``years.start``
to ``economics.evaluation_end_year``, discounted to ``prices.base_year``. A decision "done in
year t" costs the NPV of its yearly items from t to the window's end, ``C_t``; with "done by"
binaries ``V_t`` that is ``sum_t (C_t - C_{t+1}) V_t`` (``C_{T+1} = 0``). Switching block b to
option o in year t costs ``C_bot = NPV(option o from t) - NPV(reference from t)``: the reference
(gas for heat, CO2, the gas boiler's annuity and O&M) stops at the switch; the constant holds the
reference over the whole window. Gas before the switch saved by insulation, and gas for cooking::

    gas_bt = - sum_l s_bl (I_blt - sum_{o needs l} X_bot) + cook_b (1 - D_bt)

priced per year at the national gas price plus CO2; the state of the last modelled year holds to
the window's end (its weight carries the tail).
"""

from __future__ import annotations

import numpy as np

from heatplan.economics import Window, annuity_factor, npv_from
from heatplan.economics.options import lifetime_yr
from heatplan.optimisation.inputs import OPTIONS, ModelInputs
from heatplan.optimisation.model import (
    EFG_PENALTY_EUR_PER_DWELLING,
    LATE_PENALTY_EUR_PER_DWELLING_YR,
    MISS_PENALTY_EUR_PER_DWELLING,
    PIN_PENALTY_EUR,
    Index,
)

REFERENCE = 3  # option key of the reference (the gas boiler) in the economics arrays


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


def _window(inp: ModelInputs) -> Window:
    if inp.window is None:
        raise ValueError("ModelInputs without an evaluation window (build them with build_inputs)")
    return inp.window


def eur_tail(inp: ModelInputs) -> np.ndarray:
    """(T,) NPV of 1 EUR a year from each modelled year to the window's end."""
    w = _window(inp)
    return np.concatenate([w.tail("eur"), [0.0]])[w.pos(inp.years)]


def gas_weight(inp: ModelInputs) -> np.ndarray:
    """(T,) discounted national gas + CO2 price per m3 per modelled year; the last year carries the tail."""
    w = _window(inp)
    per = (w.price["gas_hh_m3"] + w.price["co2_t"] * inp.co2_kg_per_m3 / 1000.0) * w.discount
    pos = w.pos(inp.years)
    out = per[np.minimum(pos, len(per) - 1)].copy()
    out[-1] = per[pos[-1] :].sum()
    return out


def switch_npv(inp: ModelInputs) -> np.ndarray:
    """(B, O, T) NPV of switching in year t: the option from t on, minus the reference from t on."""
    full = npv_from(inp.annual, _window(inp), inp.years)  # (B, 4, T)
    return full[:, : len(OPTIONS)] - full[:, REFERENCE, None]


def reference_npv(inp: ModelInputs) -> np.ndarray:
    """(B,) NPV of the reference over the whole window (blocks that heat with gas and take measures)."""
    full = npv_from({k: {c: q[:, REFERENCE] for c, q in v.items()} for k, v in inp.annual.items()},
                    _window(inp), inp.years[:1])[:, 0]  # fmt: skip
    return np.where(inp.active & inp.need_switch, full, 0.0)


def insulation_npv(inp: ModelInputs) -> np.ndarray:
    """(B, L, T) NPV of insulating in year t: its annuity (30 years) from t on, renovation factor included."""
    af = float(annuity_factor(inp.discount_rate, lifetime_yr("insulation")))
    fac = renovation_factor(inp)
    return inp.ins_cost_eur[:, :, None] * af * fac[:, None, :] * eur_tail(inp)[None, None, :]


def induction_npv(inp: ModelInputs) -> np.ndarray:
    """(B, T) NPV of gas-free cooking from year t (plus the gas removal where only cooking uses gas)."""
    n = npv_from(inp.induction_annual, _window(inp), inp.years)
    af = float(annuity_factor(inp.discount_rate, lifetime_yr("gas_removal")))
    only_ind = np.where(inp.need_switch, 0.0, inp.gas_removal_eur)
    return n + (only_ind * af)[:, None] * eur_tail(inp)[None, :]


def segment_npv(inp: ModelInputs, regime: str) -> np.ndarray:
    """(S, T) NPV of building a segment in year t: pipe annuity, maintenance and heat loss from t on."""
    return npv_from(inp.segment_annual[regime], _window(inp), inp.years)


def coefficients(inp: ModelInputs, idx: Index, elastic: bool) -> tuple[np.ndarray, float]:
    """Objective coefficient per column and the constant (EUR, discounted to the base year)."""
    n_col = idx.n_binary + idx.n_cont
    c = np.zeros(n_col)
    g = gas_weight(inp)[None, :]
    sw = switch_npv(inp)
    for o in range(len(OPTIONS)):
        _done_cost(sw[:, o], idx.x[:, o], c)
        lev = inp.level_of_option[o]
        if lev < 0:
            continue
        ins_exists = idx.ins[:, lev, 0] >= 0
        gas_coef = g * np.where(ins_exists, inp.gas_saving_m3[:, lev], 0.0)[:, None]
        ok = idx.x[:, o, 0] >= 0
        np.add.at(c, idx.x[ok, o].ravel(), gas_coef[ok].ravel())
    ins = insulation_npv(inp)
    for lev in range(len(inp.levels)):
        _done_cost(ins[:, lev], idx.ins[:, lev], c)
        ok = idx.ins[:, lev, 0] >= 0
        np.add.at(c, idx.ins[ok, lev].ravel(), (-g * inp.gas_saving_m3[:, lev, None])[ok].ravel())
    _done_cost(induction_npv(inp), idx.ind, c)
    ok = idx.ind[:, 0] >= 0
    np.add.at(c, idx.ind[ok].ravel(), (-g * inp.cook_gas_m3[:, None])[ok].ravel())
    for r in inp.segments:
        _done_cost(segment_npv(inp, r), idx.edge[r], c)
    if idx.reinf is not None and idx.reinf.size:
        from heatplan.optimisation.grid_rows import reinforcement_npv

        _done_cost(reinforcement_npv(inp), idx.reinf, c)
    const = constant_cost(inp)
    if elastic:
        const += _penalties(inp, idx, c)
    return c, const


def _penalties(inp: ModelInputs, idx: Index, c: np.ndarray) -> float:
    """Diagnostic mode: miss the deadline at a high price; every dwelling-year on gas after it costs too."""
    ok = idx.miss >= 0
    c[idx.miss[ok]] += MISS_PENALTY_EUR_PER_DWELLING * inp.dwellings[ok]
    c[idx.pin_slack[idx.pin_slack >= 0]] += PIN_PENALTY_EUR
    if idx.efg is not None:
        on = idx.efg >= 0
        c[idx.efg[on]] += EFG_PENALTY_EUR_PER_DWELLING * inp.dwellings[on]
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

    The reference of every active block over the whole window (the decisions' coefficients subtract
    from it), its cooking gas, gas of blocks demolished before the deadline, and the new builds.
    """
    act = inp.active
    total = float(reference_npv(inp).sum()) + float(gas_weight(inp).sum() * inp.cook_gas_m3[act].sum())
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
    """(B,) NPV of the new builds' option from their build year (no reference: they never had gas)."""
    out = np.zeros(inp.n_blocks)
    nb = np.nonzero(inp.new_build_year <= inp.years[-1])[0]
    if not len(nb):
        return out
    no_gas = {k: v for k, v in inp.annual.items() if k != "gas_removal"}  # new builds never had gas
    full = npv_from(no_gas, _window(inp), inp.years)
    for b in nb:
        o = OPTIONS.index(inp.new_build_opt(b))
        t = max(int(inp.new_build_year[b]) - int(inp.years[0]), 0)
        out[b] = full[b, o, t]
    return out

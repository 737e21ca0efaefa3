"""National costs and gas use of a schedule, computed from the schedule itself (not from the model).

Used by the results (every item reported separately), the brute force in the tests and the
checker, so that the model's objective can be compared with an independent sum. Costs are per
block and year of the evaluation window (``years.start .. economics.evaluation_end_year``): the
reference items before a block's switch, its option's items from the switch on; the state of the
last modelled year holds to the window's end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from heatplan.economics import Annual, Window, annuity_factor
from heatplan.economics.options import lifetime_yr
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.objective import REFERENCE, renovation_factor
from heatplan.optimisation.schedule import Schedule

#: Cost items: investment annuities, maintenance, energy by carrier, network heat loss.
ITEMS = (
    "insulation", "induction", "gas_removal", "grid_reinforcement", "heat_pump", "delivery_set",
    "in_building", "project_management", "substation", "lt_booster", "transfer_station",
    "collective_heat_pump", "service_pipes", "network", "gas_boiler", "maintenance", "gas", "co2",
    "electricity", "heat_source", "peak_boiler_gas", "network_heat_loss",
)  # fmt: skip


@dataclass
class Costs:
    """Cost per item, block and window year (EUR, undiscounted); gas use per block and modelled year (m3)."""

    by_item: dict[str, np.ndarray]  # item -> (B, W) undiscounted EUR
    gas_m3: np.ndarray  # (B, T) modelled years
    discount: np.ndarray  # (W,)
    years: np.ndarray  # (W,) window years

    def npv_eur(self) -> dict[str, float]:
        """Discounted total per item."""
        return {k: float((v * self.discount[None, :]).sum()) for k, v in self.by_item.items()}

    def total_npv_eur(self) -> float:
        """Discounted total of all items."""
        return float(sum(self.npv_eur().values()))

    def per_block_eur(self) -> np.ndarray:
        """Undiscounted national cost per block over the window (network costs shared by its users)."""
        return np.asarray(sum(v.sum(axis=1) for v in self.by_item.values()))

    def per_block_npv_eur(self) -> np.ndarray:
        """Discounted national cost per block over the window."""
        return np.asarray(sum((v * self.discount[None, :]).sum(axis=1) for v in self.by_item.values()))


def _window(inp: ModelInputs) -> Window:
    assert inp.window is not None, "ModelInputs without an evaluation window"
    return inp.window


def gas_use_m3(inp: ModelInputs, s: Schedule, years: np.ndarray | None = None) -> np.ndarray:
    """(B, Y) gas used per block and year under the schedule (``years`` default: the modelled years)."""
    yrs = (inp.years if years is None else years)[None, :]
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
    before_demolition = (yrs < inp.demolition_year[:, None]) & (yrs <= inp.years[-1])
    gas += np.where(inactive[:, None] & before_demolition, (inp.heat_gas_m3 + inp.cook_gas_m3)[:, None], 0.0)
    return gas


def _add(out: dict[str, np.ndarray], annual: dict, key: np.ndarray, on: np.ndarray, w: Window) -> None:
    """Add the yearly items of option ``key`` (B,) (-1 = none) where ``on`` (B, W)."""
    rows = np.arange(len(key))
    k = np.maximum(key, 0)
    mask = on & (key >= 0)[:, None]
    for it, by_c in annual.items():
        for c, q in by_c.items():
            out[it] += mask * (q[rows, k][:, None] * w.price[c][None, :])


def _network(inp: ModelInputs, s: Schedule, w: Window, out: dict[str, np.ndarray]) -> None:
    """Segment items from their build year, shared over the dwellings connected to them."""
    for r, seg in inp.segments.items():
        o = OPTIONS.index(r)
        on = (s.option == o) & (s.switch_year < NEVER)
        nb = np.array([inp.new_build_opt(b) == r for b in range(inp.n_blocks)]) & (
            inp.new_build_year <= inp.years[-1]
        )
        users = on | nb
        ann = inp.segment_annual[r]
        for k, members in enumerate(seg.members):
            year = s.edge_year[r][k]
            if year >= NEVER:
                continue
            m = members[users[members]]
            m = members if not len(m) else m
            share = inp.dwellings[m] / inp.dwellings[m].sum()
            live = w.years >= year
            for it, by_c in ann.items():
                yearly = sum(q[k] * w.price[c] for c, q in by_c.items()) * live
                out[it][m] += share[:, None] * yearly[None, :]


def schedule_costs(inp: ModelInputs, s: Schedule) -> Costs:
    """Every national cost item per block and window year for a schedule."""
    w = _window(inp)
    out = {k: np.zeros((inp.n_blocks, len(w.years))) for k in ITEMS}
    option_items(inp, s, w, out, inp.annual)
    gas = gas_use_m3(inp, s, w.years)
    out["gas"] += gas * w.price["gas_hh_m3"][None, :]
    out["co2"] += gas * (inp.co2_kg_per_m3 / 1000.0) * w.price["co2_t"][None, :]
    _measures(inp, s, w, out)
    _network(inp, s, w, out)
    _grid(inp, s, w, out)
    return Costs(out, gas_use_m3(inp, s), w.discount, w.years)


def option_keys(inp: ModelInputs, s: Schedule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per block: a new build within the modelled years, its option, and an existing block switched.

    Returns (bool, option index, bool) arrays: what :func:`option_items` and the actor accounting
    put each block on.
    """
    nb = inp.new_build_year <= inp.years[-1]
    nb_opt = np.array([OPTIONS.index(inp.new_build_opt(b)) for b in range(inp.n_blocks)])
    return nb, nb_opt, (s.switch_year < NEVER) & (s.option >= 0) & ~nb


def option_items(
    inp: ModelInputs, s: Schedule, w: Window, out: dict[str, np.ndarray], annual: Annual
) -> None:
    """Add the yearly ``annual`` items (item -> carrier -> (B, 4)) of each block's option and reference.

    New builds take their option from the build year (they never had gas); existing blocks their
    option (with the gas grid's removal) from the switch on, and the reference before it (the
    boiler's annuity and O&M; its gas is counted apart).
    """
    yrs = w.years[None, :]
    nb, nb_opt, switched = option_keys(inp, s)
    no_removal = {k: v for k, v in annual.items() if k != "gas_removal"}
    _add(
        out,
        no_removal,
        np.where(nb, nb_opt, -1),
        yrs >= np.maximum(inp.new_build_year, inp.years[0])[:, None],
        w,
    )
    _add(out, annual, np.where(switched, s.option, -1), yrs >= s.switch_year[:, None], w)
    ref = np.where(inp.active & inp.need_switch, REFERENCE, -1)
    boiler = {k: v for k, v in annual.items() if k not in ("gas", "co2")}
    _add(out, boiler, ref, yrs < s.switch_year[:, None], w)


def _measures(inp: ModelInputs, s: Schedule, w: Window, out: dict[str, np.ndarray]) -> None:
    """Insulation and gas-free cooking: annuities from the year done."""
    yrs = w.years[None, :]
    b = np.arange(inp.n_blocks)
    if inp.levels:
        lev = np.where(s.ins_level >= 0, s.ins_level, 0)
        fac = renovation_factor(inp)
        t = np.clip(s.insulation_year - int(inp.years[0]), 0, len(inp.years) - 1)
        af = float(annuity_factor(inp.discount_rate, lifetime_yr("insulation")))
        eur = np.where(s.ins_level >= 0, inp.ins_cost_eur[b, lev] * fac[b, t] * af, 0.0)
        out["insulation"] += eur[:, None] * (yrs >= s.insulation_year[:, None])
    ind_on = (yrs >= s.induction_year[:, None]) & inp.need_induction[:, None]
    for it, by_c in inp.induction_annual.items():
        out[it] += ind_on * sum(q[:, None] * w.price[c][None, :] for c, q in by_c.items())
    af50 = float(annuity_factor(inp.discount_rate, lifetime_yr("gas_removal")))
    only_ind = np.where(inp.need_switch, 0.0, inp.gas_removal_eur) * af50
    out["gas_removal"] += ind_on * only_ind[:, None]


def _grid(inp: ModelInputs, s: Schedule, w: Window, out: dict[str, np.ndarray]) -> None:
    """Grid reinforcements: their annuity from the year in service, shared over the blocks behind them."""
    g = inp.grid
    if g is None or not len(s.reinforce_year):
        return
    af = float(annuity_factor(inp.discount_rate, lifetime_yr("grid_reinforcement")))
    for e in np.nonzero(s.reinforce_year < NEVER)[0]:
        m = g.members[e]
        if not len(m):
            continue
        share = inp.dwellings[m] / max(inp.dwellings[m].sum(), 1e-9)
        yearly = g.cost_eur[e] * af * (w.years >= s.reinforce_year[e])
        out["grid_reinforcement"][m] += share[:, None] * yearly[None, :]

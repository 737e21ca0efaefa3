"""Three optimiser defects found against the brute force (issue 13), each pinned by a test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from heatplan.economics import annuity_factor, npv_from
from heatplan.optimisation import optimise
from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.checker import _investment, _network_spend, check
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs
from heatplan.optimisation.model import (
    LATE_PENALTY_EUR_PER_DWELLING_YR,
    MISS_PENALTY_EUR_PER_DWELLING,
    make_index,
)
from heatplan.optimisation.objective import coefficients, eur_tail, gas_weight, induction_npv
from heatplan.optimisation.results import block_table, edge_table
from heatplan.optimisation.schedule import Schedule, from_columns, to_columns
from heatplan.optimisation.solve import Session
from tests.optimisation.bruteforce import brute_force
from tests.optimisation.helpers import instance, make_blocks, small_scenario, sources_table, tree_network

MT_ONLY = {"options": {"allowed": ("mt",)}}


def _problems(inp: ModelInputs, s: Schedule) -> list[str]:
    return check(inp, block_table(inp, s, schedule_costs(inp, s)), edge_table(inp, s))


@pytest.mark.parametrize(
    ("n", "seed", "allowed"),
    [
        # HiGHS built the unused LT trunk in 2026 and "un-built" it in 2027: a -600 k EUR entry
        # in the 2027 budget row that paid for the MT connections
        (2, 6, ("mt", "lt")),
        # HiGHS laid the MT trunk in 2026, a year before its first connection, to spread the
        # budget; reading the schedule moved it to its first use and broke the 2027 budget
        (2, 3, ("mt",)),
    ],
)
def test_total_budget_counts_segments_like_the_brute_force(n: int, seed: int, allowed: tuple) -> None:
    inp = instance(n=n, seed=seed, budget={"total_eur_per_yr": 1_000_000.0}, options={"allowed": allowed})
    session = Session(inp)
    out = session.solve(time_limit_s=30, mip_gap=0.0)
    assert out.schedule is not None
    assert _problems(inp, out.schedule) == []
    assert out.objective_eur >= out.best_bound_eur - 1e-6 * abs(out.best_bound_eur)
    assert out.objective_eur == pytest.approx(schedule_costs(inp, out.schedule).total_npv_eur(), rel=1e-9)
    best, _ = brute_force(inp)  # (segments may be laid before their first use under a budget)
    assert out.objective_eur == pytest.approx(best, rel=1e-7)
    for e in session.built.index.edge.values():  # done stays done for segments too
        assert (np.diff(out.columns[e], axis=1) >= -1e-9).all()


def _everything_in(inp: ModelInputs, year: int, option: str) -> Schedule:
    s = Schedule.empty(inp)
    o = OPTIONS.index(option)
    s.option[:] = o
    s.switch_year[:] = year
    lev = inp.level_of_option[o]
    s.ins_level = np.where(inp.ins_needed[:, lev], lev, -1)
    s.insulation_year = np.where(s.ins_level >= 0, year, NEVER)
    s.induction_year[:] = year
    s.fill_edges(inp)
    return s


def test_checker_rejects_schedule_over_total_budget() -> None:
    inp = instance(n=2, seed=3, budget={"total_eur_per_yr": 1_000_000.0}, **MT_ONLY)
    s = _everything_in(inp, 2026, "mt")
    # budgets count investments (the national cost items are annuities): the checker's own sums
    total_2026 = sum(_investment(inp, s, 2026).values()) + _network_spend(inp, s, 2026)
    assert total_2026 > 1_000_000.0  # (hand check: the trunk alone is 400 m x 1,500 EUR/m)
    assert any("2026: investment" in p and "over the budget" in p for p in _problems(inp, s))
    loose = instance(n=2, seed=3, budget={"total_eur_per_yr": total_2026 * 1.001}, **MT_ONLY)
    assert _problems(loose, _everything_in(loose, 2026, "mt")) == []


def test_checker_rejects_schedule_over_owner_budget() -> None:
    # b1 and b2 belong to Staedion (helpers: owner "particulier" for every third block)
    inp = instance(n=3, seed=1, budget={"per_owner_eur_per_yr": {"Staedion": 100_000.0}}, **MT_ONLY)
    s = _everything_in(inp, 2027, "mt")
    problems = _problems(inp, s)
    assert any(p.startswith("2027: Staedion invests") for p in problems), problems
    assert not any("particulier" in p for p in problems)


def test_diagnostic_objective_counts_blocks_without_an_option() -> None:
    # b2 is on no MT tree and only MT is allowed: it has no decision columns. Its dwellings stay
    # on gas every year after the deadline and must pay the late penalty like any other block.
    blocks = make_blocks(3, seed=1)
    sc = small_scenario(years={"start": 2026, "deadline": 2027, "horizon_end": 2029}, **MT_ONLY)
    nets = {"mt": tree_network(blocks.iloc[:2], "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    res = optimise(blocks, sc, nets, sources_table(), time_limit_s=30, mip_gap=0.0)
    assert not res.deadline_met
    gas_free = res.blocks.set_index("block_id")["gas_free_year"]
    assert pd.isna(gas_free["b2"])
    n = blocks.set_index("block_id")["dwellings"]
    penalty = 0.0
    for b, year in gas_free.items():
        done = NEVER if pd.isna(year) else int(year)
        late_years = sum(1 for t in (2028, 2029) if t < done)
        penalty += MISS_PENALTY_EUR_PER_DWELLING * n[b] * (done > 2027)
        penalty += LATE_PENALTY_EUR_PER_DWELLING_YR * n[b] * late_years
    assert res.objective_eur == pytest.approx(res.cost_npv_eur["total"] + penalty, rel=1e-9)


def test_induction_only_block_pays_gas_removal_at_induction() -> None:
    # the documented objective: a block whose heat is already gas-free pays its gas connection's
    # removal with induction (K^ind_b + K^gasrm_b), in the model and in the accounting alike
    blocks = make_blocks(2, seed=1)
    blocks.loc[0, "heating"] = "heat_pump"
    inp = instance(blocks=blocks)
    assert not inp.need_switch[0] and inp.need_induction[0] and inp.gas_removal_eur[0] > 0
    idx = make_index(inp, elastic=False)
    c, _ = coefficients(inp, idx, elastic=False)
    t = 1  # 2027: "done by" coefficient = C_t - C_{t+1} - gas saved, C_t the NPV from t of the hob,
    # its 3x25 A share and the gas removal (annuities over 15 / 50 / 50 years, docs/economics.md)
    npv = induction_npv(inp)[0]
    af50 = float(annuity_factor(inp.discount_rate, 50))
    removal = inp.gas_removal_eur[0] * af50 * eur_tail(inp)
    bare = npv_from(inp.induction_annual, inp.window, inp.years)[0]
    assert npv == pytest.approx(bare + removal)
    saved = gas_weight(inp)[t] * inp.cook_gas_m3[0]
    assert c[idx.ind[0, t]] == pytest.approx(npv[t] - npv[t + 1] - saved)
    s = Schedule.empty(inp)
    s.induction_year[0] = 2027
    assert schedule_costs(inp, s).by_item["gas_removal"][0, t] == pytest.approx(inp.gas_removal_eur[0] * af50)
    assert to_columns(inp, idx, s)[idx.ind[0]].tolist() == [0.0, 1.0, 1.0]


def test_checker_rejects_segment_built_before_its_feeder() -> None:
    # n=3: the trunk feeds the even branch (b0, b2); laying the branch first is not a valid schedule
    inp = instance(n=3, seed=1, **MT_ONLY)
    seg = inp.segments["mt"]
    child = int(np.nonzero(seg.parent >= 0)[0][0])
    s = _everything_in(inp, 2027, "mt")
    assert _problems(inp, s) == []
    parent = int(seg.parent[child])
    s.edge_year["mt"][parent] = 2026  # a feeder laid a year early is fine
    assert _problems(inp, s) == []
    s.edge_year["mt"][parent] = 2027
    s.edge_year["mt"][child] = 2026
    problems = _problems(inp, s)
    assert len(problems) == 1 and "before the edge" in problems[0] and "(2027)" in problems[0], problems


def test_restricted_mip_keeps_the_lps_option_not_the_roundings_fallback() -> None:
    """gridtight (issue 15): the rounding fell back to heat pumps where a network was full in the
    year it tried; the restricted MIP fixed those heat pumps although the LP had the blocks on MT
    (354 heat-pump dwellings against 131). A block the LP settles keeps the LP's option."""
    inp = instance(n=4, seed=1)  # the LP has every block on MT
    session = Session(inp)
    lp, bound = session.relaxation(30)
    assert lp is not None
    idx = session.built.index
    share = np.where(idx.x[:, :, -1] >= 0, np.append(lp, 0.0)[idx.x[:, :, -1]], 0.0)
    hp = OPTIONS.index("hp")
    firm = np.nonzero((share.max(axis=1) >= 0.99) & (share.argmax(axis=1) != hp) & (idx.x[:, hp, -1] >= 0))[0]
    assert len(firm), "the case needs a block the LP settles on a network that may take a heat pump"
    rounded = session.greedy_start()
    rounded.option[firm] = hp  # what the fallback did
    cols = session._restricted(rounded, None, lp, 1e-6)
    assert cols is not None
    out = from_columns(inp, idx, cols)
    assert (out.option[firm] == share.argmax(axis=1)[firm]).all()
    assert session.objective(cols) >= bound - 1e-6 * abs(bound)
    best, _ = brute_force(inp)
    assert session.objective(cols) == pytest.approx(best, rel=1e-7)

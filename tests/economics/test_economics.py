"""National costs by hand: annuities over lifetimes and the window, a block that the window sends to MT."""

from __future__ import annotations

import numpy as np
import pytest

from heatplan.economics import annuity_factor, from_year_npv_factor, make_window, npv_from
from heatplan.optimisation import optimise
from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.objective import insulation_npv, switch_npv
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

R = 0.0225


def test_annuity_factor_matches_vesta_tables() -> None:
    # vesta-economics/README.md section 1.3: mr 2.25 % -> 15 yr 0.07929, 30 yr 0.04620, 50 yr 0.03352
    assert float(annuity_factor(R, 15)) == pytest.approx(0.07929, abs=5e-6)
    assert float(annuity_factor(R, 30)) == pytest.approx(0.04620, abs=5e-6)
    assert float(annuity_factor(R, 50)) == pytest.approx(0.03352, abs=5e-6)
    assert float(annuity_factor(0.0, 20)) == pytest.approx(1 / 20)


def test_annuity_of_one_investment_over_its_lifetime_and_the_window() -> None:
    # 10,000 EUR made in 2030, 15-year life, window 2026-2040, base year 2026, 2.25 %:
    # AF = 0.0225 / (1 - 1.0225^-15) = 0.079289 -> 792.89 EUR a year for 2030..2040 (11 years);
    # NPV = 792.89 * sum_{k=4}^{14} 1.0225^-k = 792.89 * 1.0225^-4 (1 - 1.0225^-11) / (1 - 1/1.0225)
    #     = 792.89 * 0.914843 * 0.217094 / 0.022005 = 792.89 * 9.0255 = 7,156 EUR.
    years = np.arange(2026, 2041)
    npv = 10_000 * float(annuity_factor(R, 15)) * float(from_year_npv_factor(R, 2026, years, np.array(2030)))
    assert npv == pytest.approx(7156.0, abs=2.0)
    # the same investment in a window to 2070: its annuity runs 41 years, replacements implied
    long = np.arange(2026, 2071)
    npv_long = (
        10_000 * float(annuity_factor(R, 15)) * float(from_year_npv_factor(R, 2026, long, np.array(2030)))
    )
    v = 1 / 1.0225
    assert npv_long == pytest.approx(792.89 * sum(v**k for k in range(4, 45)), rel=1e-4)
    # an investment made after the window costs nothing in it
    assert float(from_year_npv_factor(R, 2026, years, np.array(2041))) == 0.0


def test_window_prices_follow_the_paths_and_discounting() -> None:
    w = make_window(
        2026, 2035, R, 2026,
        {"gas_eur_per_m3": {2026: 0.3, 2031: 0.4}, "gas_large_eur_per_m3": {2026: 0.2},
         "co2_eur_per_t": {2027: 0.0, 2028: 45.0}, "electricity_eur_per_kwh": {2026: 0.1},
         "electricity_large_eur_per_kwh": {2026: 0.08}},
    )  # fmt: skip
    assert w.price["gas_hh_m3"][[0, 2, 5, 9]] == pytest.approx([0.3, 0.34, 0.4, 0.4])  # 2028: 0.3 + 2/5 * 0.1
    assert w.price["co2_t"][:3] == pytest.approx([0.0, 0.0, 45.0])
    # 100 m3 of gas a year from 2034 on: 100 * (0.4 / 1.0225^8 + 0.4 / 1.0225^9)
    q = {"gas": {"gas_hh_m3": np.array([100.0])}}
    assert float(npv_from(q, w, np.array([2034]))[0, 0]) == pytest.approx(40 * (1.0225**-8 + 1.0225**-9))


def _one_block(eur_per_m: float) -> tuple:
    """One 40-dwelling flat block at label A (no insulation either way), MT or heat pump."""
    blocks = make_blocks(1, seed=0, dwellings=40, floor_area_m2=40 * 65.0, label="A", construction_year=1962,
                         dwelling_type="meergezins: laag en midden")  # fmt: skip
    sc = small_scenario(options={"allowed": ("mt", "hp")}, capacity={"switch_dwellings_per_yr": None})
    nets = {"mt": tree_network(blocks, "mt", 2.0, "s1", eur_per_m)}
    src = sources_table().assign(heat_cost_eur_per_gj=[4.3, 0.9])
    return blocks, sc, nets, src


def test_heat_pump_cheaper_to_buy_but_dearer_over_the_window_so_the_plan_picks_mt() -> None:
    blocks, sc, nets, src = _one_block(eur_per_m=600.0)
    res = optimise(blocks, sc, nets, src, mip_gap=0.0)
    inp = res.session.inputs
    n = 40.0
    pipes = 600.0 * (400.0 + 200.0 + 30.0)  # trunk, branch and service pipe of the tree, all this block's
    buy_mt = (
        inp.conn_cost_eur[0, 0] + inp.source_cost_eur[0, 0] + pipes - inp.invest_eur["service_pipes"][0, 0]
    ) / n
    buy_hp = (inp.conn_cost_eur[0, 2] + inp.source_cost_eur[0, 2]) / n
    assert buy_hp < buy_mt  # the heat pump is cheaper to buy ...
    t_last = -1
    over_mt = switch_npv(inp)[0, 0, t_last] + pipes_npv(inp)
    over_hp = switch_npv(inp)[0, 2, t_last]
    assert over_hp > over_mt  # ... but dearer over the window (15-year life, O&M, electricity)
    assert res.blocks.loc[0, "option"] == "mt"
    assert insulation_npv(inp)[0].sum() == 0.0  # label A: no insulation for either option
    assert schedule_costs(inp, res.schedule).total_npv_eur() == pytest.approx(res.objective_eur, rel=1e-9)


def pipes_npv(inp) -> float:
    """NPV of the tree's segments built in the last modelled year (this block is their only user)."""
    from heatplan.optimisation.objective import segment_npv

    return float(sum(segment_npv(inp, r)[:, -1].sum() for r in inp.segments))


def test_yearly_heat_loss_of_a_dn100_route_by_hand() -> None:
    from heatplan.networks.losses import loss_gj_per_m_yr, state_temperatures_c
    from heatplan.networks.pipes import catalogue
    from heatplan.scenario import Scenario

    sc = Scenario()
    st = state_temperatures_c(sc, "mt")
    # MT 70/40; soil 6 / 10 / 15 C; return 40 / 45 / 62 C (summer bypass 70 - 8); 2,400 / 2,760 / 3,600 h
    assert st["return_c"].tolist() == [40.0, 45.0, 62.0] and st["hours"].sum() == 8760
    # kelvin-hours, supply + return pipe: (64 + 34) 2400 + (60 + 35) 2760 + (55 + 47) 3600 = 864,600 K h
    # DN100 (114.3 / 225 mm): R_ins = ln(225/114.3) / (2 pi 0.029) = 3.71695, depth 0.6 + 0.1125 m,
    # R_soil = ln(4 * 0.7125 / 0.225) / (2 pi 1.5) = 0.26939 -> U = 1 / 3.98634 = 0.250857 W/(m K)
    u = float(catalogue().set_index("dn").loc[100, "u_lin_w_per_mk"])
    assert u == pytest.approx(0.250857, rel=1e-5)
    # 0.250857 W/(m K) * 864,600 K h * 3600 s/h = 0.78081 GJ per metre of route and year
    assert float(loss_gj_per_m_yr(np.array([u]), sc, "mt")[0]) == pytest.approx(0.78081, rel=1e-4)


def test_network_share_counts_each_pipe_once_with_new_builds_on_it() -> None:
    """An existing block and a new build on one LT tree: their shares add up to the pipes built.

    The new build's dwellings share the trunk; before, the existing block alone was charged it.
    """
    from heatplan.optimisation.national import _network_share
    from heatplan.optimisation.objective import segment_npv

    blocks = make_blocks(2, seed=0, dwellings=20, label="A", dwelling_type="meergezins: laag en midden")
    blocks["dwellings"] = [20, 60]
    blocks["new_build_year"] = [np.nan, 2027.0]
    blocks.loc[1, ["heating", "cooking"]] = ["district_heating", "electric"]
    sc = small_scenario(options={"allowed": ("lt",), "new_build": "lt"})
    nets = {"lt": tree_network(blocks, "lt", 2.0, "s2", 600.0)}
    res = optimise(blocks, sc, nets, sources_table(), mip_gap=0.0)
    inp, s = res.session.inputs, res.schedule
    assert s.option[0] == 1  # the existing block on LT shares the trunk with the new build
    y = int(inp.years[-1])
    share = _network_share(inp, s, 1, np.array([0, 1]), np.array([y, y]))
    npv, seg = segment_npv(inp, "lt"), inp.segments["lt"]
    built = np.minimum(s.edge_year["lt"], y) - int(inp.years[0])
    total = sum(float(npv[k, built[k]]) for k in range(len(seg.parent)))
    assert share.sum() == pytest.approx(total, rel=1e-9)
    trunk = int(seg.block_segment[0])
    while seg.parent[trunk] >= 0:
        trunk = int(seg.parent[trunk])
    assert share[0] < total - 0.5 * float(npv[trunk, built[trunk]])  # 20 of 80 dwellings' trunk share


def test_induction_pays_for_the_hobs_electricity() -> None:
    """A district-heated block that cooks on gas: its induction costs the hob, its 3x25 A share and
    175 kWh a dwelling a year at the household electricity price, from its induction year on."""
    blocks = make_blocks(1, seed=0, dwellings=20, heating="district_heating", cooking="gas", label="B")
    sc = small_scenario(options={"allowed": ("mt", "hp")})
    res = optimise(blocks, sc, {}, sources_table(), mip_gap=0.0)
    inp = res.session.inputs
    year = int(res.blocks.loc[0, "induction_year"])
    costs = schedule_costs(inp, res.schedule)
    w = inp.window
    assert w is not None
    kwh = 20 * 175.0  # [induction] electricity_kwh_per_yr (reference/domain-facts.md section 4)
    expect = np.where(w.years >= year, kwh * w.price["elec_hh_kwh"], 0.0)
    assert costs.by_item["electricity"][0] == pytest.approx(expect, rel=1e-12)
    # the objective prices the same electricity: the accounting's total is the optimiser's objective
    assert costs.total_npv_eur() == pytest.approx(res.objective_eur, rel=1e-9)

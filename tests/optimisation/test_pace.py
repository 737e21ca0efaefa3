"""Pace and induction that can happen (issue 14, item 4), each with a hand calculation.

Capacity paths per year, an induction capacity that binds, the "blok voor blok" induction window,
corporations' E-G labels gone by 2028, and heat-pump eligibility per dwelling type.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from heatplan.buildings import costs
from heatplan.errors import ScenarioError
from heatplan.optimisation import optimise
from heatplan.optimisation.checker import check
from heatplan.optimisation.inputs import build_inputs, capacity_path
from heatplan.optimisation.model import capacity as capacity_rows
from heatplan.optimisation.model import make_index
from heatplan.scenario import Pin, load_scenario, scenario_to_toml
from tests.optimisation.bruteforce import brute_force
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

HIGH_GAS = {"gas_eur_per_m3": {2026: 30.0}, "co2_eur_per_t": {2026: 0.0}}
LOW_GAS = {"gas_eur_per_m3": {2026: 0.05}, "co2_eur_per_t": {2026: 0.0}}


def _nets(blocks: pd.DataFrame) -> dict:
    return {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}


def _run(blocks: pd.DataFrame, end: int = 2028, **scenario: object):
    sc = small_scenario(years={"start": 2026, "deadline": end, "horizon_end": end + 2}, **scenario)
    return optimise(blocks, sc, _nets(blocks), sources_table(), mip_gap=0.0)


def _per_year(res, col: str) -> dict[int, float]:
    b = res.blocks.merge(pd.DataFrame({"block_id": res.session.inputs.block_ids,
                                       "n": res.session.inputs.dwellings}), on="block_id")  # fmt: skip
    b = b[b[col].notna()]
    return {int(k): float(v) for k, v in b.groupby(col)["n"].sum().items()}


# ---- capacity paths --------------------------------------------------------------------------


def test_capacity_path_interpolates_and_holds() -> None:
    years = np.arange(2025, 2033)
    # held before 2026; 500 + (2500 - 500) * (y - 2026) / 4 between; held after 2030
    assert capacity_path({2026: 500.0, 2030: 2500.0}, years).tolist() == [
        500, 500, 1000, 1500, 2000, 2500, 2500, 2500,
    ]  # fmt: skip
    assert capacity_path(800.0, years).tolist() == [800.0] * 8
    assert capacity_path(None, years) is None


def test_capacity_path_in_scenario_files(tmp_path: Path) -> None:
    p = tmp_path / "s.toml"
    p.write_text("[capacity]\nswitch_dwellings_per_yr = { 2026 = 500, 2030 = 2500 }\n"
                 'induction_dwellings_per_yr = 900\ninsulate_dwellings_per_yr = "unlimited"\n')  # fmt: skip
    s = load_scenario(str(p))
    assert s.capacity.switch_dwellings_per_yr == {2026: 500.0, 2030: 2500.0}
    assert s.capacity.induction_dwellings_per_yr == 900.0 and s.capacity.insulate_dwellings_per_yr is None
    back = tmp_path / "back.toml"
    back.write_text(scenario_to_toml(s))
    assert load_scenario(str(back)) == s
    p.write_text("[capacity]\nswitch_dwellings_per_yr = { 2026 = 500, 2030 = -1 }\n")
    with pytest.raises(ScenarioError, match=r"switch_dwellings_per_yr.*2030"):
        load_scenario(str(p))
    # the override sets stay meaningful: pace500 is the flat seed pace over the default ramp
    assert load_scenario(":pace500").capacity.switch_dwellings_per_yr == 500.0
    assert load_scenario(None).capacity.switch_dwellings_per_yr == {2026: 500.0, 2030: 2400.0}


def test_capacity_path_holds_per_year() -> None:
    """Switching {2026: 20, 2028: 60} -> 20, 40, 60 dwellings in 2026, 2027, 2028 (rows and schedule)."""
    blocks = make_blocks(3, seed=1, dwellings=[18, 22, 35], cooking="induction")
    path = {2026: 20.0, 2028: 60.0}
    res = _run(blocks, capacity={"switch_dwellings_per_yr": path}, prices=HIGH_GAS)
    inp = res.session.inputs
    assert inp.cap_switch is not None and inp.cap_switch.tolist() == [20.0, 40.0, 60.0]
    rows = capacity_rows(inp, make_index(inp, elastic=False))
    assert [u for u, n in zip(rows.ub, rows.names, strict=True) if n.startswith("switch")] == [
        20.0,
        40.0,
        60.0,
    ]
    # gas at 30 EUR/m3: as many dwellings off gas as early as the path lets them. Only 18 fits
    # 2026's 20; 2027's 40 takes 35 or 22 but not both (57): 35, which saves more gas; 2028 the 22.
    assert _per_year(res, "connection_year") == {2026: 18.0, 2027: 35.0, 2028: 22.0}
    assert check(inp, res.blocks, res.edges) == []
    # the checker reads the path too: 18 + 22 = 40 in 2026 is over that year's 20
    bad = res.blocks.copy()
    bad.loc[bad["block_id"] == "b1", "connection_year"] = 2026
    bad.loc[bad["block_id"] == "b1", "insulation_year"] = 2026
    assert any("2026: 40 dwellings switched, capacity 20" in p for p in check(inp, bad, res.edges))


# ---- induction -------------------------------------------------------------------------------


def test_induction_capacity_binds() -> None:
    """Three district-heated blocks of 20 dwellings cook with gas; induction capacity 30 a year.

    Induction costs ~1,700 EUR a dwelling and saves its cooking gas at 30 EUR/m3: every block wants
    it in 2026. 30 a year lets one block of 20 in each year (two are 40 > 30), so 20, 20, 20;
    without the limit all 60 in 2026.
    """
    blocks = make_blocks(3, seed=2, dwellings=[20, 20, 20], heating="district_heating")
    res = _run(blocks, capacity={"switch_dwellings_per_yr": None, "induction_dwellings_per_yr": 30.0},
               prices=HIGH_GAS)  # fmt: skip
    assert _per_year(res, "induction_year") == {2026: 20.0, 2027: 20.0, 2028: 20.0}
    assert check(res.session.inputs, res.blocks, res.edges) == []
    free = _run(blocks, capacity={"switch_dwellings_per_yr": None, "induction_dwellings_per_yr": None},
                prices=HIGH_GAS)  # fmt: skip
    assert _per_year(free, "induction_year") == {2026: 60.0}
    bad = free.blocks
    problems = check(res.session.inputs, bad, free.edges)
    assert any("2026: 60 dwellings converted to induction, capacity 30" in p for p in problems)


def test_induction_window_blok_voor_blok() -> None:
    """A block pinned to switch in 2030 gets induction no earlier than 2030 - k.

    Cooking gas at 30 EUR/m3 makes induction as early as allowed: 2026 with no rule, 2029 with
    k = 1, 2030 (the switch year) with k = 0.
    """
    blocks = make_blocks(1, seed=3, dwellings=[10])
    pin = (Pin(block_id="b0", measure="connection", year=2030),)
    years = {}
    for k in ("off", 1, 0):
        res = _run(blocks, end=2030, prices=HIGH_GAS, pins=pin,
                   programme={"induction_max_years_before_switch": k})  # fmt: skip
        years[k] = int(res.blocks.loc[0, "induction_year"])
        assert check(res.session.inputs, res.blocks, res.edges) == []
    assert years == {"off": 2026, 1: 2029, 0: 2030}
    strict = _run(
        blocks, end=2030, prices=HIGH_GAS, pins=pin, programme={"induction_max_years_before_switch": 0}
    )
    early = strict.blocks.copy()
    early.loc[0, "induction_year"] = 2027
    assert any("more than 0 years before the heat switch" in p for p in check(strict.session.inputs, early,
                                                                             strict.edges))  # fmt: skip


# ---- corporations' E, F and G labels -----------------------------------------------------------


def _corp_e_block() -> pd.DataFrame:
    return make_blocks(1, seed=4, dwellings=[12], owner_type="corporation", label="E")


def test_corporation_e_label_insulated_by_2028() -> None:
    """A corporation block labelled E, switch pinned to 2031, gas cheap (so insulation waits).

    Without the rule it insulates in its switch year 2031 (later is cheaper when discounted, the
    gas saved is worth little); with the rule (default 2028) it insulates in 2028, the latest
    year allowed.
    """
    blocks = _corp_e_block()
    pin = (Pin(block_id="b0", measure="connection", year=2031),)
    on = _run(blocks, end=2032, prices=LOW_GAS, pins=pin)
    off = _run(blocks, end=2032, prices=LOW_GAS, pins=pin, programme={"corporation_efg_gone_by": "off"})
    assert int(on.blocks.loc[0, "insulation_year"]) == 2028
    assert int(off.blocks.loc[0, "insulation_year"]) == 2031
    assert check(on.session.inputs, on.blocks, on.edges) == []
    assert any("gone by 2028" in d for d in on.diagnostics)
    late = on.blocks.copy()
    late.loc[0, "insulation_year"] = 2030
    assert any("not insulated by 2028" in p for p in check(on.session.inputs, late, on.edges))
    # insulation costs more than saving the gas: the rule costs money
    assert on.objective_eur > off.objective_eur


def test_corporation_rule_that_cannot_hold_is_reported() -> None:
    """Two corporation E blocks of 12 dwellings, insulation capacity 10 a year over 2026-2028.

    30 dwellings fit the capacity by 2028, 24 need it, but no block of 12 fits a year's 10: the
    arithmetic check passes, the model cannot insulate either block. With capacity 5 a year the
    arithmetic says so before solving (15 < 24).
    """
    blocks = make_blocks(2, seed=4, dwellings=[12, 12], owner_type="corporation", label="E")
    res = _run(blocks, end=2032, prices=LOW_GAS, capacity={"switch_dwellings_per_yr": None,
                                                          "insulate_dwellings_per_yr": 5.0})  # fmt: skip
    text = res.message()
    assert "cannot all be gone by 2028" in text and "allows 15 over 2026-2028" in text
    assert "NOT all gone by 2028" in text
    assert check(res.session.inputs, res.blocks, res.edges, hard_deadline=False) == []


# ---- heat-pump eligibility -----------------------------------------------------------------------


def test_heat_pump_ineligible_type_takes_the_network() -> None:
    """A high-rise block with only MT or a heat pump allowed; pipes at 4,000 EUR/m make MT dearer.

    Heat pumps allowed everywhere: it takes the heat pump. Default exclusion of high-rise flats
    ("meergezins: hoog"): it must take MT, at a higher cost.
    """
    blocks = make_blocks(2, seed=5, dwelling_type="meergezins: hoog")
    sc_kw = {"options": {"allowed": ("mt", "hp")}}
    nets = {"mt": tree_network(blocks, "mt", eur_per_m=4000.0)}
    years = {"start": 2026, "deadline": 2028, "horizon_end": 2030}
    free = optimise(blocks, small_scenario(years=years, **sc_kw), nets, sources_table(), mip_gap=0.0)
    excl = {"options": {"allowed": ("mt", "hp"), "hp_excluded_dwelling_types": ("meergezins: hoog",)}}
    strict = optimise(blocks, small_scenario(years=years, **excl), nets, sources_table(), mip_gap=0.0)
    assert set(free.blocks["option"]) == {"hp"}
    assert set(strict.blocks["option"]) == {"mt"}
    assert strict.objective_eur > free.objective_eur
    assert not strict.session.inputs.allowed[:, 2].any()
    problems = check(strict.session.inputs, free.blocks, free.edges)
    assert any("heat pump on an excluded type (meergezins: hoog)" in p for p in problems)
    with pytest.raises(ValueError, match="unknown dwelling type"):
        small_scenario(options={"hp_excluded_dwelling_types": ("flat",)})


def test_heat_pump_cost_counts_the_meter_cupboard() -> None:
    """Vesta Ki_Meterkast_*_S1: 850 EUR per flat, 1,200 EUR per ground-level dwelling, on top of
    the heat pump (4,652-6,843 EUR + 430-644 EUR/kW; at point 0 and 0 kW: 4,652 EUR)."""
    blocks = make_blocks(2, seed=6, dwellings=[10, 10])
    blocks["dwelling_type"] = ["meergezins: laag en midden", "rijwoning tussen"]
    eur = costs.heat_pump_cost_eur(blocks, pd.Series([0.0, 0.0], index=blocks.index), point=0.0)
    assert eur.tolist() == [10 * (4652 + 850), 10 * (4652 + 1200)]


# ---- brute force knows the new rules -------------------------------------------------------------


def test_brute_force_with_paths_window_and_corporations() -> None:
    blocks = make_blocks(3, seed=7)
    blocks["owner_type"] = ["corporation", "corporation", "owner_occupied"]
    blocks["label"] = ["E", "C", "F"]
    blocks["dwelling_type"] = ["meergezins: hoog", "meergezins: laag en midden", "rijwoning tussen"]
    sc = small_scenario(
        years={"start": 2026, "deadline": 2028, "horizon_end": 2030},
        capacity={"switch_dwellings_per_yr": {2026: 25.0, 2028: 80.0},
                  "induction_dwellings_per_yr": {2026: 30.0, 2027: 60.0}},
        programme={"induction_max_years_before_switch": 1, "corporation_efg_gone_by": 2027},
        options={"hp_excluded_dwelling_types": ("meergezins: hoog",)},
        prices={"gas_eur_per_m3": {2026: 1.3, 2028: 1.5}},
    )  # fmt: skip
    inp = build_inputs(blocks, sc, _nets(blocks), sources_table())
    from heatplan.optimisation.solve import Session

    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    best, sched = brute_force(inp)
    assert out.status == "optimal" and np.isfinite(best)
    assert out.objective_eur == pytest.approx(best, rel=1e-7)
    assert sched.insulation_year[0] <= 2027  # the corporation E block


def test_greedy_leaves_packing_room_before_the_deadline() -> None:
    """Three blocks of 25 dwellings, 40 a year for 2026-2028, an LP that puts all in 2028.

    Nominal room: in 2026 the later years take 80 >= 75, so none goes; in 2027 the excess is
    75 - 40 = 35, two blocks are called but only one fits (50 > 40); 2028 takes one of the two
    left and the third misses the deadline. Counting each later year at 40 less the median block
    (25): in 2026 75 - 2 x 15 = 45 must go (one block fits), in 2027 75 - 25 - 15 = 35 (one
    fits), and the last takes 2028.
    """
    from heatplan.optimisation.greedy import greedy_schedule
    from heatplan.optimisation.schedule import to_columns
    from heatplan.optimisation.solve import Session
    from tests.optimisation.helpers import instance

    blocks = make_blocks(3, seed=1, dwellings=[25, 25, 25], cooking="induction")
    inp = instance(blocks=blocks, capacity={"switch_dwellings_per_yr": 40.0}, options={"allowed": ("mt",)})
    s = Session(inp)
    idx = s.built.index
    guide = np.zeros(len(s.built.variables))
    guide[idx.x[:, 0, 2]] = 1.0  # every block on MT in 2028 only (the LP's spread, rounded late)
    sched = greedy_schedule(inp, idx, guide)
    assert (sched.option == 0).all()
    assert sorted(sched.switch_year.tolist()) == [2026, 2027, 2028]
    assert s._feasible(to_columns(inp, idx, sched))

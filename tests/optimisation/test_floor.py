"""The programme's pace floor (issue 14, item 4): ``programme.min_switch_dwellings_per_yr``.

Existing dwellings switched by the end of each year >= the floor summed from the first year,
clipped at what can switch; the model, the greedy start, the checker, the brute force and the
preflight all read it the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from heatplan.buildings.stock import load_stock
from heatplan.errors import InputError, ScenarioError
from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.checker import check
from heatplan.optimisation.greedy import greedy_schedule
from heatplan.optimisation.model import make_index, pace_floor
from heatplan.optimisation.results import block_table, edge_table
from heatplan.optimisation.schedule import to_columns
from heatplan.optimisation.solve import Session
from heatplan.plan.preflight import check_pace_floor
from heatplan.scenario import Pin, load_scenario, scenario_to_toml
from tests.optimisation.bruteforce import brute_force
from tests.optimisation.helpers import instance, make_blocks, small_scenario

LOW_GAS = {"gas_eur_per_m3": {2026: 0.05}, "co2_eur_per_t": {2026: 0.0}}
FLOOR_20 = {"min_switch_dwellings_per_yr": 20.0}


def _switched_by(inp, s) -> list[float]:
    """Existing dwellings switched by the end of each modelled year."""
    return [float(inp.dwellings[(s.option >= 0) & (s.switch_year <= y)].sum()) for y in inp.years]


def test_floor_moves_the_first_switch_forward() -> None:
    """Blocks of 21, 22 and 31 dwellings (74), years 2026-2028, gas at 0.05 EUR/m3.

    Without a floor every switch waits for 2028 (the discounted national cost falls with each
    year of waiting and almost no gas is saved). A floor of 20 a year asks 20, 40 and 60 (<= 74)
    dwellings by the end of 2026, 2027 and 2028: one block (any is >= 20) in 2026, a second by
    2027 (the smallest two make 43 >= 40), the third in 2028 for the deadline.
    """
    free = instance(n=3, seed=1, prices=LOW_GAS)
    assert free.dwellings.tolist() == [21.0, 22.0, 31.0] and free.floor_cumulative() is None
    out = Session(free).solve(time_limit_s=30, mip_gap=0.0)
    assert out.schedule is not None and out.schedule.switch_year.tolist() == [2028, 2028, 2028]

    inp = instance(n=3, seed=1, prices=LOW_GAS, programme=FLOOR_20)
    assert inp.floor_cumulative().tolist() == [20.0, 40.0, 60.0]
    held = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    s = held.schedule
    assert s is not None
    by = _switched_by(inp, s)
    assert by[0] >= 20 and by[1] >= 40 and by[2] == 74
    assert sorted(np.bincount(s.switch_year - 2026, minlength=3).tolist()) == [1, 1, 1]  # one a year
    assert held.objective_eur > out.objective_eur  # the floor costs something: it binds
    assert check(inp, block_table(inp, s, schedule_costs(inp, s)), edge_table(inp, s)) == []
    # the checker reports the unconstrained schedule (all in 2028) against the floor
    late = out.schedule
    problems = check(inp, block_table(inp, late, schedule_costs(inp, late)), edge_table(inp, late))
    assert problems == [
        "2026: 0 dwellings switched by the end of the year, below the programme's pace floor of 20",
        "2027: 0 dwellings switched by the end of the year, below the programme's pace floor of 40",
    ]


def test_optimum_with_floor_equals_brute_force() -> None:
    inp = instance(n=3, seed=1, prices=LOW_GAS, programme=FLOOR_20)
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    best, s = brute_force(inp)
    assert out.status == "optimal"
    assert out.objective_eur == pytest.approx(best, rel=1e-7)
    assert _switched_by(inp, s)[:2] >= [20.0, 40.0]


def test_floor_is_clipped_at_what_can_switch() -> None:
    """A floor of 1,000 a year on 74 dwellings asks all 74 by 2026; a block pinned to 2028 waits."""
    inp = instance(n=3, seed=1, programme={"min_switch_dwellings_per_yr": 1000.0})
    assert inp.floor_cumulative().tolist() == [74.0, 74.0, 74.0]
    pin = Pin(block_id="b2", measure="connection", year=2028)
    inp = instance(n=3, seed=1, programme={"min_switch_dwellings_per_yr": 1000.0}, pins=(pin,))
    assert inp.floor_cumulative().tolist() == [43.0, 43.0, 74.0]
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    assert out.schedule is not None and out.schedule.switch_year.tolist() == [2026, 2026, 2028]
    # a path: {2026: 0, 2028: 40} -> 0, 20, 40 a year -> 0, 20, 60 by the end of each year
    inp = instance(n=3, seed=1, programme={"min_switch_dwellings_per_yr": {2026: 0.0, 2028: 40.0}})
    assert inp.floor_cumulative().tolist() == [0.0, 20.0, 60.0]
    # a floor at the capacity (21 a year; by the end of each year 21, 42, 63) is held to within the
    # smallest block (21 dwellings) less one: 21 - 20, 42 - 20, 63 - 20 (no exact fill is asked)
    inp = instance(n=3, seed=1, programme={"min_switch_dwellings_per_yr": 21.0},
                   capacity={"switch_dwellings_per_yr": 21.0})  # fmt: skip
    assert inp.floor_cumulative().tolist() == [1.0, 22.0, 43.0]


def test_floor_rows_only_in_the_normal_run() -> None:
    inp = instance(n=3, seed=1, programme=FLOOR_20)
    rows = pace_floor(inp, make_index(inp, elastic=False))
    assert rows.names == ["floor:2026", "floor:2027", "floor:2028"] and rows.lb == [20.0, 40.0, 60.0]
    assert len(pace_floor(inp, make_index(inp, elastic=True))) == 0


def test_greedy_rounding_reaches_the_floor() -> None:
    """Guided by an LP that waits for 2028 (the schedule without a floor), the greedy still places
    the first blocks in its order early enough to meet 20 / 40 / 60 by the end of each year."""
    free = instance(n=3, seed=1, prices=LOW_GAS)
    late = Session(free).solve(time_limit_s=30, mip_gap=0.0).schedule
    inp = instance(n=3, seed=1, prices=LOW_GAS, programme=FLOOR_20)
    idx = make_index(inp, elastic=False)
    lp = to_columns(inp, idx, late)
    s = greedy_schedule(inp, idx, lp)
    by = _switched_by(inp, s)
    assert by[0] >= 20 and by[1] >= 40 and by[2] == 74
    assert check(inp, block_table(inp, s, schedule_costs(inp, s)), edge_table(inp, s)) == []


def test_floor_in_scenario_files(tmp_path: Path) -> None:
    assert load_scenario(None).programme.min_switch_dwellings_per_yr == 500.0
    assert small_scenario().programme.min_switch_dwellings_per_yr is None  # the model's default
    p = tmp_path / "s.toml"
    for text, want in (('"none"', None), ('"off"', None), ("300", 300.0),
                       ("{ 2026 = 0, 2030 = 1000 }", {2026: 0.0, 2030: 1000.0})):  # fmt: skip
        p.write_text(f"[programme]\nmin_switch_dwellings_per_yr = {text}\n")
        s = load_scenario(str(p))
        assert s.programme.min_switch_dwellings_per_yr == want
        back = tmp_path / "back.toml"
        back.write_text(scenario_to_toml(s))
        assert load_scenario(str(back)) == s
    p.write_text("[programme]\nmin_switch_dwellings_per_yr = { 2026 = 500, 2030 = -1 }\n")
    with pytest.raises(ScenarioError, match=r"min_switch_dwellings_per_yr.*2030"):
        load_scenario(str(p))


def test_floor_above_capacity_is_one_clear_error() -> None:
    """Floor 600 a year, capacity { 2026 = 500, 2030 = 2400 } (500, 975, ...): 600 > 500 in 2026.

    Floor { 2026 = 0, 2027 = 1600 }: 0 + 1,600 = 1,600 by 2027 > 500 + 975 = 1,475.
    """
    stock = load_stock()
    base = load_scenario(None)
    check_pace_floor(stock, base, "s.toml")  # the default: 500 a year within the capacity path
    for floor, msg in (
        (600.0, "asks 600 dwellings switched by the end of 2026, but capacity.switch_dwellings_per_yr "
                "allows 500 by then"),
        ({2026: 0.0, 2027: 1600.0}, "asks 1,600 dwellings switched by the end of 2027, but "
                                    "capacity.switch_dwellings_per_yr allows 1,475 by then"),
    ):  # fmt: skip
        sc = base.model_copy(
            update={"programme": base.programme.model_copy(update={"min_switch_dwellings_per_yr": floor})}
        )
        with pytest.raises(InputError, match=r"programme\.min_switch_dwellings_per_yr") as err:
            check_pace_floor(stock, sc, "s.toml")
        assert str(err.value).startswith("s.toml: ") and msg in str(err.value)
    # a floor held within what can switch: 600 a year on four blocks asks only their dwellings
    small = make_blocks(4, seed=1)
    sc = base.model_copy(
        update={"programme": base.programme.model_copy(update={"min_switch_dwellings_per_yr": 600.0})}
    )
    check_pace_floor(small, sc, "s.toml")

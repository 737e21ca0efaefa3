"""Grid reinforcements as decisions: the optimum equals a brute force over schedules and reinforcements."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.grid_rows import GridInput, reinforcement_npv
from heatplan.optimisation.inputs import NEVER, OPTIONS, ModelInputs, build_inputs
from heatplan.optimisation.solve import Session
from tests.optimisation.bruteforce import brute_force_all
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network


def _grid_inputs(first_year: int, room_share: float, per_year: float | None) -> ModelInputs:
    """Three blocks behind one station; its room takes ``room_share`` of all three on heat pumps."""
    blocks = make_blocks(3, seed=7)
    sc = small_scenario(years={"start": 2026, "deadline": 2028, "horizon_end": 2030})
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    inp = build_inputs(blocks, sc, nets, sources_table())
    hp_kw = float(inp.elec_kw["hp"].sum() + inp.elec_kw["induction"].sum())
    t_ = len(inp.years)
    grid = GridInput(
        element_id=np.array(["S0"]), kind=np.array(["station"]), members=[np.arange(3)],
        room_kw=np.full((1, t_), room_share * hp_kw), step_kw=np.array([hp_kw]),
        cost_eur=np.array([60_000.0]), first_year=first_year,
        per_year=None if per_year is None else np.full(t_, per_year), forced_year=np.array([NEVER]),
        fixed_kw=np.zeros((1, t_)),
    )  # fmt: skip
    return replace(inp, grid=grid)


def _added_kw(inp: ModelInputs, s: object) -> np.ndarray:
    """(T,) the load the schedule adds behind the station, from the block figures (by hand)."""
    yrs = inp.years
    kw = np.zeros(len(yrs))
    for b in range(inp.n_blocks):
        o = s.option[b]  # type: ignore[attr-defined]
        if o >= 0:
            per = {"mt": 0.0, "lt": inp.elec_kw["lt_booster"][b], "hp": inp.elec_kw["hp"][b]}[OPTIONS[o]]
            kw += (yrs >= s.switch_year[b]) * per  # type: ignore[attr-defined]
        if inp.need_induction[b]:
            kw += (yrs >= s.induction_year[b]) * inp.elec_kw["induction"][b]  # type: ignore[attr-defined]
    return kw


def grid_cost(inp: ModelInputs, s: object) -> float:
    """The cheapest reinforcement year for a schedule (inf if none holds): by hand, for the brute force."""
    g = inp.grid
    assert g is not None
    kw = _added_kw(inp, s)
    over = kw > g.room_kw[0] + 1e-6
    if not over.any():
        return 0.0
    t = int(over.argmax())
    if inp.years[t] < g.first_year or (kw > g.room_kw[0] + g.step_kw[0] + 1e-6).any():
        return np.inf
    return float(reinforcement_npv(inp)[0, t])


@pytest.mark.parametrize(
    ("first_year", "room_share"),
    [(2026, 0.3), (2028, 0.3), (2031, 0.3), (2026, 0.9)],
    ids=["reinforce_any_year", "reinforce_from_2028", "no_reinforcement", "room_enough"],
)
def test_grid_optimum_equals_brute_force(first_year: int, room_share: float) -> None:
    inp = _grid_inputs(first_year, room_share, per_year=None)
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    best, _ = brute_force_all(inp, extra=grid_cost)
    assert out.status == "optimal"
    assert out.objective_eur == pytest.approx(best, rel=1e-7)
    # the optimum's reinforcement is in the first year its load needs one (never before allowed)
    s = out.schedule
    kw = _added_kw(inp, s)
    need = kw > inp.grid.room_kw[0] + 1e-6
    expect = int(inp.years[need.argmax()]) if need.any() else NEVER
    assert int(s.reinforce_year[0]) == expect
    assert expect == NEVER or expect >= first_year


def test_reinforcement_cost_is_in_the_accounting() -> None:
    inp = _grid_inputs(2026, 0.0, per_year=None)  # no room: any heat pump or hob needs the station
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    costs = schedule_costs(inp, out.schedule)
    t = int(out.schedule.reinforce_year[0]) - int(inp.years[0])
    assert costs.total_npv_eur() == pytest.approx(out.objective_eur, rel=1e-9)
    assert costs.by_item["grid_reinforcement"].sum() > 0 and 0 <= t < len(inp.years)


def _two_stations(per_year: float, first_year: int) -> ModelInputs:
    """Four blocks behind two stations with no room: every hob or heat pump needs a reinforcement."""
    blocks = make_blocks(4, seed=5)
    sc = small_scenario(years={"start": 2026, "deadline": 2029, "horizon_end": 2030})
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    inp = build_inputs(blocks, sc, nets, sources_table())
    t_ = len(inp.years)
    big = float(inp.elec_kw["hp"].sum() + inp.elec_kw["induction"].sum())
    grid = GridInput(
        element_id=np.array(["S0", "S1"]), kind=np.array(["station", "station"]),
        members=[np.array([0, 1]), np.array([2, 3])], room_kw=np.zeros((2, t_)), step_kw=np.array([big, big]),
        cost_eur=np.array([60_000.0, 60_000.0]), first_year=first_year, per_year=np.full(t_, per_year),
        forced_year=np.array([NEVER, NEVER]), fixed_kw=np.zeros((2, t_)),
    )  # fmt: skip
    return replace(inp, grid=grid)


def test_the_operator_reinforces_at_most_its_yearly_number() -> None:
    inp = _two_stations(per_year=1.0, first_year=2027)
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    years = out.schedule.reinforce_year
    # every block cooks with gas, so both stations must be reinforced before their blocks switch;
    # one a year, and none before 2027
    assert (years < NEVER).all() and years[0] != years[1] and years.min() >= 2027
    # no block's hob or heat pump before its station is reinforced
    s = out.schedule
    for e, m in enumerate(inp.grid.members):
        assert (s.induction_year[m] >= years[e]).all()


def test_the_greedy_start_keeps_the_grid_rows() -> None:
    from heatplan.optimisation.greedy import greedy_schedule
    from heatplan.optimisation.schedule import to_columns

    inp = _two_stations(per_year=1.0, first_year=2027)
    session = Session(inp)
    s = greedy_schedule(inp, session.built.index)
    assert session._feasible(to_columns(inp, session.built.index, s))
    assert sorted(s.reinforce_year.tolist()) == [2027, 2028]


@pytest.mark.parametrize(("first_year", "binds", "earliest"), [(2028, False, 2029), (2029, True, 2030)])
def test_the_diagnosis_counts_the_reinforcements_the_deadline_needs(
    first_year: int, binds: bool, earliest: int
) -> None:
    """Two stations without room: every hob needs its station reinforced, one a year from
    ``first_year``; by the deadline 2029 that is two years' worth from 2028, one from 2029."""
    from heatplan.optimisation import diagnose

    inp = _two_stations(per_year=1.0, first_year=first_year)
    c = diagnose.grid_check(inp)
    assert c is not None
    assert (c.needed_total, c.binds, c.earliest_year) == (2.0, binds, earliest)
    lines = diagnose.explain(inp, [c], None, 2030)
    head = "grid operator's reinforcement capacity of 1 reinforcements/yr"
    named = [line for line in lines if head in line]
    assert bool(named) == binds
    if binds:  # two by 2029 from 2029 on: 2 a year over the one year 2029-2029
        assert "needs at least 2 reinforcements/yr over the 1 years 2029-2029" in named[0]


def test_the_diagnosis_names_a_station_that_cannot_carry_the_deadline_even_reinforced() -> None:
    from heatplan.optimisation import diagnose

    inp = _two_stations(per_year=1.0, first_year=2026)
    g = inp.grid
    small = replace(g, step_kw=np.array([g.step_kw[0], 1.0]))  # S1's reinforcement adds 1 kW
    inp = replace(inp, grid=small)
    lines = diagnose.grid_lines(inp)
    assert len(lines) == 1 and lines[0].endswith(": S1")
    # the model agrees: the deadline cannot be met with the hard rows
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    assert out.schedule is None

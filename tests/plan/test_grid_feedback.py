"""Grid failures become cuts whose limit follows the fixed load's growth (issue 15, docs/grid.md)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from heatplan import failures
from heatplan.failures import Kind
from heatplan.optimisation.grid_rows import GridInput, block_kw, mandatory_kw, schedule_load_kw
from heatplan.optimisation.inputs import NEVER, OPTIONS, build_inputs
from heatplan.optimisation.schedule import Schedule
from heatplan.plan.grid_feedback import MARGIN, grid_feedback
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

CAPACITY_KW = 400.0
GROWTH_KW = 15.0  # fixed load added each year (electric cars)


def _case(fixed0_kw: float) -> tuple:
    """Three blocks behind station S0, all on heat pumps with their hobs from 2026."""
    blocks = make_blocks(3, seed=7)
    sc = small_scenario(years={"start": 2026, "deadline": 2029, "horizon_end": 2030})
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    inp = build_inputs(blocks, sc, nets, sources_table())
    t_ = len(inp.years)
    fixed = fixed0_kw + GROWTH_KW * np.arange(t_)[None, :]
    grid = GridInput(
        element_id=np.array(["S0"]), kind=np.array(["station"]), members=[np.arange(3)],
        room_kw=CAPACITY_KW - fixed, step_kw=np.array([300.0]), cost_eur=np.array([60_000.0]),
        first_year=2026, per_year=None, forced_year=np.array([NEVER]), fixed_kw=fixed,
    )  # fmt: skip
    inp = replace(inp, grid=grid)
    s = Schedule.empty(inp)
    s.option[:] = OPTIONS.index("hp")
    s.switch_year[:] = s.induction_year[:] = 2026
    s.reinforce_year = np.array([NEVER])
    result = SimpleNamespace(session=SimpleNamespace(inputs=inp), schedule=s)
    checker = SimpleNamespace(cut_limits={})
    return inp, s, result, checker


def _failure(year: int, value_pct: float) -> pd.DataFrame:
    row = {"element": "station", "id": "S0", "kind": Kind.OVERLOAD, "value": value_pct, "limit": 100.0,
           "amount": np.nan, "unit": "%", "context": "S0", "remedy": "", "year": year, "regime": "grid",
           "load": "winter peak"}  # fmt: skip
    return pd.DataFrame([row], columns=[*failures.COLUMNS, *failures.STATE_COLUMNS])


def test_a_later_years_cut_leaves_less_where_the_fixed_load_has_grown() -> None:
    inp, s, result, checker = _case(fixed0_kw=300.0)
    added = schedule_load_kw(inp, s)[0]
    k, ind = block_kw(inp)
    assert added[1] == pytest.approx(k[:, OPTIONS.index("hp")].sum() + ind[inp.need_induction].sum())
    fixed_2027 = 300.0 + GROWTH_KW
    out = grid_feedback(_failure(2027, 110.0), checker, result)
    # by hand: the share past the limit of the whole load in 2027, with the margin
    limit = max(added[1] - MARGIN * (1 - 100 / 110) * (fixed_2027 + added[1]), 0.0)
    ubs = [c.ub for c in out.cuts]
    assert len(ubs) == len(inp.years) - 1  # 2027 .. 2030
    must = float(mandatory_kw(inp)[0])
    for j, (year, ub) in enumerate(zip(inp.years[1:], ubs, strict=True)):
        expect = max(limit - GROWTH_KW * j, 0.0)
        assert ub == pytest.approx(max(expect, must) if year >= inp.deadline else expect)
    assert ubs[1] == pytest.approx(ubs[0] - GROWTH_KW)  # 2028: 15 kW less than 2027
    # every cut is on the plan's load and the station's reinforcement, year by year
    assert all({t.kind for t in c.terms} == {"grid_load", "reinforce"} for c in out.cuts)


def test_a_failure_with_none_of_the_plans_load_is_named_not_cut() -> None:
    _, s, result, checker = _case(fixed0_kw=300.0)
    s.option[:] = -1
    s.switch_year[:] = s.induction_year[:] = NEVER
    out = grid_feedback(_failure(2027, 110.0), checker, result)
    assert out.cuts == [] and [a.why for a in out.actions] == ["base_load"]

"""Property tests (hypothesis) on tiny random instances."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.checker import check
from heatplan.optimisation.inputs import ModelInputs
from heatplan.optimisation.results import block_table, edge_table
from heatplan.optimisation.solve import Session
from tests.optimisation.helpers import instance

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(min_value=0, max_value=1000)
caps = st.floats(min_value=15.0, max_value=120.0)


def _opt(inp: ModelInputs) -> float:
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0, start=None)
    assume(out.status == "optimal")
    return out.objective_eur


def _scaled(inp: ModelInputs, k: float) -> ModelInputs:
    """Every price and cost figure times k (national costs: every carrier's price, EUR included)."""
    assert inp.window is not None
    window = dataclasses.replace(inp.window, price={c: p * k for c, p in inp.window.price.items()})
    return dataclasses.replace(
        inp,
        window=window,
        gas_eur_per_m3=inp.gas_eur_per_m3 * k,
        gas_only_eur_per_m3=inp.gas_only_eur_per_m3 * k,
    )


@SETTINGS
@given(seed=seeds, cap=caps, n=st.integers(2, 4))
def test_relaxing_capacity_never_raises_the_optimum(seed: int, cap: float, n: int) -> None:
    tight = _opt(instance(n=n, seed=seed, capacity={"switch_dwellings_per_yr": cap}))
    loose = _opt(instance(n=n, seed=seed, capacity={"switch_dwellings_per_yr": cap * 1.5}))
    free = _opt(instance(n=n, seed=seed, capacity={"switch_dwellings_per_yr": None}))
    assert loose <= tight + 1e-6 * abs(tight)
    assert free <= loose + 1e-6 * abs(loose)


@SETTINGS
@given(seed=seeds, n=st.integers(2, 4))
def test_doubling_all_prices_doubles_the_optimum(seed: int, n: int) -> None:
    inp = instance(n=n, seed=seed)
    assert _opt(_scaled(inp, 2.0)) == pytest.approx(2.0 * _opt(inp), rel=1e-7)


@SETTINGS
@given(seed=seeds, cap=st.one_of(st.none(), caps), n=st.integers(2, 5), gas=st.floats(0.05, 3.0))
def test_every_schedule_passes_the_checker(seed: int, cap: float | None, n: int, gas: float) -> None:
    inp = instance(
        n=n, seed=seed, capacity={"switch_dwellings_per_yr": cap}, prices={"gas_eur_per_m3": {2026: gas}}
    )
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    assume(out.schedule is not None)
    s = out.schedule
    costs = schedule_costs(inp, s)
    assert check(inp, block_table(inp, s, costs), edge_table(inp, s)) == []
    assert costs.total_npv_eur() == pytest.approx(out.objective_eur, rel=1e-7)

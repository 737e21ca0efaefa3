"""The model's optimum equals a brute-force enumeration of all schedules (same cost model)."""

from __future__ import annotations

import pytest

from heatplan.optimisation.inputs import build_inputs
from heatplan.optimisation.solve import Session
from tests.optimisation.bruteforce import brute_force
from tests.optimisation.helpers import make_blocks, small_scenario, sources_table, tree_network

LEVEL_2_EUR = {"housing_level_for_corporation_tenants": True, "housing_level_tolerance_eur_per_month": 2.0}
CASES = {
    "three_options": dict(n=3, seed=1, scenario={}),
    "capacity_binds": dict(n=3, seed=2, scenario={"capacity": {"switch_dwellings_per_yr": 45.0}}),
    "networks_only": dict(n=4, seed=3, scenario={"options": {"allowed": ("mt", "lt")}}),
    # corporation tenants held level within 2 EUR: MT out, LT only in its later years, or a heat pump
    "housing_level": dict(n=3, seed=5, scenario={"end_user": LEVEL_2_EUR}),
    "low_gas_price": dict(
        n=3, seed=4, scenario={"prices": {"gas_eur_per_m3": {2026: 0.2}, "co2_eur_per_t": {2026: 0.0}}}
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_optimum_equals_brute_force(case: str) -> None:
    spec = CASES[case]
    blocks = make_blocks(spec["n"], seed=spec["seed"])
    if case == "networks_only":
        blocks.loc[[0, 2], "cooking"] = "induction"  # fewer schedules to enumerate
    years = {"start": 2026, "deadline": 2028, "horizon_end": 2030}
    sc = small_scenario(years=years, **spec["scenario"])
    nets = {"mt": tree_network(blocks, "mt"), "lt": tree_network(blocks, "lt", source_id="s2")}
    inp = build_inputs(blocks, sc, nets, sources_table())
    out = Session(inp).solve(time_limit_s=30, mip_gap=0.0)
    best, _ = brute_force(inp)
    assert out.status == "optimal"
    assert out.objective_eur == pytest.approx(best, rel=1e-7)

"""One test per constraint family: with the family the schedule passes the checker; without it
the optimum drops (the family binds) and the checker finds the violation it prevents."""

from __future__ import annotations

import pytest

from heatplan.optimisation.accounting import schedule_costs
from heatplan.optimisation.checker import check
from heatplan.optimisation.inputs import ModelInputs
from heatplan.optimisation.results import block_table, edge_table
from heatplan.optimisation.solve import Session
from heatplan.scenario import Pin
from tests.optimisation.helpers import instance

CHEAP_NET = {"eur_per_m": 50.0}
LOW_GAS = {"gas_eur_per_m3": {2026: 0.05}, "co2_eur_per_t": {2026: 0.0}}
EARLY = Pin(block_id="b0", measure="connection", year=2026)
LATE = Pin(block_id="b0", measure="connection", year=2028)
CASES = {
    "monotone": ({"prices": LOW_GAS, "pins": (EARLY,)}, ""),
    "one_option": ({"prices": {"gas_eur_per_m3": {2026: 30.0}}, **CHEAP_NET}, ""),
    "deadline": ({"prices": LOW_GAS}, "deadline"),
    "insulation_before_switch": ({"options": {"allowed": ("hp",)}}, "without insulation"),
    "induction_before_disconnect": ({"prices": LOW_GAS, "pins": (EARLY,)}, "before induction"),
    "network_path": (
        {"options": {"allowed": ("mt",)}},
        "",
    ),  # reading a schedule builds segments at first use
    "capacity": ({"capacity": {"switch_dwellings_per_yr": 40.0}}, "dwellings switched"),
    "pace_floor": ({"prices": LOW_GAS, "programme": {"min_switch_dwellings_per_yr": 20.0}}, "pace floor"),
    "induction_window": (
        {
            "prices": {"gas_eur_per_m3": {2026: 30.0}},
            "pins": (LATE,),
            "programme": {"induction_max_years_before_switch": 0},
        },
        "years before the heat switch",
    ),
    "corporation_labels": (
        {"prices": LOW_GAS, "programme": {"corporation_efg_gone_by": 2026}},  # b1: corporation, label E
        "not insulated by 2026",
    ),
    "budget": ({"budget": {"total_eur_per_yr": 700_000.0}}, "over the budget"),
    "source_capacity": ({"options": {"allowed": ("mt", "hp")}, "_mt_mw": 0.05, **CHEAP_NET}, "over capacity"),
    "edge_capacity": (
        {"options": {"allowed": ("mt", "hp")}, "_cap_factor": 0.4, **CHEAP_NET},
        "over capacity",
    ),
    "pins": (
        {"pins": (Pin(block_id="b0", measure="connection", year=2026, name="pilot street"),)},
        "pilot street",
    ),
}


def _inputs(spec: dict) -> ModelInputs:
    kw = {k: v for k, v in spec.items() if not k.startswith("_") and k != "eur_per_m"}
    return instance(
        n=3,
        seed=1,
        mt_mw=spec.get("_mt_mw", 50.0),
        cap_factor=spec.get("_cap_factor", 2.0),
        eur_per_m=spec.get("eur_per_m", 1500.0),
        **kw,
    )


def _solve(inp: ModelInputs, skip: tuple[str, ...] = ()) -> tuple[float, list[str]]:
    out = Session(inp, skip=skip).solve(time_limit_s=30, mip_gap=0.0, start=None)
    assert out.schedule is not None
    s = out.schedule
    return out.objective_eur, check(inp, block_table(inp, s, schedule_costs(inp, s)), edge_table(inp, s))


@pytest.mark.parametrize("family", list(CASES))
def test_family_binds(family: str) -> None:
    spec, violation = CASES[family]
    inp = _inputs(spec)
    full, problems = _solve(inp)
    assert problems == []
    relaxed, relaxed_problems = _solve(inp, skip=(family,))
    assert relaxed < full - 1e-6 * abs(full)
    if violation:
        assert any(violation in p for p in relaxed_problems), relaxed_problems
